#include "fault_harness.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "meso/protocols/cobs.hpp"
#include "meso/protocols/crc32c.hpp"

namespace meso::testing::fault {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;

const hal::TreatmentSettings kSettings{2000, 20000, mg::FireMode::single, 0, 0};

// The device's answers are lost on the line; it still hears the host (so it stays armed, and shoots).
constexpr std::string_view kDeviceMuted = "drop=1,dir=out";

// Failures recorded so far in the running test (HasFailure() cannot tell whether this run added any).
int failures_so_far() {
  return ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
}

long long ms_since(hal::TimePoint from, hal::TimePoint to) {
  return duration_cast<milliseconds>(to - from).count();
}

bool is_line_fault(FaultClass fault) {
  return fault <= FaultClass::dup;
}

// Version 1, ESTOP, seq 0 and ack 0 (so that no sequence number of the host's is taken), a one-byte payload
// where ESTOP has none, and a good CRC-32C: bad_length, which must not keep the device from stopping.
std::vector<std::uint8_t> malformed_estop_frame() {
  std::vector<std::uint8_t> decoded{0x01, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00};
  const std::uint32_t crc = protocols::crc32c(decoded);
  for (int i = 0; i < 4; ++i)
    decoded.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  std::vector<std::uint8_t> wire;
  protocols::cobs_encode(decoded, wire);
  wire.push_back(0x00);
  return wire;
}

}  // namespace

std::string_view name_of(FaultClass fault) {
  switch (fault) {
    case FaultClass::bitflip:
      return "bitflip";
    case FaultClass::drop:
      return "drop";
    case FaultClass::garbage:
      return "garbage";
    case FaultClass::truncate:
      return "truncate";
    case FaultClass::delay:
      return "delay";
    case FaultClass::dup:
      return "dup";
    case FaultClass::reboot:
      return "reboot";
    case FaultClass::unplug:
      return "unplug";
    case FaultClass::stuck:
      return "stuck";
    case FaultClass::occlusion:
      return "occlusion";
    case FaultClass::low_reservoir:
      return "low_reservoir";
    case FaultClass::under_delivery:
      return "under_delivery";
    case FaultClass::stuck_trigger:
      return "stuck_trigger";
    case FaultClass::malformed_estop:
      return "malformed_estop";
  }
  return "?";
}

std::string_view name_of(Phase phase) {
  switch (phase) {
    case Phase::idle:
      return "idle";
    case Phase::configuring:
      return "configuring";
    case Phase::armed:
      return "armed";
    case Phase::mid_shot:
      return "mid_shot";
    case Phase::reconciling:
      return "reconciling";
  }
  return "?";
}

std::uint32_t seed_from(std::string_view name) {
  std::uint32_t hash = 2166136261U;
  for (const char c : name) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619U;
  }
  return hash == 0 ? 1U : hash;
}

sim::MesogunModelConfig FaultRun::device_config(Phase phase) {
  sim::MesogunModelConfig config;
  // The trigger_stuck alarm after 0.5 s instead of 2 s, so that it is raised within a run's workflow.
  config.physics.trigger_stuck_after = milliseconds(500);
  // To reconcile, the driver queries at most 12 records at a time. A trigger fast enough to leave a dozen
  // or more shots unheard in the quarter second before the host notices the silence makes it take several
  // rounds, so that the fault lands in the middle of them. 60 shots/s keeps the line pressure (+100 mbar a
  // shot, relaxing in 150 ms) well below the occlusion alarm. (The host still FIREs at most 9 times a
  // second: its own limit.)
  if (phase == Phase::reconciling) config.capabilities.max_shot_rate_mhz = 60'000;
  return config;
}

namespace {

sim::SimulationOptions line_for(std::uint32_t seed) {
  sim::SimulationOptions line;
  line.seed = seed;
  return line;
}

hal::MesogunDriverOptions driver_for(std::uint32_t seed) {
  auto options = MesogunSimRig::default_options();
  options.hello_nonce_seed = seed;
  return options;
}

}  // namespace

FaultRun::FaultRun(const RunOptions& options)
    : options_(options),
      rng_(options.seed),
      rig_(line_for(options.seed), device_config(options.phase), driver_for(options.seed)) {
  action_ = fault_action();
}

milliseconds FaultRun::pick(milliseconds fixed, int lo_ms, int hi_ms) {
  if (!options_.vary) return fixed;
  return milliseconds(std::uniform_int_distribution<int>(lo_ms, hi_ms)(rng_));
}

