#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "explain.hpp"
#include "meso/protocols/pen_json.hpp"
#include "stream_scan.hpp"
#include "tool_io.hpp"

namespace meso::mesoproto {

namespace pen = protocols::pen;

namespace {

enum class PenFieldKind : std::uint8_t { integer, text, token, flag };

struct PenFieldSpec {
  std::string_view name;
  PenFieldKind kind;
};

struct SentenceSpec {
  std::string_view meaning;
  std::span<const PenFieldSpec> fields;
};

// Docs/protocol.md B.3, in sentence order, as protocols/src/pen_codec.cpp writes them. Every sentence
// explained is checked against the decoder's own reading of it (check_fields), so that this table cannot
// drift from the codec unnoticed.
SentenceSpec sentence_spec(pen::Kind kind) {
  static constexpr auto kDepth = std::to_array<PenFieldSpec>({{"depth_um", PenFieldKind::integer}});
  static constexpr auto kSpeed = std::to_array<PenFieldSpec>({{"speed_sps", PenFieldKind::integer}});
  static constexpr auto kRun = std::to_array<PenFieldSpec>({{"lease_ms", PenFieldKind::integer}});
  static constexpr auto kIdentity = std::to_array<PenFieldSpec>({{"model", PenFieldKind::text},
                                                                 {"firmware", PenFieldKind::text},
                                                                 {"serial_number", PenFieldKind::text},
                                                                 {"protocol_version", PenFieldKind::integer},
                                                                 {"depth_min_um", PenFieldKind::integer},
                                                                 {"depth_max_um", PenFieldKind::integer},
                                                                 {"depth_step_um", PenFieldKind::integer},
                                                                 {"speed_min_sps", PenFieldKind::integer},
                                                                 {"speed_max_sps", PenFieldKind::integer},
                                                                 {"simulated", PenFieldKind::flag}});
  static constexpr auto kAck = std::to_array<PenFieldSpec>({{"command", PenFieldKind::token}});
  static constexpr auto kNak =
      std::to_array<PenFieldSpec>({{"command", PenFieldKind::token}, {"reason", PenFieldKind::token}});
  static constexpr auto kStatus = std::to_array<PenFieldSpec>({{"state", PenFieldKind::token},
                                                               {"depth_um", PenFieldKind::integer},
                                                               {"speed_sps", PenFieldKind::integer},
                                                               {"stamps_total", PenFieldKind::integer},
                                                               {"battery_pct", PenFieldKind::integer},
                                                               {"temperature_dc", PenFieldKind::integer},
                                                               {"lease_left_ms", PenFieldKind::integer}});
  static constexpr auto kAlarm = std::to_array<PenFieldSpec>(
      {{"code", PenFieldKind::token}, {"priority", PenFieldKind::token}, {"active", PenFieldKind::flag}});
  switch (kind) {
    case pen::Kind::identify:
      return {"identify", {}};
    case pen::Kind::set_depth:
      return {"set needle depth", kDepth};
    case pen::Kind::set_speed:
      return {"set speed", kSpeed};
    case pen::Kind::start:
      return {"run the motor with a lease", kRun};
    case pen::Kind::stop:
      return {"stop the motor", {}};
    case pen::Kind::status_query:
      return {"status poll", {}};
    case pen::Kind::identity:
      return {"identity and capabilities", kIdentity};
    case pen::Kind::ack:
      return {"the command was done", kAck};
    case pen::Kind::nak:
      return {"the command was refused", kNak};
    case pen::Kind::status:
      return {"status", kStatus};
    case pen::Kind::alarm:
      return {"alarm raised or cleared", kAlarm};
  }
  return {};
}

std::string_view advice(pen::DecodeError error) {
  switch (error) {
    case pen::DecodeError::garbage:
      return "a boot banner, another talker on the line, or a wrong baud rate";
    case pen::DecodeError::truncated:
      return "a new '$' came mid-sentence: bytes were lost, or the pen restarted while sending";
    case pen::DecodeError::too_long:
      return "more than 82 bytes without CR LF: a lost line end, a wrong baud rate, or not a pen";
    case pen::DecodeError::bad_terminator:
      return "LF without CR: a file saved with Unix line endings? Sentences end with CR LF";
    case pen::DecodeError::bad_checksum:
      return "line noise or wrong baud rate; in a hand-edited file, a checksum not recomputed";
    case pen::DecodeError::bad_syntax:
      return "not a $PMSN sentence, or a control byte inside: another NMEA talker, or noise";
    case pen::DecodeError::unknown_kind:
      return "a kind version 1 does not define: pen firmware newer than this tool, or a typo";
    case pen::DecodeError::bad_field:
      return "checksum good, a field is wrong (see above): a pen firmware bug, or a hand-edited sentence";
  }
  return "";
}

// The parts of "$PMSN,DEP,1500*2A\r\n" that can be found, whatever else is wrong with it.
struct Parts {
  std::string_view body;                    // between '$' and '*'
  std::optional<std::uint8_t> carried_sum;  // the two digits after '*'
};

Parts split_sentence(std::string_view text) {
  Parts parts;
  if (text.empty() || text.front() != '$') return parts;
  const std::size_t star = text.find('*');
  parts.body = text.substr(1, star == std::string_view::npos ? std::string_view::npos : star - 1);
  std::uint8_t sum = 0;
  if (star != std::string_view::npos && star + 3 <= text.size()) {
    const char* digits = text.data() + star + 1;
    const auto [end, ec] = std::from_chars(digits, digits + 2, sum, 16);
    if (ec == std::errc{} && end == digits + 2) parts.carried_sum = sum;
  }
  return parts;
}

std::vector<std::string_view> split_fields(std::string_view body) {
  std::vector<std::string_view> fields;
  while (true) {
    const std::size_t comma = body.find(',');
    fields.push_back(body.substr(0, comma));
    if (comma == std::string_view::npos) return fields;
    body.remove_prefix(comma + 1);
  }
}

std::string two_hex_upper(std::uint8_t value) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  return {kDigits[value >> 4U], kDigits[value & 0x0FU]};
}

void print_checksum(std::ostream& out, const Parts& parts) {
  if (!parts.carried_sum) return;
  const std::uint8_t computed = pen::nmea_checksum(parts.body);
  const std::string verdict =
      computed == *parts.carried_sum ? "ok" : "MISMATCH (expected " + two_hex_upper(computed) + ")";
  print_row(out, "*", two_hex_upper(*parts.carried_sum), "checksum", verdict);
}

// How the decoder's JSON value is written in a sentence, to compare with what the sentence holds.
std::string as_sentence_field(PenFieldKind kind, const nlohmann::json& value) {
  switch (kind) {
    case PenFieldKind::integer:
      return value.is_number_integer() ? value.dump() : "?";
    case PenFieldKind::text:
    case PenFieldKind::token:
      return value.is_string() ? value.get<std::string>() : "?";
    case PenFieldKind::flag:
      return value.is_boolean() ? (value.get<bool>() ? "1" : "0") : "?";
  }
  return "?";
}

std::string interpret(const PenFieldSpec& spec, std::string_view text) {
  switch (spec.kind) {
    case PenFieldKind::integer: {
      std::int64_t value = 0;
      std::from_chars(text.data(), text.data() + text.size(), value);
      return with_unit(spec.name, value);
    }
    case PenFieldKind::text:
      return "\"" + std::string(text) + "\"";
    case PenFieldKind::token: {
      const auto kind = protocols::enum_from_name<pen::Kind>(text);
      return kind ? std::string(text) + " (" + std::string(sentence_spec(*kind).meaning) + ")"
                  : std::string(text);
    }
    case PenFieldKind::flag:
      if (spec.name == "simulated") return text == "1" ? "true (a simulator)" : "false (not simulated)";
      return text == "1" ? "true (raised)" : "false (cleared)";
  }
  return std::string(text);
}

// Why the table does not describe this sentence as the decoder read it; empty when it does.
std::string check_fields(std::span<const PenFieldSpec> specs, std::span<const std::string_view> fields,
                         const nlohmann::json& message) {
  if (fields.size() != specs.size()) {
    return "the table lists " + std::to_string(specs.size()) + " fields, the sentence has " +
           std::to_string(fields.size());
  }
  std::set<std::string> names{"type"};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string name(specs[i].name);
    names.insert(name);
    if (!message.contains(name)) return "the table has '" + name + "', the decoder does not";
    if (as_sentence_field(specs[i].kind, message[name]) != fields[i]) {
      return name + ": the sentence says " + std::string(fields[i]) + ", the decoder " + message[name].dump();
    }
  }
  for (const auto& [key, unused] : message.items()) {
    if (!names.contains(key)) return "the decoder has '" + key + "', the table does not";
  }
  return {};
}

