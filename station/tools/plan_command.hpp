// mesostation plan: see plan_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_plan_command(CLI::App& app);

}  // namespace meso::station
