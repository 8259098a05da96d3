// The clinical workflow of one session as an explicit state machine (DOMAIN.md §2): what may follow what.
// The station checks every transition here before it journals and applies it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace meso::station {

enum class SessionState : std::uint8_t {
  check_in,    // patient identified, session opened
  screening,   // contraindications, 24 h precautions, patch test, consent
  assessment,  // examination, photos, density
  planning,    // zones, technique, formulation and lot, plan validated
  ready,       // plan accepted; the device may be armed
  treating,    // dosing
  paused,      // treatment interrupted by a person; the device is disarmed
  post_care,   // instructions given, next appointments proposed
  closed,      // signed and sealed: final
  aborted,     // stopped for good, from anywhere but closed: final
};

std::string_view to_string(SessionState state);
std::optional<SessionState> parse_session_state(std::string_view name);

// The states that may legally follow `from`.
std::span<const SessionState> next_states(SessionState from);
// Empty when `from -> to` is legal, otherwise what is wrong and what to do instead.
std::string transition_error(SessionState from, SessionState to);
bool is_final(SessionState state);

}  // namespace meso::station
