// Alarms with priority and an acknowledgement cycle (IEC 60601-1-8): an alarm is latched until a person
// acknowledges it, even after its condition cleared; technical alarms (device, link) are kept apart from
// clinical ones (dose cap, registration). Owned by the station thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meso::station {

enum class AlarmPriority : std::uint8_t { low, medium, high };
enum class AlarmCategory : std::uint8_t { technical, clinical };
std::string_view to_string(AlarmPriority p);
std::string_view to_string(AlarmCategory c);

struct AlarmEntry {
  std::uint32_t id = 0;
  std::string code;  // "occlusion", "link_lost", "dose_cap_reached", ...
  AlarmPriority priority = AlarmPriority::medium;
  AlarmCategory category = AlarmCategory::technical;
  std::string message;
  bool condition_active = true;  // the cause is still present
  bool acknowledged = false;
};

class AlarmBoard {
 public:
  // Raises `code`, or re-raises it when it was already latched (the same entry, active again and
  // unacknowledged). Returns the entry's id.
  std::uint32_t raise(std::string code, AlarmPriority priority, AlarmCategory category, std::string message);
  // The cause is gone; the alarm stays latched until acknowledged. False when no such alarm is latched.
  bool clear(std::string_view code);
  // A person acknowledges: an alarm whose cause is gone leaves the board; one still active stays, silenced.
  bool acknowledge(std::uint32_t id);

  const std::vector<AlarmEntry>& entries() const { return entries_; }
  // Unacknowledged high-priority alarms block arming.
  bool has_unacknowledged(AlarmPriority at_least) const;
  std::optional<AlarmPriority> highest_active() const;

 private:
  std::vector<AlarmEntry> entries_;
  std::uint32_t next_id_ = 1;
};

}  // namespace meso::station