std::optional<sim::ScenarioAction> FaultRun::fault_action() const {
  // Rates that really bite: with frames of 15 to 60 bytes, one frame in 5 to 20 is hit.
  switch (options_.fault) {
    case FaultClass::bitflip:
      return sim::action::Faults{sim::parse_fault_spec("bitflip=0.005,dir=both")};
    case FaultClass::drop:
      return sim::action::Faults{sim::parse_fault_spec("drop=0.005,dir=both")};
    case FaultClass::garbage:
      return sim::action::Faults{sim::parse_fault_spec("garbage=0.05,dir=both")};
    case FaultClass::truncate:
      return sim::action::Faults{sim::parse_fault_spec("truncate=0.05,dir=both")};
    case FaultClass::delay:
      return sim::action::Faults{sim::parse_fault_spec("delay=20:15,dir=both")};
    case FaultClass::dup:
      return sim::action::Faults{sim::parse_fault_spec("dup=0.1,dir=both")};
    case FaultClass::reboot:
      return sim::action::Reboot{};
    case FaultClass::unplug:
      return sim::action::Unplug{milliseconds(400)};
    case FaultClass::stuck:
      return sim::action::Stuck{milliseconds(400)};
    case FaultClass::occlusion:
      return sim::action::Occlusion{};
    case FaultClass::low_reservoir:
      return sim::action::LowReservoir{};
    case FaultClass::under_delivery:
      return sim::action::UnderDelivery{0.5};
    case FaultClass::stuck_trigger:
      return sim::action::StuckTrigger{};
    case FaultClass::malformed_estop:
      return std::nullopt;  // bytes on the line, not an action
  }
  return std::nullopt;
}

void FaultRun::inject_fault() {
  if (injected_) return;
  injected_ = true;
  injected_at_ = hal::SteadyClock::now();
  truth_at_injection_ = rig_.truth.size();
  if (!action_) {
    rig_.inject_host_bytes(malformed_estop_frame());
    EXPECT_EQ(rig_.gun->model().state(), mg::DeviceState::estopped)
        << "an ESTOP with a good CRC and a malformed payload did not stop the device (A.4)";
    return;
  }
  if (options_.vary) {
    // The soak draws the details of the fault from the run's seed.
    // Up to past the host's 2 s handshake timeout, so that the driver also closes and reopens the port.
    if (auto* unplug = std::get_if<sim::action::Unplug>(&*action_)) unplug->for_ms = pick({}, 50, 1500);
    if (auto* hang = std::get_if<sim::action::Stuck>(&*action_)) hang->for_ms = pick({}, 50, 2800);
    if (auto* under = std::get_if<sim::action::UnderDelivery>(&*action_))
      under->fraction = std::uniform_real_distribution<double>(0.0, 0.9)(rng_);
    if (auto* low = std::get_if<sim::action::LowReservoir>(&*action_))
      low->reservoir_nl = std::uniform_int_distribution<std::uint32_t>(0, 600000)(rng_);
    if (auto* faults = std::get_if<sim::action::Faults>(&*action_)) {
      // From a gentle line to one eight times worse than the matrix's.
      const double scale = std::uniform_real_distribution<double>(0.5, 8.0)(rng_);
      auto& spec = faults->spec;
      spec.bitflip = std::min(1.0, spec.bitflip * scale);
      spec.drop = std::min(1.0, spec.drop * scale);
      spec.garbage = std::min(1.0, spec.garbage * scale);
      spec.truncate = std::min(1.0, spec.truncate * scale);
      spec.dup = std::min(1.0, spec.dup * scale);
      if (spec.delay_mean.count() > 0) {
        spec.delay_mean = pick({}, 1, 60);
        spec.delay_jitter = pick({}, 0, static_cast<int>(spec.delay_mean.count()));
      }
    }
  }
  rig_.inject(*action_);
}

