#include "meso/station/alarm_board.hpp"

#include <algorithm>

namespace meso::station {

std::string_view to_string(AlarmPriority p) {
  switch (p) {
    case AlarmPriority::low:
      return "low";
    case AlarmPriority::medium:
      return "medium";
    case AlarmPriority::high:
      return "high";
  }
  return "unknown";
}

std::string_view to_string(AlarmCategory c) {
  return c == AlarmCategory::technical ? "technical" : "clinical";
}

std::uint32_t AlarmBoard::raise(std::string code, AlarmPriority priority, AlarmCategory category,
                                std::string message) {
  for (auto& e : entries_) {
    if (e.code != code) continue;
    e.condition_active = true;
    e.acknowledged = false;
    e.priority = std::max(e.priority, priority);
    e.message = std::move(message);
    return e.id;
  }
  entries_.push_back({next_id_, std::move(code), priority, category, std::move(message), true, false});
  return next_id_++;
}

bool AlarmBoard::clear(std::string_view code) {
  const auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.code == code; });
  if (it == entries_.end()) return false;
  it->condition_active = false;
  if (it->acknowledged) entries_.erase(it);
  return true;
}

bool AlarmBoard::acknowledge(std::uint32_t id) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.id == id; });
  if (it == entries_.end()) return false;
  it->acknowledged = true;
  if (!it->condition_active) entries_.erase(it);
  return true;
}

bool AlarmBoard::has_unacknowledged(AlarmPriority at_least) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const auto& e) { return !e.acknowledged && e.priority >= at_least; });
}

std::optional<AlarmPriority> AlarmBoard::highest_active() const {
  std::optional<AlarmPriority> top;
  for (const auto& e : entries_)
    if (e.condition_active && (!top || e.priority > *top)) top = e.priority;
  return top;
}

}  // namespace meso::station
