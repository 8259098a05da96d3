#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

// `mesostation` with no subcommand opens the operator console (`--demo` for the simulated station).
void add_console_command(CLI::App& app);

}  // namespace meso::station
