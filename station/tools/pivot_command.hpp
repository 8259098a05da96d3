// mesostation pivot: see pivot_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_pivot_command(CLI::App& app);

}  // namespace meso::station
