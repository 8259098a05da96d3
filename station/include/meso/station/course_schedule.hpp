// The course of treatment (DOMAIN.md §1): 6 to 8 sessions, weekly in the first month, then every two weeks;
// maintenance every 2 to 3 months after the course. At close the station proposes the next appointments.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "meso/station/calendar.hpp"

namespace meso::station {

struct CourseRules {
  std::uint32_t course_sessions = 6;  // 6 to 8
  std::uint32_t weekly_sessions = 4;  // the first month
  int weekly_gap_days = 7;
  int later_gap_days = 14;        // biweekly (a clinic may choose monthly: 28 to 31)
  int maintenance_gap_days = 75;  // between 2 and 3 months
};

struct Appointment {
  Date date;
  std::uint32_t session_number = 0;  // in the course; 0 for maintenance
  std::string kind;                  // "course" or "maintenance"
};

// `sessions_done` counts the course's closed sessions including the one closing on `closed_on`. Proposes the
// rest of the course and the first maintenance visit after it (once the course is done, the next
// maintenance visit). Throws std::invalid_argument for rules outside DOMAIN.md's ranges.
std::vector<Appointment> propose_next(const CourseRules& rules, std::uint32_t sessions_done, Date closed_on);

// What the patient takes home (DOMAIN.md §2, post-care).
std::vector<std::string> post_care_instructions();

nlohmann::json to_json(const std::vector<Appointment>& appointments);

}  // namespace meso::station
