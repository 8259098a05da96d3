// Input and output plumbing of mesoproto: reading captures (binary, hex text) and JSON messages, and
// printing bytes as hex or escaped text. Nothing here knows a protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace meso::mesoproto {

using Bytes = std::vector<std::uint8_t>;

// A mistake in how the tool was called or fed (bad JSON, bad hex, unreadable file): exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Hex digits to bytes. Whitespace is ignored and so is everything from '#' to the end of a line, so that
// annotated captures read as they are written. `source` names the input in error messages.
Bytes parse_hex(std::string_view text, std::string_view source);

Bytes read_file(const std::string& path);
Bytes read_stdin();
std::string as_text(std::span<const std::uint8_t> bytes);

// One JSON object, a JSON array of objects, or one object per line (JSON Lines).
std::vector<nlohmann::json> parse_json_messages(std::string_view text);

std::string hex(std::span<const std::uint8_t> bytes, std::string_view separator = "");
// At most `limit` bytes, then "... (N more)", for lines that must stay readable.
std::string hex_capped(std::span<const std::uint8_t> bytes, std::size_t limit);
std::string hex_u32(std::uint32_t value);  // "0x14cc8e0a"
// Printable ASCII as is, CR and LF as \r \n, anything else as \xNN; at most `limit` input bytes.
std::string escaped(std::span<const std::uint8_t> bytes, std::size_t limit = 100);

}  // namespace meso::mesoproto