void FaultRun::clear_fault() {
  switch (options_.fault) {
    case FaultClass::occlusion:
      rig_.inject(sim::action::ClearOcclusion{});
      break;
    case FaultClass::low_reservoir:
      rig_.inject(sim::action::Refill{});
      break;
    case FaultClass::under_delivery:
      rig_.inject(sim::action::UnderDelivery{1.0});
      break;
    case FaultClass::stuck_trigger:
      rig_.inject(sim::action::ReleaseTrigger{});
      break;
    case FaultClass::malformed_estop:
      // Stopped all along: not a shot since, however often the trigger was pulled and FIREs were tried.
      EXPECT_EQ(rig_.truth.size(), truth_at_injection_) << "the device shot after it received an ESTOP";
      EXPECT_EQ(rig_.driver->state(), hal::DeviceState::estopped) << "the station did not show the stop";
      rig_.driver->configure();  // a person clears the stop: a new link session (A.6)
      break;
    default:
      if (is_line_fault(options_.fault)) rig_.inject(sim::action::Faults{});
      break;  // a reboot, an unplug and a hang end by themselves
  }
}

bool FaultRun::fire_now() {
  const std::uint32_t id = next_id_++;
  if (!rig_.driver->fire(id).ok()) return false;
  accepted_.push_back(id);
  return true;
}

void FaultRun::person_step() {
  const auto now = hal::SteadyClock::now();
  if (now >= next_fire_) {  // the gun's rate is 9 shots/s; the host FIREs at 8/s
    next_fire_ = now + milliseconds(125);
    fire_now();
  }
  if (now >= next_pull_) {
    next_pull_ = now + milliseconds(250);
    rig_.pull_trigger(1);
  }
  // In the idle and configuring phases the person goes on to arm, once, and never after a link loss.
  if (may_arm_ && !armed_once_ && rig_.link_losses == 0 &&
      rig_.driver->state() == hal::DeviceState::configured) {
    if (!settings_applied_) {
      settings_applied_ = rig_.driver->apply_settings(kSettings).ok();
    } else if (rig_.activate()) {
      armed_once_ = true;
      last_arm_ = now;
    }
  }
}

void FaultRun::work_for(milliseconds duration) {
  const auto end = hal::SteadyClock::now() + duration;
  while (hal::SteadyClock::now() < end) {
    person_step();
    rig_.run_for(milliseconds(5));
  }
}

void FaultRun::reach_phase() {
  started_at_ = hal::SteadyClock::now();
  ASSERT_TRUE(rig_.connect()) << "no connection";
  const auto arm = [&] {
    last_arm_ = hal::SteadyClock::now();
    return rig_.arm(kSettings);
  };
  switch (options_.phase) {
    case Phase::idle:
      may_arm_ = true;
      inject_fault();
      break;
    case Phase::configuring:
      ASSERT_TRUE(rig_.driver->apply_settings(kSettings).ok());
      settings_applied_ = true;
      may_arm_ = true;
      inject_fault();
      break;
    case Phase::armed:
      ASSERT_TRUE(arm()) << "not armed";
      inject_fault();
      break;
    case Phase::mid_shot:
      ASSERT_TRUE(arm()) << "not armed";
      work_for(pick(milliseconds(300), 30, 500));
      inject_fault();
      break;
    case Phase::reconciling: {
      ASSERT_TRUE(arm()) << "not armed";
      work_for(pick(milliseconds(250), 0, 400));
      rig_.hook = [this](const hal::DeviceEvent& e) {
        const auto* changed = std::get_if<hal::device_event::StateChanged>(&e);
        if (changed && changed->state == hal::DeviceState::reconciling) inject_fault();
      };
      // Force a link loss during which the device goes on shooting: it still hears the host, so its lease
      // holds, but the host hears nothing, so these shots and FIREs must be recovered from its records.
      const int losses = rig_.link_losses;
      rig_.inject(sim::action::Faults{sim::parse_fault_spec(kDeviceMuted)});
      rig_.pull_trigger(25);
      const auto until = hal::SteadyClock::now() + milliseconds(1500);
      while (rig_.link_losses == losses && hal::SteadyClock::now() < until) {
        person_step();
        rig_.run_for(milliseconds(5));
      }
      ASSERT_GT(rig_.link_losses, losses) << "the host never noticed the device had gone quiet";
      rig_.inject(sim::action::Faults{});  // the next HELLO is answered
      const auto limit = hal::SteadyClock::now() + milliseconds(3000);
      while (!injected_ && hal::SteadyClock::now() < limit) {
        person_step();
        rig_.run_for(milliseconds(5));
      }
      rig_.hook = nullptr;
      ASSERT_TRUE(injected_) << "the driver never reconciled after the link loss\n" << describe();
      break;
    }
  }
}

