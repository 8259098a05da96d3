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

// A.4: the device refuses a FIRE sooner than its maximum rate allows; the host paces its FIREs instead of
// refusing them, so that a person's quick second press goes out when it may.
TEST(MesogunDriver, FiresSoonerThanTheRateArePacedNotRefused) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  ASSERT_TRUE(rig.driver->fire(1).ok());
  ASSERT_TRUE(rig.driver->fire(2).ok()) << "paced, not refused";
  EXPECT_EQ(rig.driver->fire(3).refusal, hal::Refusal::queue_full) << "one FIRE waits at a time";
  ASSERT_TRUE(rig.run_until([&] { return rig.outcomes.size() == 2; }));
  EXPECT_EQ(rig.outcomes[1], hal::FireOutcome::delivered) << rig.outcome_how[1];
  EXPECT_EQ(rig.outcomes[2], hal::FireOutcome::delivered) << rig.outcome_how[2];
  const auto& written = rig.line_watch().fires_written;
  ASSERT_EQ(written.size(), 2U);
  EXPECT_GE(written[1] - written[0], std::chrono::microseconds(111'111)) << "faster than 9 per second";
  ASSERT_EQ(rig.truth.size(), 2U);
  EXPECT_GE(rig.truth[1].device_time_ms - rig.truth[0].device_time_ms, 111U);
  for (const auto& r : rig.refusals)
    ADD_FAILURE() << "the device refused: " << r;
}

// A paced FIRE that never left is certain: not delivered, when the host disarms, stops or loses the link
// before its turn.
TEST(MesogunDriver, APacedFireThatNeverLeftIsNotDelivered) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  ASSERT_TRUE(rig.driver->fire(1).ok());
  ASSERT_TRUE(rig.driver->fire(2).ok());
  rig.driver->deactivate();
  ASSERT_TRUE(rig.run_until([&] { return rig.outcomes.size() == 2; }));
  EXPECT_EQ(rig.outcomes[2], hal::FireOutcome::not_delivered) << rig.outcome_how[2];
  rig.run_for(milliseconds(200));
  EXPECT_EQ(rig.line_watch().fires_written.size(), 1U);
  EXPECT_LE(rig.truth.size(), 1U);
}

// Issue 15, 3: a device that answers CONFIGURE with `busy` is still armed, perhaps with other settings. The
// driver disarms it, configures again, says what it applied, and does not re-arm; arming again works.
TEST(MesogunDriver, ABusyConfigureIsRecoveredByDisarmingAndConfiguringAgain) {
  MesogunSimRig rig;
  std::vector<hal::device_event::SettingsReapplied> reapplied;
  rig.hook = [&](const hal::DeviceEvent& e) {
    if (const auto* r = std::get_if<hal::device_event::SettingsReapplied>(&e)) reapplied.push_back(*r);
  };
  ASSERT_TRUE(rig.connect());
  rig.inject(sim::action::BusyOnce{});
  const hal::TreatmentSettings settings{2500, 30000, mg::FireMode::single, 0, 0};
  ASSERT_TRUE(rig.driver->apply_settings(settings).ok());
  ASSERT_TRUE(rig.activate());
  ASSERT_TRUE(rig.run_until([&] { return !reapplied.empty(); }));
  EXPECT_EQ(reapplied[0].settings.depth_um, 2500);
  EXPECT_EQ(reapplied[0].settings.dose_nl, 30000U);
  EXPECT_NE(reapplied[0].reason.find("busy"), std::string::npos) << reapplied[0].reason;
  rig.run_for(milliseconds(300));
  EXPECT_EQ(rig.driver->state(), hal::DeviceState::configured) << "nothing re-armed by itself";
  EXPECT_NE(rig.gun->model().state(), mg::DeviceState::armed);
  // (The simulated firmware is in fact unconfigured, so the ARM behind the CONFIGURE is refused too.)
  ASSERT_FALSE(rig.refusals.empty());
  EXPECT_EQ(rig.refusals[0], "CONFIGURE: busy");
  for (std::size_t i = 1; i < rig.refusals.size(); ++i)
    EXPECT_EQ(rig.refusals[i], "ARM: not_configured");
  // A person arms again, and FIREs are not refused for want of settings.
  ASSERT_TRUE(rig.activate());
  ASSERT_TRUE(rig.run_until([&] { return rig.armed_in_status && rig.depth_actual_um == 2500; }));
  ASSERT_TRUE(rig.driver->fire(1).ok());
  ASSERT_TRUE(rig.run_until([&] { return rig.outcomes.contains(1); }));
  EXPECT_EQ(rig.outcomes[1], hal::FireOutcome::delivered) << rig.outcome_how[1];
  ASSERT_EQ(rig.truth.size(), 1U);
  EXPECT_EQ(rig.truth[0].depth_um, 2500);
}

// Issue 15, 6: one DISARM per arming; the link retransmits it until it is acknowledged.
TEST(MesogunDriver, OneDisarmPerArming) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  for (int i = 0; i < 3; ++i)
    rig.driver->deactivate();  // the interlock, the end of treatment, the session's close
  rig.run_for(milliseconds(200));
  rig.driver->deactivate();
  rig.run_for(milliseconds(100));
  EXPECT_EQ(rig.line_watch().disarms.size(), 1U);
  EXPECT_NE(rig.gun->model().state(), mg::DeviceState::armed);
  ASSERT_TRUE(rig.arm());
  rig.driver->deactivate();
  rig.driver->deactivate();
  rig.run_for(milliseconds(100));
  EXPECT_EQ(rig.line_watch().disarms.size(), 2U);
}

// A stop the driver did not send (the device's own, or a peer's frame) is shown and latched like its own,
// and configure() clears either with a new link session (A.4, A.6).
TEST(MesogunDriver, AStopTheDeviceReportsIsLatchedAndConfigureClearsIt) {
  MesogunSimRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.arm());
  rig.inject_host_bytes(mg::encode(mg::Frame{0, 0, mg::EStop{}}));
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->state() == hal::DeviceState::estopped; }));
  EXPECT_EQ(rig.driver->activate().refusal, hal::Refusal::estopped);
  rig.driver->configure();
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->state() == hal::DeviceState::configured; }));
  EXPECT_NE(rig.gun->model().state(), mg::DeviceState::estopped);
  ASSERT_TRUE(rig.arm());
  // The driver's own E-STOP the same way.
  rig.driver->estop();
  rig.driver->configure();
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->state() == hal::DeviceState::configured; }));
  ASSERT_TRUE(rig.arm());
  EXPECT_EQ(rig.link_losses, 0) << "a deliberate new session is not a lost link";
}

}  // namespace
}  // namespace meso::testing
