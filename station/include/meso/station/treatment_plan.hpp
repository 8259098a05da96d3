// A treatment plan: the formulation and lot, a session volume cap, and one or more steps, each with its own
// device and technique (a microneedling pass, then mesotherapy over the same zones). Points come from the
// vision planner, or from a plan file until then. validate() is the first layer of the limits.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "meso/hal/device.hpp"
#include "meso/station/clinical_limits.hpp"

namespace meso::station {

struct PlannedPoint {
  double x_mm = 0;
  double y_mm = 0;
  std::string zone;
};

// What the vision planner stated for one zone of a mesotherapy step: every point of the zone's treatable area
// lies within `within_mm` of a planned point; its goal is spacing/sqrt(3) + 0.5 mm. Kept with the plan, so
// the journal shows what the plan promised; a plan written by hand has none.
struct ZoneCoverage {
  std::string zone;
  double within_mm = 0;
  double goal_mm = 0;
  // Points the planner added along the border, nearer than 0.9 x spacing to others, to meet the goal; and
  // the nearest any comes to another point (0 when none).
  int border_fills = 0;
  double border_fill_gap_mm = 0;
};

struct PlanStep {
  std::string name;
  Technique technique = Technique::point_by_point;
  std::uint16_t depth_um = 0;
  std::uint32_t dose_nl = 0;    // per point; mesotherapy
  double spacing_mm = 0;        // mesotherapy
  std::uint16_t speed_sps = 0;  // pen
  std::uint32_t passes = 1;     // pen: passes over each zone
  std::vector<std::string> zones;
  std::vector<PlannedPoint> points;    // mesotherapy
  std::vector<ZoneCoverage> coverage;  // mesotherapy, from the planner: one per zone, or none

  hal::DeviceKind device() const {
    return technique == Technique::microneedling ? hal::DeviceKind::pen : hal::DeviceKind::mesogun;
  }
  std::uint64_t planned_volume_nl() const { return static_cast<std::uint64_t>(dose_nl) * points.size(); }
};

struct TreatmentPlan {
  std::string product;
  std::string lot;
  std::uint64_t session_cap_nl = 0;
  std::vector<PlanStep> steps;

  std::uint64_t planned_volume_nl() const;
};

// Every problem, each a sentence saying what is wrong and by how much; empty when the plan is valid.
std::vector<std::string> validate(const TreatmentPlan& plan, const ClinicalLimits& limits);

// The envelope the driver enforces for a step (its own last check, just before the bytes go out): exactly
// the step's planned depth and dose, so even a station bug cannot send anything else.
hal::DeviceLimits device_limits_for(const PlanStep& step, const ClinicalLimits& limits);
hal::TreatmentSettings device_settings_for(const PlanStep& step);

TreatmentPlan plan_from_json(const nlohmann::json& j);
TreatmentPlan load_plan(const std::filesystem::path& file);
nlohmann::json to_json(const TreatmentPlan& plan);

}  // namespace meso::station
