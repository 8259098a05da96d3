// The mesogun payload layouts, field by field, for `mesoproto explain`: docs/protocol.md A.4 in wire order,
// as protocols/src/mesogun_codec.cpp writes them. Nothing ties this table to the codec at compile time, so
// the explainer checks it against the decoder's own reading of every frame it explains and reports
// "explain table out of date" when they disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "meso/protocols/mesogun_messages.hpp"

namespace meso::mesoproto::mesogun_layout {

// How a field is shown, and how its bytes are compared with the decoder's JSON value.
enum class Kind : std::uint8_t {
  uint,
  int16,
  boolean,
  text,
  id,  // an opaque number, shown in hex
  fire_mode,
  device_state,
  alarm_code,
  alarm_priority,
  error_reason,
  nak_reason,
  type_byte,
  identity_modes,  // IDENTITY's byte 74: mode bits, and bit 7 for the JSON member "simulated"
  alarm_bits,
  record_count,  // SHOT_RECORDS' count byte; in JSON it is the size of "records"
};

struct FieldSpec {
  std::string_view name;
  std::size_t size;
  Kind kind;
};

// The payload's fields; for SHOT_RECORDS, its 9-byte header, then record_layout() once per record.
std::span<const FieldSpec> payload_layout(protocols::mesogun::MessageType type);
std::span<const FieldSpec> record_layout();  // SHOT and SHOT_RECORDS

// "host -> device", "device -> host" or "either way" (docs/protocol.md A.3; the library has no direction).
std::string_view direction(protocols::mesogun::MessageType type);

}  // namespace meso::mesoproto::mesogun_layout
