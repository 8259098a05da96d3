#include "meso/protocols/mesogun_codec.hpp"

#include <stdexcept>
#include <string>

#include "le_bytes.hpp"
#include "meso/protocols/cobs.hpp"
#include "meso/protocols/crc32c.hpp"

namespace meso::protocols::mesogun {

namespace {

using detail::LeReader;
using detail::LeWriter;
using FieldError = std::optional<std::string_view>;  // nullopt: the field is fine

constexpr std::size_t kShotRecordSize = 18;
constexpr std::size_t kShotRecordsHeaderSize = 9;
constexpr std::uint8_t kKnownAlarmBits = 0x7F;  // alarm codes 1..7
constexpr std::uint8_t kKnownModeBits = kModeBitSingle | kModeBitContinuous | kModeBitNappage;

bool printable_ascii(std::string_view text) {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

FieldError check_text(std::string_view text, std::string_view what) {
  if (text.size() > kTextFieldSize || !printable_ascii(text)) return what;
  return std::nullopt;
}

void write_text(LeWriter& w, std::string_view text) {
  for (std::size_t i = 0; i < kTextFieldSize; ++i) {
    w.u8(i < text.size() ? static_cast<std::uint8_t>(text[i]) : std::uint8_t{0});
  }
}

// Canonical text: printable ASCII, then only NUL padding.
bool read_text(LeReader& r, std::string& out) {
  const auto raw = r.bytes(kTextFieldSize);
  out.clear();
  bool padding = false;
  for (const std::uint8_t byte : raw) {
    if (byte == 0) {
      padding = true;
    } else if (padding || byte < 0x20 || byte > 0x7E) {
      return false;
    } else {
      out.push_back(static_cast<char>(byte));
    }
  }
  return true;
}

template <class E>
bool read_enum(LeReader& r, E& out) {
  const auto value = enum_from_value<E>(r.u8());
  if (!value) return false;
  out = *value;
  return true;
}

bool read_bool(LeReader& r, bool& out) {
  const std::uint8_t raw = r.u8();
  out = raw == 1;
  return raw <= 1;
}

template <class E>
void write_enum(LeWriter& w, E value) {
  w.u8(static_cast<std::uint8_t>(value));
}

template <class E>
bool known(E value) {
  return enum_from_value<E>(static_cast<std::underlying_type_t<E>>(value)).has_value();
}

void write_record(LeWriter& w, const ShotRecord& s) {
  w.u32(s.shot_counter);
  w.u32(s.command_id);
  w.u16(s.depth_um);
  w.u32(s.dose_nl);
  w.u32(s.device_time_ms);
}

void read_record(LeReader& r, ShotRecord& s) {
  s.shot_counter = r.u32();
  s.command_id = r.u32();
  s.depth_um = r.u16();
  s.dose_nl = r.u32();
  s.device_time_ms = r.u32();
}

// ---- per message: wire rules (validate), payload size, write, read ----

FieldError check(const Hello&) {
  return std::nullopt;
}
FieldError check(const Identity& m) {
  if (auto e = check_text(m.model, "model: at most 16 printable ASCII characters")) return e;
  if (auto e = check_text(m.serial_number, "serial_number: at most 16 printable ASCII characters")) return e;
  if ((m.modes & ~kKnownModeBits) != 0)
    return "modes: only bits 0 (single), 1 (continuous), 2 (nappage); bit 7 is simulated, bits 3 to 6 are 0";
  return std::nullopt;
}
FieldError check(const Configure& m) {
  if (!known(m.mode)) return "mode: must be single (1), continuous (2) or nappage (3)";
  return std::nullopt;
}
FieldError check(const Arm&) {
  return std::nullopt;
}
FieldError check(const Disarm&) {
  return std::nullopt;
}
FieldError check(const Fire& m) {
  if (m.command_id == 0) return "command_id: 0 is reserved for trigger shots";
  return std::nullopt;
}
FieldError check(const EStop&) {
  return std::nullopt;
}
FieldError check(const QueryShots&) {
  return std::nullopt;
}
FieldError check_record(const ShotRecord& s) {
  if (s.shot_counter == 0) return "shot_counter: shots are counted from 1";
  return std::nullopt;
}
FieldError check(const Shot& m) {
  return check_record(m.record);
}
FieldError check(const Status& m) {
  if (!known(m.state)) return "state: not a defined device state";
  if (m.battery_pct > 100) return "battery_pct: at most 100";
  if ((m.active_alarms & ~kKnownAlarmBits) != 0) return "active_alarms: bit 7 is reserved";
  return std::nullopt;
}
FieldError check(const Alarm& m) {
  if (!known(m.code)) return "code: not a defined alarm code";
  if (!known(m.priority)) return "priority: must be low (1), medium (2) or high (3)";
  return std::nullopt;
}
FieldError check(const ShotRecords& m) {
  if (m.records.size() > kMaxShotRecords) return "records: at most 12 per frame";
  for (std::size_t i = 0; i < m.records.size(); ++i) {
    if (auto e = check_record(m.records[i])) return e;
    if (i > 0 && m.records[i].shot_counter <= m.records[i - 1].shot_counter) {
      return "records: shot counters must ascend";
    }
  }
  return std::nullopt;
}
FieldError check(const Error& m) {
  if (!known(m.reason)) return "reason: not a defined error reason";
  return std::nullopt;
}
FieldError check(const Heartbeat&) {
  return std::nullopt;
}
FieldError check(const Ack&) {
  return std::nullopt;
}
FieldError check(const Nak& m) {
  if (!known(m.reason)) return "reason: must be corrupted_frame (1) or sequence_gap (2)";
  return std::nullopt;
}

void write(LeWriter& w, const Hello& m) {
  w.u8(m.protocol_version);
  w.u32(m.hello_nonce);
}
void write(LeWriter& w, const Identity& m) {
  w.u32(m.hello_nonce);
  w.u8(m.protocol_version);
  write_text(w, m.model);
  write_text(w, m.serial_number);
  w.u8(m.firmware_major);
  w.u8(m.firmware_minor);
  w.u8(m.firmware_patch);
  w.u32(m.boot_id);
  w.u32(m.shot_counter);
  w.u16(m.depth_min_um);
  w.u16(m.depth_max_um);
  w.u16(m.depth_step_um);
  w.u32(m.dose_min_nl);
  w.u32(m.dose_max_nl);
  w.u32(m.dose_step_nl);
  w.u32(m.max_shot_rate_mhz);
  w.u32(m.syringe_volume_ul);
  w.u8(static_cast<std::uint8_t>(m.modes | (m.simulated ? kSimulatedBit : 0U)));
}
void write(LeWriter& w, const Configure& m) {
  w.u16(m.depth_um);
  w.u32(m.dose_nl);
  write_enum(w, m.mode);
  w.u32(m.rate_mhz);
}
void write(LeWriter& w, const Arm& m) {
  w.u16(m.lease_ms);
}
void write(LeWriter&, const Disarm&) {}
void write(LeWriter& w, const Fire& m) {
  w.u32(m.command_id);
}
void write(LeWriter&, const EStop&) {}
void write(LeWriter& w, const QueryShots& m) {
  w.u32(m.from_counter);
  w.u8(m.max_records);
}
void write(LeWriter& w, const Shot& m) {
  write_record(w, m.record);
}
void write(LeWriter& w, const Status& m) {
  w.u32(m.device_time_ms);
  write_enum(w, m.state);
  w.u32(m.shot_counter);
  w.u32(m.reservoir_nl);
  w.u16(m.line_pressure_mbar);
  w.u8(m.battery_pct);
  w.i16(m.temperature_dc);
  w.u16(m.depth_actual_um);
  w.u8(m.trigger_pressed ? 1 : 0);
  w.u8(m.active_alarms);
}
void write(LeWriter& w, const Alarm& m) {
  write_enum(w, m.code);
  write_enum(w, m.priority);
  w.u8(m.active ? 1 : 0);
  w.u32(m.device_time_ms);
}
void write(LeWriter& w, const ShotRecords& m) {
  w.u32(m.oldest_counter);
  w.u32(m.latest_counter);
  w.u8(static_cast<std::uint8_t>(m.records.size()));
  for (const auto& record : m.records)
    write_record(w, record);
}
void write(LeWriter& w, const Error& m) {
  w.u16(m.refused_seq);
  w.u8(m.refused_type);
  write_enum(w, m.reason);
}
void write(LeWriter& w, const Heartbeat& m) {
  w.u32(m.uptime_ms);
}
void write(LeWriter&, const Ack&) {}
void write(LeWriter& w, const Nak& m) {
  write_enum(w, m.reason);
}

// Expected payload size for a type; SHOT_RECORDS is checked against its count byte separately.
std::optional<std::size_t> fixed_payload_size(MessageType type) {
  switch (type) {
    case MessageType::disarm:
    case MessageType::estop:
    case MessageType::ack:
      return 0;
    case MessageType::nak:
      return 1;
    case MessageType::arm:
      return 2;
    case MessageType::fire:
    case MessageType::error:
    case MessageType::heartbeat:
      return 4;
    case MessageType::hello:
    case MessageType::query_shots:
      return 5;
    case MessageType::alarm:
      return 7;
    case MessageType::configure:
      return 11;
    case MessageType::shot:
      return kShotRecordSize;
    case MessageType::status:
      return 22;
    case MessageType::identity:
      return 75;
    case MessageType::shot_records:
      return std::nullopt;  // 9 + 18 x count, checked by payload_size_fits
  }
  return std::nullopt;
}

// Reads return false when a raw value is not representable (enum, bool, text); check() does the rest.
bool read(LeReader& r, Hello& m) {
  m.protocol_version = r.u8();
  m.hello_nonce = r.u32();
  return true;
}
bool read(LeReader& r, Identity& m) {
  m.hello_nonce = r.u32();
  m.protocol_version = r.u8();
  // Every field is read before judging the text, so a bad text is bad_field, not a short read.
  const bool model_ok = read_text(r, m.model);
  const bool serial_ok = read_text(r, m.serial_number);
  m.firmware_major = r.u8();
  m.firmware_minor = r.u8();
  m.firmware_patch = r.u8();
  m.boot_id = r.u32();
  m.shot_counter = r.u32();
  m.depth_min_um = r.u16();
  m.depth_max_um = r.u16();
  m.depth_step_um = r.u16();
  m.dose_min_nl = r.u32();
  m.dose_max_nl = r.u32();
  m.dose_step_nl = r.u32();
  m.max_shot_rate_mhz = r.u32();
  m.syringe_volume_ul = r.u32();
  const std::uint8_t modes = r.u8();
  m.simulated = (modes & kSimulatedBit) != 0;
  m.modes = static_cast<std::uint8_t>(modes & ~kSimulatedBit);  // bits 3 to 6 left in, for check()
  return model_ok && serial_ok;
}
bool read(LeReader& r, Configure& m) {
  m.depth_um = r.u16();
  m.dose_nl = r.u32();
  const bool mode_ok = read_enum(r, m.mode);
  m.rate_mhz = r.u32();
  return mode_ok;
}
bool read(LeReader& r, Arm& m) {
  m.lease_ms = r.u16();
  return true;
}
bool read(LeReader&, Disarm&) {
  return true;
}
bool read(LeReader& r, Fire& m) {
  m.command_id = r.u32();
  return true;
}
bool read(LeReader&, EStop&) {
  return true;
}
bool read(LeReader& r, QueryShots& m) {
  m.from_counter = r.u32();
  m.max_records = r.u8();
  return true;
}
bool read(LeReader& r, Shot& m) {
  read_record(r, m.record);
  return true;
}
bool read(LeReader& r, Status& m) {
  m.device_time_ms = r.u32();
  const bool state_ok = read_enum(r, m.state);
  m.shot_counter = r.u32();
  m.reservoir_nl = r.u32();
  m.line_pressure_mbar = r.u16();
  m.battery_pct = r.u8();
  m.temperature_dc = r.i16();
  m.depth_actual_um = r.u16();
  const bool trigger_ok = read_bool(r, m.trigger_pressed);
  m.active_alarms = r.u8();
  return state_ok && trigger_ok;
}
bool read(LeReader& r, Alarm& m) {
  const bool code_ok = read_enum(r, m.code);
  const bool priority_ok = read_enum(r, m.priority);
  const bool active_ok = read_bool(r, m.active);
  m.device_time_ms = r.u32();
  return code_ok && priority_ok && active_ok;
}
bool read(LeReader& r, ShotRecords& m) {
  m.oldest_counter = r.u32();
  m.latest_counter = r.u32();
  const std::size_t count = r.u8();
  m.records.resize(count);
  for (auto& record : m.records)
    read_record(r, record);
  return true;
}
bool read(LeReader& r, Error& m) {
  m.refused_seq = r.u16();
  m.refused_type = r.u8();
  return read_enum(r, m.reason);
}
bool read(LeReader& r, Heartbeat& m) {
  m.uptime_ms = r.u32();
  return true;
}
bool read(LeReader&, Ack&) {
  return true;
}
bool read(LeReader& r, Nak& m) {
  return read_enum(r, m.reason);
}

template <class T>
DecodeResult read_message(LeReader& reader, const FrameHeader& header, std::size_t wire_bytes) {
  T message{};
  const bool representable = read(reader, message);
  if (reader.overrun() || reader.remaining() != 0) {
    return DecodeFailure{DecodeError::bad_length, header, "payload length does not match its type",
                         wire_bytes};
  }
  if (!representable) {
    return DecodeFailure{DecodeError::bad_field, header, "a field holds a value outside its defined set",
                         wire_bytes};
  }
  if (auto problem = check(message))
    return DecodeFailure{DecodeError::bad_field, header, *problem, wire_bytes};
  return Frame{header.seq, header.ack, Message{std::move(message)}};
}

DecodeResult read_payload(MessageType type, LeReader& reader, const FrameHeader& header, std::size_t wire) {
  switch (type) {
    case MessageType::hello:
      return read_message<Hello>(reader, header, wire);
    case MessageType::identity:
      return read_message<Identity>(reader, header, wire);
    case MessageType::configure:
      return read_message<Configure>(reader, header, wire);
    case MessageType::arm:
      return read_message<Arm>(reader, header, wire);
    case MessageType::disarm:
      return read_message<Disarm>(reader, header, wire);
    case MessageType::fire:
      return read_message<Fire>(reader, header, wire);
    case MessageType::estop:
      return read_message<EStop>(reader, header, wire);
    case MessageType::query_shots:
      return read_message<QueryShots>(reader, header, wire);
    case MessageType::shot:
      return read_message<Shot>(reader, header, wire);
    case MessageType::status:
      return read_message<Status>(reader, header, wire);
    case MessageType::alarm:
      return read_message<Alarm>(reader, header, wire);
    case MessageType::shot_records:
      return read_message<ShotRecords>(reader, header, wire);
    case MessageType::error:
      return read_message<Error>(reader, header, wire);
    case MessageType::heartbeat:
      return read_message<Heartbeat>(reader, header, wire);
    case MessageType::ack:
      return read_message<Ack>(reader, header, wire);
    case MessageType::nak:
      return read_message<Nak>(reader, header, wire);
  }
  return DecodeFailure{DecodeError::unknown_type, header, "message type not defined", wire};
}

bool payload_size_fits(MessageType type, std::span<const std::uint8_t> payload) {
  if (const auto fixed = fixed_payload_size(type)) return payload.size() == *fixed;
  // SHOT_RECORDS: a 9-byte header whose last byte counts the 18-byte records that follow.
  if (payload.size() < kShotRecordsHeaderSize) return false;
  const std::size_t count = payload[kShotRecordsHeaderSize - 1];
  return payload.size() == kShotRecordsHeaderSize + count * kShotRecordSize;
}

std::size_t serialize_into(const Frame& frame, std::span<std::uint8_t, kMaxFrame> out) {
  if (auto problem = validate(frame.message)) {
    throw std::invalid_argument(std::string(to_name(type_of(frame.message))) + ": " + std::string(*problem));
  }
  LeWriter w(out);
  w.u8(kProtocolVersion);
  write_enum(w, type_of(frame.message));
  w.u16(frame.seq);
  w.u16(frame.ack);
  std::visit([&w](const auto& m) { write(w, m); }, frame.message);
  const std::uint32_t crc = crc32c(out.first(w.size()));
  w.u32(crc);
  return w.size();
}

}  // namespace

std::optional<std::string_view> validate(const Message& message) {
  return std::visit([](const auto& m) { return check(m); }, message);
}

std::vector<std::uint8_t> serialize(const Frame& frame) {
  std::array<std::uint8_t, kMaxFrame> buffer{};
  const std::size_t size = serialize_into(frame, buffer);
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)};
}

