// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): the encoded body never contains 0x00, so a
// single 0x00 can delimit frames and a receiver can always resynchronise at the next one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace meso::protocols {

// Worst case: one code byte per 254 data bytes, plus the first.
constexpr std::size_t cobs_max_encoded_size(std::size_t decoded_size) {
  return decoded_size + decoded_size / 254 + 1;
}

// Appends the COBS encoding of `data` (without a delimiter) to `out`.
void cobs_encode(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out);

// Decodes one COBS body (no delimiter) into `out`. Returns the decoded size, or nullopt when the body is not
// a valid encoding (it contains 0x00, a code byte runs past its end) or the result would not fit in `out`.
std::optional<std::size_t> cobs_decode(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out);

}  // namespace meso::protocols
