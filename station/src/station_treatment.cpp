// Treatment: arming, host-commanded fires with write-ahead intent, trigger shots, dose accounting against the
// cap, device events, E-STOP, uncertainty and attestation. The station's second layer of limits lives here.
#include <algorithm>

#include "meso/station/station.hpp"

namespace meso::station {
namespace {

std::string kind_name(hal::DeviceKind k) {
  return k == hal::DeviceKind::mesogun ? "mesogun" : "pen";
}

std::string comma_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Why a device may not treat a real patient; empty when it may. The simulated flag is the device's own
// claim, so the paired serial numbers are the station's check of who is on the line (when it names any).
std::string untrusted_for_real(hal::DeviceKind kind, const std::optional<hal::DeviceIdentity>& id,
                               const std::vector<std::string>& paired) {
  const auto name = kind_name(kind);
  if (!id)
    return "the " + name +
           " has not identified itself yet, so the station cannot tell a real device from a simulator: "
           "connect it and wait until it is identified, then arm again";
  const auto who = "the " + name + " " + id->model + " (serial " + id->serial_number + ")";
  if (id->simulated)
    return who + " says it is a simulator and cannot treat a real patient: connect the station's paired " +
           name + ", or treat in a test-tagged session";
  if (!paired.empty() && std::find(paired.begin(), paired.end(), id->serial_number) == paired.end())
    return who + " is not paired with this station (paired: " + comma_list(paired) + "): connect a paired " +
           name + ", or have an administrator add its serial number to the configuration's paired devices";
  return {};
}

}  // namespace

const PlanStep* Station::current_step() const {
  if (!snap_.plan || snap_.step >= snap_.plan->steps.size()) return nullptr;
  return &snap_.plan->steps[snap_.step];
}

hal::Device* Station::step_device() {
  const auto* step = current_step();
  return step == nullptr ? nullptr : device(step->device());
}

std::uint64_t Station::committed_nl() const {
  // What may already be in the patient: delivered, plus every fire without an outcome counted as delivered.
  std::uint64_t total = snap_.delivered_nl;
  for (const auto& [id, fire] : pending_)
    total += fire.dose_nl;
  return total;
}

std::string Station::arm_blockers() const {
  if (snap_.state != SessionState::treating)
    return "arming needs the treating state (now " + std::string(to_string(snap_.state)) + ")";
  if (!journal_error_.empty()) return "the journal cannot record: " + journal_error_;
  const auto* step = current_step();
  if (step == nullptr) return "no plan step to treat";
  // Again at arm: an admin may have retired the lot since the plan was accepted (a recall).
  if (auto lot = lot_error(config_.catalog, snap_.plan->product, snap_.plan->lot, config_.today(),
                           snap_.plan->planned_volume_nl());
      !lot.empty())
    return lot;
  // The plan was validated when set; the limits are checked again here (second layer).
  if (auto problems = validate(*snap_.plan, config_.limits); !problems.empty()) return problems.front();
  const auto it = devices_.find(step->device());
  if (it == devices_.end()) return "no " + kind_name(step->device()) + " is connected to the station";
  // Before the state: a real patient waits for no device that could never treat them. Test and demo
  // sessions may use simulated and unpaired devices.
  if (snap_.tag == Tag::real)
    if (auto why = untrusted_for_real(step->device(), it->second->identity(), config_.paired_devices);
        !why.empty())
      return why;
  const auto state = it->second->state();
  if (state != hal::DeviceState::configured)
    return "the " + kind_name(step->device()) + " is " + std::string(to_string(state)) + ", not ready to arm";
  for (const auto& [id, fire] : pending_)
    if (fire.uncertain)
      return "fire " + std::to_string(id) + " has an unknown outcome: reconcile or attest first";
  if (alarms_.has_unacknowledged(AlarmPriority::high)) return "a high-priority alarm is not acknowledged";
  if (alarms_.highest_active() == AlarmPriority::high) return "a high-priority alarm is still active";
  if (step->device() == hal::DeviceKind::mesogun) {
    if (snap_.next_point >= step->points.size()) return "every point of this step is done";
    if (committed_nl() + step->dose_nl > snap_.plan->session_cap_nl)
      return "one more dose would exceed the session cap of " + std::to_string(snap_.plan->session_cap_nl) +
             " nl";
  }
  return {};
}

std::string Station::fire_blockers() const {
  if (!snap_.session_open) return {};
  if (!journal_error_.empty()) return "the journal cannot record: " + journal_error_;
  for (const auto& [id, fire] : pending_)
    if (fire.uncertain)
      return "fire " + std::to_string(id) + " has an unknown outcome: reconcile or attest first";
  return {};
}

Outcome Station::start_treatment() {
  if (snap_.state != SessionState::ready)
    return refuse("start_treatment", "treatment starts from ready (plan accepted), not from " +
                                         std::string(to_string(snap_.state)));
  start_guidance();
  return transition(SessionState::treating, "treatment started");
}

Outcome Station::arm() {
  if (auto why = arm_blockers(); !why.empty()) return refuse("arm", why);
  const auto& step = *current_step();
  auto* dev = step_device();
  dev->set_limits(device_limits_for(step, config_.limits));
  if (auto r = dev->apply_settings(device_settings_for(step)); !r.ok())
    return refuse("arm", "the " + kind_name(step.device()) + " driver refused the settings: " + r.detail);
  if (auto r = dev->activate(); !r.ok())
    return refuse("arm", "the " + kind_name(step.device()) + " driver refused to arm: " + r.detail);
  snap_.armed = true;
  journal("device.armed", {{"device", kind_name(step.device())},
                           {"step", snap_.step},
                           {"depth_um", step.depth_um},
                           {"dose_nl", step.dose_nl},
                           {"speed_sps", step.speed_sps}});
  publish("armed");
  return Outcome::accepted();
}

Outcome Station::disarm(const std::string& reason) {
  // Disarmed here first: a driver that stops at once (the pen) reports its state change from inside
  // deactivate(), which must not read as the device disarming itself and take the place of this reason.
  const bool was = snap_.armed;
  snap_.armed = false;
  for (auto& [kind, device] : devices_)
    device->deactivate();
  if (was) journal("device.disarmed", {{"reason", reason}});
  publish("disarmed: " + reason);
  return Outcome::accepted();
}

Outcome Station::fire_next() {
  const auto* step = current_step();
  if (snap_.state != SessionState::treating) return refuse("fire", "fire only while treating");
  if (step == nullptr || step->device() != hal::DeviceKind::mesogun)
    return refuse("fire", "the current step is not a mesotherapy step");
  if (auto why = fire_blockers(); !why.empty()) return refuse("fire", why);
  if (!pending_.empty()) return refuse("fire", "the last fire has no answer yet: wait for it");
  if (!snap_.armed) return refuse("fire", "the device is not armed");
  if (snap_.next_point >= step->points.size()) return refuse("fire", "every point of this step is done");
  if (committed_nl() + step->dose_nl > snap_.plan->session_cap_nl)
    return refuse("fire", "one more dose would exceed the session cap of " +
                              std::to_string(snap_.plan->session_cap_nl) + " nl");
  // The device's own shot rate, checked here too so that a fire the driver would refuse writes no intent.
  const auto now = hal::SteadyClock::now();
  if (const auto* gun = device(hal::DeviceKind::mesogun);
      gun != nullptr && gun->identity() && last_fire_at_) {
    const auto& id = gun->identity();
    const auto rate_mhz = id->capabilities.max_shot_rate_mhz;
    if (rate_mhz != 0 && now - *last_fire_at_ < std::chrono::microseconds(1'000'000'000ULL / rate_mhz))
      return refuse("fire", "too soon after the last fire: the device takes at most " +
                                std::to_string(rate_mhz / 1000) + " shots/s");
  }
  const auto id = next_command_id_++;
  pending_[id] = PendingFire{snap_.step, snap_.next_point, step->dose_nl, false, false};
  // The intent is durable before the first byte goes out; the checks run again when it is.
  journal("fire.intent",
          {{"command_id", id},
           {"step", snap_.step},
           {"point", snap_.next_point},
           {"dose_nl", step->dose_nl},
           {"depth_um", step->depth_um}},
          [this, id](const std::string& error) {
            if (error.empty()) send_fire(id);
          });
  publish("fire " + std::to_string(id) + " intent written");
  return Outcome::accepted();
}

void Station::send_fire(std::uint32_t command_id) {
  const auto it = pending_.find(command_id);
  if (it == pending_.end()) return;
  // Anything may have happened while the intent was being written (an E-STOP, a disarm, a link loss).
  std::string why = fire_blockers();
  if (why.empty() && !snap_.armed) why = "the device was disarmed before the fire went out";
  auto* dev = device(hal::DeviceKind::mesogun);
  if (why.empty() && dev == nullptr) why = "no mesogun";
  if (why.empty() && dev != nullptr) {
    const auto r = dev->fire(command_id);
    if (r.ok()) {
      it->second.sent = true;
      last_fire_at_ = hal::SteadyClock::now();
      publish();
      return;
    }
    why = "the driver refused: " + r.detail;
  }
  // Never sent: its outcome is certain (not delivered).
  pending_.erase(it);
  journal("fire.resolved",
          {{"command_id", command_id}, {"outcome", "not_delivered"}, {"how", "not sent: " + why}});
  publish("fire " + std::to_string(command_id) + " not sent: " + why);
}

Outcome Station::next_step() {
  if (snap_.state != SessionState::treating && snap_.state != SessionState::paused)
    return refuse("next_step", "steps change during treatment");
  if (!snap_.plan || snap_.step + 1 >= snap_.plan->steps.size())
    return refuse("next_step", "this is the last step");
  if (!pending_.empty()) return refuse("next_step", "a fire has no outcome yet");
  disarm("next step");
  ++snap_.step;
  snap_.next_point = 0;
  snap_.points_done.assign(current_step()->points.size(), false);
  start_guidance();
  journal("plan.step", {{"step", snap_.step}, {"name", current_step()->name}});
  publish("step " + std::to_string(snap_.step + 1) + ": " + current_step()->name);
  return Outcome::accepted();
}

Outcome Station::pause(const std::string& reason) {
  if (snap_.state != SessionState::treating) return refuse("pause", "only treatment can be paused");
  for (auto& [kind, device] : devices_)
    device->deactivate();
  snap_.armed = false;
  return transition(SessionState::paused, reason.empty() ? "paused" : reason);
}

Outcome Station::resume() {
  if (snap_.state != SessionState::paused) return refuse("resume", "nothing is paused");
  // Resuming returns to treating, disarmed: arming again is a person's separate act.
  return transition(SessionState::treating, "resumed (disarmed: arm to continue)");
}

void Station::estop(const std::string& source) {
  // Disarm first, journal second: nothing may wait on the disk.
  estopping_ = true;
  for (auto& [kind, device] : devices_)
    device->estop();
  estopping_ = false;
  snap_.armed = false;
  raise_alarm("estop", AlarmPriority::high, AlarmCategory::technical, "emergency stop from " + source);
  journal("estop", {{"source", source}, {"state", to_string(snap_.state)}});
  if (snap_.state == SessionState::treating) transition(SessionState::paused, "emergency stop");
  publish("E-STOP");
}

Outcome Station::acknowledge_alarm(std::uint32_t alarm_id) {
  const auto it = std::find_if(alarms_.entries().begin(), alarms_.entries().end(),
                               [&](const auto& e) { return e.id == alarm_id; });
  if (it == alarms_.entries().end()) return Outcome::refused("no alarm " + std::to_string(alarm_id));
  journal("alarm.acknowledged", {{"alarm", it->code}, {"id", alarm_id}});
  alarms_.acknowledge(alarm_id);
  publish("alarm acknowledged");
  return Outcome::accepted();
}

Outcome Station::attest(std::uint32_t command_id, hal::FireOutcome outcome, const std::string& reason) {
  const auto it = pending_.find(command_id);
  if (it == pending_.end())
    return refuse("attest", "fire " + std::to_string(command_id) + " is not uncertain");
  if (outcome == hal::FireOutcome::unknown) return refuse("attest", "attest delivered or not delivered");
  if (reason.empty()) return refuse("attest", "an attestation needs a reason");
  if (start_.role != Role::clinician && start_.role != Role::admin)
    return refuse("attest", "only a clinician may attest");
  if (auto* gun = device(hal::DeviceKind::mesogun); gun != nullptr) gun->attest(command_id, outcome);
  const auto fire = it->second;
  pending_.erase(it);
  journal("fire.attested",
          {{"command_id", command_id}, {"outcome", hal::to_string(outcome)}, {"reason", reason}});
  if (outcome == hal::FireOutcome::delivered) {
    // Counted as delivered at its planned dose: the safe side for the cap.
    snap_.delivered_nl += fire.dose_nl;
    mark_point_done(fire.step, fire.point);
  }
  publish("fire " + std::to_string(command_id) + " attested " + std::string(hal::to_string(outcome)));
  return Outcome::accepted();
}

void Station::raise_alarm(const std::string& code, AlarmPriority priority, AlarmCategory category,
                          const std::string& message) {
  const auto id = alarms_.raise(code, priority, category, message);
  journal("alarm.raised", {{"alarm", code},
                           {"id", id},
                           {"priority", to_string(priority)},
                           {"category", to_string(category)},
                           {"message", message}});
}

void Station::interlock(const std::string& reason) {
  for (auto& [kind, device] : devices_)
    device->deactivate();
  snap_.armed = false;
  journal("interlock", {{"action", "disarmed"}, {"reason", reason}});
}

void Station::mark_point_done(std::size_t step, std::size_t point) {
  if (step != snap_.step || point >= snap_.points_done.size()) return;
  snap_.points_done[point] = true;
  advance_target();
}

void Station::advance_target() {
  while (snap_.next_point < snap_.points_done.size() && snap_.points_done[snap_.next_point])
    ++snap_.next_point;
}

void Station::on_device_event(hal::DeviceKind kind, const hal::DeviceEvent& event) {
  auto& view = snap_.devices[kind];
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, hal::device_event::Connected>) {
          view.identity = e.identity;
          journal("device.connected", {{"device", kind_name(kind)},
                                       {"model", e.identity.model},
                                       {"serial", e.identity.serial_number},
                                       {"firmware", e.identity.firmware},
                                       {"simulated", e.identity.simulated},
                                       {"boot_id", e.identity.boot_id},
                                       {"shot_counter", e.identity.shot_counter}});
        } else if constexpr (std::is_same_v<E, hal::device_event::ConnectFailed>) {
          raise_alarm("connect_failed", AlarmPriority::medium, AlarmCategory::technical,
                      kind_name(kind) + ": " + e.reason);
        } else if constexpr (std::is_same_v<E, hal::device_event::StateChanged>) {
          view.state = e.state;
          view.state_reason = e.reason;
          on_device_state(kind, e);
        } else if constexpr (std::is_same_v<E, hal::device_event::Shot>) {
          on_shot(e);
        } else if constexpr (std::is_same_v<E, hal::device_event::FireResolved>) {
          on_fire_resolved(e);
        } else if constexpr (std::is_same_v<E, hal::device_event::Status>) {
          view.status = e;
        } else if constexpr (std::is_same_v<E, hal::device_event::Alarm>) {
          on_device_alarm(e);
        } else if constexpr (std::is_same_v<E, hal::device_event::CommandRefused>) {
          journal("device.refused",
                  {{"device", kind_name(kind)}, {"command", e.command}, {"reason", e.reason}});
        } else if constexpr (std::is_same_v<E, hal::device_event::Link>) {
          view.link = e.counters;
        } else if constexpr (std::is_same_v<E, hal::device_event::SettingsReapplied>) {
          journal("device.settings_reapplied", {{"device", kind_name(kind)},
                                                {"depth_um", e.settings.depth_um},
                                                {"dose_nl", e.settings.dose_nl},
                                                {"mode", protocols::to_name(e.settings.mode)},
                                                {"rate_mhz", e.settings.rate_mhz},
                                                {"reason", e.reason}});
        }
      },
      event);
  publish();
}

