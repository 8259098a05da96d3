// The mesogun link protocol, version 1: message types and payloads as the wire carries them.
// docs/protocol.md is normative; this header mirrors its tables field for field.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "meso/protocols/enum_names.hpp"

namespace meso::protocols::mesogun {

inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::size_t kHeaderSize = 6;    // version, type, seq, ack
inline constexpr std::size_t kCrcSize = 4;       // CRC-32C, little-endian
inline constexpr std::size_t kMaxPayload = 240;  // bytes
inline constexpr std::size_t kMinFrame = kHeaderSize + kCrcSize;
inline constexpr std::size_t kMaxFrame = kHeaderSize + kMaxPayload + kCrcSize;  // decoded
// The COBS body of the longest frame, without its 0x00: one code byte more than the 250 decoded bytes (a
// second one would take 254 data bytes without a zero, A.1).
inline constexpr std::size_t kMaxEncodedFrame = kMaxFrame + 1;
inline constexpr std::size_t kTextFieldSize = 16;   // model and serial number, NUL-padded ASCII
inline constexpr std::size_t kMaxShotRecords = 12;  // per SHOT_RECORDS frame

enum class MessageType : std::uint8_t {
  hello = 0x01,
  identity = 0x02,
  configure = 0x10,
  arm = 0x11,
  disarm = 0x12,
  fire = 0x13,
  estop = 0x14,
  query_shots = 0x15,
  shot = 0x20,
  status = 0x21,
  alarm = 0x22,
  shot_records = 0x23,
  error = 0x24,
  heartbeat = 0x30,
  ack = 0x31,
  nak = 0x32,
};

enum class FireMode : std::uint8_t { single = 1, continuous = 2, nappage = 3 };

// Capability bits of IDENTITY.modes.
inline constexpr std::uint8_t kModeBitSingle = 1U << 0U;
inline constexpr std::uint8_t kModeBitContinuous = 1U << 1U;
inline constexpr std::uint8_t kModeBitNappage = 1U << 2U;
// Bit 7 of the same byte: the device is a simulator (Identity::simulated; docs/protocol.md A.4).
inline constexpr std::uint8_t kSimulatedBit = 1U << 7U;

enum class DeviceState : std::uint8_t {
  idle = 0,        // not configured
  configured = 1,  // configured, disarmed
  armed = 2,
  fault = 3,    // an alarm of high priority is active; arming refused
  estopped = 4  // latched until the next HELLO
};

enum class AlarmCode : std::uint8_t {
  occlusion = 1,
  low_reservoir = 2,
  over_pressure = 3,
  needle_jam = 4,
  trigger_stuck = 5,
  over_temperature = 6,
  internal_fault = 7,
};

enum class AlarmPriority : std::uint8_t { low = 1, medium = 2, high = 3 };

enum class ErrorReason : std::uint8_t {
  unknown_type = 1,
  bad_payload = 2,
  not_configured = 3,
  not_armed = 4,
  depth_out_of_range = 5,
  dose_out_of_range = 6,
  rate_out_of_range = 7,
  mode_unsupported = 8,
  lease_out_of_range = 9,
  reservoir_empty = 10,
  alarm_active = 11,
  estopped = 12,
  busy = 13,
  unsupported_version = 14,
};

enum class NakReason : std::uint8_t { corrupted_frame = 1, sequence_gap = 2 };

struct Hello {
  std::uint8_t protocol_version = kProtocolVersion;
  std::uint32_t hello_nonce = 0;
  bool operator==(const Hello&) const = default;
};

struct Identity {
  std::uint32_t hello_nonce = 0;  // echoes the HELLO being answered
  std::uint8_t protocol_version = kProtocolVersion;
  std::string model;          // printable ASCII, at most 16 characters
  std::string serial_number;  // printable ASCII, at most 16 characters
  std::uint8_t firmware_major = 0;
  std::uint8_t firmware_minor = 0;
  std::uint8_t firmware_patch = 0;
  std::uint32_t boot_id = 0;       // changes at every device boot
  std::uint32_t shot_counter = 0;  // last shot delivered, kept across reboots; 0 = none ever
  std::uint16_t depth_min_um = 0;
  std::uint16_t depth_max_um = 0;
  std::uint16_t depth_step_um = 0;
  std::uint32_t dose_min_nl = 0;
  std::uint32_t dose_max_nl = 0;
  std::uint32_t dose_step_nl = 0;
  std::uint32_t max_shot_rate_mhz = 0;  // milli-shots per second
  std::uint32_t syringe_volume_ul = 0;
  std::uint8_t modes = 0;  // kModeBit* flags
  // Bit 7 of the modes byte on the wire. A claim, not a proof: a host treating real patients also checks
  // the serial number against the devices paired with it. Devices that predate the bit send 0.
  bool simulated = false;
  bool operator==(const Identity&) const = default;
};

struct Configure {
  std::uint16_t depth_um = 0;
  std::uint32_t dose_nl = 0;
  FireMode mode = FireMode::single;
  std::uint32_t rate_mhz = 0;  // shot rate for continuous and nappage; 0 for single
  bool operator==(const Configure&) const = default;
};

struct Arm {
  std::uint16_t lease_ms = 0;
  bool operator==(const Arm&) const = default;
};

struct Disarm {
  bool operator==(const Disarm&) const = default;
};

struct Fire {
  std::uint32_t command_id = 0;  // nonzero; 0 is reserved for trigger shots
  bool operator==(const Fire&) const = default;
};

struct EStop {
  bool operator==(const EStop&) const = default;
};

struct QueryShots {
  std::uint32_t from_counter = 0;
  std::uint8_t max_records = 0;
  bool operator==(const QueryShots&) const = default;
};

// One delivered shot; the same 18-byte layout in SHOT and in SHOT_RECORDS.
struct ShotRecord {
  std::uint32_t shot_counter = 0;  // >= 1, monotonic for the life of the device
  std::uint32_t command_id = 0;    // FIRE's command id, 0 for a trigger pull
  std::uint16_t depth_um = 0;      // measured depth at the shot
  std::uint32_t dose_nl = 0;       // measured delivered dose
  std::uint32_t device_time_ms = 0;
  bool operator==(const ShotRecord&) const = default;
};

struct Shot {
  ShotRecord record;
  bool operator==(const Shot&) const = default;
};

struct Status {
  std::uint32_t device_time_ms = 0;
  DeviceState state = DeviceState::idle;
  std::uint32_t shot_counter = 0;
  std::uint32_t reservoir_nl = 0;
  std::uint16_t line_pressure_mbar = 0;
  std::uint8_t battery_pct = 0;     // 0..100
  std::int16_t temperature_dc = 0;  // deci-degrees Celsius
  std::uint16_t depth_actual_um = 0;
  bool trigger_pressed = false;
  std::uint8_t active_alarms = 0;  // bit (code - 1) set while that alarm is active
  bool operator==(const Status&) const = default;
};

struct Alarm {
  AlarmCode code = AlarmCode::internal_fault;
  AlarmPriority priority = AlarmPriority::high;
  bool active = true;  // raised (true) or cleared (false)
  std::uint32_t device_time_ms = 0;
  bool operator==(const Alarm&) const = default;
};

struct ShotRecords {
  std::uint32_t oldest_counter = 0;  // oldest record the device still holds; 0 = none
  std::uint32_t latest_counter = 0;  // the device's shot counter now
  std::vector<ShotRecord> records;   // ascending, at most kMaxShotRecords
  bool operator==(const ShotRecords&) const = default;
};

struct Error {
  std::uint16_t refused_seq = 0;
  std::uint8_t refused_type = 0;  // raw byte: the refused type may be one this side does not know
  ErrorReason reason = ErrorReason::bad_payload;
  bool operator==(const Error&) const = default;
};

struct Heartbeat {
  std::uint32_t uptime_ms = 0;
  bool operator==(const Heartbeat&) const = default;
};

struct Ack {
  bool operator==(const Ack&) const = default;
};

struct Nak {
  NakReason reason = NakReason::corrupted_frame;
  bool operator==(const Nak&) const = default;
};

using Message = std::variant<Hello, Identity, Configure, Arm, Disarm, Fire, EStop, QueryShots, Shot, Status,
                             Alarm, ShotRecords, Error, Heartbeat, Ack, Nak>;

struct Frame {
  std::uint16_t seq = 0;
  std::uint16_t ack = 0;
  Message message;
  bool operator==(const Frame&) const = default;
};

MessageType type_of(const Message& message);

// Reliable frames are acknowledged, retransmitted and delivered exactly once, in order (docs/protocol.md A.3,
// A.5).
bool is_reliable(MessageType type);

}  // namespace meso::protocols::mesogun

namespace meso::protocols {
template <>
std::span<const EnumName<mesogun::MessageType>> enum_names();
template <>
std::span<const EnumName<mesogun::FireMode>> enum_names();
template <>
std::span<const EnumName<mesogun::DeviceState>> enum_names();
template <>
std::span<const EnumName<mesogun::AlarmCode>> enum_names();
template <>
std::span<const EnumName<mesogun::AlarmPriority>> enum_names();
template <>
std::span<const EnumName<mesogun::ErrorReason>> enum_names();
template <>
std::span<const EnumName<mesogun::NakReason>> enum_names();
}  // namespace meso::protocols
