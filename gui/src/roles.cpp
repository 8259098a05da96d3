// Who may do what at the console. One place for the runtime (which refuses) and the panels (which do not
// offer): the journal refuses writes by role too, but a refusal there comes after the station has acted.
#include "meso/gui/console_view.hpp"

namespace meso::gui {

bool may_audit(const std::string& role) {
  return role == "auditor" || role == "admin";
}

bool may_command_station(const std::string& role) {
  return role != "auditor";
}

bool may_inject_faults(const std::string& role, bool demo) {
  return demo && role == "qa";
}

}  // namespace meso::gui
