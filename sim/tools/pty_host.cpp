#include "pty_host.hpp"

#include <unistd.h>

#include <iostream>

#include "unbuffered_line.hpp"

namespace meso::sim::tools {

PtyHost::PtyHost(asio::io_context& io, std::optional<std::filesystem::path> link, std::ostream& out)
    : io_(io), link_(std::move(link)), out_(out), replug_timer_(io) {}

void PtyHost::start(DeviceRunner& runner) {
  runner_ = &runner;
  plug_in(true);
}

void PtyHost::plug_in(bool first) {
  // The slave stays open here, so a station that closes and reopens its port finds the device still there,
  // as with a real adapter; only an unplug makes it go away.
  hal::PtyPair pty = hal::create_pty(hal::PtyOptions{.hold_slave_open = true});
  slave_hold_ = std::move(pty.slave_hold);
  update_link(pty.slave_path);
  out_ << (first ? "" : "replugged ") << pty.slave_path << std::endl;  // flushed: scripts wait for it
  auto stream = std::make_unique<hal::FdStream>(io_, std::move(pty.master), "pty " + pty.slave_path);
  runner_->attach(std::make_unique<UnbufferedLine>(std::move(stream)));
}

void PtyHost::update_link(const std::string& target) {
  if (!link_) return;
  // Replaced in one rename, so a station polling the link never finds it missing or dangling half-way.
  const std::filesystem::path temporary = link_->string() + ".new." + std::to_string(::getpid());
  std::filesystem::remove(temporary);
  std::filesystem::create_symlink(target, temporary);
  std::filesystem::rename(temporary, *link_);
}

void PtyHost::unplug(milliseconds for_ms) {
  slave_hold_.reset();
  std::cerr << "mesosim: unplugged for " << for_ms.count() << " ms" << std::endl;
  replug_timer_.expires_after(for_ms);
  replug_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) plug_in(false);
  });
}

void PtyHost::disconnected(const std::string& reason) {
  std::cerr << "mesosim: pty closed (" << reason << "); a new one replaces it" << std::endl;
  unplug(milliseconds{0});
}

void PtyHost::stop() {
  stopped_ = true;
  replug_timer_.cancel();
  slave_hold_.reset();
  if (link_) {
    std::error_code ignored;
    std::filesystem::remove(*link_, ignored);
  }
}

}  // namespace meso::sim::tools
