// A serial line stores nothing: bytes sent while nobody listens are gone. A pty (or a socket) would keep
// them, and with its slave held open by the simulator a station that connects late would first read
// minutes of stale frames. This stream drops what the kernel cannot take once a little is already queued.
#pragma once

#include <memory>

#include "meso/hal/fd_stream.hpp"

namespace meso::sim::tools {

class UnbufferedLine final : public hal::ByteStream {
 public:
  static constexpr std::size_t kMaxQueued = 4096;

  explicit UnbufferedLine(std::unique_ptr<hal::FdStream> stream) : stream_(std::move(stream)) {}

  void start(BytesHandler on_bytes, ClosedHandler on_closed) override {
    stream_->start(std::move(on_bytes), std::move(on_closed));
  }
  void write(std::span<const std::uint8_t> bytes) override {
    if (stream_->queued_bytes() < kMaxQueued) stream_->write(bytes);
  }
  void close() override { stream_->close(); }
  bool is_open() const override { return stream_->is_open(); }
  std::string describe() const override { return stream_->describe(); }

 private:
  std::unique_ptr<hal::FdStream> stream_;
};

}  // namespace meso::sim::tools
