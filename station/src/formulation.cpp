#include "meso/station/formulation.hpp"

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "json_fields.hpp"

namespace meso::station {

const Product* Catalog::find(const std::string& name) const {
  for (const auto& p : products)
    if (p.name == name) return &p;
  return nullptr;
}

namespace {

std::string ml_text(std::int64_t nl) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.2f ml", static_cast<double>(nl) / 1e6);
  return text.data();
}

constexpr const char* kAddALot = "choose another lot, or add one with `mesostation formulary add-lot`";

}  // namespace

std::string lot_error(const Catalog& catalog, const std::string& product, const std::string& lot, Date today,
                      std::uint64_t needed_nl) {
  const auto* p = catalog.find(product);
  if (p == nullptr) return "product '" + product + "' is not in the formulation catalog";
  for (const auto& l : p->lots) {
    if (l.id != lot) continue;
    std::string name = "lot " + lot;
    name += " of " + product;
    if (l.retired) return name + " is retired (" + l.retired_reason + "): " + kAddALot;
    if (today > l.expiry)
      return name + " expired on " + to_string(l.expiry) + ": use an in-date lot; " + kAddALot;
    if (!l.remaining_nl) return {};
    if (*l.remaining_nl <= 0)
      return name + " is used up (" + ml_text(*l.remaining_nl) + " left): " + kAddALot;
    if (static_cast<std::uint64_t>(*l.remaining_nl) < needed_nl)
      return name + " has " + ml_text(*l.remaining_nl) + " left and the plan needs " +
             ml_text(static_cast<std::int64_t>(needed_nl)) + ": " + kAddALot;
    return {};
  }
  return "lot '" + lot + "' of " + product +
         " is not in the catalog: record the lot on the vial, and add it with `mesostation formulary "
         "add-lot` "
         "if it is new";
}

Catalog catalog_from_json(const nlohmann::json& j) {
  JsonFields top(j, "catalog");
  const auto& products = top.member("products");
  top.finish();
  if (!products.is_array()) throw std::invalid_argument("catalog.products: expected an array");
  Catalog c;
  for (std::size_t i = 0; i < products.size(); ++i) {
    const std::string where = "catalog.products[" + std::to_string(i) + "]";
    JsonFields f(products[i], where);
    Product p;
    p.name = f.get<std::string>("name");
    p.ingredients = f.get<std::vector<std::string>>("ingredients");
    p.concentration = f.get_or<std::string>("concentration", "");
    p.vial_ml = f.get_or<double>("vial_ml", 0.0);
    const auto& lots = f.member("lots");
    f.finish();
    if (!lots.is_array()) throw std::invalid_argument(where + ".lots: expected an array");
    for (std::size_t k = 0; k < lots.size(); ++k) {
      JsonFields lf(lots[k], where + ".lots[" + std::to_string(k) + "]");
      Lot lot;
      lot.id = lf.get<std::string>("lot");
      lot.expiry = parse_date(lf.get<std::string>("expiry"));
      lot.vials = lf.get_or<std::int64_t>("vials", 0);
      lf.finish();
      p.lots.push_back(std::move(lot));
    }
    c.products.push_back(std::move(p));
  }
  return c;
}

Catalog load_catalog(const std::filesystem::path& file) {
  return read_json_file(file, "formulation catalog",
                        [](const nlohmann::json& j) { return catalog_from_json(j); });
}

}  // namespace meso::station