void encode_to(const Frame& frame, std::vector<std::uint8_t>& out) {
  std::array<std::uint8_t, kMaxFrame> buffer{};
  const std::size_t size = serialize_into(frame, buffer);
  cobs_encode(std::span<const std::uint8_t>(buffer.data(), size), out);
  out.push_back(0x00);
}

std::vector<std::uint8_t> encode(const Frame& frame) {
  std::vector<std::uint8_t> out;
  encode_to(frame, out);
  return out;
}

DecodeResult parse(std::span<const std::uint8_t> decoded) {
  const std::size_t wire = 0;  // decode() and FrameDecoder fill in the wire size they know
  if (decoded.size() < kMinFrame)
    return DecodeFailure{DecodeError::too_short, {}, "fewer than 10 bytes", wire};
  if (decoded.size() > kMaxFrame)
    return DecodeFailure{DecodeError::too_long, {}, "more than 250 bytes", wire};
  const auto body = decoded.first(decoded.size() - kCrcSize);
  LeReader crc_reader(decoded.last(kCrcSize));
  if (crc32c(body) != crc_reader.u32())
    return DecodeFailure{DecodeError::bad_crc, {}, "CRC-32C mismatch", wire};
  LeReader reader(body);
  FrameHeader header;
  header.version = reader.u8();
  header.type = reader.u8();
  header.seq = reader.u16();
  header.ack = reader.u16();
  if (header.version != kProtocolVersion) {
    return DecodeFailure{DecodeError::bad_version, header, "protocol version is not 1", wire};
  }
  const auto type = enum_from_value<MessageType>(header.type);
  if (!type) return DecodeFailure{DecodeError::unknown_type, header, "message type not defined", wire};
  const auto payload = body.subspan(kHeaderSize);
  if (!payload_size_fits(*type, payload)) {
    return DecodeFailure{DecodeError::bad_length, header, "payload length does not match its type", wire};
  }
  LeReader payload_reader(payload);
  return read_payload(*type, payload_reader, header, wire);
}

