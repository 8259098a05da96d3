#include "meso/hal/memory_stream.hpp"

#include <array>
#include <vector>

namespace meso::hal {

struct MemoryStream::Shared {
  struct End {
    BytesHandler on_bytes;
    ClosedHandler on_closed;
    bool open = true;
  };
  std::array<End, 2> ends;
};

std::pair<std::unique_ptr<MemoryStream>, std::unique_ptr<MemoryStream>> make_memory_pair(
    asio::io_context& io) {
  auto shared = std::make_shared<MemoryStream::Shared>();
  return {std::make_unique<MemoryStream>(io, shared, 0), std::make_unique<MemoryStream>(io, shared, 1)};
}

MemoryStream::MemoryStream(asio::io_context& io, std::shared_ptr<Shared> shared, int side)
    : io_(io), shared_(std::move(shared)), side_(side) {}

MemoryStream::~MemoryStream() {
  close();
}

void MemoryStream::start(BytesHandler on_bytes, ClosedHandler on_closed) {
  auto& end = shared_->ends[static_cast<std::size_t>(side_)];
  end.on_bytes = std::move(on_bytes);
  end.on_closed = std::move(on_closed);
}

void MemoryStream::write(std::span<const std::uint8_t> bytes) {
  if (!is_open() || bytes.empty()) return;
  // Delivered later, from the io_context, as a port's bytes would be; the shared state outlives both ends.
  asio::post(io_, [shared = shared_, peer = 1 - side_,
                   data = std::vector<std::uint8_t>(bytes.begin(), bytes.end())] {
    auto& end = shared->ends[static_cast<std::size_t>(peer)];
    if (!end.open || !end.on_bytes) return;
    const BytesHandler handler =
        end.on_bytes;  // a copy: the handler may close this end, resetting the original
    handler(data);
  });
}

void MemoryStream::close() {
  auto& end = shared_->ends[static_cast<std::size_t>(side_)];
  if (!end.open) return;
  end.open = false;
  end.on_bytes = nullptr;
  end.on_closed = nullptr;
  asio::post(io_, [shared = shared_, peer = 1 - side_] {
    auto& other = shared->ends[static_cast<std::size_t>(peer)];
    if (!other.open) return;
    other.open = false;
    if (auto handler = std::move(other.on_closed)) handler("peer closed");
  });
}

bool MemoryStream::is_open() const {
  const auto& self = shared_->ends[static_cast<std::size_t>(side_)];
  const auto& peer = shared_->ends[static_cast<std::size_t>(1 - side_)];
  return self.open && peer.open;
}

std::string MemoryStream::describe() const {
  return "memory pair, end " + std::to_string(side_);
}

}  // namespace meso::hal
