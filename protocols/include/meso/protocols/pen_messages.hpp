// The microneedling pen protocol, version 1: NMEA-0183-framed proprietary sentences ($PMSN,...).
// docs/protocol.md part B is normative; this header mirrors its tables.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "meso/protocols/enum_names.hpp"

namespace meso::protocols::pen {

inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::size_t kMaxSentence = 82;  // bytes from '$' to '\n' inclusive, as NMEA 0183
inline constexpr std::size_t kMaxTextField = 16;
inline constexpr std::string_view kAddress = "PMSN";  // 'P' (proprietary) + manufacturer code "MSN"

// The three-letter sentence kinds on the wire.
enum class Kind : std::uint8_t {
  identify,      // IDQ  host -> pen
  set_depth,     // DEP  host -> pen
  set_speed,     // SPD  host -> pen
  start,         // RUN  host -> pen
  stop,          // STP  host -> pen
  status_query,  // STQ  host -> pen
  identity,      // IDR  pen -> host
  ack,           // ACK  pen -> host
  nak,           // NAK  pen -> host
  status,        // STA  pen -> host
  alarm,         // ALM  pen -> host
};

enum class PenState : std::uint8_t { idle, running, fault };
enum class NakReason : std::uint8_t { range, state, alarm, syntax, lease };
enum class AlarmCode : std::uint8_t {
  motor_stall,
  over_temperature,
  low_battery,
  cartridge_missing,
  internal
};
enum class AlarmPriority : std::uint8_t { low, medium, high };

struct Identify {
  bool operator==(const Identify&) const = default;
};
struct SetDepth {
  std::uint16_t depth_um = 0;
  bool operator==(const SetDepth&) const = default;
};
struct SetSpeed {
  std::uint16_t speed_sps = 0;  // stamps per second
  bool operator==(const SetSpeed&) const = default;
};
struct Start {
  std::uint16_t lease_ms = 0;  // the pen stops by itself when no sentence arrives for this long
  bool operator==(const Start&) const = default;
};
struct Stop {
  bool operator==(const Stop&) const = default;
};
struct StatusQuery {
  bool operator==(const StatusQuery&) const = default;
};

struct Identity {
  std::string model;     // at most 16 characters, no NMEA reserved characters
  std::string firmware;  // likewise, e.g. "2.1.0"
  std::string serial_number;
  std::uint8_t protocol_version = kProtocolVersion;
  std::uint16_t depth_min_um = 0;
  std::uint16_t depth_max_um = 0;
  std::uint16_t depth_step_um = 0;
  std::uint16_t speed_min_sps = 0;
  std::uint16_t speed_max_sps = 0;
  // The tenth field; a nine-field IDR (a pen that predates it) reads as false. A claim, not a proof: a host
  // treating real patients also checks the serial number against the devices paired with it.
  bool simulated = false;
  bool operator==(const Identity&) const = default;
};

// ACK and NAK name the host sentence kind they answer (IDQ..STQ).
struct Ack {
  Kind command = Kind::identify;
  bool operator==(const Ack&) const = default;
};
struct Nak {
  Kind command = Kind::identify;
  NakReason reason = NakReason::syntax;
  bool operator==(const Nak&) const = default;
};

struct Status {
  PenState state = PenState::idle;
  std::uint16_t depth_um = 0;
  std::uint16_t speed_sps = 0;
  std::uint32_t stamps_total = 0;  // since power-on
  std::uint8_t battery_pct = 0;    // 0..100
  std::int16_t temperature_dc = 0;
  std::uint16_t lease_left_ms = 0;  // 0 when not running
  bool operator==(const Status&) const = default;
};

struct Alarm {
  AlarmCode code = AlarmCode::internal;
  AlarmPriority priority = AlarmPriority::high;
  bool active = true;
  bool operator==(const Alarm&) const = default;
};

using Message =
    std::variant<Identify, SetDepth, SetSpeed, Start, Stop, StatusQuery, Identity, Ack, Nak, Status, Alarm>;

Kind kind_of(const Message& message);
bool is_host_command(Kind kind);  // IDQ, DEP, SPD, RUN, STP, STQ

}  // namespace meso::protocols::pen

namespace meso::protocols {
// One name per value, used on the wire and in JSON alike (docs/protocol.md B.3).
template <>
std::span<const EnumName<pen::Kind>> enum_names();
template <>
std::span<const EnumName<pen::PenState>> enum_names();
template <>
std::span<const EnumName<pen::NakReason>> enum_names();
template <>
std::span<const EnumName<pen::AlarmCode>> enum_names();
template <>
std::span<const EnumName<pen::AlarmPriority>> enum_names();
}  // namespace meso::protocols
