// The admin's acts on the formulary, each one transaction with its entry in the station log: a product, a
// lot, a lot retired, a whole import (all of it or nothing).
#include <cmath>

#include "meso/journal/formulary.hpp"
#include "transaction.hpp"
#include "write_store.hpp"

namespace meso::journal {

std::int64_t stock_nl(double vial_ml, std::int64_t vials) {
  return std::llround(vial_ml * static_cast<double>(kNlPerMl)) * vials;
}

namespace {

struct StoredProduct {
  std::int64_t id = 0;
  nlohmann::json ingredients;
  std::string concentration;
  double vial_ml = 0;
};

struct StoredLot {
  std::int64_t id = 0;
  std::string expiry;
  std::int64_t vials = 0;
  bool retired = false;
};

std::optional<StoredProduct> stored_product(sqlite::Connection& c, const std::string& name) {
  sqlite::Statement select(c, "SELECT id, ingredients, concentration, vial_ml FROM products WHERE name = ?1");
  select.bind(1, name);
  if (!select.step()) return std::nullopt;
  return StoredProduct{select.column_int(0), nlohmann::json::parse(select.column_text(1)),
                       std::string(select.column_text(2)), select.column_double(3)};
}

std::optional<StoredLot> stored_lot(sqlite::Connection& c, std::int64_t product, const std::string& lot) {
  sqlite::Statement select(c,
                           "SELECT id, expiry, vials, retired FROM lots WHERE product_id = ?1 AND lot = ?2");
  select.bind(1, product).bind(2, lot);
  if (!select.step()) return std::nullopt;
  return StoredLot{select.column_int(0), std::string(select.column_text(1)), select.column_int(2),
                   select.column_int(3) != 0};
}

bool is_date(sqlite::Connection& c, const std::string& text) {
  sqlite::Statement check(c, "SELECT date(?1, '+0 days') IS ?1");  // the modifier rejects Feb 30
  check.bind(1, text);
  return check.step() && check.column_int(0) == 1;
}

// What is wrong with a product's own fields, as a sentence; empty when nothing is.
std::string product_problem(const FormularyProduct& p) {
  if (p.name.empty()) return "a product needs a name";
  if (p.ingredients.empty())
    return "product " + p.name + " names no ingredient: the allergy check needs every one";
  for (const auto& i : p.ingredients)
    if (i.empty()) return "product " + p.name + " has an empty ingredient";
  if (p.concentration.empty())
    return "product " + p.name +
           " needs its concentration, as the label states it (e.g. \"biotin 0.5 mg/ml\")";
  if (!std::isfinite(p.vial_ml) || p.vial_ml <= 0 || p.vial_ml > 1000)
    return "product " + p.name + ": the volume of a vial must be more than 0 and at most 1000 ml";
  return {};
}

std::string lot_problem(sqlite::Connection& c, const std::string& product, const FormularyLot& l) {
  if (l.lot.empty()) return "a lot of " + product + " needs its number";
  if (!is_date(c, l.expiry))
    return "lot " + l.lot + " of " + product + ": expiry '" + l.expiry + "' is not a date (YYYY-MM-DD)";
  if (l.vials < 1 || l.vials > 1'000'000)
    return "lot " + l.lot + " of " + product + ": the vials received must be 1 to 1000000";
  return {};
}

std::optional<Error> refused(const std::string& why) {
  return Error{Errc::bad_request, why};
}

std::int64_t insert_product(sqlite::Connection& c, const FormularyProduct& p, const std::string& utc) {
  sqlite::Statement insert(c,
                           "INSERT INTO products(name, ingredients, concentration, vial_ml, added_utc) "
                           "VALUES(?1, ?2, ?3, ?4, ?5)");
  insert.bind(1, p.name)
      .bind(2, nlohmann::json(p.ingredients).dump())
      .bind(3, p.concentration)
      .bind_double(4, p.vial_ml)
      .bind(5, utc);
  insert.run();
  return c.last_insert_rowid();
}

void insert_lot(sqlite::Connection& c, std::int64_t product, const FormularyLot& l, const std::string& utc) {
  sqlite::Statement insert(
      c, "INSERT INTO lots(product_id, lot, expiry, vials, added_utc) VALUES(?1, ?2, ?3, ?4, ?5)");
  insert.bind(1, product).bind(2, l.lot).bind(3, l.expiry).bind(4, l.vials).bind(5, utc);
  insert.run();
}

nlohmann::json lot_json(const std::string& product, const FormularyLot& l) {
  return {{"product", product}, {"lot", l.lot}, {"expiry", l.expiry}, {"vials", l.vials}};
}

// A product the formulary holds already must come back as it is: a product never changes.
std::string product_differs(const FormularyProduct& p, const StoredProduct& s) {
  const std::string head = "product " + p.name + " is in the formulary already with ";
  const std::string tail = ": a product never changes; give the new one another name";
  if (nlohmann::json(p.ingredients) != s.ingredients)
    return head + "other ingredients " + s.ingredients.dump() + tail;
  if (p.concentration != s.concentration) return head + "concentration \"" + s.concentration + "\"" + tail;
  if (std::llround(p.vial_ml * 1000) != std::llround(s.vial_ml * 1000))
    return head + "another vial volume (" + nlohmann::json(s.vial_ml).dump() + " ml)" + tail;
  return {};
}

}  // namespace

Result<Seq> WriteStore::add_product(const FormularyProduct& product, UserId by, const std::string& reason) {
  nlohmann::json payload{{"product", product.name},
                         {"ingredients", product.ingredients},
                         {"concentration", product.concentration},
                         {"vial_ml", product.vial_ml},
                         {"reason", reason}};
  return admin_act(
      by, "formulary.product_added", payload,
      [&](sqlite::Connection& c, nlohmann::json&) -> std::optional<Error> {
        if (auto why = product_problem(product); !why.empty()) return refused(why);
        if (stored_product(c, product.name))
          return Error{Errc::duplicate, "product " + product.name + " is in the formulary already"};
        insert_product(c, product, utc_now_iso8601());
        return std::nullopt;
      });
}

Result<Seq> WriteStore::add_lot(const std::string& product, const FormularyLot& lot, UserId by,
                                const std::string& reason) {
  nlohmann::json payload = lot_json(product, lot);
  payload["reason"] = reason;
  return admin_act(by, "formulary.lot_added", payload,
                   [&](sqlite::Connection& c, nlohmann::json&) -> std::optional<Error> {
                     const auto p = stored_product(c, product);
                     if (!p)
                       return refused("no product " + product +
                                      " in the formulary: add it first (mesostation formulary import)");
                     if (auto why = lot_problem(c, product, lot); !why.empty()) return refused(why);
                     if (stored_lot(c, p->id, lot.lot))
                       return Error{Errc::duplicate, "lot " + lot.lot + " of " + product +
                                                         " is in the formulary already: a lot is added once"};
                     insert_lot(c, p->id, lot, utc_now_iso8601());
                     return std::nullopt;
                   });
}

Result<Seq> WriteStore::retire_lot(const std::string& product, const std::string& lot, UserId by,
                                   const std::string& reason) {
  const nlohmann::json payload{{"product", product}, {"lot", lot}, {"reason", reason}};
  return admin_act(by, "formulary.lot_retired", payload,
                   [&](sqlite::Connection& c, nlohmann::json&) -> std::optional<Error> {
                     const auto p = stored_product(c, product);
                     const auto l = p ? stored_lot(c, p->id, lot) : std::nullopt;
                     if (!l) return refused("no lot " + lot + " of " + product + " in the formulary");
                     if (l->retired) return refused("lot " + lot + " of " + product + " is retired already");
                     sqlite::Statement update(
                         c,
                         "UPDATE lots SET retired = 1, retired_reason = ?2, retired_utc = ?3 WHERE id = ?1");
                     update.bind(1, l->id).bind(2, reason).bind(3, utc_now_iso8601());
                     update.run();
                     return std::nullopt;
                   });
}

Result<Seq> WriteStore::import_formulary(const std::vector<FormularyProduct>& products, UserId by,
                                         const std::string& reason, const std::string& source) {
  const nlohmann::json payload{{"source", source}, {"reason", reason}};
  return admin_act(by, "formulary.imported", payload,
                   [&](sqlite::Connection& c, nlohmann::json& done) -> std::optional<Error> {
                     const std::string utc = utc_now_iso8601();
                     nlohmann::json products_added = nlohmann::json::array();
                     nlohmann::json lots_added = nlohmann::json::array();
                     for (const auto& p : products) {
                       if (auto why = product_problem(p); !why.empty()) return refused(why);
                       std::int64_t id = 0;
                       if (const auto stored = stored_product(c, p.name)) {
                         if (auto why = product_differs(p, *stored); !why.empty()) return refused(why);
                         id = stored->id;
                       } else {
                         id = insert_product(c, p, utc);
                         products_added.push_back(p.name);
                       }
                       for (const auto& l : p.lots) {
                         if (auto why = lot_problem(c, p.name, l); !why.empty()) return refused(why);
                         if (const auto stored = stored_lot(c, id, l.lot)) {
                           if (stored->expiry != l.expiry || stored->vials != l.vials)
                             return refused("lot " + l.lot + " of " + p.name +
                                            " is in the formulary already, expiring " + stored->expiry +
                                            " with " + std::to_string(stored->vials) +
                                            " vials: a lot is added once; new stock comes as a new lot");
                           continue;
                         }
                         insert_lot(c, id, l, utc);
                         lots_added.push_back(lot_json(p.name, l));
                       }
                     }
                     done["products_added"] = products_added;
                     done["lots_added"] = lots_added;
                     if (products_added.empty() && lots_added.empty()) done["unchanged"] = true;
                     return std::nullopt;
                   });
}

}  // namespace meso::journal
