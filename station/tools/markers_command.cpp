// placeholder, filled by its owner
#include "markers_command.hpp"

namespace meso::station {

void add_markers_command(CLI::App& /*app*/) {}

}  // namespace meso::station
