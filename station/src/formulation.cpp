#include "meso/station/formulation.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "json_fields.hpp"

namespace meso::station {

const Product* Catalog::find(const std::string& name) const {
  for (const auto& p : products)
    if (p.name == name) return &p;
  return nullptr;
}

std::string lot_error(const Catalog& catalog, const std::string& product, const std::string& lot,
                      Date today) {
  const auto* p = catalog.find(product);
  if (p == nullptr) return "product '" + product + "' is not in the formulation catalog";
  for (const auto& l : p->lots) {
    if (l.id != lot) continue;
    if (today <= l.expiry) return {};
    std::string why = "lot " + lot;
    why += " of " + product + " expired on " + to_string(l.expiry) + ": use an in-date lot";
    return why;
  }
  return "lot '" + lot + "' of " + product + " is not in the catalog: record the lot on the vial";
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
    const auto& lots = f.member("lots");
    f.finish();
    if (!lots.is_array()) throw std::invalid_argument(where + ".lots: expected an array");
    for (std::size_t k = 0; k < lots.size(); ++k) {
      JsonFields lf(lots[k], where + ".lots[" + std::to_string(k) + "]");
      Lot lot;
      lot.id = lf.get<std::string>("lot");
      lot.expiry = parse_date(lf.get<std::string>("expiry"));
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