bool FaultRun::recovered() const {
  const auto state = rig_.driver->state();
  if (state != hal::DeviceState::configured && state != hal::DeviceState::active) return false;
  if (!rig_.plugged() || rig_.gun->model().state() == mg::DeviceState::fault) return false;
  // The news of the device's last change (a disarm, an alarm) has reached the driver.
  if ((state == hal::DeviceState::active) != (rig_.gun->model().state() == mg::DeviceState::armed))
    return false;
  for (const auto id : accepted_) {
    if (!rig_.outcomes.contains(id)) return false;
  }
  return rig_.shots_settled();
}

bool FaultRun::loss_since_last_arm() const {
  if (rig_.link_lost_at.empty()) return false;
  return !last_arm_ || rig_.link_lost_at.back() > *last_arm_;
}

void FaultRun::expect_fire_outcomes() const {
  std::map<std::uint32_t, int> executed;  // command id -> shots carrying it
  for (const auto& t : rig_.truth) {
    if (t.command_id != 0) ++executed[t.command_id];
  }
  const std::set<std::uint32_t> accepted(accepted_.begin(), accepted_.end());
  for (const auto& [id, n] : executed) {
    EXPECT_EQ(n, 1) << "FIRE " << id << " executed " << n << " times";
    EXPECT_TRUE(accepted.contains(id))
        << "the device executed FIRE " << id << ", which the driver never sent";
  }
  // Unknown is honest only when the device no longer holds the records that would settle it.
  const bool records_lost = rig_.truth.size() > sim::PersistentState::kKeptRecords;
  for (const auto id : accepted_) {
    const auto it = rig_.outcomes.find(id);
    if (it == rig_.outcomes.end()) {
      ADD_FAILURE() << "FIRE " << id << " was accepted and has no outcome";
      continue;
    }
    const auto& how = rig_.outcome_how.at(id);
    if (it->second == hal::FireOutcome::unknown) {
      EXPECT_TRUE(records_lost) << "FIRE " << id
                                << " left unknown although the device holds every record: " << how;
      continue;
    }
    EXPECT_EQ(it->second == hal::FireOutcome::delivered, executed.contains(id))
        << "FIRE " << id << " reported " << hal::to_string(it->second) << " (" << how << ") but the device "
        << (executed.contains(id) ? "delivered it" : "never delivered it");
  }
}

void FaultRun::run_and_check_records() {
  const int failures_before = failures_so_far();
  ASSERT_NO_FATAL_FAILURE(reach_phase());
  work_for(options_.workflow);
  clear_fault();
  // Let a hang, an unplug or a reboot run its course and the driver notice it, before waiting for calm.
  milliseconds lasting{0};
  if (action_) {
    if (const auto* unplug = std::get_if<sim::action::Unplug>(&*action_)) lasting = unplug->for_ms;
    if (const auto* hang = std::get_if<sim::action::Stuck>(&*action_)) lasting = hang->for_ms;
    if (std::holds_alternative<sim::action::Reboot>(*action_)) lasting = milliseconds(300);
  }
  const auto calm_from = injected_at_ + lasting + milliseconds(300);
  if (hal::SteadyClock::now() < calm_from)
    rig_.run_for(duration_cast<milliseconds>(calm_from - hal::SteadyClock::now()) + milliseconds(1));

  // Calm, and still calm after another STATUS period (a change may be on its way).
  bool calm = rig_.run_until([&] { return recovered(); }, milliseconds(8000));
  rig_.run_for(milliseconds(150));
  calm = calm && rig_.run_until([&] { return recovered(); }, milliseconds(8000));
  EXPECT_TRUE(calm) << "the driver did not recover within 8 s\n" << describe();

  // (1) The station's records are the device's log: nothing lost, nothing duplicated, fields equal.
  rig_.expect_records_match_truth();
  expect_fire_outcomes();
  for (const auto& v : rig_.lease_violations)
    ADD_FAILURE() << v;

  // The station shows what the device is: armed exactly when the device is armed.
  EXPECT_EQ(rig_.driver->state() == hal::DeviceState::active,
            rig_.gun->model().state() == mg::DeviceState::armed)
      << "the driver says " << hal::to_string(rig_.driver->state()) << ", the device is "
      << protocols::to_name(rig_.gun->model().state())
      << " (a STATUS taken for a disarm? see DriverFindings.AStatusSentBeforeTheArmIsNotTakenForADisarm)";

  // The driver never re-arms by itself: every ARM on the wire was a person's, and after a link loss the
  // device stays disarmed until someone arms it again.
  EXPECT_LE(rig_.line_watch().arms.size(), static_cast<std::size_t>(rig_.activations))
      << "the host sent an ARM nobody asked for";
  if (loss_since_last_arm()) {
    rig_.run_for(milliseconds(100));
    EXPECT_NE(rig_.gun->model().state(), mg::DeviceState::armed) << "armed again after a link loss";
    EXPECT_NE(rig_.driver->state(), hal::DeviceState::active) << "armed again after a link loss";
  }
  if (failures_so_far() != failures_before) ADD_FAILURE() << describe();
}

