#include "meso/sim/mesogun_model.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "meso/protocols/lease.hpp"
#include "meso/sim/seeding.hpp"

namespace meso::sim {

namespace mg = protocols::mesogun;

namespace {

double seconds(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

bool on_grid(std::uint32_t value, std::uint32_t min, std::uint32_t max, std::uint32_t step) {
  return value >= min && value <= max && (step == 0 || (value - min) % step == 0);
}

std::size_t index_of(mg::AlarmCode code) {
  return static_cast<std::size_t>(code) - 1;
}

}  // namespace

mg::AlarmPriority priority_of(mg::AlarmCode code) {
  switch (code) {
    case mg::AlarmCode::low_reservoir:
      return mg::AlarmPriority::medium;  // the operator has time to swap the syringe
    default:
      return mg::AlarmPriority::high;
  }
}

void PersistentState::remember(const mg::ShotRecord& record) {
  records.push_back(record);
  while (records.size() > kKeptRecords)
    records.pop_front();
}

const mg::ShotRecord* PersistentState::find(std::uint32_t command_id) const {
  if (command_id == 0) return nullptr;  // trigger shots
  const auto found = std::find_if(records.begin(), records.end(),
                                  [&](const mg::ShotRecord& r) { return r.command_id == command_id; });
  return found == records.end() ? nullptr : &*found;
}

MesogunModel::MesogunModel(MesogunModelConfig config, TimePoint now, PersistentState persistent)
    : config_(std::move(config)),
      persistent_(std::move(persistent)),
      rng_(static_cast<std::uint32_t>(derive_seed(config_.seed, kStreamDevice))),
      boot_time_(now),
      ready_at_(now),
      last_host_frame_(now),
      depth_from_(config_.capabilities.depth_min_um),
      depth_to_(config_.capabilities.depth_min_um),
      move_start_(now),
      move_end_(now),
      settled_at_(now),
      pressure_mbar_(config_.physics.pressure_baseline_mbar),
      power_on_(now),
      battery_pct_(config_.physics.battery_start_pct),
      last_physics_(now),
      next_status_(now + config_.status_period),
      reservoir_nl_(syringe_nl()) {
  ++persistent_.boot_count;
  boot_id_ = static_cast<std::uint32_t>(derive_seed(config_.seed, 1000 + persistent_.boot_count));
}

std::uint32_t MesogunModel::low_reservoir_nl() const {
  return static_cast<std::uint32_t>(syringe_nl() * config_.physics.low_reservoir_fraction);
}

// ---- the link's side: sessions, commands ----

void MesogunModel::on_session(const mg::Hello& hello, TimePoint now) {
  advance_physics(now);
  disarm();
  estopped_ = false;
  answer_hello(hello, now);
}

void MesogunModel::on_repeated_hello(const mg::Hello& hello, TimePoint now) {
  // The HELLO that started the session disarmed the device and cleared any emergency stop, and nothing has
  // come from the host since: the session goes on unchanged; only the answer is repeated (A.6).
  advance_physics(now);
  answer_hello(hello, now);
}

void MesogunModel::answer_hello(const mg::Hello& hello, TimePoint now) {
  // (A HELLO of a version below this device's never gets here: the link refuses it, A.6.)
  outgoing_.emplace_back(identity(hello.hello_nonce));
  send_status(now);  // the host learns the state, counters and alarms at once
}

void MesogunModel::on_host_frame(TimePoint now) {
  // The lease is judged against the previous frame first: a frame that ends a silence longer than the lease
  // finds the device disarmed, even when the lease's own timer has not run yet.
  check_lease(now);
  last_host_frame_ = now;
}

void MesogunModel::on_estop(TimePoint now) {
  advance_physics(now);
  estop(now);
  report(now);
}

void MesogunModel::on_message(const mg::Message& message, std::uint16_t seq, bool reliable, TimePoint now) {
  advance_physics(now);
  if (std::holds_alternative<mg::EStop>(message)) {
    estop(now);  // already stopped on receipt (on_estop); stopping again changes nothing
  } else if (reliable) {
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, mg::Configure> || std::is_same_v<M, mg::Arm> ||
                        std::is_same_v<M, mg::Fire>) {
            handle(m, seq, now);
          } else if constexpr (std::is_same_v<M, mg::Disarm>) {
            disarm();
          } else if constexpr (std::is_same_v<M, mg::QueryShots>) {
            handle(m);
          }
          // Device-to-host types from the host are only acknowledged (A.3); the link has done that.
        },
        message);
  }
  report(now);
}

