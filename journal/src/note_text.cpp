#include "note_text.hpp"

#include <cstdint>
#include <optional>

namespace meso::journal::detail {

namespace {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;
};

bool continuation(std::string_view text, std::size_t at, unsigned low = 0x80, unsigned high = 0xBF) {
  if (at >= text.size()) return false;
  const auto byte = static_cast<std::uint8_t>(text[at]);
  return byte >= low && byte <= high;
}

// Decodes as Go's utf8.DecodeRune accepts: shortest form only, no surrogates, nothing above U+10FFFF, so
// we refuse exactly the notes Go's note.Open refuses.
std::optional<CodePoint> decode(std::string_view text, std::size_t at) {
  const auto lead = static_cast<std::uint8_t>(text[at]);
  const auto bits = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<std::uint8_t>(text[at + i]) & 0x3FU);
  };
  if (lead < 0x80) return CodePoint{lead, 1};
  if (lead >= 0xC2 && lead <= 0xDF) {
    if (!continuation(text, at + 1)) return std::nullopt;
    return CodePoint{(static_cast<char32_t>(lead & 0x1FU) << 6U) | bits(1), 2};
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;
    if (!continuation(text, at + 1, low, high) || !continuation(text, at + 2)) return std::nullopt;
    return CodePoint{(static_cast<char32_t>(lead & 0x0FU) << 12U) | (bits(1) << 6U) | bits(2), 3};
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;
    if (!continuation(text, at + 1, low, high) || !continuation(text, at + 2) ||
        !continuation(text, at + 3)) {
      return std::nullopt;
    }
    return CodePoint{
        (static_cast<char32_t>(lead & 0x07U) << 18U) | (bits(1) << 12U) | (bits(2) << 6U) | bits(3), 4};
  }
  return std::nullopt;
}

bool is_space(char32_t c) {
  switch (c) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

template <typename Accept>
bool all_code_points(std::string_view text, Accept accept) {
  for (std::size_t at = 0; at < text.size();) {
    const std::optional<CodePoint> c = decode(text, at);
    if (!c || !accept(c->value)) return false;
    at += c->length;
  }
  return true;
}

}  // namespace

bool is_note_text(std::string_view text) {
  return all_code_points(text, [](char32_t c) { return c >= 0x20 || c == U'\n'; });
}

bool is_key_name(std::string_view name) {
  return !name.empty() &&
         all_code_points(name, [](char32_t c) { return c >= 0x20 && c != U'+' && !is_space(c); });
}

}  // namespace meso::journal::detail