void FaultRun::check_disarm_stops_shots() {
  if (rig_.driver->state() != hal::DeviceState::active) {
    last_arm_ = hal::SteadyClock::now();
    ASSERT_TRUE(rig_.arm(kSettings)) << "could not arm again after recovery\n" << describe();
  }
  // One FIRE shows the device is live; then the host disarms.
  rig_.run_for(milliseconds(130));  // the gun's rate
  const std::uint32_t id = next_id_++;
  const auto fired = rig_.driver->fire(id);
  ASSERT_TRUE(fired.ok()) << "FIRE refused: " << fired.detail << "\n" << describe();
  accepted_.push_back(id);
  ASSERT_TRUE(rig_.run_until([&] { return rig_.outcomes.contains(id) && rig_.shots_settled(); }));
  EXPECT_EQ(rig_.outcomes[id], hal::FireOutcome::delivered) << rig_.outcome_how[id];

  rig_.driver->deactivate();
  const auto statuses = rig_.statuses;
  ASSERT_TRUE(rig_.run_until([&] { return rig_.statuses > statuses && !rig_.armed_in_status; }))
      << "no STATUS saying disarmed after DISARM";
  const auto delivered = rig_.truth.size();
  rig_.pull_trigger(3);
  EXPECT_FALSE(rig_.driver->fire(next_id_++).ok()) << "the driver took a FIRE while disarmed";
  rig_.run_for(milliseconds(400));  // three pulls take 1/3 s on an armed gun
  EXPECT_EQ(rig_.truth.size(), delivered) << "the device shot after the host disarmed it";
  EXPECT_NE(rig_.gun->model().state(), mg::DeviceState::armed);
  rig_.expect_records_match_truth();
}

void FaultRun::check_silent_host_disarms() {
  last_arm_ = hal::SteadyClock::now();
  ASSERT_TRUE(rig_.arm(kSettings)) << "could not arm\n" << describe();
  ASSERT_EQ(rig_.gun->model().state(), mg::DeviceState::armed);
  // The host falls silent (crash, cable). The lease is 150 ms; a silent host must leave a disarmed device
  // within 200 ms (A.6). Polled every 2 ms.
  const auto silent_from = hal::SteadyClock::now();
  rig_.driver.reset();
  auto disarmed_at = silent_from;
  while (rig_.gun->model().state() == mg::DeviceState::armed &&
         hal::SteadyClock::now() - silent_from < milliseconds(1000)) {
    rig_.run_for(milliseconds(2));
    disarmed_at = hal::SteadyClock::now();
  }
  EXPECT_NE(rig_.gun->model().state(), mg::DeviceState::armed);
  EXPECT_LE(ms_since(silent_from, disarmed_at), 200) << "the device stayed armed after the host fell silent";
  // And the trigger does nothing once the lease has expired.
  const auto delivered = rig_.truth.size();
  rig_.pull_trigger(3);
  rig_.run_for(milliseconds(400));
  EXPECT_EQ(rig_.truth.size(), delivered) << "the device shot after its lease expired";
}

void FaultRun::check_link_loss_detected() {
  rig_.new_driver(driver_for(options_.seed + 1));
  ASSERT_TRUE(rig_.connect()) << "no fresh connection\n" << describe();
  rig_.run_for(milliseconds(100));  // a running session: heartbeats and STATUS both ways
  const auto losses = rig_.link_lost_at.size();
  const auto stuck_at = hal::SteadyClock::now();
  rig_.inject(sim::action::Stuck{milliseconds(600)});
  ASSERT_TRUE(rig_.run_until([&] { return rig_.link_lost_at.size() > losses; }, milliseconds(1000)))
      << "the driver never reported the link lost";
  const auto lost_at = rig_.link_lost_at[losses];
  // A.6: the host declares the link lost 250 ms after the last valid frame, and the last one arrived before
  // the device hung, so within 250 ms of the hang; 30 ms more are allowed for the event loop's dispatch
  // (timer wake-up, a loaded CI machine).
  EXPECT_LE(ms_since(stuck_at, lost_at), 250 + 30) << "link loss reported late";
  // ... and not before 250 ms have passed since the device's last bytes left its port.
  EXPECT_GE(ms_since(rig_.line_watch().last_device_bytes, lost_at), 249)
      << "link loss reported before 250 ms of silence";
}

