// `mesostation probe (--port PATH | --tcp HOST:PORT) [--json]`: connects, handshakes and prints what device
// answers, with its capabilities; exits non-zero, saying why, when nothing answers within 2 s.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_probe_command(CLI::App& app);

}  // namespace meso::station
