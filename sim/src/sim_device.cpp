#include "meso/sim/sim_device.hpp"

#include <stdexcept>

namespace meso::sim {

bool SimDevice::apply_to_line(const ScenarioAction& action, TimePoint now) {
  if (!is_line_action(action)) return false;
  if (!line_) {
    throw std::logic_error("\"" + std::string(name_of(action)) + "\" acts on the line, and this " + kind() +
                           " is plugged into none (apply it through its SimulatorCore)");
  }
  line_(action, now);
  return true;
}

}  // namespace meso::sim
