// Lifetime and failure paths of FdStream, the engine under the pty, serial and TCP streams. Meant to be run
// under ASan as well: a handler touching a destroyed stream shows up there.
#include "meso/hal/fd_stream.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "meso/hal/pty.hpp"
#include "stream_test_support.hpp"

namespace meso::hal::test {
namespace {

TEST(FdStream, DestroyedWithReadAndWritePending) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_pty_stream(io, pty.slave_path);
  Recorder at_station;
  at_station.attach(*station);
  // Nobody reads the master, so most of this waits in the queue behind a pending write wait.
  station->write(payload(std::size_t{256} * 1024, 1));
  run_for(io, 20ms);
  ASSERT_GT(station->queued_bytes(), 0U);
  station.reset();
  run_for(io, 20ms);  // the aborted waits complete against the shared state, not the stream
  EXPECT_TRUE(at_station.closed.empty());
}

TEST(FdStream, DestroyedBeforeTheIoContextEverRan) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_pty_stream(io, pty.slave_path);
  Recorder at_station;
  at_station.attach(*station);  // posts the first read
  station->write(payload(std::size_t{256} * 1024, 2));
  station.reset();
  run_for(io, 20ms);
  EXPECT_TRUE(at_station.bytes.empty());
}

TEST(FdStream, DestroyedByItsOwnBytesHandler) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_pty_stream(io, pty.slave_path);
  int calls = 0;
  station->start(
      [&](std::span<const std::uint8_t>) {
        ++calls;
        station.reset();  // the handler's owner gives up on the device mid-read
      },
      [](const std::string&) {});
  const auto data = payload(3000, 3);
  ASSERT_EQ(::write(pty.master.get(), data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ASSERT_TRUE(run_until(io, [&] { return calls > 0; }));
  run_for(io, 20ms);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(station, nullptr);
}

TEST(FdStream, DestroyedByItsOwnClosedHandler) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_pty_stream(io, pty.slave_path);
  int closes = 0;
  station->start([](std::span<const std::uint8_t>) {},
                 [&](const std::string&) {
                   ++closes;
                   station.reset();
                 });
  pty.master.reset();
  ASSERT_TRUE(run_until(io, [&] { return closes > 0; }));
  run_for(io, 20ms);
  EXPECT_EQ(closes, 1);
}

TEST(FdStream, CloseStopsDeliveryAndReportsNothing) {
  asio::io_context io;
  PtyPair pty = create_pty();
  auto station = open_pty_stream(io, pty.slave_path);
  Recorder at_station;
  at_station.attach(*station);
  station->close();
  station->close();
  const auto data = payload(100, 4);
  (void)::write(pty.master.get(), data.data(), data.size());
  station->write(data);
  run_for(io, 30ms);
  EXPECT_TRUE(at_station.bytes.empty());
  EXPECT_TRUE(at_station.closed.empty());
  EXPECT_FALSE(station->is_open());
  EXPECT_EQ(station->native_handle(), -1);
}

// A socket whose peer has gone must end the stream, not kill the process with SIGPIPE.
TEST(FdStream, WritingToAVanishedSocketPeerIsAHangUp) {
  asio::io_context io;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  UniqueFd peer(fds[1]);
  FdStream stream(io, UniqueFd(fds[0]), "socketpair");
  peer.reset();
  stream.write(payload(10, 5));  // no start(): the failure must still not run inside write()
  Recorder at_stream;
  at_stream.attach(stream);
  ASSERT_TRUE(run_until(io, [&] { return !at_stream.closed.empty(); }));
  run_for(io, 20ms);
  ASSERT_EQ(at_stream.closed.size(), 1U);
  EXPECT_EQ(at_stream.closed.front().rfind("hang-up", 0), 0U) << at_stream.closed.front();
}

TEST(FdStream, ARegularFileEndsTheStreamRatherThanHanging) {
  asio::io_context io;
  // epoll refuses regular files, so no wait would ever complete; the first read already ends the stream.
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  FdStream stream(io, UniqueFd(::dup(::fileno(file))), "a file");
  std::fclose(file);
  Recorder at_stream;
  at_stream.attach(stream);
  ASSERT_TRUE(run_until(io, [&] { return !at_stream.closed.empty(); }));
  EXPECT_EQ(at_stream.closed.size(), 1U);
}

}  // namespace
}  // namespace meso::hal::test
