// The simulated mesogun driven by a real host-role link under a simulated clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "host_harness.hpp"

namespace meso::sim::testing {
namespace {

using std::chrono::milliseconds;

TEST(SimulatedMesogun, HandshakeAnswersIdentityWithCapabilities) {
  MesogunHostHarness h;
  const auto identity = h.handshake(0xCAFE);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->hello_nonce, 0xCAFEU);
  EXPECT_EQ(identity->protocol_version, 1);
  EXPECT_TRUE(identity->simulated);  // the identity says it is a simulator (docs/protocol.md A.4)
  EXPECT_EQ(identity->shot_counter, 0U);
  EXPECT_EQ(identity->depth_min_um, 500);
  EXPECT_EQ(identity->depth_max_um, 6000);
  EXPECT_EQ(identity->depth_step_um, 100);
  EXPECT_EQ(identity->dose_min_nl, 1000U);
  EXPECT_EQ(identity->dose_max_nl, 100000U);
  EXPECT_EQ(identity->dose_step_nl, 500U);
  EXPECT_EQ(identity->max_shot_rate_mhz, 9000U);
  EXPECT_EQ(identity->syringe_volume_ul, 10000U);
  EXPECT_EQ(identity->modes, 0b111);
  EXPECT_EQ(h.host.state(), hal::LinkState::up);
}

TEST(SimulatedMesogun, SaysItIsSimulatedWhateverItIsNamed) {
  HarnessOptions options;
  options.device.model = "MG-200";  // the name of a real model, and a real-looking serial number
  options.device.serial_number = "MG2-2026-00417";
  MesogunHostHarness h(options);
  const auto identity = h.handshake(0xBEEF);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->model, "MG-200");
  EXPECT_TRUE(identity->simulated);
  EXPECT_EQ(identity->modes, 0b111) << "the flag is not a mode";
}

TEST(SimulatedMesogun, StatusEvery100ms) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  const auto before = h.received_of<mg::Status>().size();
  h.run_for(milliseconds{1000});
  const auto count = h.received_of<mg::Status>().size() - before;
  EXPECT_GE(count, 9U);
  EXPECT_LE(count, 11U);
  EXPECT_EQ(h.last_of<mg::Status>()->state, mg::DeviceState::idle);
  EXPECT_EQ(h.last_of<mg::Status>()->reservoir_nl, 10'000'000U);
}

TEST(SimulatedMesogun, FireDeliversShotWithCommandIdAndEmptiesReservoir) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm();
  EXPECT_EQ(h.model().state(), mg::DeviceState::armed);
  EXPECT_EQ(h.last_of<mg::Status>()->state, mg::DeviceState::armed);  // STATUS at once on a change

  h.send(mg::Fire{42});
  h.run_for(milliseconds{20});
  const auto shots = h.received_of<mg::Shot>();
  ASSERT_EQ(shots.size(), 1U);
  const auto& shot = shots[0].record;
  EXPECT_EQ(shot.command_id, 42U);
  EXPECT_EQ(shot.shot_counter, 1U);
  EXPECT_EQ(shot.depth_um, 1500);
  EXPECT_NEAR(shot.dose_nl, 20000, 20000 * 0.02 + 1);
  EXPECT_EQ(h.model().reservoir_nl(), 10'000'000U - shot.dose_nl);
  ASSERT_EQ(h.delivered.size(), 1U);
  EXPECT_EQ(h.delivered[0], shot);
  h.run_for(milliseconds{150});
  EXPECT_EQ(h.last_of<mg::Status>()->reservoir_nl, 10'000'000U - shot.dose_nl);
  EXPECT_EQ(h.last_of<mg::Status>()->shot_counter, 1U);
  EXPECT_TRUE(h.errors().empty());
}

std::vector<std::uint32_t> doses_of_run(std::uint32_t seed, double error) {
  HarnessOptions options;
  options.seed = seed;
  options.device.physics.dose_error = error;
  MesogunHostHarness h(options);
  if (!h.handshake()) return {};
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0});
  for (std::uint32_t id = 1; id <= 40; ++id) {
    h.send(mg::Fire{id});
    h.run_for(milliseconds{112});  // the device's maximum rate: 9 shots/s
  }
  std::vector<std::uint32_t> doses;
  for (const auto& shot : h.received_of<mg::Shot>())
    doses.push_back(shot.record.dose_nl);
  return doses;
}

