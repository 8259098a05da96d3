// mesostation markers: see markers_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_markers_command(CLI::App& app);

}  // namespace meso::station
