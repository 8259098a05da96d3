// The catalog of formulations (products, their ingredients and lots with expiry): a session names one product
// and lot; an unknown, expired, retired or exhausted lot is refused, and the lot used is journaled with the
// session. A station's catalog is its formulary, read from the journal (docs/formulary.md), with each lot's
// stock; a catalog read from a file (a scenario's) has no stock, and its lots are never counted exhausted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/station/calendar.hpp"

namespace meso::station {

struct Lot {
  std::string id;
  Date expiry;             // usable through this day
  std::int64_t vials = 0;  // received; 0: not given (a catalog from a file)
  bool retired = false;    // recalled, damaged, withdrawn: never used again
  std::string retired_reason{};
  std::optional<std::int64_t> remaining_nl{};  // the stock left; none: not tracked
};

struct Product {
  std::string name;
  std::vector<std::string> ingredients;
  std::vector<Lot> lots;
  std::string concentration{};  // as the label states it, with its units
  double vial_ml = 0;           // one vial's volume; 0: not given
};

struct Catalog {
  std::vector<Product> products;
  const Product* find(const std::string& name) const;
};

// Empty when `product`/`lot` exists, is in date on `today`, is not retired and (when its stock is tracked)
// has at least `needed_nl` left, and more than nothing; otherwise what is wrong, naming the lot and what to
// do.
std::string lot_error(const Catalog& catalog, const std::string& product, const std::string& lot, Date today,
                      std::uint64_t needed_nl = 0);

// {"products": [{"name", "ingredients", "lots": [{"lot", "expiry", "vials"?}], "concentration"?,
// "vial_ml"?}]}: the optional fields are the formulary file's (docs/formulary.md).
Catalog catalog_from_json(const nlohmann::json& j);
Catalog load_catalog(const std::filesystem::path& file);

}  // namespace meso::station
