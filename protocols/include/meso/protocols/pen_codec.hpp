// Lines to pen sentences and back. Pure: no I/O, no clocks, no threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "meso/protocols/pen_messages.hpp"

namespace meso::protocols::pen {

// Why a message cannot be encoded, or nullopt when it can (text fields, the 82-byte sentence limit).
std::optional<std::string_view> validate(const Message& message);

// The whole sentence: '$', fields, '*', two upper-case hex digits, "\r\n".
// Throws std::invalid_argument, naming the problem, when validate() refuses the message.
std::string encode(const Message& message);

// XOR of the bytes between '$' and '*'.
std::uint8_t nmea_checksum(std::string_view between_dollar_and_star);

enum class DecodeError : std::uint8_t {
  garbage,         // bytes outside any sentence (before a '$')
  truncated,       // a new '$' arrived before the sentence ended
  too_long,        // more than 82 bytes without an end
  bad_terminator,  // '\n' not preceded by '\r'
  bad_checksum,    // missing '*hh', malformed hex, or XOR mismatch
  bad_syntax,      // not a $PMSN sentence, or a character outside printable ASCII
  unknown_kind,    // checksum good, sentence kind not defined
  bad_field,       // checksum good, field count or a field's value wrong
};

struct DecodeFailure {
  DecodeError error = DecodeError::garbage;
  std::string_view detail;  // static text
  std::size_t bytes = 0;    // bytes this failure accounts for
  bool operator==(const DecodeFailure&) const = default;
};

using DecodeResult = std::variant<Message, DecodeFailure>;

// Decodes one complete sentence, from '$' to "\r\n" inclusive.
DecodeResult decode(std::string_view sentence);

// Byte-fed stream decoder. Fed one byte at a time or a whole buffer, it yields the same results.
// It resynchronises at the next '$': a run of bytes outside sentences (garbage), a sentence cut short by a
// '$' (truncated) and an over-long sentence with what follows it up to the '$' (too_long) are each
// reported once, with every byte counted, when that '$' arrives.
class SentenceDecoder {
 public:
  std::optional<DecodeResult> push(std::uint8_t byte);

  template <class Sink>
  void feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
    for (const std::uint8_t byte : bytes) {
      if (auto result = push(byte)) sink(*result);
    }
  }
  template <class Sink>
  void feed(std::string_view text, Sink&& sink) {
    for (const char c : text) {
      if (auto result = push(static_cast<std::uint8_t>(c))) sink(*result);
    }
  }

  std::size_t pending() const { return size_ + garbage_ + skipped_; }

 private:
  std::optional<DecodeResult> start_sentence();

  std::array<char, kMaxSentence> buffer_{};
  std::size_t size_ = 0;     // bytes of the sentence under way ('$' first), 0 when between sentences
  std::size_t garbage_ = 0;  // bytes seen between sentences, not yet reported
  std::size_t skipped_ = 0;  // bytes dropped after an over-long sentence, until the next '$'
  bool skipping_ = false;
};

std::string_view name_of(DecodeError error);

}  // namespace meso::protocols::pen
