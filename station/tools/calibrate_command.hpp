// mesostation calibrate: see calibrate_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_calibrate_command(CLI::App& app);

}  // namespace meso::station
