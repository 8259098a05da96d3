#include "meso/station/treatment_plan.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "json_fields.hpp"

namespace meso::station {
namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void validate_step(const PlanStep& s, std::size_t index, const ClinicalLimits& limits,
                   std::vector<std::string>& problems) {
  const std::string at = "step " + std::to_string(index + 1) + " (" + s.name + "): ";
  const auto& t = limits.of(s.technique);
  if (s.depth_um < t.depth_min_um || s.depth_um > t.depth_max_um)
    problems.push_back(at + "depth " + std::to_string(s.depth_um) + " um is outside " +
                       std::to_string(t.depth_min_um) + " to " + std::to_string(t.depth_max_um) + " um for " +
                       std::string(to_string(s.technique)));
  if (s.zones.empty()) problems.push_back(at + "no zone is named");
  if (s.technique == Technique::microneedling) {
    if (s.speed_sps == 0 || s.speed_sps > limits.pen_speed_max_sps)
      problems.push_back(at + "pen speed " + std::to_string(s.speed_sps) + " stamps/s is outside 1 to " +
                         std::to_string(limits.pen_speed_max_sps));
    if (s.passes == 0) problems.push_back(at + "a microneedling step needs at least one pass");
    if (!s.points.empty() || s.dose_nl != 0)
      problems.push_back(at + "a microneedling step injects nothing: no points, no dose");
    return;
  }
  if (s.dose_nl < t.dose_min_nl || s.dose_nl > t.dose_max_nl)
    problems.push_back(at + "dose " + std::to_string(s.dose_nl) + " nl per point is outside " +
                       std::to_string(t.dose_min_nl) + " to " + std::to_string(t.dose_max_nl) + " nl");
  if (s.spacing_mm < t.spacing_min_mm || s.spacing_mm > t.spacing_max_mm)
    problems.push_back(at + "spacing " + fmt(s.spacing_mm) + " mm is outside " + fmt(t.spacing_min_mm) +
                       " to " + fmt(t.spacing_max_mm) + " mm for " + std::string(to_string(s.technique)));
  if (s.points.empty()) problems.push_back(at + "no points are planned");
  const std::set<std::string> zones(s.zones.begin(), s.zones.end());
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    if (!std::isfinite(p.x_mm) || !std::isfinite(p.y_mm))
      problems.push_back(at + "point " + std::to_string(i + 1) + " has no finite position");
    if (!zones.contains(p.zone))
      problems.push_back(at + "point " + std::to_string(i + 1) + " lies in zone '" + p.zone +
                         "', which the step does not name");
  }
  std::set<std::string> covered;
  for (const auto& c : s.coverage) {
    if (!zones.contains(c.zone))
      problems.push_back(at + "the coverage of zone '" + c.zone +
                         "' is stated, but the step does not name it");
    else if (!covered.insert(c.zone).second)
      problems.push_back(at + "the coverage of zone '" + c.zone + "' is stated twice");
    if (!std::isfinite(c.within_mm) || c.within_mm <= 0 || !std::isfinite(c.goal_mm) || c.goal_mm <= 0)
      problems.push_back(at + "the coverage of zone '" + c.zone + "' must be positive millimetres");
    else if (c.within_mm > c.goal_mm)
      problems.push_back(at + "zone '" + c.zone + "' is covered only within " + fmt(c.within_mm) +
                         " mm, beyond its " + fmt(c.goal_mm) +
                         " mm goal: plan it again at a smaller spacing");
  }
}

PlanStep step_from_json(const nlohmann::json& j, const std::string& where) {
  JsonFields f(j, where);
  PlanStep s;
  s.name = f.get_or("name", std::string{});
  s.technique = parse_technique(f.get<std::string>("technique"));
  if (s.name.empty()) s.name = std::string(to_string(s.technique));
  s.depth_um = f.get<std::uint16_t>("depth_um");
  s.zones = f.get<std::vector<std::string>>("zones");
  if (s.technique == Technique::microneedling) {
    s.speed_sps = f.get<std::uint16_t>("speed_sps");
    s.passes = f.get_or<std::uint32_t>("passes", 1);
  } else {
    s.dose_nl = f.get<std::uint32_t>("dose_nl");
    s.spacing_mm = f.get<double>("spacing_mm");
    const auto& points = f.member("points");
    if (!points.is_array()) throw std::invalid_argument(where + ".points: expected an array");
    for (std::size_t i = 0; i < points.size(); ++i) {
      JsonFields pf(points[i], where + ".points[" + std::to_string(i) + "]");
      PlannedPoint p;
      p.x_mm = pf.get<double>("x_mm");
      p.y_mm = pf.get<double>("y_mm");
      p.zone = pf.get<std::string>("zone");
      pf.finish();
      s.points.push_back(std::move(p));
    }
    if (f.has("coverage")) {
      const auto& coverage = f.member("coverage");
      if (!coverage.is_array()) throw std::invalid_argument(where + ".coverage: expected an array");
      for (std::size_t i = 0; i < coverage.size(); ++i) {
        JsonFields cf(coverage[i], where + ".coverage[" + std::to_string(i) + "]");
        ZoneCoverage c;
        c.zone = cf.get<std::string>("zone");
        c.within_mm = cf.get<double>("within_mm");
        c.goal_mm = cf.get<double>("goal_mm");
        if (cf.has("border_fills")) {
          c.border_fills = cf.get<int>("border_fills");
          c.border_fill_gap_mm = cf.get<double>("border_fill_gap_mm");
        }
        cf.finish();
        s.coverage.push_back(std::move(c));
      }
    }
  }
  f.finish();
  return s;
}

}  // namespace

