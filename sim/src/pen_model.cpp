#include "meso/sim/pen_model.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "meso/protocols/lease.hpp"

namespace meso::sim {

namespace pen = protocols::pen;

namespace {

std::size_t index_of(pen::AlarmCode code) {
  return static_cast<std::size_t>(code);
}

}  // namespace

pen::AlarmPriority priority_of(pen::AlarmCode code) {
  return code == pen::AlarmCode::low_battery ? pen::AlarmPriority::low : pen::AlarmPriority::high;
}

PenModel::PenModel(PenModelConfig config, TimePoint now)
    : config_(std::move(config)),
      power_on_(now),
      ready_at_(now),
      depth_um_(config_.depth_um),
      speed_sps_(config_.speed_sps),
      last_host_sentence_(now),
      battery_pct_(config_.physics.battery_start_pct),
      last_advance_(now) {}

void PenModel::on_sentence(const pen::Message& message, TimePoint now) {
  advance(now);
  last_host_sentence_ = now;
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, pen::Identify>) {
          outgoing_.emplace_back(identity());
        } else if constexpr (std::is_same_v<M, pen::SetDepth> || std::is_same_v<M, pen::SetSpeed>) {
          handle(m);
        } else if constexpr (std::is_same_v<M, pen::Start>) {
          handle(m, now);
        } else if constexpr (std::is_same_v<M, pen::Stop>) {
          stop();
          outgoing_.emplace_back(pen::Ack{pen::Kind::stop});
        } else if constexpr (std::is_same_v<M, pen::StatusQuery>) {
          outgoing_.emplace_back(status(now));
        }
        // Pen-to-host kinds from the host mean nothing to a pen.
      },
      message);
}

void PenModel::on_malformed(pen::Kind command, TimePoint now) {
  advance(now);
  last_host_sentence_ = now;
  if (pen::is_host_command(command)) outgoing_.emplace_back(pen::Nak{command, pen::NakReason::syntax});
}

void PenModel::handle(const pen::SetDepth& m) {
  const auto& caps = config_.capabilities;
  const bool on_grid =
      m.depth_um >= caps.depth_min_um && m.depth_um <= caps.depth_max_um &&
      (caps.depth_step_um == 0 || (m.depth_um - caps.depth_min_um) % caps.depth_step_um == 0);
  if (!on_grid) {
    outgoing_.emplace_back(pen::Nak{pen::Kind::set_depth, pen::NakReason::range});
  } else if (running_) {
    outgoing_.emplace_back(pen::Nak{pen::Kind::set_depth, pen::NakReason::state});
  } else {
    depth_um_ = m.depth_um;
    outgoing_.emplace_back(pen::Ack{pen::Kind::set_depth});
  }
}

void PenModel::handle(const pen::SetSpeed& m) {
  const auto& caps = config_.capabilities;
  if (m.speed_sps < caps.speed_min_sps || m.speed_sps > caps.speed_max_sps) {
    outgoing_.emplace_back(pen::Nak{pen::Kind::set_speed, pen::NakReason::range});
  } else if (running_) {
    outgoing_.emplace_back(pen::Nak{pen::Kind::set_speed, pen::NakReason::state});
  } else {
    speed_sps_ = m.speed_sps;
    outgoing_.emplace_back(pen::Ack{pen::Kind::set_speed});
  }
}

void PenModel::handle(const pen::Start& m, TimePoint now) {
  if (!protocols::lease_in_range(m.lease_ms)) {
    outgoing_.emplace_back(pen::Nak{pen::Kind::start, pen::NakReason::lease});
  } else if (high_alarm_active()) {
    outgoing_.emplace_back(pen::Nak{pen::Kind::start, pen::NakReason::alarm});
  } else {
    running_ = true;  // or renewed, when already running
    lease_ = milliseconds{m.lease_ms};
    last_host_sentence_ = now;
    outgoing_.emplace_back(pen::Ack{pen::Kind::start});
  }
}

void PenModel::stop() {
  running_ = false;
}

