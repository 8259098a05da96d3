// The simulated mesogun's application: what the device does with the commands its link delivers, and how
// its hardware behaves (syringe, line pressure, depth actuator, trigger, battery, temperature).
//
// Sans-I/O and deterministic: messages and the current time go in, messages to send come out; tick() at
// next_deadline() runs the clock-driven parts. The same seed and the same inputs give the same shots.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "meso/hal/mesogun_link.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/mesogun_messages.hpp"

namespace meso::sim {

using hal::TimePoint;
using std::chrono::milliseconds;

struct MesogunCapabilities {
  std::uint16_t depth_min_um = 500;
  std::uint16_t depth_max_um = 6000;
  std::uint16_t depth_step_um = 100;
  std::uint32_t dose_min_nl = 1000;
  std::uint32_t dose_max_nl = 100000;
  std::uint32_t dose_step_nl = 500;
  std::uint32_t max_shot_rate_mhz = 9000;  // about 9 shots/s (afme.org)
  std::uint32_t syringe_volume_ul = 10000;
  std::uint8_t modes = protocols::mesogun::kModeBitSingle | protocols::mesogun::kModeBitContinuous |
                       protocols::mesogun::kModeBitNappage;
};

// How the simulated hardware behaves. Working defaults chosen to look plausible, not measured figures.
struct MesogunPhysics {
  double dose_error = 0.02;  // delivered = set dose x (1 + uniform(-dose_error, +dose_error))
  double depth_speed_um_per_ms = 10.0;
  milliseconds depth_settle{20};  // after the actuator stops moving
  double pressure_baseline_mbar = 120.0;
  double pressure_per_nl = 0.005;    // a shot's pressure pulse per nanolitre pushed
  milliseconds pressure_relax{150};  // time constant of the pulse's decay
  double occlusion_ramp_mbar_per_s = 4000.0;
  double pressure_max_mbar = 4000.0;
  double occlusion_alarm_mbar = 1500.0;
  double occlusion_clear_mbar = 800.0;
  double low_reservoir_fraction = 0.10;  // of the syringe: the low_reservoir alarm
  milliseconds trigger_stuck_after{2000};
  double battery_start_pct = 100.0;
  double battery_pct_per_shot = 0.002;
  double battery_pct_per_minute = 0.05;
  std::int16_t ambient_dc = 240;
  double heat_dc_per_shot = 0.5;
  milliseconds heat_relax{60000};
  milliseconds boot_time{300};    // a rebooted device says nothing for this long
  milliseconds physics_step{10};  // tick period while pressure is changing
};

struct MesogunModelConfig {
  // A name for people; the identity's simulated bit, always set, is what marks a simulator.
  std::string model = "MesoGun SIM";
  std::string serial_number = "SIM-MG-000001";
  std::array<std::uint8_t, 3> firmware{1, 0, 0};
  MesogunCapabilities capabilities;
  MesogunPhysics physics;
  milliseconds status_period{100};
  double auto_trigger_hz = 0.0;  // trigger pulls per second while armed, for headless runs; 0 = none
  std::uint32_t seed = 1;
};

// What the device keeps in non-volatile memory: it survives a reboot.
struct PersistentState {
  static constexpr std::size_t kKeptRecords = 256;
  std::uint32_t shot_counter = 0;
  std::deque<protocols::mesogun::ShotRecord> records;  // the last kKeptRecords shots, oldest first
  std::uint32_t boot_count = 0;

  void remember(const protocols::mesogun::ShotRecord& record);
  // The kept shot of a FIRE's command id: such a FIRE is never executed again; its SHOT is sent again.
  const protocols::mesogun::ShotRecord* find(std::uint32_t command_id) const;
};

class MesogunModel {
 public:
  MesogunModel(MesogunModelConfig config, TimePoint now, PersistentState persistent = {});

  // A HELLO started a link session.
  void on_session(const protocols::mesogun::Hello& hello, TimePoint now);
  // A repeat of the HELLO that started the current session (A.6): answered again, nothing else changes.
  void on_repeated_hello(const protocols::mesogun::Hello& hello, TimePoint now);
  // A message the link delivered. `seq` is the seq it came with when reliable (ERROR names it).
  void on_message(const protocols::mesogun::Message& message, std::uint16_t seq, bool reliable,
                  TimePoint now);
  // A reliable frame in sequence whose content the codec refused.
  void on_refused(const protocols::mesogun::FrameHeader& header, protocols::mesogun::DecodeError error,
                  TimePoint now);
  // Any valid frame from the host: renews the arm lease.
  void on_host_frame(TimePoint now);
  // A frame with a good CRC and the ESTOP type byte, acted on before anything else about it is checked.
  void on_estop(TimePoint now);

  void tick(TimePoint now);
  TimePoint next_deadline() const;

