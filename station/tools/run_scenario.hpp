// A headless run's scenario file (docs/headless-runs.md): who treats whom, the screening answers, the plan
// and catalog, how the treatment is driven (host fires or trigger pulls), the simulator's seed and faults
// for --sim, and the outcome expected.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/station/formulation.hpp"
#include "meso/station/screening.hpp"
#include "meso/station/treatment_plan.hpp"

namespace meso::station {

struct RunScenario {
  std::string name;
  std::string tag = "test";
  std::string patient;
  std::string user;
  std::string role = "qa";
  std::string password;
  std::uint32_t course_session = 1;
  ScreeningAnswers screening;
  nlohmann::json assessment = nlohmann::json::object();
  Catalog catalog;
  TreatmentPlan plan;
  // Treatment.
  std::string mode = "fire";  // "fire": the station fires each point; "trigger": the clinician's trigger
  std::uint32_t fire_interval_ms = 150;
  double auto_trigger_hz = 0;     // --sim, trigger mode
  bool rearm_after_fault = true;  // the scripted clinician acknowledges alarms and arms again
  std::uint32_t max_rearms = 5;
  std::uint32_t timeout_s = 30;
  // --sim.
  std::uint32_t seed = 1;
  std::string faults;           // mesosim --faults syntax
  nlohmann::json sim_scenario;  // a mesosim scenario ({"events": [...]}), or null
  // Expected outcome.
  std::string expect_outcome = "closed";
  std::optional<std::uint64_t> expect_shots;
  std::vector<std::string> expect_alarms;  // codes that must have been raised
};

// Strict: an unknown field is an error naming it. Throws std::invalid_argument / std::runtime_error.
RunScenario load_run_scenario(const std::filesystem::path& file);

}  // namespace meso::station
