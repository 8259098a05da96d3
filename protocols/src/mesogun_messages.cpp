#include "meso/protocols/mesogun_messages.hpp"

#include <array>

namespace meso::protocols {

namespace mg = mesogun;

template <>
std::span<const EnumName<mg::MessageType>> enum_names() {
  static constexpr std::array<EnumName<mg::MessageType>, 16> kNames{{
      {mg::MessageType::hello, "HELLO"},
      {mg::MessageType::identity, "IDENTITY"},
      {mg::MessageType::configure, "CONFIGURE"},
      {mg::MessageType::arm, "ARM"},
      {mg::MessageType::disarm, "DISARM"},
      {mg::MessageType::fire, "FIRE"},
      {mg::MessageType::estop, "ESTOP"},
      {mg::MessageType::query_shots, "QUERY_SHOTS"},
      {mg::MessageType::shot, "SHOT"},
      {mg::MessageType::status, "STATUS"},
      {mg::MessageType::alarm, "ALARM"},
      {mg::MessageType::shot_records, "SHOT_RECORDS"},
      {mg::MessageType::error, "ERROR"},
      {mg::MessageType::heartbeat, "HEARTBEAT"},
      {mg::MessageType::ack, "ACK"},
      {mg::MessageType::nak, "NAK"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<mg::FireMode>> enum_names() {
  static constexpr std::array<EnumName<mg::FireMode>, 3> kNames{{
      {mg::FireMode::single, "single"},
      {mg::FireMode::continuous, "continuous"},
      {mg::FireMode::nappage, "nappage"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<mg::DeviceState>> enum_names() {
  static constexpr std::array<EnumName<mg::DeviceState>, 5> kNames{{
      {mg::DeviceState::idle, "idle"},
      {mg::DeviceState::configured, "configured"},
      {mg::DeviceState::armed, "armed"},
      {mg::DeviceState::fault, "fault"},
      {mg::DeviceState::estopped, "estopped"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<mg::AlarmCode>> enum_names() {
  static constexpr std::array<EnumName<mg::AlarmCode>, 7> kNames{{
      {mg::AlarmCode::occlusion, "occlusion"},
      {mg::AlarmCode::low_reservoir, "low_reservoir"},
      {mg::AlarmCode::over_pressure, "over_pressure"},
      {mg::AlarmCode::needle_jam, "needle_jam"},
      {mg::AlarmCode::trigger_stuck, "trigger_stuck"},
      {mg::AlarmCode::over_temperature, "over_temperature"},
      {mg::AlarmCode::internal_fault, "internal_fault"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<mg::AlarmPriority>> enum_names() {
  static constexpr std::array<EnumName<mg::AlarmPriority>, 3> kNames{{
      {mg::AlarmPriority::low, "low"},
      {mg::AlarmPriority::medium, "medium"},
      {mg::AlarmPriority::high, "high"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<mg::ErrorReason>> enum_names() {
  static constexpr std::array<EnumName<mg::ErrorReason>, 14> kNames{{
      {mg::ErrorReason::unknown_type, "unknown_type"},
      {mg::ErrorReason::bad_payload, "bad_payload"},
      {mg::ErrorReason::not_configured, "not_configured"},
      {mg::ErrorReason::not_armed, "not_armed"},
      {mg::ErrorReason::depth_out_of_range, "depth_out_of_range"},
      {mg::ErrorReason::dose_out_of_range, "dose_out_of_range"},
      {mg::ErrorReason::rate_out_of_range, "rate_out_of_range"},
      {mg::ErrorReason::mode_unsupported, "mode_unsupported"},
      {mg::ErrorReason::lease_out_of_range, "lease_out_of_range"},
      {mg::ErrorReason::reservoir_empty, "reservoir_empty"},
      {mg::ErrorReason::alarm_active, "alarm_active"},
      {mg::ErrorReason::estopped, "estopped"},
      {mg::ErrorReason::busy, "busy"},
      {mg::ErrorReason::unsupported_version, "unsupported_version"},
  }};
  return kNames;
}

template <>
std::span<const EnumName<mg::NakReason>> enum_names() {
  static constexpr std::array<EnumName<mg::NakReason>, 2> kNames{{
      {mg::NakReason::corrupted_frame, "corrupted_frame"},
      {mg::NakReason::sequence_gap, "sequence_gap"},
  }};
  return kNames;
}

}  // namespace meso::protocols

namespace meso::protocols::mesogun {

namespace {
template <class T>
struct TypeOf;
template <>
struct TypeOf<Hello> : std::integral_constant<MessageType, MessageType::hello> {};
template <>
struct TypeOf<Identity> : std::integral_constant<MessageType, MessageType::identity> {};
template <>
struct TypeOf<Configure> : std::integral_constant<MessageType, MessageType::configure> {};
template <>
struct TypeOf<Arm> : std::integral_constant<MessageType, MessageType::arm> {};
template <>
struct TypeOf<Disarm> : std::integral_constant<MessageType, MessageType::disarm> {};
template <>
struct TypeOf<Fire> : std::integral_constant<MessageType, MessageType::fire> {};
template <>
struct TypeOf<EStop> : std::integral_constant<MessageType, MessageType::estop> {};
template <>
struct TypeOf<QueryShots> : std::integral_constant<MessageType, MessageType::query_shots> {};
template <>
struct TypeOf<Shot> : std::integral_constant<MessageType, MessageType::shot> {};
template <>
struct TypeOf<Status> : std::integral_constant<MessageType, MessageType::status> {};
template <>
struct TypeOf<Alarm> : std::integral_constant<MessageType, MessageType::alarm> {};
template <>
struct TypeOf<ShotRecords> : std::integral_constant<MessageType, MessageType::shot_records> {};
template <>
struct TypeOf<Error> : std::integral_constant<MessageType, MessageType::error> {};
template <>
struct TypeOf<Heartbeat> : std::integral_constant<MessageType, MessageType::heartbeat> {};
template <>
struct TypeOf<Ack> : std::integral_constant<MessageType, MessageType::ack> {};
template <>
struct TypeOf<Nak> : std::integral_constant<MessageType, MessageType::nak> {};
}  // namespace

MessageType type_of(const Message& message) {
  return std::visit([](const auto& m) { return TypeOf<std::decay_t<decltype(m)>>::value; }, message);
}

bool is_reliable(MessageType type) {
  switch (type) {
    case MessageType::configure:
    case MessageType::arm:
    case MessageType::disarm:
    case MessageType::fire:
    case MessageType::estop:
    case MessageType::query_shots:
    case MessageType::shot:
    case MessageType::alarm:
    case MessageType::shot_records:
    case MessageType::error:
      return true;
    case MessageType::hello:
    case MessageType::identity:
    case MessageType::status:
    case MessageType::heartbeat:
    case MessageType::ack:
    case MessageType::nak:
      return false;
  }
  return false;
}

}  // namespace meso::protocols::mesogun
