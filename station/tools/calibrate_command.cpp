// placeholder, filled by its owner
#include "calibrate_command.hpp"

namespace meso::station {

void add_calibrate_command(CLI::App& /*app*/) {}

}  // namespace meso::station
