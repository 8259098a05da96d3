// The station's formulary as the journal keeps it: products (ingredients for the allergy check, the
// concentration as the label states it, the volume of one vial) and their lots (expiry, vials received,
// retired with a reason). The stock of a lot is what was received less what the sessions used: each session
// that delivered a dose journals a "lot.used" event (product, lot, delivered_nl) in its own chain, and the
// journal deducts it in the same transaction. Nothing is deleted; a lot changes once, when it is retired.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace meso::journal {

inline constexpr std::int64_t kNlPerMl = 1'000'000;

struct FormularyLot {
  std::string lot;     // the number on the vial, unique within its product
  std::string expiry;  // YYYY-MM-DD, usable through that day
  std::int64_t vials = 0;
  // Read back only (an import or add_lot ignores them):
  bool retired = false;
  std::string retired_reason;
  std::string retired_utc;
  std::string added_utc;
  std::int64_t used_nl = 0;       // what the sessions used, from their "lot.used" events
  std::int64_t remaining_nl = 0;  // vials x the product's vial volume - used_nl
};

struct FormularyProduct {
  std::string name;  // unique
  std::vector<std::string> ingredients;
  // As the label states it, with its units (e.g. "biotin 0.5 mg/ml; dexpanthenol 20 mg/ml"): a cocktail has
  // one per ingredient, and the station shows and journals it but never computes with it.
  std::string concentration;
  double vial_ml = 0;  // the volume of one vial
  std::vector<FormularyLot> lots;
  std::string added_utc;  // read back only
};

// The volume of `vials` vials of `vial_ml` ml, in nl (the unit the station doses in).
std::int64_t stock_nl(double vial_ml, std::int64_t vials);

}  // namespace meso::journal