void explain_message(const pen::Message& message, std::span<const std::uint8_t> bytes, std::ostream& out,
                     Tally& tally) {
  const auto kind = pen::kind_of(message);
  const auto spec = sentence_spec(kind);
  out << protocols::to_name(kind) << " (" << spec.meaning << "), "
      << (pen::is_host_command(kind) ? "host -> pen" : "pen -> host") << '\n';
  out << "  " << escaped(bytes) << '\n';
  const std::string text = as_text(bytes);
  const auto parts = split_sentence(text);
  const auto all_fields = split_fields(parts.body);
  const auto fields = std::span(all_fields).subspan(std::min<std::size_t>(2, all_fields.size()));
  auto specs = spec.fields;
  auto json = pen::to_json(message);
  // A nine-field IDR comes from a pen that predates `simulated` (docs/protocol.md B.3): the decoder reads it
  // as not simulated, and the sentence has no field to show for it.
  if (kind == pen::Kind::identity && fields.size() + 1 == specs.size()) {
    specs = specs.first(fields.size());
    json.erase("simulated");
    out << "  (no simulated field: a pen older than the field, read as not simulated)\n";
  }
  if (const auto problem = check_fields(specs, fields, json); !problem.empty()) {
    out << "  explain table out of date for " << protocols::to_name(kind) << ": " << problem
        << " (update sentence_spec() in protocols/tools/explain_pen.cpp)\n";
    tally.table_out_of_date();
  } else {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      print_row(out, "field " + std::to_string(i + 2), fields[i], specs[i].name,
                interpret(specs[i], fields[i]));
    }
  }
  print_checksum(out, parts);
  tally.decoded();
}