void Station::on_device_state(hal::DeviceKind kind, const hal::device_event::StateChanged& changed) {
  journal(
      "device.state",
      {{"device", kind_name(kind)}, {"state", hal::to_string(changed.state)}, {"reason", changed.reason}});
  const bool step_device_now = current_step() != nullptr && current_step()->device() == kind;
  if (changed.state != hal::DeviceState::active && step_device_now && snap_.armed) {
    // The device is no longer armed (lease, alarm, link, reboot): the station does not re-arm it.
    snap_.armed = false;
    journal("device.disarmed", {{"reason", changed.reason}});
  }
  if (changed.state == hal::DeviceState::estopped && !estopping_) {
    // Stopped by something other than this station's E-STOP (the device's own button, the line).
    raise_alarm("device_estop", AlarmPriority::high, AlarmCategory::technical,
                kind_name(kind) + ": " + changed.reason);
  }
  const bool down =
      changed.state == hal::DeviceState::disconnected || changed.state == hal::DeviceState::connecting;
  if (down || changed.state == hal::DeviceState::reconciling) {
    // Connecting again after having been up is a lost link too (an unplug, a closed port).
    if (down && was_up_[kind])
      raise_alarm("link_lost", AlarmPriority::high, AlarmCategory::technical,
                  kind_name(kind) + " link lost: " + changed.reason);
    if (kind == hal::DeviceKind::mesogun)
      for (auto& [id, fire] : pending_)
        if (fire.sent) fire.uncertain = true;
  } else if (changed.state == hal::DeviceState::configured || changed.state == hal::DeviceState::active ||
             changed.state == hal::DeviceState::fault) {
    // The link is up again (a device alarm, if any, is its own alarm).
    if (alarms_.clear("link_lost")) journal("alarm.cleared", {{"alarm", "link_lost"}});
  }
  was_up_[kind] = !down;
}

