// A ByteStream over a non-blocking file descriptor watched by the io_context: a serial port, a pty (either
// side) or a connected socket. Readiness comes from asio::posix::stream_descriptor waits; the bytes move
// with plain read()/write() (send() for sockets, so a vanished peer is an error, not a SIGPIPE).
//
// - A read of 0 bytes, EIO (a pty whose other side closed, an unplugged USB adapter), EPIPE or ECONNRESET
//   is a hang-up: on_closed runs once with a reason starting "hang-up", and the descriptor is released.
// - write() never blocks: what the kernel does not take at once is queued and sent, in order, when the
//   descriptor is writable again.
// - The stream may be destroyed at any time, also from inside its own handlers and with waits pending: the
//   waits hold the shared state, not the stream, and find it closed when they complete.
// - Destroy the stream before its io_context, and run that io_context on one thread (the station's): the
//   reactor is edge-triggered and the stream's state has no lock.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"
#include "meso/hal/unique_fd.hpp"

namespace meso::hal {

class FdStream : public ByteStream {
 public:
  // Takes the descriptor over and makes it non-blocking. Throws std::system_error if that fails.
  FdStream(asio::io_context& io, UniqueFd fd, std::string description);
  ~FdStream() override;

  void start(BytesHandler on_bytes, ClosedHandler on_closed) override;
  void write(std::span<const std::uint8_t> bytes) override;
  void close() override;
  bool is_open() const override;
  std::string describe() const override;

  // Bytes accepted by write() that the kernel has not taken yet: a growing number means the device or the
  // peer is not reading.
  std::size_t queued_bytes() const;
  // For ioctls and socket options (low latency, TCP_NODELAY checks); reading or writing it directly would
  // bypass the queue. -1 once closed.
  int native_handle() const;

  struct State;  // shared with the pending waits

 private:
  std::shared_ptr<State> state_;
};

}  // namespace meso::hal
