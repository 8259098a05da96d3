#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "meso/hal/fd_stream.hpp"
#include "meso/hal/pty.hpp"
#include "stream_test_support.hpp"

namespace meso::hal::test {
namespace {

// The simulator's side and the station's side of one pty.
struct PtyFixture {
  asio::io_context io;
  PtyPair pty = create_pty();
  std::unique_ptr<FdStream> station;
  std::unique_ptr<FdStream> device;
  Recorder at_station;
  Recorder at_device;

  PtyFixture() {
    // The slave is opened first: a master with no slave open reads as a hang-up.
    station = open_pty_stream(io, pty.slave_path);
    device = std::make_unique<FdStream>(io, std::move(pty.master), "pty master");
    at_station.attach(*station);
    at_device.attach(*device);
  }
};

TEST(PtyStream, DescribesItselfByItsPath) {
  PtyFixture f;
  EXPECT_EQ(f.station->describe(), "pty " + f.pty.slave_path);
  EXPECT_TRUE(f.station->is_open());
}

TEST(PtyStream, A64KiBPayloadCrossesBothWaysInOrder) {
  PtyFixture f;
  const auto to_device = payload(std::size_t{64} * 1024, 11);
  const auto to_station = payload(std::size_t{64} * 1024, 12);
  // Both at once, far more than the pty buffers hold: the writes must queue and wait for the reader.
  write_in_pieces(*f.station, to_device);
  write_in_pieces(*f.device, to_station);
  ASSERT_TRUE(run_until(f.io,
                        [&] {
                          return f.at_device.bytes.size() >= to_device.size() &&
                                 f.at_station.bytes.size() >= to_station.size();
                        }))
      << "device got " << f.at_device.bytes.size() << ", station got " << f.at_station.bytes.size();
  EXPECT_EQ(f.at_device.bytes, to_device);
  EXPECT_EQ(f.at_station.bytes, to_station);
  EXPECT_EQ(f.station->queued_bytes(), 0U);
  EXPECT_TRUE(f.at_station.closed.empty());
}

TEST(PtyStream, BytesAlreadyWaitingBeforeStartAreDelivered) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_pty_stream(io, pty.slave_path);
  const std::uint8_t hello[] = {'h', 'i', 0x00, 0x0d, 0x0a};
  ASSERT_EQ(::write(pty.master.get(), hello, sizeof hello), static_cast<ssize_t>(sizeof hello));
  Recorder at_station;
  at_station.attach(*station);
  ASSERT_TRUE(run_until(io, [&] { return at_station.bytes.size() == sizeof hello; }));
  // Raw mode: CR stays CR and nothing is echoed back to the master.
  EXPECT_EQ(at_station.bytes, std::vector<std::uint8_t>(std::begin(hello), std::end(hello)));
}

TEST(PtyStream, MasterClosingIsAHangUpReportedOnce) {
  PtyFixture f;
  f.device.reset();
  ASSERT_TRUE(run_until(f.io, [&] { return !f.at_station.closed.empty(); }));
  f.station->write(payload(100, 3));  // after the hang-up: dropped, not a second report
  run_for(f.io, 50ms);
  ASSERT_EQ(f.at_station.closed.size(), 1U);
  EXPECT_EQ(f.at_station.closed.front(), "hang-up");
  EXPECT_FALSE(f.station->is_open());
}

TEST(PtyStream, SlaveClosingIsAHangUpForTheMaster) {
  PtyFixture f;
  f.station->close();
  ASSERT_TRUE(run_until(f.io, [&] { return !f.at_device.closed.empty(); }));
  EXPECT_EQ(f.at_device.closed.front(), "hang-up");
  EXPECT_TRUE(f.at_station.closed.empty()) << "close() does not report to its own caller";
}

TEST(PtyStream, HeldSlaveKeepsTheMasterOpenUntilTheStationComes) {
  asio::io_context io;
  PtyPair pty = create_pty(PtyOptions{.hold_slave_open = true});
  const std::string slave_path = pty.slave_path;
  FdStream device(io, std::move(pty.master), "pty master");
  Recorder at_device;
  at_device.attach(device);
  run_for(io, 50ms);
  EXPECT_TRUE(at_device.closed.empty()) << at_device.closed.front();

  auto station = open_pty_stream(io, slave_path);
  const auto hello = payload(300, 5);
  station->write(hello);
  ASSERT_TRUE(run_until(io, [&] { return at_device.bytes.size() == hello.size(); }));
  EXPECT_EQ(at_device.bytes, hello);
}

TEST(PtyStream, ASymlinkIsFollowedAndNamed) {
  asio::io_context io;
  PtyPair pty = create_pty(PtyOptions{.hold_slave_open = true});
  const auto link = std::filesystem::temp_directory_path() / ("meso-pty-test-" + std::to_string(::getpid()));
  std::filesystem::remove(link);
  std::filesystem::create_symlink(pty.slave_path, link);
  EXPECT_TRUE(is_pty_path(link.string()));
  auto station = open_pty_stream(io, link.string());
  EXPECT_EQ(station->describe(), "pty " + link.string() + " (" + pty.slave_path + ")");
  std::filesystem::remove(link);
}

TEST(PtyStream, IsPtyPathTellsPtysFromOtherFiles) {
  PtyPair pty = create_pty();
  EXPECT_TRUE(is_pty_path(pty.slave_path));
  EXPECT_FALSE(is_pty_path("/dev/null"));
  EXPECT_FALSE(is_pty_path("/nonexistent/pts/7"));
}

TEST(PtyStream, AMissingPathIsAClearError) {
  asio::io_context io;
  try {
    open_pty_stream(io, "/dev/pts/987654");
    FAIL() << "opened a pty that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/pts/987654"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace meso::hal::test
