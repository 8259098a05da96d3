// libFuzzer target for the mesogun stream decoder. The input is a byte stream as a serial line would deliver
// it; every property below must hold for any input, and a violation traps so libFuzzer keeps the input.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "meso/protocols/cobs.hpp"
#include "meso/protocols/crc32c.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/mesogun_json.hpp"

namespace {

namespace mg = meso::protocols::mesogun;
using Bytes = std::span<const std::uint8_t>;

// A trap rather than assert(): the fuzz build may define NDEBUG, and the check must never be compiled out.
void require(bool condition) {
  if (!condition) __builtin_trap();
}

// One result of the stream decoder and the bytes of the frame it accounts for, delimiter included.
struct Decoded {
  mg::DecodeResult result;
  Bytes wire;
};

std::vector<Decoded> decode_bytewise(Bytes stream, std::size_t& pending) {
  std::vector<Decoded> out;
  mg::FrameDecoder decoder;
  std::size_t frame_start = 0;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    auto result = decoder.push(stream[i]);
    if (result) out.push_back({std::move(*result), stream.subspan(frame_start, i + 1 - frame_start)});
    if (stream[i] == 0x00) frame_start = i + 1;
  }
  // Every byte is accounted for exactly once: by a result, by an empty flush, or as still pending.
  require(decoder.pending() == stream.size() - frame_start);
  pending = decoder.pending();
  return out;
}

std::vector<mg::DecodeResult> decode_whole(Bytes stream, std::size_t& pending) {
  std::vector<mg::DecodeResult> out;
  mg::FrameDecoder decoder;
  decoder.feed(stream, [&out](const mg::DecodeResult& result) { out.push_back(result); });
  pending = decoder.pending();
  return out;
}

// The header is present exactly when the CRC was good, so the error kinds split along that line.
bool failure_is_consistent(const mg::DecodeFailure& failure) {
  switch (failure.error) {
    case mg::DecodeError::cobs_invalid:
    case mg::DecodeError::too_short:
    case mg::DecodeError::too_long:
    case mg::DecodeError::bad_crc:
      return !failure.header.has_value();
    case mg::DecodeError::bad_version:
    case mg::DecodeError::unknown_type:
    case mg::DecodeError::bad_length:
    case mg::DecodeError::bad_field:
      return failure.header.has_value();
  }
  return false;
}

void check_frame(const mg::Frame& frame, Bytes wire) {
  require(!mg::validate(frame.message).has_value());

  // Decoding is canonical (COBS, NUL padding, booleans, enums all have one spelling), so re-encoding gives
  // back the very bytes that were received.
  const std::vector<std::uint8_t> encoded = mg::encode(frame);
  require(std::vector<std::uint8_t>(wire.begin(), wire.end()) == encoded);

  const mg::DecodeResult again = mg::decode(encoded);
  const auto* frame_again = std::get_if<mg::Frame>(&again);
  require(frame_again != nullptr && *frame_again == frame);
  const mg::DecodeResult parsed = mg::parse(mg::serialize(frame));
  require(std::holds_alternative<mg::Frame>(parsed) && std::get<mg::Frame>(parsed) == frame);

  mg::FrameDecoder fresh;
  std::size_t results = 0;
  fresh.feed(encoded, [&](const mg::DecodeResult& result) {
    ++results;
    require(std::holds_alternative<mg::Frame>(result) && std::get<mg::Frame>(result) == frame);
  });
  require(results == 1 && fresh.pending() == 0);

  require(mg::message_from_json(mg::to_json(frame.message)) == frame.message);
  require(mg::frame_from_json(mg::to_json(frame)) == frame);
  // Golden vectors and scenario files hold the JSON as text, so the round trip must survive dump and parse.
  require(mg::frame_from_json(nlohmann::json::parse(mg::to_json(frame).dump())) == frame);
}

void check_stream(Bytes stream) {
  std::size_t pending_bytewise = 0;
  std::size_t pending_whole = 0;
  const std::vector<Decoded> bytewise = decode_bytewise(stream, pending_bytewise);
  const std::vector<mg::DecodeResult> whole = decode_whole(stream, pending_whole);
  require(bytewise.size() == whole.size() && pending_bytewise == pending_whole);

  for (std::size_t i = 0; i < whole.size(); ++i) {
    const Decoded& d = bytewise[i];
    require(d.result == whole[i]);
    // The stream decoder must agree with the one-shot decoder on every delimited frame.
    require(mg::decode(d.wire) == d.result);
    if (const auto* frame = std::get_if<mg::Frame>(&d.result)) {
      check_frame(*frame, d.wire);
    } else {
      const auto& failure = std::get<mg::DecodeFailure>(d.result);
      require(failure.wire_bytes == d.wire.size());
      require(failure_is_consistent(failure));
    }
  }
}

// Random mutations almost never keep a CRC-32C valid, which would leave the payload parsers unexplored.
// This rewrites the CRC of every frame that is valid COBS and long enough, so mutated payloads get past it.
std::optional<std::vector<std::uint8_t>> with_crcs_repaired(Bytes stream) {
  std::vector<std::uint8_t> out;
  out.reserve(stream.size() + 8);
  bool changed = false;
  std::size_t start = 0;
  while (start < stream.size()) {
    std::size_t end = start;
    while (end < stream.size() && stream[end] != 0x00)
      ++end;
    const Bytes body = stream.subspan(start, end - start);
    std::array<std::uint8_t, mg::kMaxEncodedFrame> decoded{};
    const auto size =
        body.size() <= mg::kMaxEncodedFrame ? meso::protocols::cobs_decode(body, decoded) : std::nullopt;
    if (size && *size >= mg::kMinFrame) {
      const std::size_t crc_at = *size - mg::kCrcSize;
      const std::uint32_t crc =
          meso::protocols::crc32c(std::span<const std::uint8_t>(decoded.data(), crc_at));
      for (std::size_t k = 0; k < mg::kCrcSize; ++k)
        decoded[crc_at + k] = static_cast<std::uint8_t>(crc >> (8U * k));
      const std::size_t before = out.size();
      meso::protocols::cobs_encode(std::span<const std::uint8_t>(decoded.data(), *size), out);
      changed = changed || !std::equal(body.begin(), body.end(),
                                       out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
    } else {
      out.insert(out.end(), body.begin(), body.end());
    }
    if (end < stream.size()) out.push_back(0x00);
    start = end + 1;
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(data, size);
  check_stream(input);
  if (const auto repaired = with_crcs_repaired(input)) check_stream(*repaired);
  return 0;
}
