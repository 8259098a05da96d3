#include "meso/hal/serial_port.hpp"

#include <fcntl.h>
#include <libserialport.h>
#include <linux/serial.h>
#include <linux/tty_flags.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <climits>
#include <stdexcept>
#include <system_error>

#include "meso/hal/pty.hpp"

namespace meso::hal {

namespace {

// libserialport reports the OS error through errno and strerror, so both are read straight after the call
// that failed, before anything else can change errno.
struct SpError {
  int os_error = 0;
  std::string message;
};

SpError capture_error(sp_return code) {
  switch (code) {
    case SP_ERR_FAIL: {
      SpError error{sp_last_error_code(), {}};
      char* message = sp_last_error_message();
      error.message = message != nullptr ? message : "unknown error";
      sp_free_error_message(message);
      return error;
    }
    case SP_ERR_ARG:
      return {EINVAL, "invalid argument"};
    case SP_ERR_MEM:
      return {ENOMEM, "out of memory"};
    case SP_ERR_SUPP:
      return {ENOTSUP, "not supported by this system or device"};
    case SP_OK:
      break;
  }
  return {};
}

std::string what_to_check(int os_error) {
  switch (os_error) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return "is the device plugged in? `mesostation ports` lists the ports present";
    case EACCES:
    case EPERM:
      return "is the user in the dialout group?";
    case EBUSY:
    case EWOULDBLOCK:
      return "is another program using the port?";
    default:
      return "is the device plugged in? is the user in the dialout group?";
  }
}

[[noreturn]] void fail(const std::string& what, const SerialSettings& settings, const SpError& error,
                       const std::string& hint) {
  throw std::runtime_error(what + " " + settings.path + ": " + error.message + " (" + hint + ")");
}

struct PortFree {
  void operator()(sp_port* port) const { sp_free_port(port); }
};
using PortPtr = std::unique_ptr<sp_port, PortFree>;

// Closes libserialport's own descriptor whichever way we leave; the stream keeps a duplicate of it.
struct OpenPort {
  explicit OpenPort(sp_port* opened) : port(opened) {}
  OpenPort(const OpenPort&) = delete;
  OpenPort& operator=(const OpenPort&) = delete;
  ~OpenPort() { sp_close(port); }
  sp_port* port;
};

sp_parity to_sp(Parity parity) {
  switch (parity) {
    case Parity::none:
      return SP_PARITY_NONE;
    case Parity::odd:
      return SP_PARITY_ODD;
    case Parity::even:
      return SP_PARITY_EVEN;
    case Parity::mark:
      return SP_PARITY_MARK;
    case Parity::space:
      return SP_PARITY_SPACE;
  }
  return SP_PARITY_INVALID;
}

sp_flowcontrol to_sp(FlowControl flow) {
  switch (flow) {
    case FlowControl::none:
      return SP_FLOWCONTROL_NONE;
    case FlowControl::xon_xoff:
      return SP_FLOWCONTROL_XONXOFF;
    case FlowControl::rts_cts:
      return SP_FLOWCONTROL_RTSCTS;
    case FlowControl::dtr_dsr:
      return SP_FLOWCONTROL_DTRDSR;
  }
  return SP_FLOWCONTROL_NONE;
}

void configure(sp_port* port, const SerialSettings& settings) {
  const auto check = [&](sp_return code) {
    if (code == SP_OK) return;
    const SpError error = capture_error(code);
    fail("cannot set " + format_line_settings(settings) + " on", settings, error,
         "does the adapter support this setting?");
  };
  if (settings.baud == 0 || settings.baud > 4'000'000) {
    fail("cannot configure", settings, {EINVAL, "baud rate " + std::to_string(settings.baud)},
         "is the rate right?");
  }
  check(sp_set_baudrate(port, static_cast<int>(settings.baud)));
  check(sp_set_bits(port, settings.data_bits));
  check(sp_set_parity(port, to_sp(settings.parity)));
  check(sp_set_stopbits(port, settings.stop_bits));
  check(sp_set_flowcontrol(port, to_sp(settings.flow_control)));
}

std::unique_ptr<SerialStream> open_as_pty(asio::io_context& io, const SerialSettings& settings) {
  return std::make_unique<SerialStream>(io, open_pty_fd(settings.path, settings.baud), "pty " + settings.path,
                                        LowLatencyStatus{false, "not supported by this driver (pty)"}, true);
}

}  // namespace

std::string format_line_settings(const SerialSettings& settings) {
  static constexpr char kParityLetters[] = {'N', 'O', 'E', 'M', 'S'};
  std::string text = std::to_string(settings.baud) + " " + std::to_string(settings.data_bits) +
                     kParityLetters[static_cast<std::size_t>(settings.parity)] +
                     std::to_string(settings.stop_bits);
  switch (settings.flow_control) {
    case FlowControl::none:
      break;
    case FlowControl::xon_xoff:
      text += " xon/xoff";
      break;
    case FlowControl::rts_cts:
      text += " rts/cts";
      break;
    case FlowControl::dtr_dsr:
      text += " dtr/dsr";
      break;
  }
  return text;
}

