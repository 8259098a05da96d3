// Serves a simulated device on a pseudo-terminal, as a USB-serial adapter would appear: a path on stdout
// (and an optional stable symlink), and on re-plug a new path, as /dev/ttyUSBn renames itself.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "meso/hal/asio.hpp"
#include "meso/hal/pty.hpp"
#include "meso/sim/device_runner.hpp"

namespace meso::sim::tools {

class PtyHost {
 public:
  PtyHost(asio::io_context& io, std::optional<std::filesystem::path> link, std::ostream& out);

  // Creates the first pty, prints its path as the first line of `out` and plugs the device in.
  void start(DeviceRunner& runner);
  // The runner has already let go of the stream: the station sees a hang-up. Back after `for_ms`.
  void unplug(milliseconds for_ms);
  // The master hung up without an unplug (an I/O error): plug in a fresh pty at once.
  void disconnected(const std::string& reason);
  void stop();

 private:
  void plug_in(bool first);
  void update_link(const std::string& target);

  asio::io_context& io_;
  std::optional<std::filesystem::path> link_;
  std::ostream& out_;
  DeviceRunner* runner_ = nullptr;
  hal::UniqueFd slave_hold_;
  asio::steady_timer replug_timer_;
  bool stopped_ = false;
};

}  // namespace meso::sim::tools
