#include "meso/station/session_state.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace meso::station {
namespace {

using S = SessionState;

constexpr std::array kNames{
    std::pair{S::check_in, "check_in"},     std::pair{S::screening, "screening"},
    std::pair{S::assessment, "assessment"}, std::pair{S::planning, "planning"},
    std::pair{S::ready, "ready"},           std::pair{S::treating, "treating"},
    std::pair{S::paused, "paused"},         std::pair{S::post_care, "post_care"},
    std::pair{S::closed, "closed"},         std::pair{S::aborted, "aborted"},
};

// Aborting is legal from every state that is not final; it is listed in each row so that the table alone
// answers "what may follow".
constexpr std::array<S, 2> kFromCheckIn{S::screening, S::aborted};
constexpr std::array<S, 2> kFromScreening{S::assessment, S::aborted};
constexpr std::array<S, 2> kFromAssessment{S::planning, S::aborted};
constexpr std::array<S, 3> kFromPlanning{S::ready, S::assessment, S::aborted};
constexpr std::array<S, 3> kFromReady{S::treating, S::planning, S::aborted};
constexpr std::array<S, 3> kFromTreating{S::paused, S::post_care, S::aborted};
constexpr std::array<S, 4> kFromPaused{S::treating, S::post_care, S::planning, S::aborted};
constexpr std::array<S, 2> kFromPostCare{S::closed, S::aborted};

}  // namespace

std::string_view to_string(SessionState state) {
  for (const auto& [s, name] : kNames)
    if (s == state) return name;
  return "unknown";
}

std::optional<SessionState> parse_session_state(std::string_view name) {
  for (const auto& [s, n] : kNames)
    if (n == name) return s;
  return std::nullopt;
}

std::span<const SessionState> next_states(SessionState from) {
  switch (from) {
    case S::check_in:
      return kFromCheckIn;
    case S::screening:
      return kFromScreening;
    case S::assessment:
      return kFromAssessment;
    case S::planning:
      return kFromPlanning;
    case S::ready:
      return kFromReady;
    case S::treating:
      return kFromTreating;
    case S::paused:
      return kFromPaused;
    case S::post_care:
      return kFromPostCare;
    case S::closed:
    case S::aborted:
      return {};
  }
  return {};
}

bool is_final(SessionState state) {
  return state == S::closed || state == S::aborted;
}

std::string transition_error(SessionState from, SessionState to) {
  const auto next = next_states(from);
  if (std::find(next.begin(), next.end(), to) != next.end()) return {};
  std::string why =
      "a session in '" + std::string(to_string(from)) + "' cannot go to '" + std::string(to_string(to)) + "'";
  if (next.empty()) return why + ": the session is " + std::string(to_string(from)) + " and final";
  why += "; it may go to:";
  for (const auto s : next)
    why += " " + std::string(to_string(s));
  return why;
}

}  // namespace meso::station