LowLatencyStatus request_low_latency(int fd) {
  const auto refused = [](int err, const char* step) {
    // ENOTTY, EINVAL: the driver has no serial_struct at all (ptys, CDC-ACM on some kernels).
    if (err == ENOTTY || err == EINVAL) {
      return LowLatencyStatus{false, "not supported by this driver"};
    }
    return LowLatencyStatus{false,
                            std::string("refused (") + step + "): " + std::system_category().message(err)};
  };
  serial_struct info{};
  if (::ioctl(fd, TIOCGSERIAL, &info) != 0) return refused(errno, "TIOCGSERIAL");
  if ((static_cast<unsigned>(info.flags) & ASYNC_LOW_LATENCY) != 0) return {true, "low latency on (already)"};
  info.flags = static_cast<int>(static_cast<unsigned>(info.flags) | ASYNC_LOW_LATENCY);
  if (::ioctl(fd, TIOCSSERIAL, &info) != 0) return refused(errno, "TIOCSSERIAL");
  serial_struct check{};
  if (::ioctl(fd, TIOCGSERIAL, &check) != 0) return refused(errno, "TIOCGSERIAL");
  if ((static_cast<unsigned>(check.flags) & ASYNC_LOW_LATENCY) == 0) {
    return {false, "the driver accepted the request but did not keep it"};
  }
  return {true, "low latency on"};
}

SerialStream::SerialStream(asio::io_context& io, UniqueFd fd, std::string description,
                           LowLatencyStatus low_latency, bool pty)
    : FdStream(io, std::move(fd), std::move(description)), low_latency_(std::move(low_latency)), pty_(pty) {}

std::unique_ptr<SerialStream> open_serial_stream(asio::io_context& io, const SerialSettings& settings) {
  if (is_pty_path(settings.path)) return open_as_pty(io, settings);

  // Checked here because libserialport answers a missing or unsuitable path with a bare "invalid argument".
  struct stat info {};
  if (::stat(settings.path.c_str(), &info) != 0) {
    const int err = errno;
    fail("cannot open serial port", settings, {err, std::system_category().message(err)}, what_to_check(err));
  }
  if (!S_ISCHR(info.st_mode)) {
    fail("cannot open serial port", settings, {ENOTTY, "not a character device"}, "is this a serial port?");
  }
  // libserialport 0.1.1 looks the name up in sysfs and so refuses links such as /dev/serial/by-id/...,
  // which are the stable way to name a USB adapter: it gets the device the link points to.
  std::array<char, PATH_MAX> resolved{};
  const std::string device =
      ::realpath(settings.path.c_str(), resolved.data()) != nullptr ? resolved.data() : settings.path;
  sp_port* raw_port = nullptr;
  if (const sp_return code = sp_get_port_by_name(device.c_str(), &raw_port); code != SP_OK) {
    SpError error = capture_error(code);
    if (code == SP_ERR_ARG) error.message = "libserialport does not know it as a serial port";
    fail("cannot open serial port", settings, error,
         "is it a serial device? `mesostation ports` lists the ports present");
  }
  const PortPtr port(raw_port);
  if (const sp_return code = sp_open(port.get(), SP_MODE_READ_WRITE); code != SP_OK) {
    const SpError error = capture_error(code);
    // A pseudo-terminal that is_pty_path() did not recognise: it refused the modem-line ioctl.
    if (error.os_error == ENOTTY) {
      try {
        return open_as_pty(io, settings);
      } catch (const std::exception&) {
        // not a pty either: the original error says more
      }
    }
    fail("cannot open serial port", settings, error, what_to_check(error.os_error));
  }
  const OpenPort open_port(port.get());

  int port_fd = -1;
  if (const sp_return code = sp_get_port_handle(port.get(), &port_fd); code != SP_OK) {
    fail("cannot open serial port", settings, capture_error(code), "libserialport gave no descriptor");
  }
  // An advisory lock, the one pyserial's exclusive mode takes: a second program (or a second station)
  // driving the same device would interleave its frames with ours.
  if (::flock(port_fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string why =
        err == EWOULDBLOCK ? "locked by another program" : std::system_category().message(err);
    fail("cannot lock serial port", settings, {err, why}, what_to_check(err));
  }
  configure(port.get(), settings);

  // The stream owns a duplicate, so libserialport's descriptor can be closed and its port freed now: the
  // lock belongs to the open file, which the duplicate shares, and the line settings to the device.
  UniqueFd fd(::fcntl(port_fd, F_DUPFD_CLOEXEC, 0));
  if (!fd) {
    const int err = errno;
    fail("cannot open serial port", settings, {err, std::system_category().message(err)},
         "out of descriptors?");
  }
  LowLatencyStatus low_latency = request_low_latency(fd.get());
  std::string description = "serial " + settings.path;
  if (device != settings.path) description += " (" + device + ")";
  description += " " + format_line_settings(settings);
  return std::make_unique<SerialStream>(io, std::move(fd), std::move(description), std::move(low_latency),
                                        false);
}

}  // namespace meso::hal
