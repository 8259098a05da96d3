#include "meso/hal/pty.hpp"

#include <fcntl.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): posix_openpt, grantpt, unlockpt, ptsname_r: POSIX, not in <cstdlib>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include <array>
#include <cerrno>
#include <climits>
#include <stdexcept>
#include <system_error>

namespace meso::hal {

namespace {

// Linux gives Unix98 pty slaves the majors 136 to 143 (Documentation/admin-guide/devices.txt); asking the
// device rather than its path also works where devpts is mounted somewhere other than /dev/pts.
constexpr unsigned kPtySlaveMajorFirst = 136;
constexpr unsigned kPtySlaveMajorLast = 143;

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::system_category(), what);
}

UniqueFd open_terminal(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) throw_errno(errno, "cannot open " + path);
  return fd;
}

std::string real_path(const std::string& path) {
  std::array<char, PATH_MAX> resolved{};
  if (::realpath(path.c_str(), resolved.data()) == nullptr) return path;
  return resolved.data();
}

}  // namespace

void set_raw_mode(int fd, std::uint32_t baud) {
  termios settings{};
  if (::tcgetattr(fd, &settings) != 0) throw_errno(errno, "tcgetattr");
  ::cfmakeraw(&settings);
  // Ignore the modem lines: a pty has none, and a device without DCD must not block the open or the reads.
  settings.c_cflag |= CLOCAL | CREAD;
  settings.c_cc[VMIN] = 1;
  settings.c_cc[VTIME] = 0;
  // glibc takes plain numbers here as well as B-constants; a rate it does not know stays as it was, which
  // is harmless on a pty, and real ports get their rate from libserialport instead.
  (void)::cfsetspeed(&settings, static_cast<speed_t>(baud));
  if (::tcsetattr(fd, TCSANOW, &settings) != 0) throw_errno(errno, "tcsetattr");
}

PtyPair create_pty(const PtyOptions& options) {
  PtyPair pair;
  pair.master = UniqueFd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pair.master) throw_errno(errno, "posix_openpt");
  if (::grantpt(pair.master.get()) != 0) throw_errno(errno, "grantpt");
  if (::unlockpt(pair.master.get()) != 0) throw_errno(errno, "unlockpt");
  std::array<char, 128> name{};
  if (const int err = ::ptsname_r(pair.master.get(), name.data(), name.size()); err != 0) {
    throw_errno(err, "ptsname_r");
  }
  pair.slave_path = name.data();

  // The line discipline lives with the slave: without raw mode there, the first bytes the simulator
  // writes would be echoed back to it and have their CRs turned into LFs before the station ever opens.
  UniqueFd slave = open_terminal(pair.slave_path);
  set_raw_mode(slave.get(), 115200);
  set_raw_mode(pair.master.get(), 115200);
  const int flags = ::fcntl(pair.master.get(), F_GETFL);
  if (flags < 0 || ::fcntl(pair.master.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    throw_errno(errno, "fcntl(O_NONBLOCK) on the pty master");
  }
  if (options.hold_slave_open) pair.slave_hold = std::move(slave);
  return pair;
}

bool is_pty_path(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISCHR(info.st_mode)) return false;
  const unsigned major_number = ::major(info.st_rdev);
  return major_number >= kPtySlaveMajorFirst && major_number <= kPtySlaveMajorLast;
}

UniqueFd open_pty_fd(const std::string& path, std::uint32_t baud) {
  try {
    UniqueFd fd = open_terminal(path);
    if (!::isatty(fd.get())) throw std::runtime_error("not a terminal");
    set_raw_mode(fd.get(), baud);
    return fd;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open pty " + path + ": " + e.what() +
                             " (is the simulator that created it still running?)");
  }
}

std::unique_ptr<FdStream> open_pty_stream(asio::io_context& io, const std::string& path, std::uint32_t baud) {
  const std::string resolved = real_path(path);
  std::string description = "pty " + path;
  if (resolved != path) description += " (" + resolved + ")";
  return std::make_unique<FdStream>(io, open_pty_fd(path, baud), std::move(description));
}

}  // namespace meso::hal
