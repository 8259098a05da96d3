// The reader's view of the formulary: products, their lots and each lot's stock.
#include <map>

#include "meso/journal/reader.hpp"
#include "reader_state.hpp"

namespace meso::journal {

std::vector<FormularyProduct> JournalReader::formulary() const {
  std::vector<FormularyProduct> out;
  std::map<std::int64_t, std::size_t> index;  // product id -> place in `out`
  sqlite::Statement products(
      state_->db.connection,
      "SELECT id, name, ingredients, concentration, vial_ml, added_utc FROM products ORDER BY name");
  while (products.step()) {
    FormularyProduct p;
    p.name = products.column_text(1);
    const auto ingredients = nlohmann::json::parse(products.column_text(2), nullptr, false);
    if (ingredients.is_array())
      for (const auto& i : ingredients)
        if (i.is_string()) p.ingredients.push_back(i.get<std::string>());
    p.concentration = products.column_text(3);
    p.vial_ml = products.column_double(4);
    p.added_utc = products.column_text(5);
    index[products.column_int(0)] = out.size();
    out.push_back(std::move(p));
  }
  sqlite::Statement lots(
      state_->db.connection,
      "SELECT l.product_id, l.lot, l.expiry, l.vials, l.retired, coalesce(l.retired_reason, ''), "
      "coalesce(l.retired_utc, ''), l.added_utc, (SELECT coalesce(sum(u.used_nl), 0) FROM "
      "lot_uses u WHERE u.lot_id = l.id) FROM lots l ORDER BY l.expiry, l.lot");
  while (lots.step()) {
    const auto it = index.find(lots.column_int(0));
    if (it == index.end()) continue;
    auto& product = out[it->second];
    FormularyLot l;
    l.lot = lots.column_text(1);
    l.expiry = lots.column_text(2);
    l.vials = lots.column_int(3);
    l.retired = lots.column_int(4) != 0;
    l.retired_reason = lots.column_text(5);
    l.retired_utc = lots.column_text(6);
    l.added_utc = lots.column_text(7);
    l.used_nl = lots.column_int(8);
    l.remaining_nl = stock_nl(product.vial_ml, l.vials) - l.used_nl;
    product.lots.push_back(std::move(l));
  }
  return out;
}

}  // namespace meso::journal