TEST(SimulatedMesogun, DoseErrorStaysWithinConfiguredBoundsAndFollowsTheSeed) {
  const auto doses = doses_of_run(7, 0.05);
  ASSERT_EQ(doses.size(), 40U);
  for (const auto dose : doses) {
    EXPECT_GE(dose, 19000U);
    EXPECT_LE(dose, 21000U);
  }
  EXPECT_GT(std::set<std::uint32_t>(doses.begin(), doses.end()).size(), 20U);  // it does vary
  EXPECT_EQ(doses_of_run(7, 0.05), doses);                                     // the same seed, the same run
  EXPECT_NE(doses_of_run(8, 0.05), doses);
  for (const auto dose : doses_of_run(7, 0.0))
    EXPECT_EQ(dose, 20000U);
}

TEST(SimulatedMesogun, FireWhenNotArmedIsRefusedNotArmed) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.send(mg::Configure{1500, 20000, mg::FireMode::single, 0});  // seq 1
  h.run_for(milliseconds{300});
  h.send(mg::Fire{9});  // seq 2
  h.run_for(milliseconds{20});
  const auto errors = h.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].reason, mg::ErrorReason::not_armed);
  EXPECT_EQ(errors[0].refused_seq, 2);
  EXPECT_EQ(errors[0].refused_type, static_cast<std::uint8_t>(mg::MessageType::fire));
  EXPECT_TRUE(h.received_of<mg::Shot>().empty());
  EXPECT_TRUE(h.delivered.empty());
}

TEST(SimulatedMesogun, ConfigureOutsideCapabilitiesOrOffGridIsRefused) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  const std::vector<std::pair<mg::Configure, mg::ErrorReason>> cases{
      {{400, 20000, mg::FireMode::single, 0}, mg::ErrorReason::depth_out_of_range},
      {{6100, 20000, mg::FireMode::single, 0}, mg::ErrorReason::depth_out_of_range},
      {{1550, 20000, mg::FireMode::single, 0}, mg::ErrorReason::depth_out_of_range},
      {{1500, 500, mg::FireMode::single, 0}, mg::ErrorReason::dose_out_of_range},
      {{1500, 20100, mg::FireMode::single, 0}, mg::ErrorReason::dose_out_of_range},
      {{1500, 20000, mg::FireMode::single, 1000}, mg::ErrorReason::rate_out_of_range},
      {{1500, 20000, mg::FireMode::continuous, 9500}, mg::ErrorReason::rate_out_of_range},
      {{1500, 20000, mg::FireMode::nappage, 0}, mg::ErrorReason::rate_out_of_range},
  };
  for (const auto& [configure, reason] : cases) {
    h.received.clear();
    h.send(configure);
    h.run_for(milliseconds{10});
    const auto errors = h.errors();
    ASSERT_EQ(errors.size(), 1U) << configure.depth_um << " " << configure.dose_nl;
    EXPECT_EQ(errors[0].reason, reason) << configure.depth_um << " " << configure.dose_nl;
  }
  EXPECT_EQ(h.model().state(), mg::DeviceState::idle);

  HarnessOptions single_only;
  single_only.device.capabilities.modes = mg::kModeBitSingle;
  MesogunHostHarness s(single_only);
  ASSERT_TRUE(s.handshake());
  s.send(mg::Configure{1500, 20000, mg::FireMode::nappage, 3000});
  s.run_for(milliseconds{10});
  ASSERT_EQ(s.errors().size(), 1U);
  EXPECT_EQ(s.errors()[0].reason, mg::ErrorReason::mode_unsupported);
}

TEST(SimulatedMesogun, ArmRefusalsFollowTheSpec) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.send(mg::Arm{150});
  h.run_for(milliseconds{10});
  h.send(mg::Configure{1500, 20000, mg::FireMode::single, 0});
  h.run_for(milliseconds{10});
  h.send(mg::Arm{20});
  h.run_for(milliseconds{10});
  h.send(mg::Arm{6000});
  h.run_for(milliseconds{10});
  const auto errors = h.errors();
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_EQ(errors[0].reason, mg::ErrorReason::not_configured);
  EXPECT_EQ(errors[1].reason, mg::ErrorReason::lease_out_of_range);
  EXPECT_EQ(errors[2].reason, mg::ErrorReason::lease_out_of_range);
}

