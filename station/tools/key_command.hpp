// `mesostation key export --out station.pub [--db PATH] [--key PATH] [--force]`: the station's public key
// for auditors (`mesoaudit verify --public-key`), and its fingerprint to compare by eye or over the phone.
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_key_command(CLI::App& app);

}  // namespace meso::station
