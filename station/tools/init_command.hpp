// `mesostation init --db PATH --admin NAME`: commissions a station journal (its kind, its signing key, its
// first administrator) and writes the public key for the auditors.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_init_command(CLI::App& app);

}  // namespace meso::station
