#include "meso/protocols/pen_json.hpp"

#include "json_fields.hpp"

namespace meso::protocols::pen {

using detail::Like;

// Field lists, in sentence order. Found by argument-dependent lookup from the generic JSON visitors.
static void fields(Like<Identify> auto&, auto&&) {}
static void fields(Like<SetDepth> auto& m, auto&& f) {
  f("depth_um", m.depth_um);
}
static void fields(Like<SetSpeed> auto& m, auto&& f) {
  f("speed_sps", m.speed_sps);
}
static void fields(Like<Start> auto& m, auto&& f) {
  f("lease_ms", m.lease_ms);
}
static void fields(Like<Stop> auto&, auto&&) {}
static void fields(Like<StatusQuery> auto&, auto&&) {}
static void fields(Like<Identity> auto& m, auto&& f) {
  f("model", m.model);
  f("firmware", m.firmware);
  f("serial_number", m.serial_number);
  f("protocol_version", m.protocol_version);
  f("depth_min_um", m.depth_min_um);
  f("depth_max_um", m.depth_max_um);
  f("depth_step_um", m.depth_step_um);
  f("speed_min_sps", m.speed_min_sps);
  f("speed_max_sps", m.speed_max_sps);
  f("simulated", m.simulated);
}
static void fields(Like<Ack> auto& m, auto&& f) {
  f("command", m.command);
}
static void fields(Like<Nak> auto& m, auto&& f) {
  f("command", m.command);
  f("reason", m.reason);
}
static void fields(Like<Status> auto& m, auto&& f) {
  f("state", m.state);
  f("depth_um", m.depth_um);
  f("speed_sps", m.speed_sps);
  f("stamps_total", m.stamps_total);
  f("battery_pct", m.battery_pct);
  f("temperature_dc", m.temperature_dc);
  f("lease_left_ms", m.lease_left_ms);
}
static void fields(Like<Alarm> auto& m, auto&& f) {
  f("code", m.code);
  f("priority", m.priority);
  f("active", m.active);
}

namespace {

template <class T>
Message read_as(const nlohmann::json& json, std::string_view kind_name, std::set<std::string>& seen) {
  T message{};
  std::set<std::string> known = seen;  // the members every message may carry ("type", ...)
  fields(message, detail::NameCollector{&known});
  detail::JsonReader::reject_unknown(json, known, kind_name);
  fields(message, detail::JsonReader{json, std::string(kind_name), &seen});
  return message;
}

Message read_message(Kind kind, const nlohmann::json& json, std::set<std::string>& seen) {
  const auto name = to_name(kind);
  switch (kind) {
    case Kind::identify:
      return read_as<Identify>(json, name, seen);
    case Kind::set_depth:
      return read_as<SetDepth>(json, name, seen);
    case Kind::set_speed:
      return read_as<SetSpeed>(json, name, seen);
    case Kind::start:
      return read_as<Start>(json, name, seen);
    case Kind::stop:
      return read_as<Stop>(json, name, seen);
    case Kind::status_query:
      return read_as<StatusQuery>(json, name, seen);
    case Kind::identity:
      return read_as<Identity>(json, name, seen);
    case Kind::ack:
      return read_as<Ack>(json, name, seen);
    case Kind::nak:
      return read_as<Nak>(json, name, seen);
    case Kind::status:
      return read_as<Status>(json, name, seen);
    case Kind::alarm:
      return read_as<Alarm>(json, name, seen);
  }
  throw std::invalid_argument("sentence kind not defined");
}

}  // namespace

nlohmann::json to_json(const Message& message) {
  nlohmann::json out = nlohmann::json::object();
  out["type"] = std::string(to_name(kind_of(message)));
  std::visit([&out](const auto& m) { fields(m, detail::JsonWriter{out}); }, message);
  return out;
}

Message message_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("a pen message is a JSON object with a \"type\"");
  const auto type_it = json.find("type");
  if (type_it == json.end() || !type_it->is_string()) {
    throw std::invalid_argument("message: \"type\" (a sentence kind such as \"DEP\") is missing");
  }
  const auto kind = enum_from_name<Kind>(type_it->get<std::string>());
  if (!kind)
    throw std::invalid_argument("message: unknown sentence kind '" + type_it->get<std::string>() + "'");
  std::set<std::string> seen{"type"};
  Message message = read_message(*kind, json, seen);
  detail::JsonReader::reject_unknown(json, seen, to_name(*kind));
  return message;
}

}  // namespace meso::protocols::pen
