#include "meso/journal/checkpoint.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "meso/journal/base64.hpp"
#include "note_text.hpp"

namespace meso::journal {

namespace {

bool is_body_line(std::string_view line) {
  return !line.empty() && line.find('\n') == std::string_view::npos && detail::is_note_text(line);
}

std::optional<Checkpoint> refuse(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return std::nullopt;
}

// The tree size as tlog-checkpoint spells it: decimal digits, no sign, no leading zero but in "0" itself.
std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string checkpoint_body(const Checkpoint& checkpoint) {
  if (!is_body_line(checkpoint.origin)) {
    throw std::invalid_argument("checkpoint origin must be one non-empty line of printable UTF-8");
  }
  std::string body =
      checkpoint.origin + '\n' + std::to_string(checkpoint.size) + '\n' + to_base64(checkpoint.root) + '\n';
  for (const std::string& line : checkpoint.extensions) {
    if (!is_body_line(line)) {
      throw std::invalid_argument("checkpoint extension lines must be non-empty lines of printable UTF-8");
    }
    body += line;
    body += '\n';
  }
  return body;
}

std::optional<Checkpoint> parse_checkpoint_body(std::string_view body, std::string* why) {
  if (body.empty() || body.back() != '\n') return refuse(why, "checkpoint body does not end in a newline");
  if (!detail::is_note_text(body)) {
    return refuse(why, "checkpoint body is not UTF-8 free of control characters");
  }
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t newline = body.find('\n', at);
    lines.push_back(body.substr(at, newline - at));
    at = newline + 1;
  }
  if (lines.size() < 3) return refuse(why, "checkpoint body has fewer than three lines");
  Checkpoint checkpoint;
  if (lines[0].empty()) return refuse(why, "checkpoint origin is empty");
  checkpoint.origin = lines[0];
  const std::optional<std::uint64_t> size = parse_size(lines[1]);
  if (!size) return refuse(why, "checkpoint tree size is not a decimal number: " + std::string(lines[1]));
  checkpoint.size = *size;
  const std::optional<std::vector<std::uint8_t>> root = from_base64(lines[2]);
  if (!root || root->size() != checkpoint.root.size()) {
    return refuse(why, "checkpoint root is not 32 bytes in base64: " + std::string(lines[2]));
  }
  std::copy(root->begin(), root->end(), checkpoint.root.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty())
      return refuse(why, "checkpoint extension line " + std::to_string(i - 2) + " is empty");
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

}  // namespace meso::journal
