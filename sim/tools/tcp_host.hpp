// Serves a simulated device over TCP, one connection at a time: the next client waits in the backlog
// until the current one leaves. An unplug closes the connection and the listening socket, so connection
// attempts are refused until the device is back.
#pragma once

#include <ostream>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/sim/device_runner.hpp"
#include "mesosim_options.hpp"

namespace meso::sim::tools {

class TcpHost {
 public:
  // Resolves the endpoint now; throws std::runtime_error when it cannot.
  TcpHost(asio::io_context& io, const TcpEndpoint& endpoint, std::ostream& out);

  // Listens, prints "listening HOST:PORT" (the real port when 0 was asked) and accepts.
  void start(DeviceRunner& runner);
  void unplug(milliseconds for_ms);
  void disconnected(const std::string& reason);
  void stop();

 private:
  void listen();
  void accept();

  asio::io_context& io_;
  asio::ip::tcp::endpoint endpoint_;
  std::ostream& out_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer replug_timer_;
  DeviceRunner* runner_ = nullptr;
  bool stopped_ = false;
};

}  // namespace meso::sim::tools
