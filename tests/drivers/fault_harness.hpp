// One run of the device-link fault matrix: a fault class injected in a phase of the treatment workflow,
// against the driver and the simulator in real time, and the checks every run must pass. Shared by the
// matrix (fault_matrix_test.cpp) and the soak (fault_soak_test.cpp).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sim_rig.hpp"

namespace meso::testing::fault {

enum class FaultClass : std::uint8_t {
  bitflip,  // the six line faults hit both directions
  drop,
  garbage,
  truncate,
  delay,
  dup,
  reboot,
  unplug,  // hang-up, then re-plug
  stuck,   // the device answers nothing
  occlusion,
  low_reservoir,
  under_delivery,
  stuck_trigger,
  // An ESTOP frame with a one-byte payload and a good CRC reaches the device (as sent by a host written from
  // the spec alone): the device must stop, and stay stopped until a person configures again (A.4).
  malformed_estop,
};
inline constexpr std::array kFaultClasses{
    FaultClass::bitflip,       FaultClass::drop,
    FaultClass::garbage,       FaultClass::truncate,
    FaultClass::delay,         FaultClass::dup,
    FaultClass::reboot,        FaultClass::unplug,
    FaultClass::stuck,         FaultClass::occlusion,
    FaultClass::low_reservoir, FaultClass::under_delivery,
    FaultClass::stuck_trigger, FaultClass::malformed_estop,
};

enum class Phase : std::uint8_t {
  idle,         // connected, nothing configured
  configuring,  // right after apply_settings: CONFIGURE in flight, the depth actuator moving
  armed,        // armed, no shot yet
  mid_shot,     // the host FIREs at the gun's rate and the trigger is pulled
  reconciling,  // after a forced link loss, while the driver recovers shot records
};
inline constexpr std::array kPhases{Phase::idle, Phase::configuring, Phase::armed, Phase::mid_shot,
                                    Phase::reconciling};

std::string_view name_of(FaultClass fault);
std::string_view name_of(Phase phase);
// FNV-1a of a case's name: each case has its own seed, the same at every run.
std::uint32_t seed_from(std::string_view name);

struct RunOptions {
  FaultClass fault = FaultClass::bitflip;
  Phase phase = Phase::idle;
  std::uint32_t seed = 1;
  // How long the workflow goes on with the fault in place.
  std::chrono::milliseconds workflow{1000};
  // Draw the fault's details (durations, offsets, fractions) from the seed instead of fixed values.
  bool vary = false;
};

class FaultRun {
 public:
  explicit FaultRun(const RunOptions& options);

  // Connect, reach the phase, inject the fault, keep the workflow going, clear the fault, let the driver
  // reconnect and reconcile; then check (1): the reported shots are the delivered ones, every accepted FIRE
  // has the outcome the device's log gives it, no shot outside a lease, and nothing re-armed by itself.
  void run_and_check_records();
  // (2) After a DISARM the device has acknowledged, trigger pulls deliver nothing.
  void check_disarm_stops_shots();
  // (3) Armed, then the host falls silent: the device is disarmed within 200 ms, and shoots no more.
  void check_silent_host_disarms();
  // (4) On a fresh connection the device hangs: the driver reports link loss within 250 ms.
  void check_link_loss_detected();

  std::string describe() const;
  // One line: what the run exercised (shots, FIREs and their outcomes, losses, line errors).
  std::string summary() const;
  std::size_t shots_checked() const { return rig_.truth.size(); }
  std::size_t fires_checked() const { return accepted_.size(); }
  MesogunSimRig& rig() { return rig_; }

 private:
  static sim::MesogunModelConfig device_config(Phase phase);
  void reach_phase();
  void inject_fault();
  void clear_fault();
  void work_for(std::chrono::milliseconds duration);
  void person_step();
  bool fire_now();
  bool recovered() const;
  void expect_fire_outcomes() const;
  bool loss_since_last_arm() const;
  std::optional<sim::ScenarioAction> fault_action() const;
  std::chrono::milliseconds pick(std::chrono::milliseconds fixed, int lo_ms, int hi_ms);

  RunOptions options_;
  std::mt19937 rng_;
  MesogunSimRig rig_;
  std::optional<sim::ScenarioAction> action_;  // the device or line action the fault is, if it is one
  std::size_t truth_at_injection_ = 0;
  bool injected_ = false;
  hal::TimePoint injected_at_{};
  hal::TimePoint started_at_{};

  // The person at the station.
  bool may_arm_ = false;  // idle and configuring phases go on to arm, once, never after a link loss
  bool settings_applied_ = false;
  bool armed_once_ = false;
  std::optional<hal::TimePoint> last_arm_;
  hal::TimePoint next_fire_{};
  hal::TimePoint next_pull_{};
  std::uint32_t next_id_ = 1;
  std::vector<std::uint32_t> accepted_;  // FIREs the driver accepted
};

}  // namespace meso::testing::fault