TEST(SimulatedMesogun, FireIsBusyWhileTheDepthActuatorSettles) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.send(mg::Configure{6000, 20000, mg::FireMode::single, 0});  // 5.5 mm of travel: about 570 ms
  h.run_for(milliseconds{5});
  h.send(mg::Arm{150});
  h.run_for(milliseconds{5});
  h.send(mg::Fire{1});
  h.run_for(milliseconds{5});
  ASSERT_EQ(h.errors().size(), 1U);
  EXPECT_EQ(h.errors()[0].reason, mg::ErrorReason::busy);
  const auto moving = h.model().status(h.now).depth_actual_um;
  EXPECT_GT(moving, 500);
  EXPECT_LT(moving, 6000);
  h.run_for(milliseconds{600});
  EXPECT_EQ(h.model().status(h.now).depth_actual_um, 6000);
  h.send(mg::Fire{2});
  h.run_for(milliseconds{5});
  EXPECT_EQ(h.received_of<mg::Shot>().size(), 1U);
  // CONFIGURE while armed is busy too: the host disarms first.
  h.send(mg::Configure{1000, 20000, mg::FireMode::single, 0});
  h.run_for(milliseconds{5});
  ASSERT_EQ(h.errors().size(), 2U);
  EXPECT_EQ(h.errors()[1].reason, mg::ErrorReason::busy);
}

TEST(SimulatedMesogun, OcclusionRaisesPressureAndAHighAlarmThatDisarms) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0}, 1000);
  const auto baseline = h.last_of<mg::Status>()->line_pressure_mbar;
  EXPECT_LT(baseline, 300);

  h.device.apply(action::Occlusion{}, h.now);
  h.run_for(milliseconds{150});
  EXPECT_GT(h.last_of<mg::Status>()->line_pressure_mbar, baseline + 200);  // rising
  h.run_for(milliseconds{500});
  const auto alarm = h.last_of<mg::Alarm>();
  ASSERT_TRUE(alarm);
  EXPECT_EQ(alarm->code, mg::AlarmCode::occlusion);
  EXPECT_EQ(alarm->priority, mg::AlarmPriority::high);
  EXPECT_TRUE(alarm->active);
  const auto status = *h.last_of<mg::Status>();
  EXPECT_EQ(status.state, mg::DeviceState::fault);
  EXPECT_GE(status.line_pressure_mbar, 1500);
  EXPECT_EQ(status.active_alarms, 1U << 0U);

  h.send(mg::Arm{150});
  h.send(mg::Fire{5});
  h.run_for(milliseconds{10});
  ASSERT_EQ(h.errors().size(), 2U);
  EXPECT_EQ(h.errors()[0].reason, mg::ErrorReason::alarm_active);
  EXPECT_EQ(h.errors()[1].reason, mg::ErrorReason::alarm_active);

  h.device.apply(action::ClearOcclusion{}, h.now);
  h.run_for(milliseconds{1000});
  EXPECT_FALSE(h.last_of<mg::Alarm>()->active);
  EXPECT_EQ(h.last_of<mg::Status>()->state, mg::DeviceState::configured);  // never re-armed by itself
}

TEST(SimulatedMesogun, ArmLeaseExpiresWhenTheHostFallsSilent) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0}, 150);
  h.run_for(milliseconds{1000});  // heartbeats keep renewing it
  EXPECT_EQ(h.model().state(), mg::DeviceState::armed);

  h.host_silent = true;
  const TimePoint silent_from = h.now;
  TimePoint disarmed_at{};
  for (int i = 0; i < 400 && disarmed_at == TimePoint{}; ++i) {
    h.run_for(milliseconds{1});
    if (h.model().state() != mg::DeviceState::armed) disarmed_at = h.now;
  }
  ASSERT_NE(disarmed_at, TimePoint{});
  EXPECT_LE(disarmed_at - silent_from, milliseconds{151});
  EXPECT_GE(disarmed_at - silent_from, milliseconds{100});  // the last heartbeat was at most 50 ms before
  EXPECT_EQ(h.model().state(), mg::DeviceState::configured);
  h.run_for(milliseconds{5});
  EXPECT_EQ(h.last_of<mg::Status>()->state, mg::DeviceState::configured);  // reported, heard by the host
}

