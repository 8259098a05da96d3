// The mesogun driver against the in-process simulator: the real link, the real device model, real time.
#include <set>

#include "sim_rig.hpp"

namespace meso::testing {
namespace {

TEST(MesogunDriver, ConnectsAndReadsIdentityWithNothingArmed) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.driver->identity());
  EXPECT_EQ(rig.driver->identity()->serial_number, "SIM-MG-000001");
  EXPECT_EQ(rig.driver->identity()->capabilities.depth_max_um, 6000);
  rig.run_for(milliseconds(200));
  EXPECT_FALSE(rig.armed_in_status);
}

TEST(MesogunDriver, HostFiresAreDeliveredAndRecordedOnce) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  for (std::uint32_t id = 1; id <= 20; ++id) {
    ASSERT_TRUE(rig.driver->fire(id).ok()) << id;
    rig.run_for(milliseconds(120));  // the gun's maximum is 9 shots/s
  }
  ASSERT_TRUE(rig.run_until([&] { return rig.outcomes.size() == 20; }));
  for (std::uint32_t id = 1; id <= 20; ++id) {
    EXPECT_EQ(rig.outcomes[id], hal::FireOutcome::delivered) << id << ": " << rig.outcome_how[id];
  }
  EXPECT_EQ(rig.truth.size(), 20U);
  rig.expect_shots_match_truth();
}

TEST(MesogunDriver, OverLimitSettingsNeverReachTheDevice) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  const auto sent_before = rig.driver->link_counters().frames_sent;
  const auto r = rig.driver->apply_settings({4500, 20000, mg::FireMode::single, 0, 0});  // deeper than 4 mm
  EXPECT_EQ(r.refusal, hal::Refusal::depth_outside_limits);
  EXPECT_EQ(rig.driver->link_counters().frames_sent, sent_before);
  EXPECT_EQ(rig.driver->activate().refusal, hal::Refusal::not_configured);
  EXPECT_EQ(rig.driver->fire(1).refusal, hal::Refusal::not_armed);
}

TEST(MesogunDriver, NarrowedLimitsAreCheckedAgainAtEveryFire) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm({3000, 40000, mg::FireMode::single, 0, 0}));
  auto limits = MesogunSimRig::default_options().limits;
  limits.dose_max_nl = 30000;
  rig.driver->set_limits(limits);
  EXPECT_EQ(rig.driver->fire(1).refusal, hal::Refusal::dose_outside_limits);
  rig.run_for(milliseconds(100));
  EXPECT_TRUE(rig.truth.empty());
}

TEST(MesogunDriver, TriggerShotsAreRecordedOnceEach) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  rig.gun->model().pull_trigger(5, hal::SteadyClock::now());
  ASSERT_TRUE(rig.run_until([&] { return rig.shots.size() == 5; }));
  for (const auto& s : rig.shots)
    EXPECT_EQ(s.command_id, 0U);
  rig.expect_shots_match_truth();
}

TEST(MesogunDriver, EStopDisarmsAndLatches) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  rig.driver->estop();
  EXPECT_EQ(rig.driver->state(), hal::DeviceState::estopped);
  ASSERT_TRUE(rig.run_until([&] { return !rig.armed_in_status; }));
  EXPECT_EQ(rig.driver->activate().refusal, hal::Refusal::estopped);
  EXPECT_EQ(rig.driver->fire(1).refusal, hal::Refusal::estopped);
}

TEST(MesogunDriver, SilentHostLeavesTheDeviceDisarmedByItsLease) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  rig.driver.reset();  // the host falls silent mid-treatment
  const auto t0 = std::chrono::steady_clock::now();
  rig.run_for(milliseconds(400));
  (void)t0;
  EXPECT_NE(rig.gun->model().state(), mg::DeviceState::armed);
}

TEST(MesogunDriver, FireDuringAnUnplugIsReconciledAndNeverReArmed) {
  sim::SimulationOptions line;
  line.scenario =
      sim::parse_scenario(std::string_view(R"({"events":[{"at_ms":600,"do":"unplug","for_ms":400}]})"));
  MesogunSimRig rig(line);
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  std::uint32_t id = 1;
  // Fire at the gun's maximum rate across the unplug: some delivered, some refused, some uncertain.
  const auto end = std::chrono::steady_clock::now() + milliseconds(1200);
  while (std::chrono::steady_clock::now() < end) {
    if (rig.driver->fire(id).ok()) ++id;
    rig.run_for(milliseconds(115));
  }
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->state() == hal::DeviceState::configured; }));
  rig.run_for(milliseconds(200));
  EXPECT_GE(rig.link_losses, 1);
  EXPECT_FALSE(rig.armed_in_status) << "the driver must not re-arm by itself";
  rig.expect_shots_match_truth();
  // Every FIRE the driver accepted has an outcome, and "delivered" is exactly what the device did.
  std::set<std::uint32_t> delivered_ids;
  for (const auto& t : rig.truth)
    delivered_ids.insert(t.command_id);
  for (std::uint32_t c = 1; c < id; ++c) {
    ASSERT_TRUE(rig.outcomes.contains(c)) << "FIRE " << c << " has no outcome";
    EXPECT_EQ(rig.outcomes[c] == hal::FireOutcome::delivered, delivered_ids.contains(c)) << "FIRE " << c;
  }
}

}  // namespace
}  // namespace meso::testing

namespace meso::testing {
namespace {
TEST(MesogunDriver, StaysArmedWhileTheHostIsAlive) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  rig.run_for(milliseconds(1000));
  EXPECT_TRUE(rig.armed_in_status);
  EXPECT_EQ(rig.driver->state(), hal::DeviceState::active);
}
// A high alarm shows as `fault` while nothing is armed, refuses arming, and gives way to `configured` when
// the device reports it cleared: here the device was never configured, so it reports `idle`.
TEST(MesogunDriver, AHighAlarmWhileDisarmedIsAFaultUntilItClears) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  rig.inject(sim::action::Occlusion{});
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->state() == hal::DeviceState::fault; }));
  EXPECT_EQ(rig.driver->activate().refusal, hal::Refusal::alarm_active);
  EXPECT_FALSE(rig.driver->apply_settings({2000, 20000, mg::FireMode::single, 0, 0}).ok());
  rig.inject(sim::action::ClearOcclusion{});
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->state() == hal::DeviceState::configured; }));
  EXPECT_EQ(rig.gun->model().state(), mg::DeviceState::idle);
  ASSERT_TRUE(rig.arm()) << "arming after the alarm cleared";
  EXPECT_EQ(rig.driver->state(), hal::DeviceState::active);
}

}  // namespace
}  // namespace meso::testing
