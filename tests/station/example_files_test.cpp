// Example files sit where their kind says: examples/scenarios/ holds `mesostation run` scenarios and
// examples/mesosim/ holds mesosim timelines. The two are both JSON passed as `--scenario`, and each tool
// refuses the other's; each file must parse as its folder's kind and not as the other, so a file put in
// the wrong folder fails here instead of in a reader's hands.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "meso/sim/scenario.hpp"
#include "run_scenario.hpp"

namespace meso::station {
namespace {

std::vector<std::filesystem::path> json_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ExampleFiles, EachRunScenarioIsOneAndNoMesosimTimeline) {
  const auto files = json_files(std::filesystem::path(EXAMPLES_DIR) / "scenarios");
  EXPECT_GE(files.size(), 3U);
  for (const auto& file : files) {
    try {
      const RunScenario scenario = load_run_scenario(file);
      // Its embedded timeline, if any, is one mesosim would take.
      if (!scenario.sim_scenario.is_null()) {
        EXPECT_NO_THROW(sim::parse_scenario(scenario.sim_scenario)) << file;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << file << " is not a mesostation run scenario: " << e.what();
    }
    EXPECT_THROW(sim::load_scenario(file), sim::ScenarioError) << file;
  }
}

TEST(ExampleFiles, EachMesosimTimelineIsOneAndNoRunScenario) {
  const auto files = json_files(std::filesystem::path(EXAMPLES_DIR) / "mesosim");
  EXPECT_GE(files.size(), 2U);
  for (const auto& file : files) {
    try {
      EXPECT_FALSE(sim::load_scenario(file).events.empty()) << file;
    } catch (const sim::ScenarioError& e) {
      ADD_FAILURE() << file << " is not a mesosim timeline: " << e.what();
    }
    EXPECT_ANY_THROW(load_run_scenario(file)) << file;
  }
}

}  // namespace
}  // namespace meso::station
