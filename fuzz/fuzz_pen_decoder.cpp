// libFuzzer target for the pen sentence decoder. The input is a byte stream as the pen's serial line would
// deliver it; every property below must hold for any input, and a violation traps so libFuzzer keeps it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "meso/protocols/pen_codec.hpp"
#include "meso/protocols/pen_json.hpp"

namespace {

namespace pen = meso::protocols::pen;
using Bytes = std::span<const std::uint8_t>;

// A trap rather than assert(): the fuzz build may define NDEBUG, and the check must never be compiled out.
void require(bool condition) {
  if (!condition) __builtin_trap();
}

// One result of the stream decoder and, for a decoded sentence, its bytes from '$' to '\n'.
struct Decoded {
  pen::DecodeResult result;
  std::string_view sentence;
};

std::vector<Decoded> decode_bytewise(Bytes stream, std::size_t& pending) {
  const std::string_view text(reinterpret_cast<const char*>(stream.data()), stream.size());
  std::vector<Decoded> out;
  pen::SentenceDecoder decoder;
  std::size_t dollar = 0;  // a decoded sentence holds no '$' but its first byte
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$') dollar = i;
    auto result = decoder.push(stream[i]);
    if (result) out.push_back({std::move(*result), text.substr(dollar, i + 1 - dollar)});
  }
  pending = decoder.pending();
  return out;
}

template <class Input>
std::vector<pen::DecodeResult> decode_whole(Input stream, std::size_t& pending) {
  std::vector<pen::DecodeResult> out;
  pen::SentenceDecoder decoder;
  decoder.feed(stream, [&out](const pen::DecodeResult& result) { out.push_back(result); });
  pending = decoder.pending();
  return out;
}

char upper(char c) {
  return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;
}

// The one sentence with two spellings: an IDR from a pen that predates the `simulated` field has nine fields,
// reads as not simulated (docs/protocol.md B.3 and "Versions"), and is written back with its tenth, ",0".
std::string canonical_spelling(const pen::Message& message, std::string_view sentence) {
  std::string out(sentence);
  const std::size_t star = out.rfind('*');
  require(star != std::string::npos && out.size() >= star + 3);
  const auto fields = std::count(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(star), ',');
  constexpr std::ptrdiff_t kLegacyIdrCommas = 10;  // after the talker, the kind and eight of nine fields
  if (std::holds_alternative<pen::Identity>(message) && fields == kLegacyIdrCommas) {
    out.insert(star, ",0");
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::uint8_t sum = 0;
    for (std::size_t k = 1; k < star + 2; ++k)
      sum ^= static_cast<std::uint8_t>(out[k]);
    out[star + 3] = kHex[sum >> 4U];
    out[star + 4] = kHex[sum & 0x0FU];
  }
  return out;
}

void check_message(const pen::Message& message, std::string_view sentence) {
  require(!pen::validate(message).has_value());

  // Fields have one spelling each (canonical decimals, enum names) but for a legacy IDR, and only the
  // checksum's hex digits may come in either case; so re-encoding gives back the received sentence with
  // upper-case checksum digits.
  const std::string encoded = pen::encode(message);
  std::string expected = canonical_spelling(message, sentence);
  require(expected.size() >= 5);
  expected[expected.size() - 4] = upper(expected[expected.size() - 4]);
  expected[expected.size() - 3] = upper(expected[expected.size() - 3]);
  require(encoded == expected);

  const pen::DecodeResult again = pen::decode(encoded);
  require(std::holds_alternative<pen::Message>(again) && std::get<pen::Message>(again) == message);
  require(pen::decode(sentence) == again);

  pen::SentenceDecoder fresh;
  std::size_t results = 0;
  fresh.feed(std::string_view(encoded), [&](const pen::DecodeResult& result) {
    ++results;
    require(std::holds_alternative<pen::Message>(result) && std::get<pen::Message>(result) == message);
  });
  require(results == 1 && fresh.pending() == 0);

  require(pen::message_from_json(pen::to_json(message)) == message);
  // Scenario files hold the JSON as text, so the round trip must survive dump and parse.
  require(pen::message_from_json(nlohmann::json::parse(pen::to_json(message).dump())) == message);
}

void check_stream(Bytes stream) {
  std::size_t pending_bytewise = 0;
  std::size_t pending_span = 0;
  std::size_t pending_text = 0;
  const std::vector<Decoded> bytewise = decode_bytewise(stream, pending_bytewise);
  const std::vector<pen::DecodeResult> whole_span = decode_whole(stream, pending_span);
  const std::vector<pen::DecodeResult> whole_text = decode_whole(
      std::string_view(reinterpret_cast<const char*>(stream.data()), stream.size()), pending_text);
  require(bytewise.size() == whole_span.size() && whole_span == whole_text);
  require(pending_bytewise == pending_span && pending_span == pending_text);

  for (std::size_t i = 0; i < bytewise.size(); ++i) {
    const Decoded& d = bytewise[i];
    require(d.result == whole_span[i]);
    if (const auto* message = std::get_if<pen::Message>(&d.result)) {
      check_message(*message, d.sentence);
    } else {
      const auto& failure = std::get<pen::DecodeFailure>(d.result);
      require(failure.bytes > 0 && !failure.detail.empty());
    }
  }
}

// Random mutations keep the XOR checksum right only once in 256, which would starve the field parsers.
// This rewrites the two characters after every '*' with the checksum of the bytes since the last '$'.
std::optional<std::vector<std::uint8_t>> with_checksums_repaired(Bytes stream) {
  std::vector<std::uint8_t> out(stream.begin(), stream.end());
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::optional<std::size_t> dollar;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '$') dollar = i;
    if (out[i] != '*' || !dollar || i + 2 >= out.size()) continue;
    std::uint8_t sum = 0;
    for (std::size_t k = *dollar + 1; k < i; ++k)
      sum ^= out[k];
    out[i + 1] = static_cast<std::uint8_t>(kHex[sum >> 4U]);
    out[i + 2] = static_cast<std::uint8_t>(kHex[sum & 0x0FU]);
    dollar.reset();
  }
  if (std::equal(out.begin(), out.end(), stream.begin(), stream.end())) return std::nullopt;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(data, size);
  check_stream(input);
  if (const auto repaired = with_checksums_repaired(input)) check_stream(*repaired);
  return 0;
}
