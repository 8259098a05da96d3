#include "meso/journal/base64.hpp"

#include <sodium.h>

namespace meso::journal {

std::string to_base64(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return {};  // libsodium's arguments are declared non-null; an empty span's may not be
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kVariant);
  text.pop_back();  // libsodium writes a terminating NUL
  return text;
}

std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text) {
  if (text.empty()) return std::vector<std::uint8_t>{};
  std::vector<std::uint8_t> bytes(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  // With no ignore set and no end pointer, libsodium refuses anything but the whole text, canonically padded.
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

}  // namespace meso::journal
