#include "meso/protocols/pen_messages.hpp"

#include <array>

namespace meso::protocols {

template <>
std::span<const EnumName<pen::Kind>> enum_names() {
  static constexpr std::array<EnumName<pen::Kind>, 11> kNames{{
      {pen::Kind::identify, "IDQ"},
      {pen::Kind::set_depth, "DEP"},
      {pen::Kind::set_speed, "SPD"},
      {pen::Kind::start, "RUN"},
      {pen::Kind::stop, "STP"},
      {pen::Kind::status_query, "STQ"},
      {pen::Kind::identity, "IDR"},
      {pen::Kind::ack, "ACK"},
      {pen::Kind::nak, "NAK"},
      {pen::Kind::status, "STA"},
      {pen::Kind::alarm, "ALM"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<pen::PenState>> enum_names() {
  static constexpr std::array<EnumName<pen::PenState>, 3> kNames{{
      {pen::PenState::idle, "IDLE"},
      {pen::PenState::running, "RUNNING"},
      {pen::PenState::fault, "FAULT"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<pen::NakReason>> enum_names() {
  static constexpr std::array<EnumName<pen::NakReason>, 5> kNames{{
      {pen::NakReason::range, "RANGE"},
      {pen::NakReason::state, "STATE"},
      {pen::NakReason::alarm, "ALARM"},
      {pen::NakReason::syntax, "SYNTAX"},
      {pen::NakReason::lease, "LEASE"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<pen::AlarmCode>> enum_names() {
  static constexpr std::array<EnumName<pen::AlarmCode>, 5> kNames{{
      {pen::AlarmCode::motor_stall, "MOTOR_STALL"},
      {pen::AlarmCode::over_temperature, "OVER_TEMPERATURE"},
      {pen::AlarmCode::low_battery, "LOW_BATTERY"},
      {pen::AlarmCode::cartridge_missing, "CARTRIDGE_MISSING"},
      {pen::AlarmCode::internal, "INTERNAL"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<pen::AlarmPriority>> enum_names() {
  static constexpr std::array<EnumName<pen::AlarmPriority>, 3> kNames{{
      {pen::AlarmPriority::low, "LOW"},
      {pen::AlarmPriority::medium, "MEDIUM"},
      {pen::AlarmPriority::high, "HIGH"},
  }};
  return kNames;
}

}  // namespace meso::protocols

namespace meso::protocols::pen {

namespace {
template <class T>
struct KindOf;
template <>
struct KindOf<Identify> : std::integral_constant<Kind, Kind::identify> {};
template <>
struct KindOf<SetDepth> : std::integral_constant<Kind, Kind::set_depth> {};
template <>
struct KindOf<SetSpeed> : std::integral_constant<Kind, Kind::set_speed> {};
template <>
struct KindOf<Start> : std::integral_constant<Kind, Kind::start> {};
template <>
struct KindOf<Stop> : std::integral_constant<Kind, Kind::stop> {};
template <>
struct KindOf<StatusQuery> : std::integral_constant<Kind, Kind::status_query> {};
template <>
struct KindOf<Identity> : std::integral_constant<Kind, Kind::identity> {};
template <>
struct KindOf<Ack> : std::integral_constant<Kind, Kind::ack> {};
template <>
struct KindOf<Nak> : std::integral_constant<Kind, Kind::nak> {};
template <>
struct KindOf<Status> : std::integral_constant<Kind, Kind::status> {};
template <>
struct KindOf<Alarm> : std::integral_constant<Kind, Kind::alarm> {};
}  // namespace

Kind kind_of(const Message& message) {
  return std::visit([](const auto& m) { return KindOf<std::decay_t<decltype(m)>>::value; }, message);
}

bool is_host_command(Kind kind) {
  switch (kind) {
    case Kind::identify:
    case Kind::set_depth:
    case Kind::set_speed:
    case Kind::start:
    case Kind::stop:
    case Kind::status_query:
      return true;
    case Kind::identity:
    case Kind::ack:
    case Kind::nak:
    case Kind::status:
    case Kind::alarm:
      return false;
  }
  return false;
}

}  // namespace meso::protocols::pen
