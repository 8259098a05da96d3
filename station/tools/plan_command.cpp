// placeholder, filled by its owner
#include "plan_command.hpp"

namespace meso::station {

void add_plan_command(CLI::App& /*app*/) {}

}  // namespace meso::station
