// mesostation formulary import|list|add-product|add-lot|retire-lot: the station's products and lots, by an
// admin (listing: anyone with an account), on the application layer (docs/formulary.md).
#pragma once

#include <CLI/CLI.hpp>

namespace meso::station {

void add_formulary_command(CLI::App& cli);

}  // namespace meso::station
