// The fault soak: seeded random runs (a fault class, a phase, the fault's details drawn from the seed) for a
// bounded time, each checking that the station's shot records equal the device's log and that every FIRE has
// the outcome the log gives it. CI runs it for about 45 s; a long soak sets the duration:
//
//   MESO_SOAK_SECONDS=14400 build/tests/drivers/driver_tests --gtest_filter='fault_soak.*'
//
// MESO_SOAK_SEED (default 1) picks the sequence of runs; MESO_SOAK_RUNS stops after that many runs;
// MESO_SOAK_FIRST skips the runs before it, so a failing run is reproduced by the numbers it prints.
// The soak stops at the first failing run, unless MESO_SOAK_KEEP_GOING=1 (then it lists every failing run).
#include <cstdlib>
#include <iostream>
#include <string>

#include "fault_harness.hpp"
#include "meso/sim/seeding.hpp"

namespace meso::testing::fault {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtoull(value, nullptr, 10);
}

TEST(fault_soak, SeededRunsForABoundedTime) {
  const auto seconds = env_or("MESO_SOAK_SECONDS", 45);
  const auto max_runs = env_or("MESO_SOAK_RUNS", 0);  // 0: as many as the time allows
  const auto master = env_or("MESO_SOAK_SEED", 1);
  const auto first = env_or("MESO_SOAK_FIRST", 0);
  const bool keep_going = env_or("MESO_SOAK_KEEP_GOING", 0) != 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);

  std::uint64_t runs = 0;
  std::size_t shots = 0;
  std::size_t fires = 0;
  std::uint64_t failed = 0;
  for (std::uint64_t i = first; std::chrono::steady_clock::now() < end && (max_runs == 0 || runs < max_runs);
       ++i) {
    const auto draw = sim::derive_seed(master, i);
    RunOptions options;
    options.fault = kFaultClasses[draw % kFaultClasses.size()];
    options.phase = kPhases[(draw / kFaultClasses.size()) % kPhases.size()];
    options.seed = static_cast<std::uint32_t>(draw >> 32U) | 1U;
    options.workflow = milliseconds(300 + static_cast<int>((draw >> 8U) % 500U));
    options.vary = true;
    const std::string what = "soak run " + std::to_string(i) + ": " + std::string(name_of(options.fault)) +
                             "_" + std::string(name_of(options.phase)) + " seed " +
                             std::to_string(options.seed) +
                             " (reproduce: MESO_SOAK_SEED=" + std::to_string(master) +
                             " MESO_SOAK_FIRST=" + std::to_string(i) + " MESO_SOAK_RUNS=1)";
    SCOPED_TRACE(what);
    const int failures_before =
        ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    FaultRun run(options);
    run.run_and_check_records();
    ++runs;
    shots += run.shots_checked();
    fires += run.fires_checked();
    if (::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() !=
        failures_before) {
      ++failed;
      std::cout << "[ soak ] FAILED " << what << "\n" << std::flush;
      if (!keep_going) break;
    }
  }
  std::cout << "[ soak ] " << runs << " runs (" << failed << " failed), " << shots << " shots and " << fires
            << " FIREs checked against the device's log (MESO_SOAK_SEED=" << master << ")\n";
  RecordProperty("runs", static_cast<int>(runs));
  RecordProperty("shots", static_cast<int>(shots));
  EXPECT_GT(runs, 0U);
}

}  // namespace
}  // namespace meso::testing::fault