void Station::on_shot(const hal::device_event::Shot& shot) {
  const auto& r = shot.record;
  if (!recorded_counters_.insert(r.shot_counter).second) return;  // already journaled (after a restart)
  std::size_t step = snap_.step;
  std::size_t point = snap_.next_point;
  if (r.command_id != 0) {
    if (const auto it = pending_.find(r.command_id); it != pending_.end()) {
      step = it->second.step;
      point = it->second.point;
    }
  }
  snap_.delivered_nl += r.dose_nl;
  ++snap_.shots;
  journal("shot.recorded",
          {{"shot_counter", r.shot_counter},
           {"command_id", r.command_id},
           {"dose_nl", r.dose_nl},
           {"depth_um", r.depth_um},
           {"device_time_ms", r.device_time_ms},
           {"recovered", shot.recovered},
           {"step", step},
           {"point", point},
           {"trigger", r.command_id == 0},
           {"placed", shot.recovered ? nlohmann::json() : place_shot(std::chrono::steady_clock::now())}});
  mark_point_done(step, point);
  const auto* s = current_step();
  if (s == nullptr || !snap_.armed) return;
  if (snap_.delivered_nl + s->dose_nl > snap_.plan->session_cap_nl) {
    interlock("the session cap of " + std::to_string(snap_.plan->session_cap_nl) + " nl is reached (" +
              std::to_string(snap_.delivered_nl) + " nl delivered)");
    raise_alarm("dose_cap_reached", AlarmPriority::medium, AlarmCategory::clinical,
                "session cap reached: no further dose this session");
  } else if (snap_.next_point >= snap_.points_done.size()) {
    interlock("every planned point of the step is done");
  }
}

