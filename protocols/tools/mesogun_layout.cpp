#include "mesogun_layout.hpp"

#include <array>

namespace meso::mesoproto::mesogun_layout {

namespace mg = protocols::mesogun;

std::span<const FieldSpec> record_layout() {
  static constexpr auto kRecord = std::to_array<FieldSpec>({{"shot_counter", 4, Kind::uint},
                                                            {"command_id", 4, Kind::uint},
                                                            {"depth_um", 2, Kind::uint},
                                                            {"dose_nl", 4, Kind::uint},
                                                            {"device_time_ms", 4, Kind::uint}});
  return kRecord;
}

std::span<const FieldSpec> payload_layout(mg::MessageType type) {
  static constexpr auto kHello =
      std::to_array<FieldSpec>({{"protocol_version", 1, Kind::uint}, {"hello_nonce", 4, Kind::id}});
  static constexpr auto kIdentity = std::to_array<FieldSpec>({{"hello_nonce", 4, Kind::id},
                                                              {"protocol_version", 1, Kind::uint},
                                                              {"model", 16, Kind::text},
                                                              {"serial_number", 16, Kind::text},
                                                              {"firmware_major", 1, Kind::uint},
                                                              {"firmware_minor", 1, Kind::uint},
                                                              {"firmware_patch", 1, Kind::uint},
                                                              {"boot_id", 4, Kind::id},
                                                              {"shot_counter", 4, Kind::uint},
                                                              {"depth_min_um", 2, Kind::uint},
                                                              {"depth_max_um", 2, Kind::uint},
                                                              {"depth_step_um", 2, Kind::uint},
                                                              {"dose_min_nl", 4, Kind::uint},
                                                              {"dose_max_nl", 4, Kind::uint},
                                                              {"dose_step_nl", 4, Kind::uint},
                                                              {"max_shot_rate_mhz", 4, Kind::uint},
                                                              {"syringe_volume_ul", 4, Kind::uint},
                                                              {"modes", 1, Kind::identity_modes}});
  static constexpr auto kConfigure = std::to_array<FieldSpec>({{"depth_um", 2, Kind::uint},
                                                               {"dose_nl", 4, Kind::uint},
                                                               {"mode", 1, Kind::fire_mode},
                                                               {"rate_mhz", 4, Kind::uint}});
  static constexpr auto kArm = std::to_array<FieldSpec>({{"lease_ms", 2, Kind::uint}});
  static constexpr auto kFire = std::to_array<FieldSpec>({{"command_id", 4, Kind::uint}});
  static constexpr auto kQueryShots =
      std::to_array<FieldSpec>({{"from_counter", 4, Kind::uint}, {"max_records", 1, Kind::uint}});
  static constexpr auto kStatus = std::to_array<FieldSpec>({{"device_time_ms", 4, Kind::uint},
                                                            {"state", 1, Kind::device_state},
                                                            {"shot_counter", 4, Kind::uint},
                                                            {"reservoir_nl", 4, Kind::uint},
                                                            {"line_pressure_mbar", 2, Kind::uint},
                                                            {"battery_pct", 1, Kind::uint},
                                                            {"temperature_dc", 2, Kind::int16},
                                                            {"depth_actual_um", 2, Kind::uint},
                                                            {"trigger_pressed", 1, Kind::boolean},
                                                            {"active_alarms", 1, Kind::alarm_bits}});
  static constexpr auto kAlarm = std::to_array<FieldSpec>({{"code", 1, Kind::alarm_code},
                                                           {"priority", 1, Kind::alarm_priority},
                                                           {"active", 1, Kind::boolean},
                                                           {"device_time_ms", 4, Kind::uint}});
  static constexpr auto kShotRecords = std::to_array<FieldSpec>({{"oldest_counter", 4, Kind::uint},
                                                                 {"latest_counter", 4, Kind::uint},
                                                                 {"count", 1, Kind::record_count}});
  static constexpr auto kError = std::to_array<FieldSpec>({{"refused_seq", 2, Kind::uint},
                                                           {"refused_type", 1, Kind::type_byte},
                                                           {"reason", 1, Kind::error_reason}});
  static constexpr auto kHeartbeat = std::to_array<FieldSpec>({{"uptime_ms", 4, Kind::uint}});
  static constexpr auto kNak = std::to_array<FieldSpec>({{"reason", 1, Kind::nak_reason}});
  switch (type) {
    case mg::MessageType::hello:
      return kHello;
    case mg::MessageType::identity:
      return kIdentity;
    case mg::MessageType::configure:
      return kConfigure;
    case mg::MessageType::arm:
      return kArm;
    case mg::MessageType::fire:
      return kFire;
    case mg::MessageType::query_shots:
      return kQueryShots;
    case mg::MessageType::shot:
      return record_layout();
    case mg::MessageType::status:
      return kStatus;
    case mg::MessageType::alarm:
      return kAlarm;
    case mg::MessageType::shot_records:
      return kShotRecords;
    case mg::MessageType::error:
      return kError;
    case mg::MessageType::heartbeat:
      return kHeartbeat;
    case mg::MessageType::nak:
      return kNak;
    case mg::MessageType::disarm:
    case mg::MessageType::estop:
    case mg::MessageType::ack:
      return {};
  }
  return {};
}

std::string_view direction(mg::MessageType type) {
  switch (type) {
    case mg::MessageType::hello:
    case mg::MessageType::configure:
    case mg::MessageType::arm:
    case mg::MessageType::disarm:
    case mg::MessageType::fire:
    case mg::MessageType::estop:
    case mg::MessageType::query_shots:
      return "host -> device";
    case mg::MessageType::heartbeat:
    case mg::MessageType::ack:
    case mg::MessageType::nak:
      return "either way";
    case mg::MessageType::identity:
    case mg::MessageType::shot:
    case mg::MessageType::status:
    case mg::MessageType::alarm:
    case mg::MessageType::shot_records:
    case mg::MessageType::error:
      return "device -> host";
  }
  return "";
}

}  // namespace meso::mesoproto::mesogun_layout
