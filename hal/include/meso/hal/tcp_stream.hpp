// A TCP client connection as a byte stream: the simulator (or a device behind a serial-to-Ethernet bridge)
// reached over the network. Once connected it is an FdStream over the socket, with TCP_NODELAY on, since
// the link layer's small frames must not wait for Nagle's algorithm; end of stream and reset are hang-ups.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/fd_stream.hpp"

namespace meso::hal {

// On success `stream` is connected and `error` empty; otherwise `stream` is null and `error` says why
// ("tcp 127.0.0.1:5000: Connection refused (is the simulator listening there?)").
using TcpConnectHandler = std::function<void(std::unique_ptr<FdStream> stream, const std::string& error)>;

// A connection attempt in progress. Destroying it (or cancel()) abandons the attempt: the handler is then
// never called, so its owner may go away first.
class PendingTcpConnect {
 public:
  struct State;
  explicit PendingTcpConnect(std::shared_ptr<State> state);
  PendingTcpConnect(const PendingTcpConnect&) = delete;
  PendingTcpConnect& operator=(const PendingTcpConnect&) = delete;
  ~PendingTcpConnect();

  void cancel();

 private:
  std::shared_ptr<State> state_;
};

// Resolves `host` and connects within `timeout` (resolution included); the deadline is a timer that
// closes the socket, since Asio 1.18 has no per-operation cancellation. The handler runs on the io_context.
[[nodiscard]] std::unique_ptr<PendingTcpConnect> async_connect_tcp_stream(asio::io_context& io,
                                                                          const std::string& host,
                                                                          std::uint16_t port,
                                                                          std::chrono::milliseconds timeout,
                                                                          TcpConnectHandler on_done);

// For command-line tools only: runs `io` (restarting it if it was stopped) until the attempt ends, which
// also runs any other handlers queued there. Never call it on the station's thread. Throws
// std::runtime_error with the reason.
std::unique_ptr<FdStream> connect_tcp_stream(asio::io_context& io, const std::string& host,
                                             std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace meso::hal
