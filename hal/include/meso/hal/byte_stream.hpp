// A byte stream to a device on the station's io_context: a serial port, a pseudo-terminal, a TCP
// connection, or an in-memory pair in tests. Drivers and the link layer see only this interface, so the
// same code talks to a real device, the simulator on a pty or the simulator over TCP.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace meso::hal {

class ByteStream {
 public:
  using BytesHandler = std::function<void(std::span<const std::uint8_t>)>;
  // Called once, when the stream ends: hang-up, unplug, peer closed, I/O error. Not called after close().
  using ClosedHandler = std::function<void(const std::string& reason)>;

  ByteStream() = default;
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;
  ByteStream(ByteStream&&) = delete;
  ByteStream& operator=(ByteStream&&) = delete;
  virtual ~ByteStream() = default;

  // Starts reading; handlers run on the io_context's thread.
  virtual void start(BytesHandler on_bytes, ClosedHandler on_closed) = 0;
  // Queues bytes; they go out in order, without blocking the caller.
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
  // Stops reading and releases the device; pending writes are dropped. Idempotent.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  // "serial /dev/ttyUSB0 115200 8N1", "pty /dev/pts/3", "tcp 127.0.0.1:5000".
  virtual std::string describe() const = 0;
};

}  // namespace meso::hal
