#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "explain.hpp"
#include "meso/protocols/cobs.hpp"
#include "meso/protocols/crc32c.hpp"
#include "meso/protocols/mesogun_json.hpp"
#include "mesogun_layout.hpp"
#include "stream_scan.hpp"
#include "tool_io.hpp"

namespace meso::mesoproto {

namespace mg = protocols::mesogun;

namespace {

using mesogun_layout::direction;
using mesogun_layout::FieldSpec;
using mesogun_layout::Kind;
using mesogun_layout::payload_layout;
using mesogun_layout::record_layout;

std::string_view advice(mg::DecodeError error) {
  switch (error) {
    case mg::DecodeError::cobs_invalid:
      return "not a COBS body: line noise, a wrong baud rate, or a capture that began mid-frame";
    case mg::DecodeError::too_short:
      return "a fragment: the capture began mid-frame, bytes were lost, or it is noise";
    case mg::DecodeError::too_long:
      return "no 0x00 within 251 bytes: a lost delimiter, a wrong baud rate, or not a mesogun link";
    case mg::DecodeError::bad_crc:
      return "damaged in transit: line noise, wrong baud rate or a loose cable; reliable frames are "
             "resent";
    case mg::DecodeError::bad_version:
      return "the peer speaks another protocol version: check its firmware";
    case mg::DecodeError::unknown_type:
      return "CRC good, type not in version 1: a peer newer than this tool, or a firmware bug";
    case mg::DecodeError::bad_length:
      return "CRC good, payload size wrong for the type: the sender disagrees with docs/protocol.md A.4";
    case mg::DecodeError::bad_field:
      return "CRC good, a field holds a value the spec forbids (see above): a bug in the sender";
  }
  return "";
}

struct Slot {
  std::string_view name;  // as in the spec
  std::string label;      // the name, with the record index inside SHOT_RECORDS
  std::size_t size = 0;
  Kind kind = Kind::uint;
  const nlohmann::json* value = nullptr;      // the decoder's reading
  const nlohmann::json* simulated = nullptr;  // identity_modes: the decoder's reading of bit 7
};

struct Layout {
  std::vector<Slot> slots;
  std::string problem;  // why the table does not describe this frame; empty when it does
};

void add_slots(std::span<const FieldSpec> specs, const nlohmann::json& message, std::string_view prefix,
               Layout& layout) {
  std::set<std::string> covered{"type"};
  for (const auto& spec : specs) {
    const std::string key(spec.kind == Kind::record_count ? "records" : spec.name);
    const auto it = message.find(key);
    if (it == message.end()) {
      layout.problem = "the table has '" + key + "', the decoder does not";
      return;
    }
    covered.insert(key);
    const nlohmann::json* simulated = nullptr;
    if (spec.kind == Kind::identity_modes) {
      const auto bit = message.find("simulated");
      if (bit == message.end()) {
        layout.problem = "the table has 'simulated' in 'modes', the decoder does not";
        return;
      }
      covered.insert("simulated");
      simulated = &*bit;
    }
    layout.slots.push_back(
        {spec.name, std::string(prefix) + std::string(spec.name), spec.size, spec.kind, &*it, simulated});
    if (spec.kind != Kind::record_count) continue;
    for (std::size_t i = 0; i < it->size() && layout.problem.empty(); ++i) {
      add_slots(record_layout(), (*it)[i], "[" + std::to_string(i) + "] ", layout);
    }
  }
  for (const auto& [key, unused] : message.items()) {
    if (!covered.contains(key)) layout.problem = "the decoder has '" + key + "', the table does not";
  }
}

std::uint64_t little_endian(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  unsigned shift = 0;
  for (const std::uint8_t byte : bytes) {
    if (shift >= 64U) break;  // text fields are wider than any integer; their value is not used
    value |= std::uint64_t{byte} << shift;
    shift += 8U;
  }
  return value;
}

template <class E>
std::string enum_name(std::uint64_t raw) {
  const auto value = protocols::enum_from_value<E>(static_cast<std::underlying_type_t<E>>(raw));
  return value ? std::string(protocols::to_name(*value)) : "undefined";
}

// Bit n stands for the enum value n + 1, as in IDENTITY.modes and STATUS.active_alarms.
template <class E>
std::string flag_names(std::uint64_t bits) {
  std::string names;
  for (std::uint64_t bit = 0; bit < 8; ++bit) {
    if ((bits >> bit & 1U) == 0) continue;
    names += (names.empty() ? "" : ", ") + enum_name<E>(bit + 1);
  }
  return "0x" + hex(std::array{static_cast<std::uint8_t>(bits)}) +
         (names.empty() ? " (none)" : " (" + names + ")");
}

// What a field's bytes say: shown to the reader, and compared with the decoder's JSON value.
struct Reading {
  std::string text;
  bool matches = false;
};

Reading read_number(const Slot& slot, std::int64_t value, std::string text) {
  const auto& json = *slot.value;
  return {std::move(text), json.is_number_integer() && json.get<std::int64_t>() == value};
}

Reading read_name(const Slot& slot, const std::string& name, std::uint64_t raw) {
  return {name + " (" + std::to_string(raw) + ")", slot.value->is_string() && *slot.value == name};
}

Reading read_field(const Slot& slot, std::span<const std::uint8_t> bytes) {
  const std::uint64_t raw = little_endian(bytes);
  const auto number = static_cast<std::int64_t>(raw);
  const std::string_view name = slot.name;
  switch (slot.kind) {
    case Kind::uint:
      return read_number(slot, number, with_unit(name, number));
    case Kind::id:
      return read_number(slot, number, hex_u32(static_cast<std::uint32_t>(raw)));
    case Kind::int16: {
      const auto value = static_cast<std::int16_t>(static_cast<std::uint16_t>(raw));
      return read_number(slot, value, with_unit(name, value));
    }
    case Kind::type_byte:
      return read_number(slot, number, std::to_string(raw) + " (" + enum_name<mg::MessageType>(raw) + ")");
    case Kind::identity_modes: {
      const bool simulated = (raw & mg::kSimulatedBit) != 0U;
      const std::uint64_t modes = raw & ~std::uint64_t{mg::kSimulatedBit};
      auto reading =
          read_number(slot, static_cast<std::int64_t>(modes),
                      flag_names<mg::FireMode>(modes) +
                          (simulated ? ", bit 7 set: a simulator" : ", bit 7 clear: not simulated"));
      reading.matches = reading.matches && slot.simulated != nullptr && slot.simulated->is_boolean() &&
                        slot.simulated->get<bool>() == simulated;
      return reading;
    }
    case Kind::alarm_bits:
      return read_number(slot, number, flag_names<mg::AlarmCode>(raw));
    case Kind::boolean:
      return {raw == 1 ? "true" : "false", slot.value->is_boolean() && slot.value->get<bool>() == (raw == 1)};
    case Kind::text: {
      const std::string text(bytes.begin(), std::find(bytes.begin(), bytes.end(), std::uint8_t{0}));
      return {"\"" + text + "\"", *slot.value == text};
    }
    case Kind::record_count:
      return {std::to_string(raw) + " records", slot.value->is_array() && slot.value->size() == raw};
    case Kind::fire_mode:
      return read_name(slot, enum_name<mg::FireMode>(raw), raw);
    case Kind::device_state:
      return read_name(slot, enum_name<mg::DeviceState>(raw), raw);
    case Kind::alarm_code:
      return read_name(slot, enum_name<mg::AlarmCode>(raw), raw);
    case Kind::alarm_priority:
      return read_name(slot, enum_name<mg::AlarmPriority>(raw), raw);
    case Kind::error_reason:
      return read_name(slot, enum_name<mg::ErrorReason>(raw), raw);
    case Kind::nak_reason:
      return read_name(slot, enum_name<mg::NakReason>(raw), raw);
  }
  return {};
}

std::string where(std::size_t begin, std::size_t size) {
  if (size <= 1) return std::to_string(begin);
  return std::to_string(begin) + "-" + std::to_string(begin + size - 1);
}

std::string bytes_column(std::span<const std::uint8_t> bytes) {
  return bytes.size() <= 8 ? hex(bytes, " ") : hex(bytes.first(7), " ") + " ..";
}

// Reads every field into `readings`, or returns why the table and the decoder disagree about the frame.
std::string check_layout(const Layout& layout, std::span<const std::uint8_t> payload,
                         std::vector<Reading>& readings) {
  if (!layout.problem.empty()) return layout.problem;
  std::size_t size = 0;
  for (const auto& slot : layout.slots)
    size += slot.size;
  if (size != payload.size()) {
    return "its fields add up to " + std::to_string(size) + " bytes, the payload has " +
           std::to_string(payload.size());
  }
  std::size_t at = 0;
  for (const auto& slot : layout.slots) {
    readings.push_back(read_field(slot, payload.subspan(at, slot.size)));
    at += slot.size;
    if (!readings.back().matches) {
      return slot.label + ": its bytes read " + readings.back().text + ", the decoder says " +
             slot.value->dump();
    }
  }
  return {};
}

std::string header_text(std::span<const std::uint8_t> decoded) {
  const std::uint8_t type = decoded[1];
  const auto name = enum_name<mg::MessageType>(type);
  return "version " + std::to_string(decoded[0]) + ", " +
         (name == "undefined" ? "type " + std::to_string(type) + " (undefined)" : name) + ", seq " +
         std::to_string(little_endian(decoded.subspan(2, 2))) + ", ack " +
         std::to_string(little_endian(decoded.subspan(4, 2)));
}

void print_crc(std::ostream& out, std::span<const std::uint8_t> decoded) {
  const std::size_t at = decoded.size() - mg::kCrcSize;
  const auto crc_bytes = decoded.subspan(at);
  const auto carried = static_cast<std::uint32_t>(little_endian(crc_bytes));
  const std::uint32_t computed = protocols::crc32c(decoded.first(at));
  const std::string verdict = carried == computed ? " ok" : " MISMATCH (expected " + hex_u32(computed) + ")";
  print_row(out, where(at, mg::kCrcSize), hex(crc_bytes, " "), "CRC-32C", hex_u32(carried) + verdict);
}

std::optional<Bytes> cobs_body(std::span<const std::uint8_t> wire) {
  if (!wire.empty() && wire.back() == 0x00) wire = wire.first(wire.size() - 1);
  if (wire.size() > mg::kMaxEncodedFrame) return std::nullopt;
  Bytes decoded(mg::kMaxEncodedFrame);
  const auto size = protocols::cobs_decode(wire, decoded);
  if (!size) return std::nullopt;
  decoded.resize(*size);
  return decoded;
}

void print_payload_undecoded(std::ostream& out, std::span<const std::uint8_t> decoded, std::string_view why) {
  const auto payload = decoded.subspan(mg::kHeaderSize, decoded.size() - mg::kMinFrame);
  if (payload.empty()) return;
  print_row(out, where(mg::kHeaderSize, payload.size()), bytes_column(payload), "payload",
            std::to_string(payload.size()) + " bytes, " + std::string(why));
}

void explain_frame(const mg::Frame& frame, std::span<const std::uint8_t> decoded, std::ostream& out,
                   Tally& tally) {
  const auto type = mg::type_of(frame.message);
  out << ": " << protocols::to_name(type) << ", " << direction(type) << ", "
      << (mg::is_reliable(type) ? "reliable" : "unreliable") << '\n';
  print_row(out, where(0, mg::kHeaderSize), hex(decoded.first(mg::kHeaderSize), " "), "header",
            header_text(decoded));
  const auto message = mg::to_json(frame.message);
  Layout layout;
  add_slots(payload_layout(type), message, "", layout);
  std::vector<Reading> readings;
  const auto payload = decoded.subspan(mg::kHeaderSize, decoded.size() - mg::kMinFrame);
  if (const auto problem = check_layout(layout, payload, readings); !problem.empty()) {
    print_payload_undecoded(out, decoded, "decoded fine, but this tool cannot annotate them");
    out << "  explain table out of date for " << protocols::to_name(type) << ": " << problem
        << " (update protocols/tools/mesogun_layout.cpp)\n";
    tally.table_out_of_date();
  } else {
    std::size_t at = mg::kHeaderSize;
    for (std::size_t i = 0; i < layout.slots.size(); ++i) {
      const auto& slot = layout.slots[i];
      print_row(out, where(at, slot.size), bytes_column(decoded.subspan(at, slot.size)), slot.label,
                readings[i].text);
      at += slot.size;
    }
  }
  print_crc(out, decoded);
  tally.decoded();
}

void explain_failure(const mg::DecodeFailure& failure, std::span<const std::uint8_t> wire, std::ostream& out,
                     Tally& tally) {
  out << ": " << mg::name_of(failure.error) << " (" << failure.detail << ")\n";
  const auto decoded = cobs_body(wire);
  if (!decoded) {
    print_row(out, "wire", hex_capped(wire, 12), "", "");
  } else if (decoded->size() < mg::kMinFrame || decoded->size() > mg::kMaxFrame) {
    print_row(out, "decoded", hex_capped(*decoded, 12), "", "");
  } else {
    const bool trusted = failure.header.has_value();
    print_row(out, where(0, mg::kHeaderSize), hex(std::span(*decoded).first(mg::kHeaderSize), " "), "header",
              header_text(*decoded) + (trusted ? "" : " (untrusted: bad CRC)"));
    print_payload_undecoded(out, *decoded, "not decoded");
    print_crc(out, *decoded);
  }
  out << "  what to check: " << advice(failure.error) << '\n';
  tally.error(mg::name_of(failure.error));
}

void explain_event(std::size_t number, const Event<mg::DecodeResult>& event,
                   std::span<const std::uint8_t> capture, std::ostream& out, Tally& tally) {
  const auto wire = capture.subspan(event.offset, event.length);
  out << "frame " << number << " at offset " << event.offset << ", " << event.length << " bytes on the wire";
  if (const auto* failure = std::get_if<mg::DecodeFailure>(&event.result)) {
    explain_failure(*failure, wire, out, tally);
    return;
  }
  const auto& frame = std::get<mg::Frame>(event.result);
  const auto decoded = cobs_body(wire);
  explain_frame(frame, decoded ? *decoded : mg::serialize(frame), out, tally);
}

}  // namespace

bool explain_mesogun(std::span<const std::uint8_t> capture, std::ostream& out) {
  out << "mesogun capture, " << capture.size() << " bytes. Per frame: its offset and size on the wire (COBS\n"
      << "body and 0x00), then its decoded bytes: offsets, bytes (integers little-endian), field, value.\n";
  const auto scan = scan_mesogun(capture);
  Tally tally;
  for (std::size_t i = 0; i < scan.events.size(); ++i) {
    explain_event(i + 1, scan.events[i], capture, out, tally);
  }
  if (scan.pending > 0) {
    const auto rest = capture.last(std::min(scan.pending, capture.size()));
    out << "incomplete at offset " << capture.size() - rest.size() << ", " << scan.pending
        << " bytes: the capture ended inside a frame (no 0x00 after it)\n";
    print_row(out, "wire", hex_capped(rest, 12), "", "");
    out << "  what to check: the capture was cut short, or the sender had not finished the frame\n";
    tally.error("incomplete");
  }
  tally.print(out, "frame");
  return tally.ok();
}

}  // namespace meso::mesoproto
