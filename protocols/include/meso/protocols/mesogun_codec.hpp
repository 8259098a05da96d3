// Bytes to mesogun frames and back. Pure: no I/O, no clocks, no threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "meso/protocols/mesogun_messages.hpp"

namespace meso::protocols::mesogun {

// Why a message cannot be encoded (a field outside what the wire can carry), or nullopt when it can.
// Limits of a particular device (depth range, lease range) are not checked here: they are not wire rules.
std::optional<std::string_view> validate(const Message& message);

// Appends the frame's wire bytes (COBS body and the final 0x00) to `out`.
// Throws std::invalid_argument, naming the field, when validate() refuses the message.
void encode_to(const Frame& frame, std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode(const Frame& frame);

// The decoded (pre-COBS) frame bytes: header, payload, CRC. For explaining frames byte by byte.
std::vector<std::uint8_t> serialize(const Frame& frame);

enum class DecodeError : std::uint8_t {
  cobs_invalid,  // the body is not a valid COBS encoding
  too_short,     // fewer than 10 decoded bytes
  too_long,      // more than kMaxEncodedFrame bytes before a 0x00
  bad_crc,
  bad_version,   // CRC good, version byte is not 1
  unknown_type,  // CRC good, message type not defined
  bad_length,    // CRC good, payload length wrong for the type
  bad_field,     // CRC good, a field holds a value the spec does not allow
};

// Header fields of a frame whose CRC was good but whose content was refused: a peer can still name the
// refused frame (ERROR.refused_seq) and keep its acknowledgements straight.
struct FrameHeader {
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint16_t seq = 0;
  std::uint16_t ack = 0;
  bool operator==(const FrameHeader&) const = default;
};

struct DecodeFailure {
  DecodeError error = DecodeError::cobs_invalid;
  std::optional<FrameHeader> header;  // set when the CRC was good
  std::string_view detail;            // static text: what was wrong
  std::size_t wire_bytes = 0;         // bytes consumed, including the delimiter
  bool operator==(const DecodeFailure&) const = default;
};

using DecodeResult = std::variant<Frame, DecodeFailure>;

// Decodes one decoded (post-COBS) frame: header, payload and CRC.
DecodeResult parse(std::span<const std::uint8_t> decoded);

// Decodes one wire frame: a COBS body, with or without its trailing 0x00.
DecodeResult decode(std::span<const std::uint8_t> wire);

// Byte-fed stream decoder. Fed one byte at a time or a whole buffer, it yields the same results: one per
// 0x00-delimited frame. Empty frames (0x00 0x00) are ignored, as the spec allows senders to flush with 0x00.
class FrameDecoder {
 public:
  // Returns a result when `byte` completes a frame.
  std::optional<DecodeResult> push(std::uint8_t byte);

  // Calls sink(const DecodeResult&) for every frame completed by `bytes`.
  template <class Sink>
  void feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
    for (const std::uint8_t byte : bytes) {
      if (auto result = push(byte)) sink(*result);
    }
  }

  // Bytes held for a frame not yet delimited.
  std::size_t pending() const { return overflowed_ ? overflow_bytes_ : size_; }

 private:
  std::array<std::uint8_t, kMaxEncodedFrame> buffer_{};
  std::size_t size_ = 0;
  bool overflowed_ = false;
  std::size_t overflow_bytes_ = 0;
};

std::string_view name_of(DecodeError error);

}  // namespace meso::protocols::mesogun
