// The formulary file an admin imports (docs/formulary.md): JSON with // and /* */ comments, products with
// their lots. Read strictly: a missing, misspelt or malformed field is an error naming its JSON path and the
// line it is on, so the admin can fix the file; nothing is imported from a file with an error.
// Also the conversions between the journal's formulary and the station's catalog.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/formulary.hpp"
#include "meso/station/formulation.hpp"

namespace meso::station {

// Throws std::invalid_argument: "SOURCE line N: products[0].lots[1].expiry: '2026-02-30' is not a real
// date (YYYY-MM-DD)".
std::vector<journal::FormularyProduct> parse_formulary(std::string_view text, const std::string& source);

// The station's catalog of the journal's formulary: every product, its lots with their stock.
Catalog catalog_of(const std::vector<journal::FormularyProduct>& formulary);

// What of a profile's catalog (the demo's, a scenario's) a test or demo journal lacks, to import: new
// products whole, new lots of products it has (those keep their journaled fields). A lot without stock gets
// kProfileVials vials of kProfileVialMl ml; a product without a concentration, "not stated".
inline constexpr std::int64_t kProfileVials = 100;
inline constexpr double kProfileVialMl = 10;
std::vector<journal::FormularyProduct> missing_from(const std::vector<journal::FormularyProduct>& formulary,
                                                    const Catalog& profile);

}  // namespace meso::station
