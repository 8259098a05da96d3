// The device-link fault matrix: every fault class in every phase of the workflow, each case seeded from its
// name. `ctest -R fault` selects these cases and the soak (fault_soak_test.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "fault_harness.hpp"

namespace meso::testing::fault {
namespace {

struct MatrixCase {
  FaultClass fault;
  Phase phase;
};

std::string case_name(const MatrixCase& c) {
  return std::string(name_of(c.fault)) + "_" + std::string(name_of(c.phase));
}

std::vector<MatrixCase> all_cases() {
  std::vector<MatrixCase> cases;
  for (const auto fault : kFaultClasses) {
    for (const auto phase : kPhases)
      cases.push_back({fault, phase});
  }
  return cases;
}

class FaultMatrix : public ::testing::TestWithParam<MatrixCase> {};

// Each case: (1) shot records equal the device's log and every FIRE has the right outcome, nothing re-armed
// by itself; (2) no shot after the host disarmed; (3) a silent host leaves a disarmed device within 200 ms;
// (4) the host reports link loss within 250 ms. (3) and (4) run once per case, at the end, on a clean line.
TEST_P(FaultMatrix, Case) {
  const std::string name = case_name(GetParam());
  FaultRun run({GetParam().fault, GetParam().phase, seed_from(name), milliseconds(1000), false});
  ASSERT_NO_FATAL_FAILURE(run.run_and_check_records());
  std::cout << "[ case ] " << run.summary() << "\n";
  ASSERT_NO_FATAL_FAILURE(run.check_disarm_stops_shots());
  ASSERT_NO_FATAL_FAILURE(run.check_silent_host_disarms());
  ASSERT_NO_FATAL_FAILURE(run.check_link_loss_detected());
  RecordProperty("shots", static_cast<int>(run.shots_checked()));
  RecordProperty("fires", static_cast<int>(run.fires_checked()));
}

// Names like fault_matrix/FaultMatrix.Case/bitflip_armed.
INSTANTIATE_TEST_SUITE_P(fault_matrix, FaultMatrix, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<MatrixCase>& param_info) {
                           return case_name(param_info.param);
                         });

TEST(fault_matrix_cases, EveryFaultClassInEveryPhase) {
  EXPECT_EQ(all_cases().size(), 14U * 5U);
}

}  // namespace
}  // namespace meso::testing::fault
