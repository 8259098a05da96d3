// The simulated microneedling pen: depth, motor speed, stamps counted at speed x time, the run lease,
// battery, temperature and alarms (docs/protocol.md B.4). Sans-I/O and deterministic, as MesogunModel.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "meso/hal/mesogun_link.hpp"
#include "meso/protocols/pen_messages.hpp"

namespace meso::sim {

using hal::TimePoint;
using std::chrono::milliseconds;

struct PenCapabilities {
  std::uint16_t depth_min_um = 250;
  std::uint16_t depth_max_um = 2500;
  std::uint16_t depth_step_um = 250;
  std::uint16_t speed_min_sps = 50;
  std::uint16_t speed_max_sps = 150;
};

// Working defaults, chosen to look plausible.
struct PenPhysics {
  double battery_start_pct = 100.0;
  double battery_pct_per_running_minute = 0.5;
  double battery_pct_per_idle_minute = 0.02;
  double low_battery_pct = 15.0;
  std::int16_t ambient_dc = 240;
  double heat_dc_per_running_second = 0.2;
  milliseconds heat_relax{120000};
  milliseconds boot_time{300};
};

struct PenModelConfig {
  // A name for people; the identity's simulated field, always set, is what marks a simulator.
  std::string model = "MesoPen SIM";
  std::string firmware = "1.0.0";
  std::string serial_number = "SIM-PEN-000001";
  PenCapabilities capabilities;
  PenPhysics physics;
  std::uint16_t depth_um = 500;   // at power-on
  std::uint16_t speed_sps = 100;  // at power-on
};

class PenModel {
 public:
  PenModel(PenModelConfig config, TimePoint now);

  // A sentence from the host with a good checksum: renews the run lease; commands are answered.
  void on_sentence(const protocols::pen::Message& message, TimePoint now);
  // A host command whose checksum was good but whose fields were not: NAK SYNTAX.
  void on_malformed(protocols::pen::Kind command, TimePoint now);

  void tick(TimePoint now);
  TimePoint next_deadline() const;
  std::vector<protocols::pen::Message> take_outgoing();

  // The physical world.
  void set_alarm(protocols::pen::AlarmCode code, bool active, TimePoint now);
  void reboot(TimePoint now);

  bool booting(TimePoint now) const { return now < ready_at_; }
  protocols::pen::PenState state() const;
  protocols::pen::Status status(TimePoint now) const;
  protocols::pen::Identity identity() const;
  std::uint32_t stamps_total() const { return static_cast<std::uint32_t>(stamp_microseconds_ / 1'000'000U); }
  bool running() const { return running_; }
  const PenModelConfig& config() const { return config_; }

 private:
  void handle(const protocols::pen::SetDepth& m);
  void handle(const protocols::pen::SetSpeed& m);
  void handle(const protocols::pen::Start& m, TimePoint now);
  void advance(TimePoint now);
  void stop();
  bool high_alarm_active() const;

  PenModelConfig config_;
  TimePoint power_on_;
  TimePoint ready_at_;
  std::uint16_t depth_um_;
  std::uint16_t speed_sps_;
  bool running_ = false;
  milliseconds lease_{0};
  TimePoint last_host_sentence_;
  std::uint64_t stamp_microseconds_ = 0;  // stamps x 1e6: speed x elapsed microseconds, exact
  double running_seconds_ = 0.0;
  double heat_dc_ = 0.0;
  double battery_pct_;
  std::array<bool, 5> alarms_{};  // by AlarmCode
  TimePoint last_advance_;
  std::vector<protocols::pen::Message> outgoing_;
};

protocols::pen::AlarmPriority priority_of(protocols::pen::AlarmCode code);

}  // namespace meso::sim
