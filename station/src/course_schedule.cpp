#include "meso/station/course_schedule.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace meso::station {

std::vector<Appointment> propose_next(const CourseRules& rules, std::uint32_t sessions_done, Date closed_on) {
  if (rules.course_sessions < 6 || rules.course_sessions > 8)
    throw std::invalid_argument("a course is 6 to 8 sessions");
  if (rules.weekly_gap_days < 7 || rules.later_gap_days < 7 || rules.later_gap_days > 31)
    throw std::invalid_argument("sessions are one week to one month apart");
  if (rules.maintenance_gap_days < 60 || rules.maintenance_gap_days > 92)
    throw std::invalid_argument("maintenance is every 2 to 3 months");
  if (sessions_done == 0) throw std::invalid_argument("at least the closing session is done");
  std::vector<Appointment> out;
  Date date = closed_on;
  for (auto n = sessions_done + 1; n <= rules.course_sessions; ++n) {
    // The gap before session n: weekly while within the first month's sessions.
    date = add_days(date, n <= rules.weekly_sessions ? rules.weekly_gap_days : rules.later_gap_days);
    out.push_back({date, n, "course"});
  }
  out.push_back({add_days(date, rules.maintenance_gap_days), 0, "maintenance"});
  return out;
}

std::vector<std::string> post_care_instructions() {
  return {
      "Do not wash the hair or apply any topical product for 24 hours.",
      "Avoid direct sun, sauna and strenuous exercise for 48 hours.",
      "Mild redness, itching or tenderness is usual and resolves within 24 to 48 hours; call the clinic if "
      "it does not, or if there is swelling, pus or fever."};
}

nlohmann::json to_json(const std::vector<Appointment>& appointments) {
  auto out = nlohmann::json::array();
  for (const auto& a : appointments)
    out.push_back({{"date", to_string(a.date)}, {"session_number", a.session_number}, {"kind", a.kind}});
  return out;
}

}  // namespace meso::station
