// JSON form of mesogun messages, as used by the golden vectors, mesoproto and scenario files:
// {"type": "FIRE", "seq": 7, "ack": 3, "command_id": 42}. Field names are the spec's, units in the names.
#pragma once

#include <nlohmann/json.hpp>

#include "meso/protocols/mesogun_messages.hpp"

namespace meso::protocols::mesogun {

nlohmann::json to_json(const Message& message);
nlohmann::json to_json(const Frame& frame);  // the message's fields plus "seq" and "ack"

// Strict: a missing or unknown field, a wrong kind of value or one out of range throws
// std::invalid_argument naming it ("FIRE.command_id: missing").
Message message_from_json(const nlohmann::json& json);
// As message_from_json; "seq" and "ack" are optional and default to 0.
Frame frame_from_json(const nlohmann::json& json);

}  // namespace meso::protocols::mesogun
