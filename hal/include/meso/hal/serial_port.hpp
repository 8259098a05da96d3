// A real serial port (a USB-serial adapter, a UART) as a byte stream: opened and configured through
// libserialport, then driven from the io_context like any other descriptor (FdStream).
//
// A pty path ("/dev/pts/N", or a link to one) is opened directly instead, since libserialport cannot open a
// pty; so `--port /dev/pts/N` from the simulator works wherever a serial port is asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/fd_stream.hpp"

namespace meso::hal {

enum class Parity : std::uint8_t { none, odd, even, mark, space };
enum class FlowControl : std::uint8_t { none, xon_xoff, rts_cts, dtr_dsr };

struct SerialSettings {
  std::string path;  // "/dev/ttyUSB0"; find_port_by_usb_serial() gives today's path of a known device
  std::uint32_t baud = 115200;
  Parity parity = Parity::none;
  int data_bits = 8;  // 5 to 8
  int stop_bits = 1;  // 1 or 2
  FlowControl flow_control = FlowControl::none;
};

// "115200 8N1", "9600 7E2 rts/cts".
std::string format_line_settings(const SerialSettings& settings);

// Whether the kernel's low-latency mode (ASYNC_LOW_LATENCY) is on. Without it an FTDI adapter holds
// received bytes for up to its 16 ms latency timer, adding that much to every round trip.
struct LowLatencyStatus {
  bool enabled = false;
  std::string note;  // "low latency on", "not supported by this driver", "refused: Operation not permitted"
};

// Asks for low latency (TIOCGSERIAL, set ASYNC_LOW_LATENCY, TIOCSSERIAL) and reads it back, since a driver
// may accept the request and ignore it. Never throws: a port without it still works, only slower.
LowLatencyStatus request_low_latency(int fd);

class SerialStream final : public FdStream {
 public:
  SerialStream(asio::io_context& io, UniqueFd fd, std::string description, LowLatencyStatus low_latency,
               bool pty);

  bool low_latency_enabled() const { return low_latency_.enabled; }
  const std::string& low_latency_note() const { return low_latency_.note; }
  bool is_pty() const { return pty_; }

 private:
  LowLatencyStatus low_latency_;
  bool pty_;
};

// Opens, locks (flock, so two programs cannot drive one device) and configures the port, and asks for low
// latency. describe() is "serial /dev/ttyUSB0 115200 8N1" (or "pty /dev/pts/3" for a pty).
// Throws std::runtime_error naming the path, with libserialport's message and what to check.
std::unique_ptr<SerialStream> open_serial_stream(asio::io_context& io, const SerialSettings& settings);

}  // namespace meso::hal
