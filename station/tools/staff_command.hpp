// `mesostation staff add|list|disable|reset-password|set-role|passwd|log`: the staff's accounts, by an admin
// (passwd: one's own password), each act in the station log with who, when and why.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_staff_command(CLI::App& cli);

}  // namespace meso::station
