#include "meso/protocols/cobs.hpp"

namespace meso::protocols {

void cobs_encode(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out) {
  out.reserve(out.size() + cobs_max_encoded_size(data.size()));
  std::size_t code_index = out.size();
  out.push_back(0);  // placeholder for the first block's code byte
  std::uint8_t code = 1;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::uint8_t byte = data[i];
    if (byte != 0) {
      out.push_back(byte);
      ++code;
    }
    // A zero ends a block; so does a full block of 254 bytes, unless the data ends with it (canonical form).
    if (byte == 0 || (code == 0xFF && i + 1 < data.size())) {
      out[code_index] = code;
      code_index = out.size();
      out.push_back(0);
      code = 1;
    }
  }
  out[code_index] = code;
}

std::optional<std::size_t> cobs_decode(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) {
  std::size_t read = 0;
  std::size_t written = 0;
  while (read < encoded.size()) {
    const std::uint8_t code = encoded[read++];
    if (code == 0) return std::nullopt;
    const std::size_t run = code - 1U;
    if (run > encoded.size() - read || run > out.size() - written) return std::nullopt;
    for (std::size_t i = 0; i < run; ++i) {
      const std::uint8_t byte = encoded[read++];
      if (byte == 0) return std::nullopt;
      out[written++] = byte;
    }
    // A block shorter than 254 bytes stands for its data and one zero, except at the very end.
    if (code != 0xFF && read < encoded.size()) {
      if (written == out.size()) return std::nullopt;
      out[written++] = 0;
    }
  }
  return written;
}

}  // namespace meso::protocols
