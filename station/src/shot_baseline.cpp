#include "meso/station/shot_baseline.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
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

}  // namespace meso::station
