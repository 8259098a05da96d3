#include "meso/protocols/mesogun_json.hpp"

#include "json_fields.hpp"

namespace meso::protocols::mesogun {

using detail::Like;

// Field lists, in wire order. Found by argument-dependent lookup from the generic JSON visitors.
static void fields(Like<Hello> auto& m, auto&& f) {
  f("protocol_version", m.protocol_version);
  f("hello_nonce", m.hello_nonce);
}
static void fields(Like<Identity> auto& m, auto&& f) {
  f("hello_nonce", m.hello_nonce);
  f("protocol_version", m.protocol_version);
  f("model", m.model);
  f("serial_number", m.serial_number);
  f("firmware_major", m.firmware_major);
  f("firmware_minor", m.firmware_minor);
  f("firmware_patch", m.firmware_patch);
  f("boot_id", m.boot_id);
  f("shot_counter", m.shot_counter);
  f("depth_min_um", m.depth_min_um);
  f("depth_max_um", m.depth_max_um);
  f("depth_step_um", m.depth_step_um);
  f("dose_min_nl", m.dose_min_nl);
  f("dose_max_nl", m.dose_max_nl);
  f("dose_step_nl", m.dose_step_nl);
  f("max_shot_rate_mhz", m.max_shot_rate_mhz);
  f("syringe_volume_ul", m.syringe_volume_ul);
  f("modes", m.modes);
  f("simulated", m.simulated);
}
static void fields(Like<Configure> auto& m, auto&& f) {
  f("depth_um", m.depth_um);
  f("dose_nl", m.dose_nl);
  f("mode", m.mode);
  f("rate_mhz", m.rate_mhz);
}
static void fields(Like<Arm> auto& m, auto&& f) {
  f("lease_ms", m.lease_ms);
}
static void fields(Like<Disarm> auto&, auto&&) {}
static void fields(Like<Fire> auto& m, auto&& f) {
  f("command_id", m.command_id);
}
static void fields(Like<EStop> auto&, auto&&) {}
static void fields(Like<QueryShots> auto& m, auto&& f) {
  f("from_counter", m.from_counter);
  f("max_records", m.max_records);
}
static void fields(Like<ShotRecord> auto& m, auto&& f) {
  f("shot_counter", m.shot_counter);
  f("command_id", m.command_id);
  f("depth_um", m.depth_um);
  f("dose_nl", m.dose_nl);
  f("device_time_ms", m.device_time_ms);
}
static void fields(Like<Shot> auto& m, auto&& f) {
  fields(m.record, f);
}
static void fields(Like<Status> auto& m, auto&& f) {
  f("device_time_ms", m.device_time_ms);
  f("state", m.state);
  f("shot_counter", m.shot_counter);
  f("reservoir_nl", m.reservoir_nl);
  f("line_pressure_mbar", m.line_pressure_mbar);
  f("battery_pct", m.battery_pct);
  f("temperature_dc", m.temperature_dc);
  f("depth_actual_um", m.depth_actual_um);
  f("trigger_pressed", m.trigger_pressed);
  f("active_alarms", m.active_alarms);
}
static void fields(Like<Alarm> auto& m, auto&& f) {
  f("code", m.code);
  f("priority", m.priority);
  f("active", m.active);
  f("device_time_ms", m.device_time_ms);
}
static void fields(Like<ShotRecords> auto& m, auto&& f) {
  f("oldest_counter", m.oldest_counter);
  f("latest_counter", m.latest_counter);
  f("records", m.records);
}
static void fields(Like<Error> auto& m, auto&& f) {
  f("refused_seq", m.refused_seq);
  f("refused_type", m.refused_type);
  f("reason", m.reason);
}
static void fields(Like<Heartbeat> auto& m, auto&& f) {
  f("uptime_ms", m.uptime_ms);
}
static void fields(Like<Ack> auto&, auto&&) {}
static void fields(Like<Nak> auto& m, auto&& f) {
  f("reason", m.reason);
}

namespace {

template <class T>
Message read_as(const nlohmann::json& json, std::string_view type_name, std::set<std::string>& seen) {
  T message{};
  std::set<std::string> known = seen;  // the members every message may carry ("type", ...)
  fields(message, detail::NameCollector{&known});
  detail::JsonReader::reject_unknown(json, known, type_name);
  fields(message, detail::JsonReader{json, std::string(type_name), &seen});
  return message;
}

Message read_message(MessageType type, const nlohmann::json& json, std::set<std::string>& seen) {
  const auto name = to_name(type);
  switch (type) {
    case MessageType::hello:
      return read_as<Hello>(json, name, seen);
    case MessageType::identity:
      return read_as<Identity>(json, name, seen);
    case MessageType::configure:
      return read_as<Configure>(json, name, seen);
    case MessageType::arm:
      return read_as<Arm>(json, name, seen);
    case MessageType::disarm:
      return read_as<Disarm>(json, name, seen);
    case MessageType::fire:
      return read_as<Fire>(json, name, seen);
    case MessageType::estop:
      return read_as<EStop>(json, name, seen);
    case MessageType::query_shots:
      return read_as<QueryShots>(json, name, seen);
    case MessageType::shot:
      return read_as<Shot>(json, name, seen);
    case MessageType::status:
      return read_as<Status>(json, name, seen);
    case MessageType::alarm:
      return read_as<Alarm>(json, name, seen);
    case MessageType::shot_records:
      return read_as<ShotRecords>(json, name, seen);
    case MessageType::error:
      return read_as<Error>(json, name, seen);
    case MessageType::heartbeat:
      return read_as<Heartbeat>(json, name, seen);
    case MessageType::ack:
      return read_as<Ack>(json, name, seen);
    case MessageType::nak:
      return read_as<Nak>(json, name, seen);
  }
  throw std::invalid_argument("message type not defined");
}

Message from_json_allowing(const nlohmann::json& json, std::set<std::string> seen) {
  if (!json.is_object()) throw std::invalid_argument("a message is a JSON object with a \"type\"");
  const auto type_it = json.find("type");
  if (type_it == json.end() || !type_it->is_string()) {
    throw std::invalid_argument("message: \"type\" (a string such as \"FIRE\") is missing");
  }
  const auto type = enum_from_name<MessageType>(type_it->get<std::string>());
  if (!type) throw std::invalid_argument("message: unknown type '" + type_it->get<std::string>() + "'");
  seen.insert("type");
  Message message = read_message(*type, json, seen);
  detail::JsonReader::reject_unknown(json, seen, to_name(*type));
  return message;
}

}  // namespace

nlohmann::json to_json(const Message& message) {
  nlohmann::json out = nlohmann::json::object();
  out["type"] = std::string(to_name(type_of(message)));
  std::visit([&out](const auto& m) { fields(m, detail::JsonWriter{out}); }, message);
  return out;
}

nlohmann::json to_json(const Frame& frame) {
  nlohmann::json out = to_json(frame.message);
  out["seq"] = frame.seq;
  out["ack"] = frame.ack;
  return out;
}

Message message_from_json(const nlohmann::json& json) {
  return from_json_allowing(json, {});
}

Frame frame_from_json(const nlohmann::json& json) {
  Frame frame{0, 0, from_json_allowing(json, {"seq", "ack"})};
  const std::string type = json.at("type").get<std::string>();
  for (auto [key, target] : {std::pair{"seq", &frame.seq}, std::pair{"ack", &frame.ack}}) {
    if (!json.contains(key)) continue;
    std::uint16_t value = 0;
    detail::JsonReader{json, type, nullptr}(key, value);
    *target = value;
  }
  return frame;
}

}  // namespace meso::protocols::mesogun
