#include "tcp_host.hpp"

#include <iostream>

#include "meso/hal/fd_stream.hpp"

namespace meso::sim::tools {

namespace {

asio::ip::tcp::endpoint resolve(asio::io_context& io, const TcpEndpoint& endpoint) {
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve " + endpoint.host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

TcpHost::TcpHost(asio::io_context& io, const TcpEndpoint& endpoint, std::ostream& out)
    : io_(io), endpoint_(resolve(io, endpoint)), out_(out), acceptor_(io), socket_(io), replug_timer_(io) {}

void TcpHost::start(DeviceRunner& runner) {
  runner_ = &runner;
  listen();
  out_ << "listening " << endpoint_.address().to_string() << ':' << endpoint_.port() << std::endl;
  accept();
}

void TcpHost::listen() {
  acceptor_.open(endpoint_.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint_);
  acceptor_.listen();
  endpoint_ = acceptor_.local_endpoint();  // the real port, so a re-plug comes back on the same one
}

void TcpHost::accept() {
  if (stopped_ || !acceptor_.is_open()) return;
  acceptor_.async_accept(socket_, [this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    socket_.set_option(asio::ip::tcp::no_delay(true));  // small frames must not wait for Nagle
    std::string peer = "tcp client";
    boost::system::error_code peer_ec;
    if (const auto remote = socket_.remote_endpoint(peer_ec); !peer_ec) {
      peer = "tcp " + remote.address().to_string() + ":" + std::to_string(remote.port());
    }
    std::cerr << "mesosim: connection from " << peer << std::endl;
    // The socket becomes an FdStream like every other port; socket_ is free for the next accept.
    runner_->attach(std::make_unique<hal::FdStream>(io_, hal::UniqueFd(socket_.release()), peer));
  });
}

void TcpHost::disconnected(const std::string& reason) {
  std::cerr << "mesosim: connection closed (" << reason << ")" << std::endl;
  accept();
}

void TcpHost::unplug(milliseconds for_ms) {
  std::cerr << "mesosim: unplugged for " << for_ms.count() << " ms" << std::endl;
  boost::system::error_code ignored;
  acceptor_.close(ignored);  // connection attempts are refused meanwhile
  replug_timer_.expires_after(for_ms);
  replug_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    listen();
    accept();
  });
}

void TcpHost::stop() {
  stopped_ = true;
  replug_timer_.cancel();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  socket_.close(ignored);
}

}  // namespace meso::sim::tools
