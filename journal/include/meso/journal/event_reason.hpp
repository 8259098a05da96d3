// The "why" of a journal event, as `mesoaudit show` and the console's audit screen print it: header-only
// so that the tool and the console share one reading of the payload without another library target.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "meso/journal/types.hpp"

namespace meso::journal {

// The payload's "reason", when the station or the user gave one; empty otherwise (or for a payload that
// is not a JSON object, which the journal never writes but a tampered row might hold).
inline std::string reason_of(const Event& event) {
  const auto parsed = nlohmann::json::parse(event.payload, nullptr, false);
  if (!parsed.is_object()) return {};
  const auto reason = parsed.find("reason");
  return reason != parsed.end() && reason->is_string() ? reason->get<std::string>() : std::string();
}

}  // namespace meso::journal