void MesogunModel::on_refused(const mg::FrameHeader& header, mg::DecodeError error, TimePoint now) {
  advance_physics(now);
  const auto reason =
      error == mg::DecodeError::unknown_type ? mg::ErrorReason::unknown_type : mg::ErrorReason::bad_payload;
  outgoing_.emplace_back(mg::Error{header.seq, header.type, reason});
}

void MesogunModel::refuse(std::uint16_t seq, mg::MessageType type, mg::ErrorReason reason) {
  outgoing_.emplace_back(mg::Error{seq, static_cast<std::uint8_t>(type), reason});
}

void MesogunModel::handle(const mg::Configure& m, std::uint16_t seq, TimePoint now) {
  const auto& caps = config_.capabilities;
  const auto mode_bit = static_cast<unsigned>(1U << (static_cast<unsigned>(m.mode) - 1U));
  const bool single = m.mode == mg::FireMode::single;
  if (armed_ || busy_once_) {
    busy_once_ = false;
    return refuse(seq, mg::MessageType::configure, mg::ErrorReason::busy);
  }
  if ((caps.modes & mode_bit) == 0)
    return refuse(seq, mg::MessageType::configure, mg::ErrorReason::mode_unsupported);
  if (!on_grid(m.depth_um, caps.depth_min_um, caps.depth_max_um, caps.depth_step_um)) {
    return refuse(seq, mg::MessageType::configure, mg::ErrorReason::depth_out_of_range);
  }
  if (!on_grid(m.dose_nl, caps.dose_min_nl, caps.dose_max_nl, caps.dose_step_nl)) {
    return refuse(seq, mg::MessageType::configure, mg::ErrorReason::dose_out_of_range);
  }
  if (single ? m.rate_mhz != 0 : (m.rate_mhz == 0 || m.rate_mhz > caps.max_shot_rate_mhz)) {
    return refuse(seq, mg::MessageType::configure, mg::ErrorReason::rate_out_of_range);
  }
  configured_ = m;
  const double from = depth_actual(now);
  const double to = m.depth_um;
  if (std::abs(to - from) < 0.5 && settled(now)) return;
  depth_from_ = from;
  depth_to_ = to;
  move_start_ = now;
  const auto travel =
      std::chrono::duration<double, std::milli>(std::abs(to - from) / config_.physics.depth_speed_um_per_ms);
  move_end_ = now + std::chrono::duration_cast<TimePoint::duration>(travel);
  settled_at_ = move_end_ + config_.physics.depth_settle;
}

void MesogunModel::handle(const mg::Arm& m, std::uint16_t seq, TimePoint now) {
  const auto refuse_arm = [&](mg::ErrorReason reason) { refuse(seq, mg::MessageType::arm, reason); };
  if (estopped_) return refuse_arm(mg::ErrorReason::estopped);
  if (!protocols::lease_in_range(m.lease_ms)) return refuse_arm(mg::ErrorReason::lease_out_of_range);
  if (!configured_) return refuse_arm(mg::ErrorReason::not_configured);
  if (high_alarm_active()) return refuse_arm(mg::ErrorReason::alarm_active);
  if (reservoir_nl_ < configured_->dose_nl) return refuse_arm(mg::ErrorReason::reservoir_empty);
  armed_ = true;
  lease_ = milliseconds{m.lease_ms};
  last_host_frame_ = now;
}

void MesogunModel::handle(const mg::Fire& m, std::uint16_t seq, TimePoint now) {
  // Already executed (A.4): doing it again would double the dose. The original SHOT tells the host its
  // outcome; keyed by shot_counter, it records nothing twice.
  if (const auto* original = persistent_.find(m.command_id)) {
    outgoing_.emplace_back(mg::Shot{*original});
    return;
  }
  const auto refuse_fire = [&](mg::ErrorReason reason) { refuse(seq, mg::MessageType::fire, reason); };
  if (estopped_) return refuse_fire(mg::ErrorReason::estopped);
  if (high_alarm_active()) return refuse_fire(mg::ErrorReason::alarm_active);
  if (!armed_) return refuse_fire(mg::ErrorReason::not_armed);
  if (!settled(now)) return refuse_fire(mg::ErrorReason::busy);
  // Never faster than the device's maximum rate: too soon is `busy`, with no effect (A.4).
  const auto max_rate = config_.capabilities.max_shot_rate_mhz;
  if (last_shot_ && max_rate != 0 &&
      now - *last_shot_ < std::chrono::nanoseconds{1'000'000'000'000ULL / max_rate})
    return refuse_fire(mg::ErrorReason::busy);
  if (reservoir_nl_ < configured_->dose_nl) return refuse_fire(mg::ErrorReason::reservoir_empty);
  deliver_shot(m.command_id, now);
}

