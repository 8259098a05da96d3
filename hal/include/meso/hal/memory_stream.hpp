// Two connected in-memory byte streams on one io_context, for tests and the in-process simulator:
// what one side writes, the other receives, in order, asynchronously (posted, never re-entrant).
#pragma once

#include <memory>
#include <utility>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"

namespace meso::hal {

class MemoryStream;

// Both ends are returned; closing one makes the other see a hang-up.
std::pair<std::unique_ptr<MemoryStream>, std::unique_ptr<MemoryStream>> make_memory_pair(
    asio::io_context& io);

class MemoryStream final : public ByteStream {
 public:
  struct Shared;  // the state both ends share
  MemoryStream(asio::io_context& io, std::shared_ptr<Shared> shared, int side);
  ~MemoryStream() override;

  void start(BytesHandler on_bytes, ClosedHandler on_closed) override;
  void write(std::span<const std::uint8_t> bytes) override;
  void close() override;
  bool is_open() const override;
  std::string describe() const override;

 private:
  asio::io_context& io_;
  std::shared_ptr<Shared> shared_;
  int side_;
};

}  // namespace meso::hal