TEST(SimulatedMesogun, AFrameAfterTheLeaseRanOutDoesNotRenewIt) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0}, 150);
  ASSERT_EQ(h.model().state(), mg::DeviceState::armed);
  // The device's timer runs late (a loaded machine): nothing polls it for 300 ms, then a FIRE arrives.
  h.now += milliseconds{300};
  h.send(mg::Fire{1});
  h.run_for(milliseconds{20});
  EXPECT_TRUE(h.delivered.empty());
  ASSERT_EQ(h.errors().size(), 1U);
  EXPECT_EQ(h.errors()[0].reason, mg::ErrorReason::not_armed);
}

TEST(SimulatedMesogun, DuplicateFireCommandIdIsNotExecutedTwiceButAnsweredWithTheOriginalShot) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm();
  h.send(mg::Fire{42});
  h.run_for(milliseconds{150});
  h.send(mg::Fire{42});  // a new seq, the same command: the host's retry after an uncertain outcome
  h.run_for(milliseconds{150});
  const auto shots = h.received_of<mg::Shot>();
  ASSERT_EQ(shots.size(), 2U);
  EXPECT_EQ(shots[1], shots[0]);  // the same shot_counter: recorded once by the host
  EXPECT_EQ(h.delivered.size(), 1U);
  EXPECT_EQ(h.model().persistent().shot_counter, 1U);
  EXPECT_TRUE(h.errors().empty());
  h.send(mg::Fire{43});
  h.run_for(milliseconds{20});
  EXPECT_EQ(h.received_of<mg::Shot>().size(), 3U);
  EXPECT_EQ(h.delivered.size(), 2U);
}

TEST(SimulatedMesogun, RebootKeepsShotCounterAndRecordsForQueryShots) {
  MesogunHostHarness h;
  const auto first = h.handshake(1);
  ASSERT_TRUE(first);
  h.configure_and_arm();
  for (std::uint32_t id = 101; id <= 103; ++id) {
    h.send(mg::Fire{id});
    h.run_for(milliseconds{120});
  }
  ASSERT_EQ(h.received_of<mg::Shot>().size(), 3U);

  h.core.poll(h.now);
  h.device.apply(action::Reboot{}, h.now);
  EXPECT_EQ(h.model().state(), mg::DeviceState::idle);
  h.run_for(milliseconds{400});  // booting, then the host notices the silence
  EXPECT_EQ(h.host.state(), hal::LinkState::lost);

  h.identity.reset();
  const auto second = h.handshake(2);
  ASSERT_TRUE(second);
  EXPECT_NE(second->boot_id, first->boot_id);
  EXPECT_EQ(second->shot_counter, 3U);
  EXPECT_EQ(h.model().state(), mg::DeviceState::idle);  // unconfigured, disarmed: no resumption

  h.received.clear();
  h.send(mg::QueryShots{1, 12});
  h.run_for(milliseconds{20});
  const auto answer = h.last_of<mg::ShotRecords>();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->oldest_counter, 1U);
  EXPECT_EQ(answer->latest_counter, 3U);
  ASSERT_EQ(answer->records.size(), 3U);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(answer->records[i].shot_counter, i + 1);
    EXPECT_EQ(answer->records[i].command_id, 101 + i);
  }
  // The executed command ids survive too: a retried FIRE after the reboot is not executed again.
  h.configure_and_arm();
  h.send(mg::Fire{103});
  h.run_for(milliseconds{50});
  ASSERT_EQ(h.received_of<mg::Shot>().size(), 1U);
  EXPECT_EQ(h.received_of<mg::Shot>()[0].record, answer->records[2]);
  EXPECT_EQ(h.model().persistent().shot_counter, 3U);
}

TEST(SimulatedMesogun, StatusDescribesEveryCommandItAcknowledges) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.send(mg::Configure{1500, 20000, mg::FireMode::single, 0});  // seq 1
  h.run_for(milliseconds{300});
  h.wire_from_device.clear();
  h.send_together({mg::Arm{150}, mg::Fire{1}});  // seqs 2 and 3 in one read
  h.run_for(milliseconds{300});

  mg::FrameDecoder decoder;
  std::size_t checked = 0;
  decoder.feed(std::span<const std::uint8_t>(h.wire_from_device), [&](const mg::DecodeResult& result) {
    const auto* frame = std::get_if<mg::Frame>(&result);
    if (frame == nullptr || !std::holds_alternative<mg::Status>(frame->message)) return;
    const auto& status = std::get<mg::Status>(frame->message);
    if (frame->ack >= 2) {
      EXPECT_EQ(status.state, mg::DeviceState::armed) << "ack " << frame->ack;
    }
    if (frame->ack >= 3) {
      EXPECT_EQ(status.shot_counter, 1U) << "ack " << frame->ack;
    }
    ++checked;
  });
  EXPECT_GE(checked, 3U);
}

