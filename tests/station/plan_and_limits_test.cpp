// The first layer of the limits: clinical limits bounded by hard maxima, plan validation, the lot check, and
// the envelope the plan hands to the driver.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "meso/station/device_envelope.hpp"
#include "meso/station/formulation.hpp"
#include "meso/station/treatment_plan.hpp"

namespace meso::station {
namespace {

PlanStep point_step(std::size_t points = 10) {
  PlanStep s;
  s.name = "mesotherapy";
  s.technique = Technique::point_by_point;
  s.depth_um = 2000;
  s.dose_nl = 20'000;
  s.spacing_mm = 10;
  s.zones = {"crown"};
  for (std::size_t i = 0; i < points; ++i)
    s.points.push_back({static_cast<double>(i) * 10.0, 0.0, "crown"});
  return s;
}

TreatmentPlan plan_of(std::vector<PlanStep> steps, std::uint64_t cap = 1'000'000) {
  return {"HairVital", "L-0425", cap, std::move(steps)};
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

TEST(ClinicalLimits, ConfigurationMayNarrowButNeverWidenTheHardMaxima) {
  const auto narrowed = limits_from_json(nlohmann::json{{"point", {{"depth_max_um", 3000}}}});
  EXPECT_EQ(narrowed.point_by_point.depth_max_um, 3000);
  EXPECT_THROW(limits_from_json(nlohmann::json{{"point", {{"depth_max_um", 4500}}}}), std::invalid_argument);
  EXPECT_THROW(limits_from_json(nlohmann::json{{"pen", {{"depth_max_um", 3000}}}}), std::invalid_argument);
  EXPECT_THROW(limits_from_json(nlohmann::json{{"nappage", {{"depth_max_um", 2500}}}}),
               std::invalid_argument);
  EXPECT_THROW(limits_from_json(nlohmann::json{{"point", {{"dose_max_nl", 60'000}}}}), std::invalid_argument);
  EXPECT_THROW(limits_from_json(nlohmann::json{{"session_volume_cap_nl", 11'000'000}}),
               std::invalid_argument);
  EXPECT_THROW(limits_from_json(nlohmann::json{{"pen_speed_max_sps", 200}}), std::invalid_argument);
  try {
    limits_from_json(nlohmann::json{{"point", {{"depht_max_um", 3000}}}});
    FAIL() << "a misspelled field passed";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("limits.point.depht_max_um: unknown field"), std::string::npos)
        << e.what();
  }
}

// The driver's envelope (its last check before the bytes go out) follows the configured limits: the
// defaults give 1 to 4 mm and 0.05 ml, single shots, a 150 ms lease; narrowed limits narrow it too.
TEST(ClinicalLimits, TheDriversEnvelopeComesFromTheConfiguredLimits) {
  const auto defaults = mesogun_envelope(default_limits());
  EXPECT_EQ(defaults.depth_min_um, 1000);
  EXPECT_EQ(defaults.depth_max_um, 4000);
  EXPECT_EQ(defaults.dose_max_nl, 50'000U);
  EXPECT_EQ(defaults.max_rate_mhz, 0U);
  EXPECT_EQ(defaults.lease_ms, 150);
  const auto narrowed = mesogun_envelope(limits_from_json(nlohmann::json{
      {"point", {{"depth_max_um", 3000}, {"dose_max_nl", 20'000}}}, {"nappage", {{"dose_max_nl", 10'000}}}}));
  EXPECT_EQ(narrowed.depth_max_um, 3000);
  EXPECT_EQ(narrowed.dose_max_nl, 20'000U);
  const auto hard = mesogun_envelope(hard_maxima());
  EXPECT_LE(defaults.depth_max_um, hard.depth_max_um);
  EXPECT_LE(defaults.dose_max_nl, hard.dose_max_nl);
}

TEST(PlanValidation, AValidPlanHasNoProblem) {
  EXPECT_TRUE(validate(plan_of({point_step()}), default_limits()).empty());
}

TEST(PlanValidation, EachLimitIsCheckedAndNamed) {
  const auto limits = default_limits();
  auto deep = point_step();
  deep.depth_um = 4500;
  EXPECT_TRUE(mentions(validate(plan_of({deep}), limits), "depth 4500 um is outside 1000 to 4000"));
  auto shallow_nappage = point_step();
  shallow_nappage.technique = Technique::nappage;
  shallow_nappage.spacing_mm = 3;
  shallow_nappage.depth_um = 2500;  // nappage is under 2 mm
  EXPECT_TRUE(mentions(validate(plan_of({shallow_nappage}), limits), "outside 1000 to 2000"));
  auto big_dose = point_step();
  big_dose.dose_nl = 60'000;
  EXPECT_TRUE(mentions(validate(plan_of({big_dose}), limits), "dose 60000 nl per point"));
  auto tight = point_step();
  tight.spacing_mm = 3;
  EXPECT_TRUE(mentions(validate(plan_of({tight}), limits), "spacing 3 mm is outside 5 to 20"));
  auto stray = point_step();
  stray.points[3].zone = "temple_left";
  EXPECT_TRUE(mentions(validate(plan_of({stray}), limits), "point 4 lies in zone 'temple_left'"));
  EXPECT_TRUE(mentions(validate(plan_of({}), limits), "no step"));
}

TEST(PlanValidation, APlanOverTheSessionCapIsRefusedSayingByHowMuch) {
  // 60 points of 20 ul = 1.2 ml against a 1 ml cap.
  const auto problems = validate(plan_of({point_step(60)}, 1'000'000), default_limits());
  EXPECT_TRUE(
      mentions(problems, "planned volume 1200000 nl exceeds the session cap 1000000 nl by 200000 nl"));
  EXPECT_TRUE(
      mentions(validate(plan_of({point_step()}, 6'000'000), default_limits()), "session cap 6000000"));
}

TEST(PlanValidation, AMicroneedlingPassThenMesotherapyIsOnePlan) {
  PlanStep pen;
  pen.name = "microneedling";
  pen.technique = Technique::microneedling;
  pen.depth_um = 1000;
  pen.speed_sps = 100;
  pen.passes = 2;
  pen.zones = {"crown"};
  const auto plan = plan_of({pen, point_step()});
  EXPECT_TRUE(validate(plan, default_limits()).empty());
  EXPECT_EQ(plan.steps[0].device(), hal::DeviceKind::pen);
  EXPECT_EQ(plan.steps[1].device(), hal::DeviceKind::mesogun);
  auto deep_pen = pen;
  deep_pen.depth_um = 3000;
  EXPECT_TRUE(mentions(validate(plan_of({deep_pen}), default_limits()), "outside 250 to 2500"));
  const auto back = plan_from_json(to_json(plan));
  EXPECT_EQ(to_json(back), to_json(plan));
}

// The planner's coverage statement travels with the plan (and so into the journal's plan.set), checked
// against the step's zones and its goal.
TEST(PlanValidation, TheCoverageThePlannerStatedIsKeptAndChecked) {
  auto step = point_step();
  step.coverage = {{"crown", 6.21, 6.27}};
  const auto plan = plan_of({step});
  EXPECT_TRUE(validate(plan, default_limits()).empty());
  const auto j = to_json(plan);
  EXPECT_EQ(j["steps"][0]["coverage"][0]["zone"], "crown");
  EXPECT_DOUBLE_EQ(j["steps"][0]["coverage"][0]["within_mm"].get<double>(), 6.21);
  EXPECT_EQ(to_json(plan_from_json(j)), j);
  EXPECT_FALSE(to_json(plan_of({point_step()}))["steps"][0].contains("coverage"));  // a hand-made plan

  auto wrong = step;
  wrong.coverage = {{"temple", 6.2, 6.27}, {"crown", 6.2, 6.27}, {"crown", 6.2, 6.27}, {"crown", -1, 6.27}};
  const auto problems = validate(plan_of({wrong}), default_limits());
  EXPECT_TRUE(mentions(problems, "coverage of zone 'temple' is stated, but the step does not name it"));
  EXPECT_TRUE(mentions(problems, "coverage of zone 'crown' is stated twice"));
  EXPECT_TRUE(mentions(problems, "coverage of zone 'crown' must be positive millimetres"));
  // The planner refuses a plan short of its coverage goal; the station refuses one that says it is.
  auto short_of_goal = step;
  short_of_goal.coverage = {{"crown", 6.4, 6.27}};
  EXPECT_TRUE(mentions(validate(plan_of({short_of_goal}), default_limits()),
                       "zone 'crown' is covered only within 6.4 mm, beyond its 6.27 mm goal"));

  auto bad = j;
  bad["steps"][0]["coverage"][0]["within"] = 6;
  EXPECT_THROW(plan_from_json(bad), std::invalid_argument);
}

TEST(PlanValidation, TheDriverIsGivenExactlyTheStepsDepthAndDose) {
  const auto step = point_step();
  const auto limits = device_limits_for(step, default_limits());
  EXPECT_EQ(limits.depth_min_um, 2000);
  EXPECT_EQ(limits.depth_max_um, 2000);
  EXPECT_EQ(limits.dose_max_nl, 20'000U);
  EXPECT_LE(limits.lease_ms, 150);
}

TEST(PlanFile, StrictJsonNamesTheBadField) {
  auto j = to_json(plan_of({point_step(2)}));
  j["steps"][0]["points"][1]["x"] = 3;
  try {
    plan_from_json(j);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("plan.steps[0].points[1].x: unknown field"), std::string::npos)
        << e.what();
  }
  j = to_json(plan_of({point_step(2)}));
  j["steps"][0]["technique"] = "laser";
  EXPECT_THROW(plan_from_json(j), std::invalid_argument);
}

// A scenario's catalog may give the formulary file's fields; without stock tracked, no lot is used up.
TEST(Formulation, ACatalogFromAFileReadsTheFormularyFieldsAndTracksNoStock) {
  const auto catalog = catalog_from_json(nlohmann::json::parse(R"({"products": [
      {"name": "HairVital", "ingredients": ["biotin"], "concentration": "biotin 0.5 mg/ml", "vial_ml": 2.5,
       "lots": [{"lot": "L-0425", "expiry": "2027-04-30", "vials": 3}]}]})"));
  const auto& p = catalog.products.at(0);
  EXPECT_EQ(p.concentration, "biotin 0.5 mg/ml");
  EXPECT_DOUBLE_EQ(p.vial_ml, 2.5);
  EXPECT_EQ(p.lots.at(0).vials, 3);
  EXPECT_FALSE(p.lots.at(0).remaining_nl);
  EXPECT_EQ(lot_error(catalog, "HairVital", "L-0425", parse_date("2026-11-26"), 1'000'000'000), "");
}

TEST(Formulation, AnExpiredOrUnknownLotIsRefused) {
  const auto catalog = catalog_from_json(nlohmann::json::parse(R"({"products": [
      {"name": "HairVital", "ingredients": ["biotin", "dexpanthenol"],
       "lots": [{"lot": "L-0425", "expiry": "2027-04-30"}, {"lot": "L-0124", "expiry": "2026-01-31"}]}]})"));
  const auto today = parse_date("2026-11-26");
  EXPECT_EQ(lot_error(catalog, "HairVital", "L-0425", today), "");
  EXPECT_NE(lot_error(catalog, "HairVital", "L-0124", today).find("expired on 2026-01-31"),
            std::string::npos);
  EXPECT_NE(lot_error(catalog, "HairVital", "L-9999", today).find("not in the catalog"), std::string::npos);
  EXPECT_NE(lot_error(catalog, "Other", "L-0425", today).find("not in the formulation catalog"),
            std::string::npos);
  EXPECT_EQ(lot_error(catalog, "HairVital", "L-0425", parse_date("2027-04-30")),
            "");  // usable through the day
  EXPECT_THROW(catalog_from_json(nlohmann::json::parse(R"({"products": [{"name": "X", "ingredients": [],
      "lots": [{"lot": "A", "expiry": "2027-13-01"}]}]})")),
               std::invalid_argument);
}

}  // namespace
}  // namespace meso::station
