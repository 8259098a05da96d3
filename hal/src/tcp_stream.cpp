#include "meso/hal/tcp_stream.hpp"

#include <stdexcept>
#include <utility>

#include "meso/hal/tcp_endpoint.hpp"

namespace meso::hal {

using tcp = asio::ip::tcp;

struct PendingTcpConnect::State {
  explicit State(asio::io_context& io_in) : io(io_in), resolver(io_in), socket(io_in), deadline(io_in) {}

  asio::io_context& io;
  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer deadline;
  std::string description;  // "tcp host:port"
  std::chrono::milliseconds timeout{};
  TcpConnectHandler on_done;
  bool finished = false;
};

namespace {

using ConnectState = PendingTcpConnect::State;
using ConnectPtr = std::shared_ptr<ConnectState>;

std::string describe_endpoint(const std::string& host, std::uint16_t port) {
  return "tcp " + to_string(TcpEndpoint{host, port});
}

void complete(const ConnectPtr& s, std::unique_ptr<FdStream> stream, const std::string& error) {
  if (s->finished) return;
  s->finished = true;
  boost::system::error_code ignored;
  s->deadline.cancel(ignored);
  TcpConnectHandler handler = std::move(s->on_done);
  if (handler) handler(std::move(stream), error);
}

void fail(const ConnectPtr& s, const std::string& why) {
  boost::system::error_code ignored;
  s->socket.close(ignored);
  complete(s, nullptr, s->description + ": " + why);
}

std::string timeout_text(const ConnectState& s) {
  return "no connection within " + std::to_string(s.timeout.count()) + " ms (is the host reachable?)";
}

void on_connected(const ConnectPtr& s, const boost::system::error_code& ec) {
  if (s->finished) return;
  if (ec) {
    std::string why = ec.message();
    if (ec == asio::error::connection_refused) why += " (is the simulator listening there?)";
    return fail(s, why);
  }
  boost::system::error_code option_error;
  s->socket.set_option(tcp::no_delay(true), option_error);
  if (option_error) return fail(s, "cannot set TCP_NODELAY: " + option_error.message());
  try {
    // The socket leaves Asio's socket service and is watched as a plain descriptor from here on.
    auto stream = std::make_unique<FdStream>(s->io, UniqueFd(s->socket.release()), s->description);
    complete(s, std::move(stream), {});
  } catch (const std::exception& e) {
    fail(s, e.what());
  }
}

void on_resolved(const ConnectPtr& s, const boost::system::error_code& ec,
                 const tcp::resolver::results_type& found) {
  if (s->finished) return;
  if (ec) return fail(s, "cannot resolve the host: " + ec.message());
  // Tries each address in turn; the deadline closing the socket ends the whole sequence, because the
  // composed operation stops when it finds the socket closed.
  asio::async_connect(s->socket, found,
                      [s](const boost::system::error_code& connect_error, const tcp::endpoint&) {
                        on_connected(s, connect_error);
                      });
}

}  // namespace

PendingTcpConnect::PendingTcpConnect(std::shared_ptr<ConnectState> state) : state_(std::move(state)) {}

PendingTcpConnect::~PendingTcpConnect() {
  cancel();
}

void PendingTcpConnect::cancel() {
  auto& s = *state_;
  if (s.finished) return;
  s.finished = true;
  s.on_done = nullptr;
  boost::system::error_code ignored;
  s.resolver.cancel();
  s.socket.close(ignored);
  s.deadline.cancel(ignored);
}

std::unique_ptr<PendingTcpConnect> async_connect_tcp_stream(asio::io_context& io, const std::string& host,
                                                            std::uint16_t port,
                                                            std::chrono::milliseconds timeout,
                                                            TcpConnectHandler on_done) {
  auto s = std::make_shared<ConnectState>(io);
  s->description = describe_endpoint(host, port);
  s->timeout = timeout;
  s->on_done = std::move(on_done);

  s->deadline.expires_after(timeout);
  s->deadline.async_wait([s](const boost::system::error_code& ec) {
    if (ec || s->finished) return;
    // Reported now rather than when the cancelled operation completes: a resolution stuck in
    // getaddrinfo() on Asio's resolver thread cannot be interrupted, only abandoned.
    s->resolver.cancel();
    fail(s, timeout_text(*s));
  });
  s->resolver.async_resolve(host, std::to_string(port),
                            [s](const boost::system::error_code& ec,
                                const tcp::resolver::results_type& found) { on_resolved(s, ec, found); });
  return std::make_unique<PendingTcpConnect>(s);
}

std::unique_ptr<FdStream> connect_tcp_stream(asio::io_context& io, const std::string& host,
                                             std::uint16_t port, std::chrono::milliseconds timeout) {
  std::unique_ptr<FdStream> connected;
  std::string error;
  bool done = false;
  const auto pending = async_connect_tcp_stream(
      io, host, port, timeout, [&](std::unique_ptr<FdStream> stream, const std::string& why) {
        connected = std::move(stream);
        error = why;
        done = true;
      });
  if (io.stopped()) io.restart();
  while (!done && io.run_one() > 0) {
  }
  if (!done)
    throw std::runtime_error(describe_endpoint(host, port) + ": the io_context stopped before the end");
  if (!connected) throw std::runtime_error(error);
  return connected;
}

}  // namespace meso::hal