void MesogunModel::handle(const mg::QueryShots& m) {
  mg::ShotRecords answer;
  const auto& records = persistent_.records;
  answer.oldest_counter = records.empty() ? 0 : records.front().shot_counter;
  answer.latest_counter = persistent_.shot_counter;
  const std::size_t limit = std::min<std::size_t>(m.max_records, mg::kMaxShotRecords);
  for (const auto& record : records) {
    if (answer.records.size() >= limit) break;
    if (record.shot_counter >= m.from_counter) answer.records.push_back(record);
  }
  outgoing_.emplace_back(std::move(answer));
}

void MesogunModel::estop(TimePoint now) {
  disarm();
  estopped_ = true;
  pending_pulls_ = 0;
  // Motion stops where it is, so the configuration no longer describes the device: the host configures again.
  configured_.reset();
  depth_from_ = depth_to_ = depth_actual(now);
  move_start_ = move_end_ = settled_at_ = now;
}

void MesogunModel::disarm() {
  armed_ = false;
  next_auto_pull_.reset();
}

// ---- the clock's side ----

void MesogunModel::tick(TimePoint now) {
  advance_physics(now);
  if (booting(now)) return;
  check_lease(now);
  evaluate_alarms(now);
  run_trigger(now);
  if (now >= next_status_) send_status(now);
  report(now);
}

void MesogunModel::check_lease(TimePoint now) {
  if (armed_ && now - last_host_frame_ >= lease_) disarm();
}

void MesogunModel::advance_physics(TimePoint now) {
  if (now <= last_physics_) return;
  const double dt = seconds(last_physics_, now);
  const auto& physics = config_.physics;
  if (occluded_) {
    pressure_mbar_ =
        std::min(physics.pressure_max_mbar, pressure_mbar_ + physics.occlusion_ramp_mbar_per_s * dt);
  } else {
    const double tau = std::chrono::duration<double>(physics.pressure_relax).count();
    pressure_mbar_ = physics.pressure_baseline_mbar +
                     (pressure_mbar_ - physics.pressure_baseline_mbar) * std::exp(-dt / tau);
  }
  heat_dc_ *= std::exp(-dt / std::chrono::duration<double>(physics.heat_relax).count());
  const double minutes = seconds(power_on_, now) / 60.0;
  battery_pct_ = std::clamp(physics.battery_start_pct - physics.battery_pct_per_minute * minutes -
                                physics.battery_pct_per_shot * static_cast<double>(shots_since_power_on_),
                            0.0, 100.0);
  last_physics_ = now;
}

void MesogunModel::evaluate_alarms(TimePoint now) {
  const auto& physics = config_.physics;
  if (pressure_mbar_ >= physics.occlusion_alarm_mbar) {
    set_alarm(mg::AlarmCode::occlusion, true, now);
  } else if (!occluded_ && pressure_mbar_ < physics.occlusion_clear_mbar) {
    set_alarm(mg::AlarmCode::occlusion, false, now);
  }
  set_alarm(mg::AlarmCode::low_reservoir, reservoir_nl_ < low_reservoir_nl(), now);
  set_alarm(mg::AlarmCode::trigger_stuck, trigger_held_ && now - held_since_ >= physics.trigger_stuck_after,
            now);
}

void MesogunModel::set_alarm(mg::AlarmCode code, bool active, TimePoint now) {
  bool& slot = alarms_[index_of(code)];
  if (slot == active) return;
  slot = active;
  const auto priority = priority_of(code);
  outgoing_.emplace_back(mg::Alarm{code, priority, active, device_time_ms(now)});
  if (active && priority == mg::AlarmPriority::high) disarm();
}

bool MesogunModel::alarm_active(mg::AlarmCode code) const {
  return alarms_[index_of(code)];
}

bool MesogunModel::high_alarm_active() const {
  for (std::size_t i = 0; i < alarms_.size(); ++i) {
    if (alarms_[i] && priority_of(static_cast<mg::AlarmCode>(i + 1)) == mg::AlarmPriority::high) return true;
  }
  return false;
}

