#include "meso/protocols/pen_codec.hpp"

#include <charconv>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace meso::protocols::pen {

namespace {

using FieldError = std::optional<std::string_view>;
constexpr std::size_t kMaxFields = 12;
constexpr std::size_t kIdentityFields = 10;         // with simulated
constexpr std::size_t kLegacyIdentityFields = 9;    // before simulated: read as not simulated
constexpr std::string_view kReserved = "$*,!\\^~";  // NMEA 0183 reserved characters

bool printable(char c) {
  return c >= 0x20 && c <= 0x7E;
}

FieldError check_text(std::string_view text, std::string_view what) {
  if (text.size() > kMaxTextField) return what;
  for (const char c : text) {
    if (!printable(c) || kReserved.find(c) != std::string_view::npos) return what;
  }
  return std::nullopt;
}

// ---- writing ----

class SentenceWriter {
 public:
  explicit SentenceWriter(Kind kind) {
    body_ = kAddress;
    add(to_name(kind));
  }
  void add(std::string_view field) {
    body_.push_back(',');
    body_.append(field);
  }
  template <class Int>
  void add_int(Int value) {
    std::array<char, 16> digits{};
    const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
    add(std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())));
  }
  template <class E>
  void add_enum(E value) {
    add(to_name(value));
  }
  const std::string& body() const { return body_; }

 private:
  std::string body_;
};

void write(SentenceWriter&, const Identify&) {}
void write(SentenceWriter& w, const SetDepth& m) {
  w.add_int(m.depth_um);
}
void write(SentenceWriter& w, const SetSpeed& m) {
  w.add_int(m.speed_sps);
}
void write(SentenceWriter& w, const Start& m) {
  w.add_int(m.lease_ms);
}
void write(SentenceWriter&, const Stop&) {}
void write(SentenceWriter&, const StatusQuery&) {}
void write(SentenceWriter& w, const Identity& m) {
  w.add(m.model);
  w.add(m.firmware);
  w.add(m.serial_number);
  w.add_int(m.protocol_version);
  w.add_int(m.depth_min_um);
  w.add_int(m.depth_max_um);
  w.add_int(m.depth_step_um);
  w.add_int(m.speed_min_sps);
  w.add_int(m.speed_max_sps);
  w.add(m.simulated ? "1" : "0");
}
void write(SentenceWriter& w, const Ack& m) {
  w.add_enum(m.command);
}
void write(SentenceWriter& w, const Nak& m) {
  w.add_enum(m.command);
  w.add_enum(m.reason);
}
void write(SentenceWriter& w, const Status& m) {
  w.add_enum(m.state);
  w.add_int(m.depth_um);
  w.add_int(m.speed_sps);
  w.add_int(m.stamps_total);
  w.add_int(m.battery_pct);
  w.add_int(m.temperature_dc);
  w.add_int(m.lease_left_ms);
}
void write(SentenceWriter& w, const Alarm& m) {
  w.add_enum(m.code);
  w.add_enum(m.priority);
  w.add(m.active ? "1" : "0");
}

template <class E>
bool known(E value) {
  return enum_from_value<E>(static_cast<std::underlying_type_t<E>>(value)).has_value();
}

FieldError check(const Identify&) {
  return std::nullopt;
}
FieldError check(const SetDepth&) {
  return std::nullopt;
}
FieldError check(const SetSpeed&) {
  return std::nullopt;
}
FieldError check(const Start&) {
  return std::nullopt;
}
FieldError check(const Stop&) {
  return std::nullopt;
}
FieldError check(const StatusQuery&) {
  return std::nullopt;
}
FieldError check(const Identity& m) {
  if (auto e = check_text(m.model, "model: at most 16 printable characters, none of $*,!\\^~")) return e;
  if (auto e = check_text(m.firmware, "firmware: at most 16 printable characters, none of $*,!\\^~"))
    return e;
  if (auto e =
          check_text(m.serial_number, "serial_number: at most 16 printable characters, none of $*,!\\^~")) {
    return e;
  }
  return std::nullopt;
}
FieldError check(const Ack& m) {
  if (!is_host_command(m.command)) return "command: ACK answers a host sentence (IDQ DEP SPD RUN STP STQ)";
  return std::nullopt;
}
FieldError check(const Nak& m) {
  if (!is_host_command(m.command)) return "command: NAK answers a host sentence (IDQ DEP SPD RUN STP STQ)";
  if (!known(m.reason)) return "reason: not a defined NAK reason";
  return std::nullopt;
}
FieldError check(const Status& m) {
  if (!known(m.state)) return "state: not a defined pen state";
  if (m.battery_pct > 100) return "battery_pct: at most 100";
  return std::nullopt;
}
FieldError check(const Alarm& m) {
  if (!known(m.code)) return "code: not a defined alarm code";
  if (!known(m.priority)) return "priority: not a defined priority";
  return std::nullopt;
}

