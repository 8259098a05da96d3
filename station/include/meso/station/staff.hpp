// Who may do what at the station. The roles live here, not in the GUI, because the station (which refuses)
// and the panels (which do not offer) must check the same rule; the journal refuses writes by role too, but
// a refusal there comes after the station has acted.
#pragma once

#include "meso/journal/types.hpp"

namespace meso::station {

using Tag = journal::Tag;    // real, test, demo
using Role = journal::Role;  // clinician, qa, auditor, admin

// Auditors and admins read the journal.
inline bool may_audit(Role role) {
  return role == Role::auditor || role == Role::admin;
}

// Everyone but the read-only auditor.
inline bool may_command_station(Role role) {
  return role != Role::auditor;
}

// Admins manage the staff and the formulary.
inline bool may_administer(Role role) {
  return role == Role::admin;
}

// QA, on a simulated device only.
inline bool may_inject_faults(Role role, bool simulated) {
  return simulated && role == Role::qa;
}

}  // namespace meso::station
