// JSON form of pen sentences: {"type": "DEP", "depth_um": 1500}. "type" is the sentence kind's mnemonic.
#pragma once

#include <nlohmann/json.hpp>

#include "meso/protocols/pen_messages.hpp"

namespace meso::protocols::pen {

nlohmann::json to_json(const Message& message);

// Strict, as mesogun::message_from_json: throws std::invalid_argument naming the field.
Message message_from_json(const nlohmann::json& json);

}  // namespace meso::protocols::pen