void PenModel::advance(TimePoint now) {
  if (now <= last_advance_) return;
  // The motor runs until the lease's end at the latest, even when the tick comes a little later.
  TimePoint motor_until = now;
  if (running_) motor_until = std::min(now, last_host_sentence_ + lease_);
  if (running_ && motor_until > last_advance_) {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(motor_until - last_advance_).count();
    stamp_microseconds_ += static_cast<std::uint64_t>(us) * speed_sps_;
    running_seconds_ += static_cast<double>(us) / 1e6;
    heat_dc_ += config_.physics.heat_dc_per_running_second * static_cast<double>(us) / 1e6;
  }
  const double dt = std::chrono::duration<double>(now - last_advance_).count();
  heat_dc_ *= std::exp(-dt / std::chrono::duration<double>(config_.physics.heat_relax).count());
  const double minutes = std::chrono::duration<double>(now - power_on_).count() / 60.0;
  const double running_minutes = running_seconds_ / 60.0;
  battery_pct_ = std::clamp(config_.physics.battery_start_pct -
                                config_.physics.battery_pct_per_idle_minute * (minutes - running_minutes) -
                                config_.physics.battery_pct_per_running_minute * running_minutes,
                            0.0, 100.0);
  last_advance_ = now;
  if (running_ && now - last_host_sentence_ >= lease_) stop();  // the host fell silent: stop, never restart
}

void PenModel::tick(TimePoint now) {
  advance(now);
  if (booting(now)) return;
  set_alarm(pen::AlarmCode::low_battery, battery_pct_ < config_.physics.low_battery_pct, now);
}

TimePoint PenModel::next_deadline() const {
  if (ready_at_ > last_advance_) return ready_at_;
  if (running_) return last_host_sentence_ + lease_;
  // Otherwise only the battery changes, slowly: a look once a second is plenty.
  return last_advance_ + std::chrono::seconds{1};
}

void PenModel::set_alarm(pen::AlarmCode code, bool active, TimePoint now) {
  advance(now);
  bool& slot = alarms_[index_of(code)];
  if (slot == active) return;
  slot = active;
  const auto priority = priority_of(code);
  outgoing_.emplace_back(pen::Alarm{code, priority, active});
  if (active && priority == pen::AlarmPriority::high) stop();
}

bool PenModel::high_alarm_active() const {
  for (std::size_t i = 0; i < alarms_.size(); ++i) {
    if (alarms_[i] && priority_of(static_cast<pen::AlarmCode>(i)) == pen::AlarmPriority::high) return true;
  }
  return false;
}

void PenModel::reboot(TimePoint now) {
  advance(now);
  stop();
  stamp_microseconds_ = 0;  // stamps_total counts since power-on (B.3)
  alarms_.fill(false);
  depth_um_ = config_.depth_um;
  speed_sps_ = config_.speed_sps;
  ready_at_ = now + config_.physics.boot_time;
  outgoing_.clear();
}

std::vector<pen::Message> PenModel::take_outgoing() {
  std::vector<pen::Message> out;
  out.swap(outgoing_);
  return out;
}

pen::PenState PenModel::state() const {
  if (high_alarm_active()) return pen::PenState::fault;
  return running_ ? pen::PenState::running : pen::PenState::idle;
}

pen::Status PenModel::status(TimePoint now) const {
  pen::Status s;
  s.state = state();
  s.depth_um = depth_um_;
  s.speed_sps = speed_sps_;
  s.stamps_total = stamps_total();
  s.battery_pct = static_cast<std::uint8_t>(std::lround(battery_pct_));
  s.temperature_dc = static_cast<std::int16_t>(config_.physics.ambient_dc + std::lround(heat_dc_));
  if (running_) {
    const auto left = std::chrono::duration_cast<milliseconds>(last_host_sentence_ + lease_ - now).count();
    s.lease_left_ms = static_cast<std::uint16_t>(std::clamp<long long>(left, 0, 65535));
  }
  return s;
}

pen::Identity PenModel::identity() const {
  const auto& caps = config_.capabilities;
  // simulated: always, whatever the configuration names it: a simulator never passes for real.
  return pen::Identity{
      config_.model,     config_.firmware,   config_.serial_number, pen::kProtocolVersion, caps.depth_min_um,
      caps.depth_max_um, caps.depth_step_um, caps.speed_min_sps,    caps.speed_max_sps,    true};
}

}  // namespace meso::sim