std::uint64_t TreatmentPlan::planned_volume_nl() const {
  std::uint64_t total = 0;
  for (const auto& s : steps)
    total += s.planned_volume_nl();
  return total;
}

std::vector<std::string> validate(const TreatmentPlan& plan, const ClinicalLimits& limits) {
  std::vector<std::string> problems;
  if (plan.product.empty() || plan.lot.empty())
    problems.emplace_back("the plan names no formulation product and lot");
  if (plan.steps.empty()) problems.emplace_back("the plan has no step");
  if (plan.session_cap_nl == 0 || plan.session_cap_nl > limits.session_volume_cap_nl)
    problems.push_back("session cap " + std::to_string(plan.session_cap_nl) + " nl must be 1 to " +
                       std::to_string(limits.session_volume_cap_nl) + " nl");
  for (std::size_t i = 0; i < plan.steps.size(); ++i)
    validate_step(plan.steps[i], i, limits, problems);
  const auto total = plan.planned_volume_nl();
  if (plan.session_cap_nl != 0 && total > plan.session_cap_nl)
    problems.push_back("the planned volume " + std::to_string(total) + " nl exceeds the session cap " +
                       std::to_string(plan.session_cap_nl) + " nl by " +
                       std::to_string(total - plan.session_cap_nl) + " nl");
  return problems;
}

hal::DeviceLimits device_limits_for(const PlanStep& step, const ClinicalLimits& limits) {
  hal::DeviceLimits d;
  d.depth_min_um = step.depth_um;
  d.depth_max_um = step.depth_um;
  d.dose_max_nl = step.dose_nl;
  d.max_rate_mhz = 0;  // single shots only: continuous and nappage bursts are not guided point by point
  d.speed_max_sps = step.technique == Technique::microneedling
                        ? std::min(step.speed_sps, limits.pen_speed_max_sps)
                        : std::uint16_t{0};
  d.lease_ms = 150;  // a silent station leaves a disarmed device within 200 ms (protocol A.6)
  return d;
}

hal::TreatmentSettings device_settings_for(const PlanStep& step) {
  hal::TreatmentSettings s;
  s.depth_um = step.depth_um;
  s.dose_nl = step.dose_nl;
  s.mode = protocols::mesogun::FireMode::single;
  s.speed_sps = step.speed_sps;
  return s;
}

TreatmentPlan plan_from_json(const nlohmann::json& j) {
  JsonFields f(j, "plan");
  TreatmentPlan p;
  p.product = f.get<std::string>("product");
  p.lot = f.get<std::string>("lot");
  p.session_cap_nl = f.get<std::uint64_t>("session_cap_nl");
  const auto& steps = f.member("steps");
  f.finish();
  if (!steps.is_array()) throw std::invalid_argument("plan.steps: expected an array");
  for (std::size_t i = 0; i < steps.size(); ++i)
    p.steps.push_back(step_from_json(steps[i], "plan.steps[" + std::to_string(i) + "]"));
  return p;
}

TreatmentPlan load_plan(const std::filesystem::path& file) {
  return read_json_file(file, "plan file", [](const nlohmann::json& j) { return plan_from_json(j); });
}

nlohmann::json to_json(const TreatmentPlan& plan) {
  auto steps = nlohmann::json::array();
  for (const auto& s : plan.steps) {
    nlohmann::json j{{"name", s.name},
                     {"technique", std::string(to_string(s.technique))},
                     {"depth_um", s.depth_um},
                     {"zones", s.zones}};
    if (s.technique == Technique::microneedling) {
      j["speed_sps"] = s.speed_sps;
      j["passes"] = s.passes;
    } else {
      j["dose_nl"] = s.dose_nl;
      j["spacing_mm"] = s.spacing_mm;
      auto points = nlohmann::json::array();
      for (const auto& p : s.points)
        points.push_back({{"x_mm", p.x_mm}, {"y_mm", p.y_mm}, {"zone", p.zone}});
      j["points"] = std::move(points);
      if (!s.coverage.empty()) {
        auto coverage = nlohmann::json::array();
        for (const auto& c : s.coverage) {
          nlohmann::json zone{{"zone", c.zone}, {"within_mm", c.within_mm}, {"goal_mm", c.goal_mm}};
          if (c.border_fills > 0) {
            zone["border_fills"] = c.border_fills;
            zone["border_fill_gap_mm"] = c.border_fill_gap_mm;
          }
          coverage.push_back(std::move(zone));
        }
        j["coverage"] = std::move(coverage);
      }
    }
    steps.push_back(std::move(j));
  }
  return {{"product", plan.product},
          {"lot", plan.lot},
          {"session_cap_nl", plan.session_cap_nl},
          {"steps", steps}};
}

}  // namespace meso::station