  // STATUS is built here, after every command delivered so far has been applied, so a STATUS never
  // describes the device as of an earlier command than its ack acknowledges (A.5).
  std::vector<protocols::mesogun::Message> take_outgoing();
  // Shots delivered since the last call: the ground truth, whether or not the host ever hears of them.
  std::vector<protocols::mesogun::ShotRecord> take_delivered();

  // The physical world, for scenarios and tests.
  void pull_trigger(std::uint32_t count, TimePoint now);
  void set_trigger_stuck(bool stuck, TimePoint now);
  void set_occluded(bool occluded, TimePoint now);
  void set_reservoir(std::uint32_t reservoir_nl, TimePoint now);
  void refill(TimePoint now);
  void set_delivery_fraction(double fraction) { delivery_fraction_ = fraction; }
  void refuse_next_configure_busy() { busy_once_ = true; }
  // Power cycle: a new boot_id, disarmed, unconfigured, alarms re-evaluated; PersistentState kept.
  void reboot(TimePoint now);

  bool booting(TimePoint now) const { return now < ready_at_; }
  protocols::mesogun::DeviceState state() const;
  protocols::mesogun::Status status(TimePoint now) const;
  protocols::mesogun::Identity identity(std::uint32_t hello_nonce) const;
  const PersistentState& persistent() const { return persistent_; }
  std::uint32_t boot_id() const { return boot_id_; }
  std::uint32_t reservoir_nl() const { return reservoir_nl_; }
  double line_pressure_mbar() const { return pressure_mbar_; }
  bool alarm_active(protocols::mesogun::AlarmCode code) const;
  const MesogunModelConfig& config() const { return config_; }
  std::uint32_t syringe_nl() const { return config_.capabilities.syringe_volume_ul * 1000U; }
  std::uint32_t low_reservoir_nl() const;  // the low_reservoir alarm is active below this

 private:
  using Clock = std::chrono::steady_clock;

  void handle(const protocols::mesogun::Configure& m, std::uint16_t seq, TimePoint now);
  void handle(const protocols::mesogun::Arm& m, std::uint16_t seq, TimePoint now);
  void handle(const protocols::mesogun::Fire& m, std::uint16_t seq, TimePoint now);
  void handle(const protocols::mesogun::QueryShots& m);
  void estop(TimePoint now);
  void answer_hello(const protocols::mesogun::Hello& hello, TimePoint now);
  void refuse(std::uint16_t seq, protocols::mesogun::MessageType type,
              protocols::mesogun::ErrorReason reason);

  void send_status(TimePoint now);
  void advance_physics(TimePoint now);
  void evaluate_alarms(TimePoint now);
  void set_alarm(protocols::mesogun::AlarmCode code, bool active, TimePoint now);
  bool high_alarm_active() const;
  void check_lease(TimePoint now);
  void run_trigger(TimePoint now);
  bool ready_to_fire(TimePoint now) const;
  void deliver_shot(std::uint32_t command_id, TimePoint now);
  Clock::duration shot_interval() const;
  void disarm();
  void report(TimePoint now);

  std::uint32_t device_time_ms(TimePoint now) const;
  double depth_actual(TimePoint now) const;
  bool settled(TimePoint now) const { return now >= settled_at_; }

  MesogunModelConfig config_;
  PersistentState persistent_;
  std::mt19937 rng_;
  std::optional<protocols::mesogun::Configure> configured_;
  std::optional<TimePoint> next_auto_pull_;

  TimePoint boot_time_;
  TimePoint ready_at_;
  TimePoint last_host_frame_;
  milliseconds lease_{0};

  // The depth actuator moves linearly from depth_from_ to depth_to_, then settles.
  double depth_from_;
  double depth_to_;
  TimePoint move_start_;
  TimePoint move_end_;
  TimePoint settled_at_;

  double pressure_mbar_;
  double delivery_fraction_ = 1.0;
  TimePoint held_since_{};
  TimePoint next_shot_allowed_{};
  std::optional<TimePoint> last_shot_;  // of any kind: FIRE is refused (busy) sooner than the maximum rate

  TimePoint power_on_;
  std::uint64_t shots_since_power_on_ = 0;
  double heat_dc_ = 0.0;
  double battery_pct_;

  TimePoint last_physics_;
  TimePoint next_status_;
  std::uint32_t boot_id_ = 0;
  std::uint32_t reservoir_nl_;
  std::uint32_t pending_pulls_ = 0;
  std::array<bool, 8> alarms_{};  // by alarm code
  bool armed_ = false;
  bool busy_once_ = false;  // scenario: the next CONFIGURE is refused `busy`
  bool estopped_ = false;
  bool occluded_ = false;
  bool trigger_held_ = false;
  bool status_due_ = false;
  protocols::mesogun::DeviceState reported_state_ = protocols::mesogun::DeviceState::idle;

  std::vector<protocols::mesogun::Message> outgoing_;
  std::vector<protocols::mesogun::ShotRecord> delivered_;
};

protocols::mesogun::AlarmPriority priority_of(protocols::mesogun::AlarmCode code);

}  // namespace meso::sim
