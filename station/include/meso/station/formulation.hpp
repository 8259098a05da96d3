// The catalog of formulations (products, their ingredients and lots with expiry): a session names one product
// and lot; an unknown or expired lot is refused, and the lot used is journaled with the session.
#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/station/calendar.hpp"

namespace meso::station {

struct Lot {
  std::string id;
  Date expiry;  // usable through this day
};

struct Product {
  std::string name;
  std::vector<std::string> ingredients;
  std::vector<Lot> lots;
};

struct Catalog {
  std::vector<Product> products;
  const Product* find(const std::string& name) const;
};

// Empty when `product`/`lot` exists and is in date on `today`; otherwise what is wrong.
std::string lot_error(const Catalog& catalog, const std::string& product, const std::string& lot, Date today);

Catalog catalog_from_json(const nlohmann::json& j);
Catalog load_catalog(const std::filesystem::path& file);

}  // namespace meso::station