void Station::on_fire_resolved(const hal::device_event::FireResolved& resolved) {
  const auto it = pending_.find(resolved.command_id);
  journal("fire.resolved", {{"command_id", resolved.command_id},
                            {"outcome", hal::to_string(resolved.outcome)},
                            {"how", resolved.how}});
  if (it == pending_.end()) return;
  if (resolved.outcome == hal::FireOutcome::unknown) {
    it->second.uncertain = true;
    raise_alarm("fire_uncertain", AlarmPriority::high, AlarmCategory::clinical,
                "fire " + std::to_string(resolved.command_id) + ": " + resolved.how + "; attest to continue");
    return;
  }
  pending_.erase(it);
}

void Station::on_device_alarm(const hal::device_event::Alarm& alarm) {
  const auto priority = alarm.priority == protocols::mesogun::AlarmPriority::high     ? AlarmPriority::high
                        : alarm.priority == protocols::mesogun::AlarmPriority::medium ? AlarmPriority::medium
                                                                                      : AlarmPriority::low;
  if (alarm.active) {
    raise_alarm(alarm.code, priority, AlarmCategory::technical, "device alarm: " + alarm.code);
    if (priority == AlarmPriority::high && snap_.armed) interlock("high-priority device alarm " + alarm.code);
  } else if (alarms_.clear(alarm.code)) {
    journal("alarm.cleared", {{"alarm", alarm.code}});
  }
}

}  // namespace meso::station