// ---- reading ----

// Canonical decimal: no sign (unless negative and signed), no leading zeros, no "-0", fits the type.
template <class Int>
bool parse_int(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const bool negative = text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return false;
  if (negative && (!std::numeric_limits<Int>::is_signed || digits == "0")) return false;
  for (const char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

template <class E>
bool parse_enum(std::string_view text, E& out) {
  const auto value = enum_from_name<E>(text);
  if (value) out = *value;
  return value.has_value();
}

bool parse_text(std::string_view text, std::string& out) {
  if (check_text(text, "")) return false;
  out = text;
  return true;
}

using Fields = std::span<const std::string_view>;  // the fields after the kind

bool read(Fields, Identify&) {
  return true;
}
bool read(Fields f, SetDepth& m) {
  return parse_int(f[0], m.depth_um);
}
bool read(Fields f, SetSpeed& m) {
  return parse_int(f[0], m.speed_sps);
}
bool read(Fields f, Start& m) {
  return parse_int(f[0], m.lease_ms);
}
bool read(Fields, Stop&) {
  return true;
}
bool read(Fields, StatusQuery&) {
  return true;
}
bool read(Fields f, Identity& m) {
  m.simulated = false;  // a nine-field IDR comes from a pen that predates the field (docs/protocol.md B.3)
  if (f.size() == kIdentityFields) {
    if (f[9] != "0" && f[9] != "1") return false;
    m.simulated = f[9] == "1";
  }
  return parse_text(f[0], m.model) && parse_text(f[1], m.firmware) && parse_text(f[2], m.serial_number) &&
         parse_int(f[3], m.protocol_version) && parse_int(f[4], m.depth_min_um) &&
         parse_int(f[5], m.depth_max_um) && parse_int(f[6], m.depth_step_um) &&
         parse_int(f[7], m.speed_min_sps) && parse_int(f[8], m.speed_max_sps);
}
bool read(Fields f, Ack& m) {
  return parse_enum(f[0], m.command);
}
bool read(Fields f, Nak& m) {
  return parse_enum(f[0], m.command) && parse_enum(f[1], m.reason);
}
bool read(Fields f, Status& m) {
  return parse_enum(f[0], m.state) && parse_int(f[1], m.depth_um) && parse_int(f[2], m.speed_sps) &&
         parse_int(f[3], m.stamps_total) && parse_int(f[4], m.battery_pct) &&
         parse_int(f[5], m.temperature_dc) && parse_int(f[6], m.lease_left_ms);
}
bool read(Fields f, Alarm& m) {
  if (f[2] != "0" && f[2] != "1") return false;
  m.active = f[2] == "1";
  return parse_enum(f[0], m.code) && parse_enum(f[1], m.priority);
}

constexpr std::size_t field_count(Kind kind) {
  switch (kind) {
    case Kind::set_depth:
    case Kind::set_speed:
    case Kind::start:
    case Kind::ack:
      return 1;
    case Kind::nak:
      return 2;
    case Kind::alarm:
      return 3;
    case Kind::status:
      return 7;
    case Kind::identity:
      return kIdentityFields;
    case Kind::identify:
    case Kind::stop:
    case Kind::status_query:
      return 0;
  }
  return 0;
}

template <class T>
DecodeResult read_message(Fields fields, std::size_t bytes) {
  T message{};
  if (!read(fields, message))
    return DecodeFailure{DecodeError::bad_field, "a field is malformed or out of range", bytes};
  if (auto problem = check(message)) return DecodeFailure{DecodeError::bad_field, *problem, bytes};
  if constexpr (std::is_same_v<T, Identity>) {
    // A nine-field IDR is written back with its tenth field, two bytes longer: one that fits only without it
    // is refused, so that every identity the host accepts is one it can write, journal and replay.
    if (fields.size() < kIdentityFields && bytes + 2 > kMaxSentence)
      return DecodeFailure{
          DecodeError::bad_field,
          "IDR: nine fields and too long to carry its simulated field within 82 bytes; shorten "
          "the model, firmware or serial text",
          bytes};
  }
  return Message{std::move(message)};
}

DecodeResult read_kind(Kind kind, Fields fields, std::size_t bytes) {
  switch (kind) {
    case Kind::identify:
      return read_message<Identify>(fields, bytes);
    case Kind::set_depth:
      return read_message<SetDepth>(fields, bytes);
    case Kind::set_speed:
      return read_message<SetSpeed>(fields, bytes);
    case Kind::start:
      return read_message<Start>(fields, bytes);
    case Kind::stop:
      return read_message<Stop>(fields, bytes);
    case Kind::status_query:
      return read_message<StatusQuery>(fields, bytes);
    case Kind::identity:
      return read_message<Identity>(fields, bytes);
    case Kind::ack:
      return read_message<Ack>(fields, bytes);
    case Kind::nak:
      return read_message<Nak>(fields, bytes);
    case Kind::status:
      return read_message<Status>(fields, bytes);
    case Kind::alarm:
      return read_message<Alarm>(fields, bytes);
  }
  return DecodeFailure{DecodeError::unknown_kind, "sentence kind not defined", bytes};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::uint8_t nmea_checksum(std::string_view between_dollar_and_star) {
  std::uint8_t sum = 0;
  for (const char c : between_dollar_and_star)
    sum ^= static_cast<std::uint8_t>(c);
  return sum;
}

std::optional<std::string_view> validate(const Message& message) {
  if (auto problem = std::visit([](const auto& m) { return check(m); }, message)) return problem;
  SentenceWriter writer(kind_of(message));
  std::visit([&writer](const auto& m) { write(writer, m); }, message);
  if (writer.body().size() + 6 > kMaxSentence)
    return "sentence: longer than 82 bytes; shorten the text fields";
  return std::nullopt;
}

std::string encode(const Message& message) {
  if (auto problem = validate(message)) {
    throw std::invalid_argument(std::string(to_name(kind_of(message))) + ": " + std::string(*problem));
  }
  SentenceWriter writer(kind_of(message));
  std::visit([&writer](const auto& m) { write(writer, m); }, message);
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  const std::uint8_t sum = nmea_checksum(writer.body());
  std::string out;
  out.reserve(writer.body().size() + 6);
  out.push_back('$');
  out.append(writer.body());
  out.push_back('*');
  out.push_back(kHex[sum >> 4U]);
  out.push_back(kHex[sum & 0x0FU]);
  out.append("\r\n");
  return out;
}

DecodeResult decode(std::string_view sentence) {
  const std::size_t bytes = sentence.size();
  if (sentence.size() > kMaxSentence)
    return DecodeFailure{DecodeError::too_long, "longer than 82 bytes", bytes};
  if (sentence.empty() || sentence.front() != '$')
    return DecodeFailure{DecodeError::bad_syntax, "does not start with '$'", bytes};
  if (sentence.size() < 2 || sentence.substr(sentence.size() - 2) != "\r\n") {
    return DecodeFailure{DecodeError::bad_terminator, "does not end with \\r\\n", bytes};
  }
  const std::string_view inner = sentence.substr(1, sentence.size() - 3);  // between '$' and "\r\n"
  const std::size_t star = inner.find('*');
  if (star == std::string_view::npos || star + 3 != inner.size()) {
    return DecodeFailure{DecodeError::bad_checksum, "missing '*' and two hex digits before \\r\\n", bytes};
  }
  const int hi = hex_value(inner[star + 1]);
  const int lo = hex_value(inner[star + 2]);
  if (hi < 0 || lo < 0)
    return DecodeFailure{DecodeError::bad_checksum, "checksum is not two hex digits", bytes};
  const std::string_view body = inner.substr(0, star);
  for (const char c : body) {
    if (!printable(c) || c == '$')
      return DecodeFailure{DecodeError::bad_syntax, "non-printable byte in sentence", bytes};
  }
  if (nmea_checksum(body) != static_cast<std::uint8_t>(hi * 16 + lo)) {
    return DecodeFailure{DecodeError::bad_checksum, "checksum mismatch", bytes};
  }

  std::array<std::string_view, kMaxFields> fields{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = body.find(',', start);
    if (count == fields.size()) return DecodeFailure{DecodeError::bad_field, "too many fields", bytes};
    fields[count++] =
        body.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (fields[0] != kAddress) return DecodeFailure{DecodeError::bad_syntax, "not a $PMSN sentence", bytes};
  if (count < 2) return DecodeFailure{DecodeError::bad_syntax, "no sentence kind after $PMSN", bytes};
  const auto kind = enum_from_name<Kind>(fields[1]);
  if (!kind) return DecodeFailure{DecodeError::unknown_kind, "sentence kind not defined", bytes};
  const bool legacy_identity = *kind == Kind::identity && count - 2 == kLegacyIdentityFields;
  if (count - 2 != field_count(*kind) && !legacy_identity) {
    return DecodeFailure{DecodeError::bad_field, "wrong number of fields for the sentence kind", bytes};
  }
  return read_kind(*kind, Fields(fields.data() + 2, count - 2), bytes);
}

std::optional<DecodeResult> SentenceDecoder::push(std::uint8_t byte) {
  const char c = static_cast<char>(byte);
  if (c == '$') return start_sentence();
  if (skipping_) {
    ++skipped_;
    return std::nullopt;
  }
  if (size_ == 0) {
    ++garbage_;
    return std::nullopt;
  }
  if (size_ == buffer_.size()) {
    // Too long: drop everything up to the next '$', and account for all of it then, at once.
    skipping_ = true;
    skipped_ = size_ + 1;
    size_ = 0;
    return std::nullopt;
  }
  buffer_[size_++] = c;
  if (c != '\n') return std::nullopt;
  const std::size_t size = size_;
  size_ = 0;
  if (size < 2 || buffer_[size - 2] != '\r') {
    return DecodeFailure{DecodeError::bad_terminator, "'\\n' not preceded by '\\r'", size};
  }
  return decode(std::string_view(buffer_.data(), size));
}

std::optional<DecodeResult> SentenceDecoder::start_sentence() {
  DecodeFailure failure{};
  if (skipping_) {
    failure = DecodeFailure{DecodeError::too_long, "more than 82 bytes without \\r\\n", skipped_};
  } else if (size_ > 0) {
    failure = DecodeFailure{DecodeError::truncated, "a new '$' arrived before the sentence ended", size_};
  } else if (garbage_ > 0) {
    failure = DecodeFailure{DecodeError::garbage, "bytes outside any sentence", garbage_};
  }
  skipping_ = false;
  skipped_ = 0;
  garbage_ = 0;
  buffer_[0] = '$';
  size_ = 1;
  if (failure.bytes == 0) return std::nullopt;
  return DecodeResult{failure};
}

std::string_view name_of(DecodeError error) {
  switch (error) {
    case DecodeError::garbage:
      return "garbage";
    case DecodeError::truncated:
      return "truncated";
    case DecodeError::too_long:
      return "too_long";
    case DecodeError::bad_terminator:
      return "bad_terminator";
    case DecodeError::bad_checksum:
      return "bad_checksum";
    case DecodeError::bad_syntax:
      return "bad_syntax";
    case DecodeError::unknown_kind:
      return "unknown_kind";
    case DecodeError::bad_field:
      return "bad_field";
  }
  return "unknown";
}

}  // namespace meso::protocols::pen