TEST(SimulatedMesogun, QueryShotsKeepsTheLast256AndPagesBy12) {
  HarnessOptions options;
  options.device.auto_trigger_hz = 20;  // faster than the mechanism: shots come at 9/s
  MesogunHostHarness h(options);
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 1000, mg::FireMode::single, 0}, 150);
  h.run_for(milliseconds{33'500});
  const auto counter = h.model().persistent().shot_counter;
  ASSERT_GT(counter, 290U);
  EXPECT_LE(counter, 302U);  // about 9 shots/s, never faster
  EXPECT_EQ(h.model().persistent().records.size(), 256U);

  h.send(mg::Disarm{});
  h.received.clear();
  h.send(mg::QueryShots{1, 50});
  h.run_for(milliseconds{20});
  const auto answer = h.last_of<mg::ShotRecords>();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->latest_counter, h.model().persistent().shot_counter);
  EXPECT_EQ(answer->oldest_counter, answer->latest_counter - 255);
  ASSERT_EQ(answer->records.size(), 12U);
  EXPECT_EQ(answer->records.front().shot_counter, answer->oldest_counter);
  EXPECT_EQ(answer->records.front().command_id, 0U);  // trigger shots
}

TEST(SimulatedMesogun, EstopLatchesUntilTheNextHello) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake(1));
  h.configure_and_arm();
  h.send(mg::EStop{});
  h.run_for(milliseconds{10});
  EXPECT_EQ(h.last_of<mg::Status>()->state, mg::DeviceState::estopped);
  h.send(mg::Arm{150});
  h.send(mg::Fire{1});
  h.run_for(milliseconds{10});
  ASSERT_EQ(h.errors().size(), 2U);
  EXPECT_EQ(h.errors()[0].reason, mg::ErrorReason::estopped);
  EXPECT_EQ(h.errors()[1].reason, mg::ErrorReason::estopped);

  h.identity.reset();
  ASSERT_TRUE(h.handshake(2));
  EXPECT_EQ(h.model().state(), mg::DeviceState::idle);  // motion stopped mid-way: configure again
}

TEST(SimulatedMesogun, TriggerPullsAndAutoTriggerGiveTriggerShots) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.device.apply(action::Trigger{3}, h.now);  // disarmed: nothing happens
  h.run_for(milliseconds{500});
  EXPECT_TRUE(h.delivered.empty());

  h.configure_and_arm();
  h.device.apply(action::Trigger{3}, h.now);
  h.run_for(milliseconds{400});
  ASSERT_EQ(h.delivered.size(), 3U);
  for (const auto& shot : h.delivered)
    EXPECT_EQ(shot.command_id, 0U);
  EXPECT_GE(h.delivered[1].device_time_ms - h.delivered[0].device_time_ms, 111U);  // at most 9 shots/s

  HarnessOptions options;
  options.device.auto_trigger_hz = 5;
  MesogunHostHarness a(options);
  ASSERT_TRUE(a.handshake());
  a.run_for(milliseconds{1000});
  EXPECT_TRUE(a.delivered.empty());  // only while armed
  a.configure_and_arm();
  a.run_for(milliseconds{2000});
  EXPECT_GE(a.delivered.size(), 9U);
  EXPECT_LE(a.delivered.size(), 11U);
  EXPECT_EQ(a.received_of<mg::Shot>().size(), a.delivered.size());
}

