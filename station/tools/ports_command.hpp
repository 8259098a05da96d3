// `mesostation ports [--json]`: the serial ports present, with the USB serial numbers to remember devices by.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_ports_command(CLI::App& app);

}  // namespace meso::station
