#include "meso/station/recovery_inputs.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

namespace meso::station {

namespace {

void raise_to(std::optional<std::uint32_t>& best, const nlohmann::json& counter) {
  if (!counter.is_number_unsigned()) return;
  const auto c = counter.get<std::uint32_t>();
  best = std::max(best.value_or(c), c);
}

}  // namespace

std::optional<std::uint32_t> accounted_shot_counter(const journal::JournalReader& reader) {
  std::optional<std::uint32_t> best;
  for (const auto& session : reader.list_sessions()) {
    for (const char* kind : {"shot.recorded", "device.connected"})
      for (const auto& e : reader.events_of_kind(session.id, kind))
        raise_to(best, nlohmann::json::parse(e.payload).value("shot_counter", nlohmann::json()));
    for (const auto& e : reader.events_of_kind(session.id, "session.started")) {
      const auto payload = nlohmann::json::parse(e.payload);
      if (!payload.contains("devices")) continue;  // journaled before devices were named at the start
      for (const auto& device : payload.at("devices"))
        raise_to(best, device.value("shot_counter", nlohmann::json()));
    }
  }
  return best;
}

std::vector<JournalDraft> session_events(const journal::JournalReader& reader, journal::SessionId id) {
  std::vector<JournalDraft> out;
  for (const auto& e : reader.timeline(id)) {
    const auto role = journal::parse_role(e.role);
    if (!role)
      throw std::runtime_error("event " + std::to_string(e.seq) + " of session " + std::to_string(id) +
                               " has role '" + e.role + "', not one of clinician, qa, auditor, admin");
    out.push_back({e.session, e.user, e.user_name, *role, e.kind, nlohmann::json::parse(e.payload)});
  }
  return out;
}

std::vector<std::uint32_t> unsettled_intents(const std::vector<JournalDraft>& events) {
  std::set<std::uint32_t> open;
  for (const auto& e : events) {
    if (e.kind == "fire.intent") open.insert(e.payload.at("command_id").get<std::uint32_t>());
    if ((e.kind == "fire.resolved" && e.payload.at("outcome") != "unknown") || e.kind == "fire.attested")
      open.erase(e.payload.at("command_id").get<std::uint32_t>());
  }
  return {open.begin(), open.end()};
}

}  // namespace meso::station
