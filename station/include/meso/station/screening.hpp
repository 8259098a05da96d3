// Screening before a session (DOMAIN.md §2): contraindications and unsuitable conditions are absolute stops;
// the 24-hour precautions need a person's explicit acknowledgement; a patch-test result and consent are
// required. The verdict says exactly what blocks the session and why.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace meso::station {

enum class PatchTest : std::uint8_t { not_done, negative, positive };

struct ScreeningAnswers {
  // Contraindications (absolute stops).
  std::vector<std::string> allergies;  // ingredients the patient is allergic to (checked against the formula)
  bool autoimmune_skin_condition = false;
  bool scalp_infection = false;
  bool uncontrolled_diabetes = false;
  bool chemotherapy_under_way = false;
  bool pregnant_or_breastfeeding = false;
  // Conditions the treatment cannot help (also stops: not suitable).
  bool complete_baldness = false;
  bool scarring_alopecia = false;
  bool non_viable_follicles = false;
  // Taken within the last 24 hours (precautions: proceed only after an explicit acknowledgement).
  bool alcohol_24h = false;
  bool aspirin_24h = false;
  bool anti_inflammatories_24h = false;
  std::string precautions_acknowledged_reason;  // empty: not acknowledged
  PatchTest patch_test = PatchTest::not_done;
  bool consent_signed = false;
};

struct ScreeningVerdict {
  std::vector<std::string> stops;        // absolute: the session cannot proceed
  std::vector<std::string> precautions;  // need an acknowledgement (listed even when acknowledged)
  std::vector<std::string> missing;      // what must still be recorded (patch test, consent, acknowledgement)
  bool cleared() const { return stops.empty() && missing.empty(); }
  std::string summary() const;
};

ScreeningVerdict evaluate(const ScreeningAnswers& answers);
// The allergies that meet the formula's ingredients (case-insensitive): a contraindication.
std::vector<std::string> allergy_conflicts(const ScreeningAnswers& answers,
                                           const std::vector<std::string>& ingredients);

// Strict JSON: an unknown field is an error naming it (a typo must not pass as "no").
ScreeningAnswers screening_from_json(const nlohmann::json& j);
nlohmann::json to_json(const ScreeningAnswers& answers);
nlohmann::json to_json(const ScreeningVerdict& verdict);

}  // namespace meso::station
