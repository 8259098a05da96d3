#include "meso/station/screening.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "json_fields.hpp"

namespace meso::station {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Flag {
  const char* key;
  bool ScreeningAnswers::*field;
  const char* why;
};

constexpr Flag kStops[] = {
    {"autoimmune_skin_condition", &ScreeningAnswers::autoimmune_skin_condition,
     "autoimmune skin condition (contraindication)"},
    {"scalp_infection", &ScreeningAnswers::scalp_infection, "scalp infection (contraindication)"},
    {"uncontrolled_diabetes", &ScreeningAnswers::uncontrolled_diabetes,
     "uncontrolled diabetes (contraindication)"},
    {"chemotherapy_under_way", &ScreeningAnswers::chemotherapy_under_way,
     "chemotherapy under way (contraindication)"},
    {"pregnant_or_breastfeeding", &ScreeningAnswers::pregnant_or_breastfeeding,
     "pregnancy or breastfeeding (contraindication)"},
    {"complete_baldness", &ScreeningAnswers::complete_baldness,
     "complete baldness (not suitable: no effect)"},
    {"scarring_alopecia", &ScreeningAnswers::scarring_alopecia,
     "scarring alopecia (not suitable: no effect)"},
    {"non_viable_follicles", &ScreeningAnswers::non_viable_follicles,
     "long-standing loss with non-viable follicles (not suitable: no effect)"},
};

constexpr Flag kPrecautions[] = {
    {"alcohol_24h", &ScreeningAnswers::alcohol_24h, "alcohol within 24 h"},
    {"aspirin_24h", &ScreeningAnswers::aspirin_24h, "aspirin within 24 h"},
    {"anti_inflammatories_24h", &ScreeningAnswers::anti_inflammatories_24h,
     "anti-inflammatories within 24 h"},
};

const char* patch_name(PatchTest p) {
  switch (p) {
    case PatchTest::negative:
      return "negative";
    case PatchTest::positive:
      return "positive";
    case PatchTest::not_done:
      break;
  }
  return "not_done";
}

}  // namespace

ScreeningVerdict evaluate(const ScreeningAnswers& a) {
  ScreeningVerdict v;
  for (const auto& f : kStops)
    if (a.*(f.field)) v.stops.emplace_back(f.why);
  if (a.patch_test == PatchTest::positive) v.stops.emplace_back("positive patch test (allergic reaction)");
  for (const auto& f : kPrecautions)
    if (a.*(f.field)) v.precautions.emplace_back(f.why);
  if (!v.precautions.empty() && a.precautions_acknowledged_reason.empty())
    v.missing.emplace_back("an acknowledgement, with a reason, of: " + v.precautions.front() +
                           (v.precautions.size() > 1 ? " and more" : ""));
  if (a.patch_test == PatchTest::not_done) v.missing.emplace_back("a patch-test result");
  if (!a.consent_signed) v.missing.emplace_back("the patient's signed consent");
  return v;
}

std::string ScreeningVerdict::summary() const {
  if (cleared()) return precautions.empty() ? "cleared" : "cleared, precautions acknowledged";
  std::string s;
  for (const auto& x : stops)
    s += (s.empty() ? "stop: " : "; stop: ") + x;
  for (const auto& x : missing)
    s += (s.empty() ? "missing: " : "; missing: ") + x;
  return s;
}

std::vector<std::string> allergy_conflicts(const ScreeningAnswers& answers,
                                           const std::vector<std::string>& ingredients) {
  std::set<std::string> formula;
  for (const auto& i : ingredients)
    formula.insert(lower(i));
  std::vector<std::string> out;
  for (const auto& a : answers.allergies)
    if (formula.contains(lower(a))) out.push_back(a);
  return out;
}

ScreeningAnswers screening_from_json(const nlohmann::json& j) {
  JsonFields fields(j, "screening");
  ScreeningAnswers a;
  a.allergies = fields.get_or("allergies", std::vector<std::string>{});
  for (const auto& f : kStops)
    a.*(f.field) = fields.get_or(f.key, false);
  for (const auto& f : kPrecautions)
    a.*(f.field) = fields.get_or(f.key, false);
  a.precautions_acknowledged_reason = fields.get_or("precautions_acknowledged_reason", std::string{});
  const auto patch = fields.get_or("patch_test", std::string{"not_done"});
  if (patch == "negative")
    a.patch_test = PatchTest::negative;
  else if (patch == "positive")
    a.patch_test = PatchTest::positive;
  else if (patch == "not_done")
    a.patch_test = PatchTest::not_done;
  else
    throw std::invalid_argument("screening.patch_test: '" + patch +
                                "' is not one of not_done, negative, positive");
  a.consent_signed = fields.get_or("consent_signed", false);
  fields.finish();
  return a;
}

nlohmann::json to_json(const ScreeningAnswers& a) {
  nlohmann::json j{{"allergies", a.allergies}};
  for (const auto& f : kStops)
    j[f.key] = a.*(f.field);
  for (const auto& f : kPrecautions)
    j[f.key] = a.*(f.field);
  j["precautions_acknowledged_reason"] = a.precautions_acknowledged_reason;
  j["patch_test"] = patch_name(a.patch_test);
  j["consent_signed"] = a.consent_signed;
  return j;
}

nlohmann::json to_json(const ScreeningVerdict& v) {
  return {
      {"cleared", v.cleared()}, {"stops", v.stops}, {"precautions", v.precautions}, {"missing", v.missing}};
}

}  // namespace meso::station