void MesogunModel::run_trigger(TimePoint now) {
  if (config_.auto_trigger_hz > 0 && armed_) {
    const auto period = std::chrono::duration_cast<TimePoint::duration>(
        std::chrono::duration<double>(1.0 / config_.auto_trigger_hz));
    if (!next_auto_pull_) {
      next_auto_pull_ = now + period;
    } else if (now >= *next_auto_pull_) {
      // A pull while the mechanism is still busy with the last one is lost, as a real finger's would be.
      if (pending_pulls_ == 0) pending_pulls_ = 1;
      *next_auto_pull_ += period;
      if (*next_auto_pull_ <= now) next_auto_pull_ = now + period;
    }
  }
  while (pending_pulls_ > 0) {
    if (!ready_to_fire(now)) {
      --pending_pulls_;  // a pull on a disarmed device does nothing
      continue;
    }
    if (now < next_shot_allowed_) break;
    --pending_pulls_;
    deliver_shot(0, now);
  }
  if (trigger_held_ && configured_ && configured_->mode != mg::FireMode::single && ready_to_fire(now) &&
      now >= next_shot_allowed_) {
    deliver_shot(0, now);
  }
}

bool MesogunModel::ready_to_fire(TimePoint now) const {
  return armed_ && !estopped_ && configured_ && !high_alarm_active() && settled(now) &&
         reservoir_nl_ >= configured_->dose_nl;
}

MesogunModel::Clock::duration MesogunModel::shot_interval() const {
  std::uint64_t rate_mhz = config_.capabilities.max_shot_rate_mhz;
  if (configured_ && configured_->mode != mg::FireMode::single && configured_->rate_mhz > 0) {
    rate_mhz = configured_->rate_mhz;
  }
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::nanoseconds{1'000'000'000'000ULL / rate_mhz});
}

void MesogunModel::deliver_shot(std::uint32_t command_id, TimePoint now) {
  const mg::Configure& set = *configured_;
  const double error =
      std::uniform_real_distribution<double>(-config_.physics.dose_error, config_.physics.dose_error)(rng_);
  double dose = set.dose_nl * (1.0 + error) * delivery_fraction_;
  if (occluded_) dose = 0.0;  // the plunger pushes against the blockage; nothing reaches the needle
  const auto delivered =
      std::min(reservoir_nl_, static_cast<std::uint32_t>(std::lround(std::max(dose, 0.0))));
  reservoir_nl_ -= delivered;
  pressure_mbar_ = std::min(config_.physics.pressure_max_mbar,
                            pressure_mbar_ + config_.physics.pressure_per_nl * set.dose_nl);
  heat_dc_ += config_.physics.heat_dc_per_shot;
  ++shots_since_power_on_;

  ++persistent_.shot_counter;
  const mg::ShotRecord record{persistent_.shot_counter, command_id,
                              static_cast<std::uint16_t>(std::lround(depth_actual(now))), delivered,
                              device_time_ms(now)};
  persistent_.remember(record);
  delivered_.push_back(record);
  outgoing_.emplace_back(mg::Shot{record});
  last_shot_ = now;
  next_shot_allowed_ = now + shot_interval();
  evaluate_alarms(now);
}

void MesogunModel::send_status(TimePoint now) {
  status_due_ = true;
  reported_state_ = state();
  next_status_ = now + config_.status_period;
}

void MesogunModel::report(TimePoint now) {
  if (!booting(now) && state() != reported_state_) send_status(now);  // STATUS at once on a change (A.4)
}

TimePoint MesogunModel::next_deadline() const {
  const TimePoint now = last_physics_;
  if (ready_at_ > now) return ready_at_;
  TimePoint deadline = next_status_;
  const auto consider = [&](TimePoint t) { deadline = std::min(deadline, std::max(t, now)); };
  if (armed_) consider(last_host_frame_ + lease_);
  if (settled_at_ > now) consider(settled_at_);
  if (pending_pulls_ > 0) consider(next_shot_allowed_);
  if (config_.auto_trigger_hz > 0 && armed_) consider(next_auto_pull_.value_or(now));
  if (trigger_held_) {
    if (!alarm_active(mg::AlarmCode::trigger_stuck))
      consider(held_since_ + config_.physics.trigger_stuck_after);
    if (configured_ && configured_->mode != mg::FireMode::single && ready_to_fire(now)) {
      consider(next_shot_allowed_);
    }
  }
  if ((occluded_ && pressure_mbar_ < config_.physics.pressure_max_mbar) ||
      alarm_active(mg::AlarmCode::occlusion)) {
    consider(now + config_.physics.physics_step);
  }
  return deadline;
}

std::vector<mg::Message> MesogunModel::take_outgoing() {
  if (status_due_) outgoing_.emplace_back(status(last_physics_));
  status_due_ = false;
  std::vector<mg::Message> out;
  out.swap(outgoing_);
  return out;
}

std::vector<mg::ShotRecord> MesogunModel::take_delivered() {
  std::vector<mg::ShotRecord> out;
  out.swap(delivered_);
  return out;
}

// ---- the physical world ----

void MesogunModel::pull_trigger(std::uint32_t count, TimePoint now) {
  advance_physics(now);
  pending_pulls_ += count;
}

