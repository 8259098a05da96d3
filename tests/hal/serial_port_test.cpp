// Real serial hardware is not assumed here: the tests cover the error paths, the pty fallback that lets
// `--port /dev/pts/N` work, and the settings text.
#include "meso/hal/serial_port.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "meso/hal/pty.hpp"
#include "stream_test_support.hpp"

namespace meso::hal::test {
namespace {

std::string open_error(const std::string& path) {
  asio::io_context io;
  try {
    open_serial_stream(io, SerialSettings{.path = path});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(opened)";
}

TEST(SerialPort, AMissingDeviceIsAnErrorNamingThePathAndWhatToCheck) {
  const std::string what = open_error("/dev/ttyUSB_meso_missing");
  EXPECT_NE(what.find("/dev/ttyUSB_meso_missing"), std::string::npos) << what;
  EXPECT_NE(what.find("plugged in"), std::string::npos) << what;
}

TEST(SerialPort, ARegularFileIsNotAPort) {
  const auto path =
      std::filesystem::temp_directory_path() / ("meso-serial-test-not-a-port-" + std::to_string(::getpid()));
  std::ofstream(path) << "x";
  const std::string what = open_error(path.string());
  std::filesystem::remove(path);
  EXPECT_NE(what.find(path.string()), std::string::npos) << what;
  EXPECT_EQ(what.find("(opened)"), std::string::npos) << what;
}

TEST(SerialPort, APtyPathFallsBackToThePtyOpener) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_serial_stream(io, SerialSettings{.path = pty.slave_path, .baud = 9600});
  EXPECT_TRUE(station->is_pty());
  EXPECT_FALSE(station->low_latency_enabled());
  EXPECT_EQ(station->low_latency_note(), "not supported by this driver (pty)");
  EXPECT_EQ(station->describe(), "pty " + pty.slave_path);

  FdStream device(io, std::move(pty.master), "pty master");
  Recorder at_device;
  Recorder at_station;
  at_device.attach(device);
  at_station.attach(*station);
  const auto frame = payload(200, 31);
  station->write(frame);
  device.write(frame);
  ASSERT_TRUE(run_until(io, [&] { return at_device.bytes.size() == 200 && at_station.bytes.size() == 200; }));
  EXPECT_EQ(at_device.bytes, frame);
  EXPECT_EQ(at_station.bytes, frame);
}

TEST(SerialPort, LowLatencyOnAPtyIsReportedAsUnsupported) {
  PtyPair pty = create_pty(PtyOptions{.hold_slave_open = true});
  const LowLatencyStatus status = request_low_latency(pty.slave_hold.get());
  EXPECT_FALSE(status.enabled);
  EXPECT_EQ(status.note, "not supported by this driver");
}

TEST(SerialPort, LineSettingsReadAsUsual) {
  EXPECT_EQ(format_line_settings(SerialSettings{}), "115200 8N1");
  EXPECT_EQ(format_line_settings(SerialSettings{.path = "/dev/ttyUSB0",
                                                .baud = 9600,
                                                .parity = Parity::even,
                                                .data_bits = 7,
                                                .stop_bits = 2,
                                                .flow_control = FlowControl::rts_cts}),
            "9600 7E2 rts/cts");
}

}  // namespace
}  // namespace meso::hal::test