TEST(SimulatedMesogun, StuckTriggerFiresContinuouslyThenRaisesTriggerStuck) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 5000, mg::FireMode::continuous, 5000}, 500);
  h.device.apply(action::StuckTrigger{}, h.now);
  h.run_for(milliseconds{1000});
  EXPECT_GE(h.delivered.size(), 5U);  // 5 shots/s while held
  EXPECT_LE(h.delivered.size(), 6U);
  EXPECT_TRUE(h.last_of<mg::Status>()->trigger_pressed);
  h.run_for(milliseconds{1500});
  const auto alarm = h.last_of<mg::Alarm>();
  ASSERT_TRUE(alarm);
  EXPECT_EQ(alarm->code, mg::AlarmCode::trigger_stuck);
  EXPECT_TRUE(alarm->active);
  EXPECT_EQ(h.model().state(), mg::DeviceState::fault);
  const auto shots = h.delivered.size();
  h.run_for(milliseconds{1000});
  EXPECT_EQ(h.delivered.size(), shots);  // disarmed: no more

  h.device.apply(action::ReleaseTrigger{}, h.now);
  h.run_for(milliseconds{20});
  EXPECT_FALSE(h.last_of<mg::Alarm>()->active);
  EXPECT_EQ(h.model().state(), mg::DeviceState::configured);
}

TEST(SimulatedMesogun, UnderDeliveryAndLowReservoir) {
  HarnessOptions options;
  options.device.physics.dose_error = 0.0;
  MesogunHostHarness h(options);
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0}, 1000);
  h.device.apply(action::UnderDelivery{0.5}, h.now);
  h.send(mg::Fire{1});
  h.run_for(milliseconds{20});
  ASSERT_EQ(h.delivered.size(), 1U);
  EXPECT_EQ(h.delivered[0].dose_nl, 10000U);

  h.device.apply(action::LowReservoir{}, h.now);
  h.run_for(milliseconds{20});
  const auto alarm = h.last_of<mg::Alarm>();
  ASSERT_TRUE(alarm);
  EXPECT_EQ(alarm->code, mg::AlarmCode::low_reservoir);
  EXPECT_EQ(alarm->priority, mg::AlarmPriority::medium);
  EXPECT_EQ(h.model().state(), mg::DeviceState::armed);  // medium: a warning, not a stop

  h.device.apply(action::LowReservoir{15000}, h.now);  // less than one dose
  h.run_for(milliseconds{100});                        // past the shot interval: not `busy`
  h.send(mg::Fire{2});
  h.run_for(milliseconds{20});
  ASSERT_EQ(h.errors().size(), 1U);
  EXPECT_EQ(h.errors()[0].reason, mg::ErrorReason::reservoir_empty);

  h.device.apply(action::Refill{}, h.now);
  h.run_for(milliseconds{20});
  EXPECT_FALSE(h.last_of<mg::Alarm>()->active);
}

TEST(SimulatedMesogun, GroundTruthHoldsShotsTheHostNeverHeardOf) {
  MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0}, 5000);
  h.core.set_faults(parse_fault_spec("drop=1"));  // the device's bytes all vanish
  h.send(mg::Fire{77});
  h.run_for(milliseconds{100});
  EXPECT_TRUE(h.received_of<mg::Shot>().empty());
  ASSERT_EQ(h.delivered.size(), 1U);
  EXPECT_EQ(h.delivered[0].command_id, 77U);

  h.core.set_faults({});  // the line heals: the retransmitted SHOT arrives, once
  h.run_for(milliseconds{2000});
  ASSERT_EQ(h.received_of<mg::Shot>().size(), 1U);
  EXPECT_EQ(h.received_of<mg::Shot>()[0].record, h.delivered[0]);
}

TEST(SimulatedMesogun, SurvivesANoisyLineWithoutDoubleShots) {
  HarnessOptions options;
  options.faults = parse_fault_spec("bitflip=0.002,drop=0.002,garbage=0.05,truncate=0.05,dup=0.05,dir=both");
  MesogunHostHarness h(options);
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, mg::FireMode::single, 0}, 1000);
  for (std::uint32_t id = 1; id <= 20; ++id) {
    h.send(mg::Fire{id});
    h.run_for(milliseconds{150});
  }
  h.run_for(milliseconds{2000});
  std::set<std::uint32_t> ids;
  for (const auto& shot : h.delivered)
    EXPECT_TRUE(ids.insert(shot.command_id).second);
  EXPECT_EQ(h.delivered.size(), 20U);
  EXPECT_GT(h.core.outgoing_faults().counters().truncations + h.core.incoming_faults().counters().truncations,
            0U);
}

}  // namespace
}  // namespace meso::sim::testing