void explain_failure(const pen::DecodeFailure& failure, std::span<const std::uint8_t> bytes,
                     std::ostream& out, Tally& tally) {
  out << pen::name_of(failure.error) << " (" << failure.detail << ")\n";
  out << "  " << escaped(bytes) << '\n';
  const std::string text = as_text(bytes);
  print_checksum(out, split_sentence(text));
  out << "  what to check: " << advice(failure.error) << '\n';
  tally.error(pen::name_of(failure.error));
}

}  // namespace

bool explain_pen(std::span<const std::uint8_t> capture, std::ostream& out) {
  out << "pen capture, " << capture.size() << " bytes. A sentence is '$', the address PMSN (P: proprietary,\n"
      << "MSN: maker), the kind, the fields (numbered from 0, PMSN), '*', a checksum (XOR of the bytes\n"
      << "between '$' and '*'), CR LF.\n";
  const auto scan = scan_pen(capture);
  Tally tally;
  std::size_t sentences = 0;
  for (const auto& event : scan.events) {
    const auto bytes = capture.subspan(event.offset, event.length);
    const bool sentence = !bytes.empty() && bytes.front() == '$';
    if (sentence) {
      out << "sentence " << ++sentences << " at offset " << event.offset << ", " << event.length
          << " bytes: ";
    } else {
      out << event.length << " bytes at offset " << event.offset << ": ";
    }
    if (const auto* failure = std::get_if<pen::DecodeFailure>(&event.result)) {
      explain_failure(*failure, bytes, out, tally);
    } else {
      explain_message(std::get<pen::Message>(event.result), bytes, out, tally);
    }
  }
  if (scan.pending > 0) {
    const auto rest = capture.last(std::min(scan.pending, capture.size()));
    out << "incomplete at offset " << capture.size() - rest.size() << ", " << scan.pending
        << " bytes: the capture ended inside a sentence, or after bytes outside one\n  " << escaped(rest)
        << "\n  what to check: the capture was cut short, or its last line lacks CR LF\n";
    tally.error("incomplete");
  }
  tally.print(out, "sentence");
  return tally.ok();
}

}  // namespace meso::mesoproto
