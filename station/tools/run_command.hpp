#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_run_command(CLI::App& app);

}  // namespace meso::station