DecodeResult decode(std::span<const std::uint8_t> wire) {
  const std::size_t wire_bytes = wire.size();
  if (!wire.empty() && wire.back() == 0x00) wire = wire.first(wire.size() - 1);
  auto with_size = [wire_bytes](DecodeResult result) {
    if (auto* failure = std::get_if<DecodeFailure>(&result)) failure->wire_bytes = wire_bytes;
    return result;
  };
  if (wire.size() > kMaxEncodedFrame) {
    return with_size(DecodeFailure{DecodeError::too_long, {}, "more than 251 encoded bytes", 0});
  }
  std::array<std::uint8_t, kMaxEncodedFrame> decoded{};
  const auto size = cobs_decode(wire, decoded);
  if (!size) return with_size(DecodeFailure{DecodeError::cobs_invalid, {}, "not a valid COBS encoding", 0});
  return with_size(parse(std::span<const std::uint8_t>(decoded.data(), *size)));
}

std::optional<DecodeResult> FrameDecoder::push(std::uint8_t byte) {
  if (byte != 0x00) {
    if (overflowed_) {
      ++overflow_bytes_;
    } else if (size_ < buffer_.size()) {
      buffer_[size_++] = byte;
    } else {
      overflowed_ = true;  // drop everything up to the next delimiter, then say so once
      overflow_bytes_ = size_ + 1;
      size_ = 0;
    }
    return std::nullopt;
  }
  if (overflowed_) {
    const std::size_t dropped = overflow_bytes_ + 1;
    overflowed_ = false;
    overflow_bytes_ = 0;
    return DecodeFailure{DecodeError::too_long, {}, "more than 251 encoded bytes", dropped};
  }
  if (size_ == 0) return std::nullopt;  // an empty frame: a sender's flush, not an error
  const std::size_t size = size_;
  size_ = 0;
  auto result = decode(std::span<const std::uint8_t>(buffer_.data(), size));
  if (auto* failure = std::get_if<DecodeFailure>(&result)) failure->wire_bytes = size + 1;
  return result;
}

std::string_view name_of(DecodeError error) {
  switch (error) {
    case DecodeError::cobs_invalid:
      return "cobs_invalid";
    case DecodeError::too_short:
      return "too_short";
    case DecodeError::too_long:
      return "too_long";
    case DecodeError::bad_crc:
      return "bad_crc";
    case DecodeError::bad_version:
      return "bad_version";
    case DecodeError::unknown_type:
      return "unknown_type";
    case DecodeError::bad_length:
      return "bad_length";
    case DecodeError::bad_field:
      return "bad_field";
  }
  return "unknown";
}

}  // namespace meso::protocols::mesogun