std::string FaultRun::summary() const {
  std::map<hal::FireOutcome, int> by_outcome;
  for (const auto id : accepted_) {
    if (const auto it = rig_.outcomes.find(id); it != rig_.outcomes.end()) ++by_outcome[it->second];
  }
  std::size_t recovered_shots = 0;
  for (const auto& how : rig_.outcome_how) {
    if (how.second.find("found") != std::string::npos || how.second.find("recovered") != std::string::npos)
      ++recovered_shots;
  }
  const auto& line_out = rig_.gun->runner().core().outgoing_faults().counters();
  const auto& line_in = rig_.gun->runner().core().incoming_faults().counters();
  std::ostringstream out;
  out << name_of(options_.fault) << "_" << name_of(options_.phase) << ": " << rig_.truth.size() << " shots, "
      << accepted_.size() << " FIREs (" << by_outcome[hal::FireOutcome::delivered] << " delivered, "
      << by_outcome[hal::FireOutcome::not_delivered] << " not, " << by_outcome[hal::FireOutcome::unknown]
      << " unknown; " << recovered_shots << " settled from records), " << rig_.link_losses << " link losses, "
      << "line faults out/in: flips " << line_out.bitflips << "/" << line_in.bitflips << " drops "
      << line_out.drops << "/" << line_in.drops << " garbage " << line_out.garbage_bursts << "/"
      << line_in.garbage_bursts << " truncated " << line_out.truncations << "/" << line_in.truncations
      << " dups " << line_out.duplicates << "/" << line_in.duplicates << " delayed "
      << line_out.delayed_frames << "/" << line_in.delayed_frames;
  return out.str();
}

std::string FaultRun::describe() const {
  std::ostringstream out;
  out << "case " << name_of(options_.fault) << "_" << name_of(options_.phase) << " seed " << options_.seed
      << (options_.vary ? " (varied)" : "") << "\n";
  const auto now = hal::SteadyClock::now();
  out << "  injected " << (injected_ ? std::to_string(ms_since(started_at_, injected_at_)) + " ms" : "never")
      << " after start; now " << ms_since(started_at_, now) << " ms\n";
  if (rig_.driver) {
    out << "  driver " << hal::to_string(rig_.driver->state()) << "; ledger contiguous "
        << rig_.driver->ledger().contiguous() << " device " << rig_.driver->ledger().device_counter()
        << " outstanding " << rig_.driver->ledger().outstanding()
        << (rig_.driver->ledger().dosing_locked() ? " LOCKED" : "") << "\n";
    const auto& c = rig_.driver->link_counters();
    out << "  host link: sent " << c.frames_sent << " received " << c.frames_received << " crc "
        << c.crc_errors << " resyncs " << c.resyncs << " retransmits " << c.retransmits << " dups "
        << c.duplicates << " naks " << c.naks_sent << "/" << c.naks_received << " losses " << c.link_losses
        << "\n";
  }
  out << "  device " << protocols::to_name(rig_.gun->model().state()) << " counter "
      << rig_.gun->model().persistent().shot_counter << "; truth " << rig_.truth.size() << " shots, reported "
      << rig_.shots.size() << "; fires accepted " << accepted_.size() << ", outcomes " << rig_.outcomes.size()
      << "; link losses " << rig_.link_losses << "; ARMs " << rig_.line_watch().arms.size() << " for "
      << rig_.activations << " activations\n";
  out << "  states:";
  for (const auto& s : rig_.states)
    out << "\n    " << hal::to_string(s.state) << ": " << s.reason;
  if (!rig_.refusals.empty()) {
    out << "\n  refusals:";
    for (const auto& r : rig_.refusals)
      out << "\n    " << r;
  }
  return out.str();
}

}  // namespace meso::testing::fault
