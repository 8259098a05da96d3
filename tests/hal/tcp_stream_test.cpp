// TCP on the loopback interface only: these tests must pass on a machine without a network.
#include "meso/hal/tcp_stream.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <stdexcept>

#include "stream_test_support.hpp"

namespace meso::hal::test {
namespace {

using tcp = asio::ip::tcp;

// A listening socket on 127.0.0.1 with a port the system picked.
struct Listener {
  asio::io_context& io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  std::unique_ptr<FdStream> accepted;

  explicit Listener(asio::io_context& io_in) : io(io_in) {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (!ec) accepted = std::make_unique<FdStream>(io, UniqueFd(socket.release()), "accepted");
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
};

TEST(TcpStream, LoopbackBytesCrossBothWays) {
  asio::io_context io;
  Listener listener(io);
  auto client = connect_tcp_stream(io, "127.0.0.1", listener.port(), 2000ms);
  ASSERT_TRUE(run_until(io, [&] { return listener.accepted != nullptr; }));
  EXPECT_EQ(client->describe(), "tcp 127.0.0.1:" + std::to_string(listener.port()));

  int no_delay = 0;
  socklen_t size = sizeof no_delay;
  ASSERT_EQ(::getsockopt(client->native_handle(), IPPROTO_TCP, TCP_NODELAY, &no_delay, &size), 0);
  EXPECT_NE(no_delay, 0) << "small frames must not wait for Nagle";

  Recorder at_client;
  Recorder at_server;
  at_client.attach(*client);
  at_server.attach(*listener.accepted);
  const auto to_server = payload(std::size_t{64} * 1024, 21);
  const auto to_client = payload(std::size_t{64} * 1024, 22);
  write_in_pieces(*client, to_server);
  write_in_pieces(*listener.accepted, to_client);
  ASSERT_TRUE(run_until(io, [&] {
    return at_server.bytes.size() >= to_server.size() && at_client.bytes.size() >= to_client.size();
  }));
  EXPECT_EQ(at_server.bytes, to_server);
  EXPECT_EQ(at_client.bytes, to_client);
}

TEST(TcpStream, PeerClosingIsAHangUp) {
  asio::io_context io;
  Listener listener(io);
  auto client = connect_tcp_stream(io, "127.0.0.1", listener.port(), 2000ms);
  ASSERT_TRUE(run_until(io, [&] { return listener.accepted != nullptr; }));
  Recorder at_client;
  at_client.attach(*client);
  listener.accepted.reset();
  ASSERT_TRUE(run_until(io, [&] { return !at_client.closed.empty(); }));
  run_for(io, 20ms);
  ASSERT_EQ(at_client.closed.size(), 1U);
  EXPECT_EQ(at_client.closed.front().rfind("hang-up", 0), 0U) << at_client.closed.front();
}

TEST(TcpStream, AClosedPortIsAClearError) {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    const Listener listener(io);  // a port that was free a moment ago and is closed again now
    port = listener.port();
  }
  try {
    connect_tcp_stream(io, "127.0.0.1", port, 2000ms);
    FAIL() << "connected to a closed port";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << what;
    EXPECT_NE(what.find("refused"), std::string::npos) << what;
  }
}

TEST(TcpStream, AsyncConnectReportsThroughItsHandler) {
  asio::io_context io;
  Listener listener(io);
  std::unique_ptr<FdStream> connected;
  std::string error = "not called";
  auto pending = async_connect_tcp_stream(io, "localhost", listener.port(), 2000ms,
                                          [&](std::unique_ptr<FdStream> stream, const std::string& why) {
                                            connected = std::move(stream);
                                            error = why;
                                          });
  ASSERT_TRUE(run_until(io, [&] { return error != "not called"; }));
  EXPECT_EQ(error, "");
  ASSERT_NE(connected, nullptr);
  EXPECT_TRUE(connected->is_open());
}

TEST(TcpStream, AnAbandonedConnectNeverCallsItsHandler) {
  asio::io_context io;
  Listener listener(io);
  bool called = false;
  auto pending =
      async_connect_tcp_stream(io, "127.0.0.1", listener.port(), 2000ms,
                               [&](std::unique_ptr<FdStream>, const std::string&) { called = true; });
  pending.reset();
  run_for(io, 50ms);
  EXPECT_FALSE(called);
}

// A loopback listener that never accepts, with the smallest backlog: once its queue is full Linux drops
// further SYNs, so the next connect hangs as it would towards an unreachable host, and only the timer ends
// it.
TEST(TcpStream, TheConnectTimeoutFires) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(listener);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener.get(), 0), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::uint16_t port = ntohs(address.sin_port);

  asio::io_context io;
  std::vector<std::unique_ptr<FdStream>> fillers;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto started = std::chrono::steady_clock::now();
    try {
      fillers.push_back(connect_tcp_stream(io, "127.0.0.1", port, 300ms));
    } catch (const std::runtime_error& e) {
      const auto took = std::chrono::steady_clock::now() - started;
      EXPECT_NE(std::string(e.what()).find("no connection within 300 ms"), std::string::npos) << e.what();
      EXPECT_GE(took, 290ms);
      EXPECT_LT(took, 2000ms);
      return;
    }
  }
  GTEST_SKIP() << "this kernel kept accepting into a full backlog; the timeout could not be provoked";
}

}  // namespace
}  // namespace meso::hal::test
