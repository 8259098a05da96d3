#include "tool_io.hpp"

#include <array>
#include <fstream>
#include <iostream>
#include <iterator>

namespace meso::mesoproto {

namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> non_blank_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// JSON Lines is recognised only when every line is an object of its own, so that a pretty-printed object
// with a syntax error is reported as one document, with the parser's line and column.
bool looks_like_json_lines(const std::vector<std::string_view>& lines) {
  if (lines.size() < 2) return false;
  for (const auto line : lines) {
    if (line.front() != '{' || line.back() != '}') return false;
  }
  return true;
}

nlohmann::json parse_json_or_throw(std::string_view text, std::string_view where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError(std::string(where) + "invalid JSON: " + e.what());
  }
}

}  // namespace

Bytes parse_hex(std::string_view text, std::string_view source) {
  Bytes out;
  int high = -1;  // the first digit of a byte, while waiting for the second
  std::size_t line = 1;
  std::size_t column = 0;
  bool in_comment = false;
  for (const char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      in_comment = false;
      continue;
    }
    if (in_comment || is_space(c)) continue;
    if (c == '#') {
      in_comment = true;
      continue;
    }
    const int value = hex_digit_value(c);
    if (value < 0) {
      throw UsageError(std::string(source) + ": line " + std::to_string(line) + ", column " +
                       std::to_string(column) + ": '" + std::string(1, c) +
                       "' is not a hex digit (comments start with '#')");
    }
    if (high < 0) {
      high = value;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + value));
      high = -1;
    }
  }
  if (high >= 0) throw UsageError(std::string(source) + ": odd number of hex digits (a byte is two digits)");
  return out;
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot open '" + path + "'");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Bytes read_stdin() {
  return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

std::string as_text(std::span<const std::uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

std::vector<nlohmann::json> parse_json_messages(std::string_view text) {
  if (trim(text).empty()) throw UsageError("no JSON message given (pass it as an argument or on stdin)");
  const auto whole = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!whole.is_discarded()) {
    if (whole.is_array()) return {whole.begin(), whole.end()};
    return {whole};
  }
  const auto lines = non_blank_lines(text);
  if (!looks_like_json_lines(lines)) {
    parse_json_or_throw(text, "");
    throw UsageError("invalid JSON");  // unreachable: parse() just failed without exceptions
  }
  std::vector<nlohmann::json> messages;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    messages.push_back(parse_json_or_throw(lines[i], "message " + std::to_string(i + 1) + ": "));
  }
  return messages;
}

std::string hex(std::span<const std::uint8_t> bytes, std::string_view separator) {
  std::string out;
  out.reserve(bytes.size() * (2 + separator.size()));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.append(separator);
    out.push_back(kHexDigits[bytes[i] >> 4U]);
    out.push_back(kHexDigits[bytes[i] & 0x0FU]);
  }
  return out;
}

std::string hex_capped(std::span<const std::uint8_t> bytes, std::size_t limit) {
  if (bytes.size() <= limit) return hex(bytes, " ");
  return hex(bytes.first(limit), " ") + " ... (" + std::to_string(bytes.size() - limit) + " more)";
}

std::string hex_u32(std::uint32_t value) {
  std::array<std::uint8_t, 4> big_endian{};
  for (std::size_t i = 0; i < big_endian.size(); ++i) {
    big_endian[i] = static_cast<std::uint8_t>(value >> (8U * (3U - i)));
  }
  return "0x" + hex(big_endian);
}

std::string escaped(std::span<const std::uint8_t> bytes, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const std::uint8_t b = bytes[i];
    if (b == '\r') {
      out.append("\\r");
    } else if (b == '\n') {
      out.append("\\n");
    } else if (b == '\\') {
      out.append("\\\\");
    } else if (b >= 0x20 && b <= 0x7E) {
      out.push_back(static_cast<char>(b));
    } else {
      out.append("\\x");
      out.push_back(kHexDigits[b >> 4U]);
      out.push_back(kHexDigits[b & 0x0FU]);
    }
  }
  if (bytes.size() > limit) out.append(" ... (" + std::to_string(bytes.size() - limit) + " more bytes)");
  return out;
}

}  // namespace meso::mesoproto