void MesogunModel::set_trigger_stuck(bool stuck, TimePoint now) {
  advance_physics(now);
  if (stuck && !trigger_held_) {
    held_since_ = now;
    ++pending_pulls_;  // the press itself is a pull
  }
  trigger_held_ = stuck;
}

void MesogunModel::set_occluded(bool occluded, TimePoint now) {
  advance_physics(now);
  occluded_ = occluded;
}

void MesogunModel::set_reservoir(std::uint32_t reservoir_nl, TimePoint now) {
  advance_physics(now);
  reservoir_nl_ = std::min(reservoir_nl, syringe_nl());
}

void MesogunModel::refill(TimePoint now) {
  set_reservoir(syringe_nl(), now);
}

void MesogunModel::reboot(TimePoint now) {
  advance_physics(now);
  ++persistent_.boot_count;
  boot_id_ = static_cast<std::uint32_t>(derive_seed(config_.seed, 1000 + persistent_.boot_count));
  boot_time_ = now;
  ready_at_ = now + config_.physics.boot_time;
  disarm();
  configured_.reset();
  estopped_ = false;
  alarms_.fill(false);  // volatile; raised again from the hardware's state once booted
  pending_pulls_ = 0;
  held_since_ = ready_at_;
  depth_from_ = depth_to_ = depth_actual(now);
  move_start_ = move_end_ = settled_at_ = now;
  outgoing_.clear();  // whatever RAM held is gone
  status_due_ = false;
  reported_state_ = mg::DeviceState::idle;
  next_status_ = ready_at_;
}

// ---- observers ----

mg::DeviceState MesogunModel::state() const {
  if (estopped_) return mg::DeviceState::estopped;
  if (high_alarm_active()) return mg::DeviceState::fault;
  if (armed_) return mg::DeviceState::armed;
  if (configured_) return mg::DeviceState::configured;
  return mg::DeviceState::idle;
}

std::uint32_t MesogunModel::device_time_ms(TimePoint now) const {
  return static_cast<std::uint32_t>(std::chrono::duration_cast<milliseconds>(now - boot_time_).count());
}

double MesogunModel::depth_actual(TimePoint now) const {
  if (now >= move_end_) return depth_to_;
  if (now <= move_start_) return depth_from_;
  return depth_from_ +
         (depth_to_ - depth_from_) * seconds(move_start_, now) / seconds(move_start_, move_end_);
}

mg::Status MesogunModel::status(TimePoint now) const {
  mg::Status s;
  s.device_time_ms = device_time_ms(now);
  s.state = state();
  s.shot_counter = persistent_.shot_counter;
  s.reservoir_nl = reservoir_nl_;
  s.line_pressure_mbar = static_cast<std::uint16_t>(std::lround(std::clamp(pressure_mbar_, 0.0, 65535.0)));
  s.battery_pct = static_cast<std::uint8_t>(std::lround(battery_pct_));
  s.temperature_dc = static_cast<std::int16_t>(config_.physics.ambient_dc + std::lround(heat_dc_));
  s.depth_actual_um = static_cast<std::uint16_t>(std::lround(depth_actual(now)));
  s.trigger_pressed = trigger_held_;
  for (std::size_t i = 0; i < alarms_.size(); ++i) {
    if (alarms_[i]) s.active_alarms = static_cast<std::uint8_t>(s.active_alarms | (1U << i));
  }
  return s;
}

mg::Identity MesogunModel::identity(std::uint32_t hello_nonce) const {
  const auto& caps = config_.capabilities;
  mg::Identity id;
  id.hello_nonce = hello_nonce;
  id.protocol_version = mg::kProtocolVersion;
  id.model = config_.model;
  id.serial_number = config_.serial_number;
  id.firmware_major = config_.firmware[0];
  id.firmware_minor = config_.firmware[1];
  id.firmware_patch = config_.firmware[2];
  id.boot_id = boot_id_;
  id.shot_counter = persistent_.shot_counter;
  id.depth_min_um = caps.depth_min_um;
  id.depth_max_um = caps.depth_max_um;
  id.depth_step_um = caps.depth_step_um;
  id.dose_min_nl = caps.dose_min_nl;
  id.dose_max_nl = caps.dose_max_nl;
  id.dose_step_nl = caps.dose_step_nl;
  id.max_shot_rate_mhz = caps.max_shot_rate_mhz;
  id.syringe_volume_ul = caps.syringe_volume_ul;
  id.modes = caps.modes;
  id.simulated = true;  // always, whatever the configuration names it: a simulator never passes for real
  return id;
}

}  // namespace meso::sim
