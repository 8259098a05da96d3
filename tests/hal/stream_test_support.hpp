// What the byte-stream tests share: a recorder for a stream's handlers, a bounded event loop, a payload.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"

namespace meso::hal::test {

using namespace std::chrono_literals;

struct Recorder {
  std::vector<std::uint8_t> bytes;
  std::vector<std::string> closed;  // every on_closed reason, to catch a second call

  void attach(ByteStream& stream) {
    stream.start(
        [this](std::span<const std::uint8_t> chunk) {
          bytes.insert(bytes.end(), chunk.begin(), chunk.end());
        },
        [this](const std::string& reason) { closed.push_back(reason); });
  }
};

// Runs the io_context until `done` holds or `limit` passes; false on timeout. A bound on every wait keeps a
// broken stream from hanging the suite.
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    if (io.run_for(5ms) == 0) std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Runs whatever is ready for a while: for checking that something does NOT happen.
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    if (io.run_for(5ms) == 0) std::this_thread::sleep_for(1ms);
  }
}

// Not a repeating pattern, so a lost, doubled or reordered block cannot go unnoticed.
inline std::vector<std::uint8_t> payload(std::size_t size, std::uint32_t seed) {
  std::vector<std::uint8_t> data(size);
  std::uint32_t state = seed;
  for (auto& byte : data) {
    state = state * 1664525U + 1013904223U;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return data;
}

// Writes in uneven pieces, as a link layer writes frames.
inline void write_in_pieces(ByteStream& stream, const std::vector<std::uint8_t>& data) {
  std::size_t offset = 0;
  std::size_t piece = 1;
  while (offset < data.size()) {
    const std::size_t size = std::min(piece, data.size() - offset);
    stream.write(std::span<const std::uint8_t>(data).subspan(offset, size));
    offset += size;
    piece = piece * 3 % 2039 + 1;
  }
}

}  // namespace meso::hal::test
