#include "meso/hal/mesogun_driver.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <utility>

#include "meso/hal/command_checks.hpp"
#include "meso/protocols/enum_names.hpp"

namespace meso::hal {

namespace mg = protocols::mesogun;

namespace {

std::uint32_t first_nonce(std::uint32_t seed) {
  return seed != 0 ? seed : std::random_device{}();
}

// The names of the alarms whose bits (code - 1) are set, for the operator: "occlusion, needle_jam".
std::string alarm_names(std::uint8_t bits) {
  std::string names;
  for (unsigned code = 1; code <= 7; ++code) {
    if ((bits & (1U << (code - 1U))) == 0) continue;
    const auto alarm = protocols::enum_from_value<mg::AlarmCode>(static_cast<std::uint8_t>(code));
    if (!alarm) continue;
    if (!names.empty()) names += ", ";
    names += protocols::to_name(*alarm);
  }
  return names.empty() ? "unnamed" : names;
}

}  // namespace

MesogunDriver::MesogunDriver(asio::io_context& io, StreamOpener opener, MesogunDriverOptions options)
    : io_(io),
      opener_(std::move(opener)),
      options_(std::move(options)),
      link_(LinkRole::host, options_.timing, SteadyClock::now()),
      timer_(io),
      reconnect_timer_(io),
      pace_timer_(io),
      nonce_(first_nonce(options_.hello_nonce_seed)),
      ledger_(options_.known_last_counter) {
  for (const auto id : options_.uncertain_fires)
    ledger_.carry_uncertain(id);
}

MesogunDriver::~MesogunDriver() {
  alive_.reset();  // pending handlers find the driver gone
  try {
    timer_.cancel();
    reconnect_timer_.cancel();
    pace_timer_.cancel();
    if (stream_) stream_->close();
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): nothing more to do in a destructor
  }
}

void MesogunDriver::configure() {
  wanted_ = true;
  const bool was_estopped = estop_latched_ || state_ == DeviceState::estopped;
  estop_latched_ = false;
  if (opening_) return;  // already connecting
  if (!stream_) {
    open_port();
    return;
  }
  if (!was_estopped) return;  // already connected
  // An emergency stop holds in the device until a HELLO starts a new session (A.4, A.6): start one. The old
  // session's frames in flight are gone with it, so its FIREs without an outcome wait for reconciliation.
  ledger_.link_lost();
  fire_seq_.clear();
  command_seq_.clear();
  settings_.reset();
  set_state(DeviceState::connecting, "clearing the emergency stop: a new link session, then shot records");
  link_.start_handshake(++nonce_, SteadyClock::now());
  pump();
}

void MesogunDriver::open_port() {
  set_state(DeviceState::connecting, "opening the port");
  opening_ = true;
  opener_([this, alive = std::weak_ptr<int>(alive_)](std::unique_ptr<ByteStream> stream,
                                                     const std::string& error) {
    if (alive.lock()) port_opened(std::move(stream), error);
  });
}

void MesogunDriver::port_opened(std::unique_ptr<ByteStream> stream, const std::string& error) {
  opening_ = false;
  if (!wanted_) return;  // cleaned up meanwhile
  stream_ = std::move(stream);
  if (!stream_) {
    set_state(DeviceState::disconnected, error);
    emit(device_event::ConnectFailed{error});
    schedule_reconnect();
    return;
  }
  std::weak_ptr<int> alive = alive_;
  stream_->start(
      [this, alive](std::span<const std::uint8_t> bytes) {
        if (alive.lock()) on_bytes(bytes);
      },
      [this, alive](const std::string& reason) {
        if (alive.lock()) on_closed(reason);
      });
  link_.start_handshake(++nonce_, SteadyClock::now());
  pump();
}

void MesogunDriver::on_bytes(std::span<const std::uint8_t> bytes) {
  link_.receive(bytes, SteadyClock::now());
  pump();
}

void MesogunDriver::on_closed(const std::string& reason) {
  // The stream is inside its own handler now: release it from the io_context, not from here.
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.lock()) return;
    stream_.reset();
    schedule_reconnect();
  });
  lose_link("port closed (" + reason + ")");
}

void MesogunDriver::pump() {
  while (auto event = link_.next_event())
    handle(*event);
  release_paced_fire();
  auto bytes = link_.take_output();
  if (!bytes.empty() && stream_ && stream_->is_open()) stream_->write(bytes);
  arm_timer();
}

void MesogunDriver::arm_timer() {
  const TimePoint deadline = link_.next_deadline();
  if (deadline == TimePoint::max()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(deadline);
  timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || !alive.lock()) return;
    on_timer();
  });
}

void MesogunDriver::on_timer() {
  link_.poll(SteadyClock::now());
  pump();
}

void MesogunDriver::handle(const LinkEvent& event) {
  if (const auto* up = std::get_if<link_event::Up>(&event)) {
    handle_up(std::get<mg::Identity>(up->hello_or_identity));
  } else if (const auto* failed = std::get_if<link_event::HandshakeFailed>(&event)) {
    const std::string why =
        failed->unsupported_version
            ? "the device answered that it speaks no protocol version this station does (ERROR "
              "unsupported_version): update the device's firmware or the station"
            : "no IDENTITY answered HELLO within 2 s: check the port, the cable, the baud rate "
              "and that the device is switched on";
    set_state(DeviceState::disconnected, why);
    emit(device_event::ConnectFailed{why});
    if (stream_) stream_->close();
    stream_.reset();
    schedule_reconnect();
  } else if (std::holds_alternative<link_event::Lost>(event)) {
    lose_link("no valid frame from the device for 250 ms");
  } else if (const auto* delivered = std::get_if<link_event::Delivered>(&event)) {
    handle_message(delivered->message, delivered->ack);
  } else if (const auto* refused = std::get_if<link_event::Refused>(&event)) {
    emit(device_event::CommandRefused{"device frame", "the device sent a frame this driver cannot read (" +
                                                          std::string(mg::name_of(refused->error)) + ")"});
  }
}

void MesogunDriver::handle_up(const mg::Identity& id) {
  DeviceIdentity identity = to_identity(id);
  if (identity_ && identity_->serial_number != identity.serial_number) {
    // Never carry one device's session over to another that happens to sit on the same port.
    const std::string why = "a different device answered (serial " + identity.serial_number + ", expected " +
                            identity_->serial_number + "); connection refused";
    wanted_ = false;
    if (stream_) stream_->close();
    stream_.reset();
    set_state(DeviceState::disconnected, why);
    emit(device_event::ConnectFailed{why});
    return;
  }
  const bool rebooted = identity_ && identity_->boot_id != identity.boot_id;
  identity_ = identity;
  settings_.reset();  // the device disarmed on HELLO; settings are applied again, deliberately
  disarm_needed_ = false;
  ledger_.on_identity(id.shot_counter);
  emit(device_event::Connected{identity});
  emit(device_event::Link{link_.state(), link_.counters()});
  if (rebooted) emit(device_event::StateChanged{DeviceState::connecting, "the device rebooted"});
  continue_reconciliation();
}

void MesogunDriver::continue_reconciliation() {
  if (const auto from = ledger_.next_missing()) {
    set_state(DeviceState::reconciling, "recovering shot records " + std::to_string(*from) + ".." +
                                            std::to_string(ledger_.device_counter()));
    queried_from_ = *from;
    link_.send(mg::QueryShots{*from, static_cast<std::uint8_t>(mg::kMaxShotRecords)}, SteadyClock::now());
    return;
  }
  for (const auto& settled : ledger_.settle_uncertain())
    emit(settled);
  if (estop_latched_) {
    set_state(DeviceState::estopped, "emergency stop latched: configure again to clear");
  } else if (device_fault_) {
    // A high alarm outlives a link loss; the STATUS that follows IDENTITY says whether it still holds.
    set_state(
        DeviceState::fault,
        "link up; device alarm active (" + alarm_names(active_alarms_) +
            "): arming is refused until it clears" +
            (ledger_.dosing_locked() ? "; dosing locked: a FIRE outcome is unknown and needs attestation"
                                     : ""));
  } else {
    set_state(DeviceState::configured,
              ledger_.dosing_locked()
                  ? "link up; dosing locked: a FIRE outcome is unknown and needs attestation"
                  : "link up, nothing armed");
  }
}

void MesogunDriver::handle_message(const mg::Message& message, std::uint16_t ack) {
  if (const auto* shot = std::get_if<mg::Shot>(&message)) {
    record_shot(shot->record, false);
  } else if (const auto* records = std::get_if<mg::ShotRecords>(&message)) {
    handle_shot_records(*records);
  } else if (const auto* status = std::get_if<mg::Status>(&message)) {
    handle_status(*status, ack);
  } else if (const auto* alarm = std::get_if<mg::Alarm>(&message)) {
    const auto bit = static_cast<std::uint8_t>(1U << (static_cast<unsigned>(alarm->code) - 1U));
    active_alarms_ = alarm->active ? static_cast<std::uint8_t>(active_alarms_ | bit)
                                   : static_cast<std::uint8_t>(active_alarms_ & ~bit);
    emit(device_event::Alarm{std::string(protocols::to_name(alarm->code)), alarm->priority, alarm->active});
    if (alarm->active && alarm->priority == mg::AlarmPriority::high) {
      // A raised high alarm disarms the device (A.4), whatever the driver was doing. (A cleared one may leave
      // another active: the STATUS that follows at once says whether the device is still in fault.)
      device_fault_ = true;
      const std::string why = "device alarm " + std::string(protocols::to_name(alarm->code));
      if (state_ == DeviceState::active && after_arm(ack)) {
        set_state(DeviceState::fault, why + ": disarmed");
      } else {
        // While armed, an ALARM the device sent before it had the ARM says nothing of the ARM: the device
        // refuses it (alarm_active) or the alarm cleared before it arrived, and the answer tells which.
        follow_device_fault(why + ": arming is refused until it clears");
      }
    }
  } else if (const auto* error = std::get_if<mg::Error>(&message)) {
    handle_error(*error);
  } else if (std::holds_alternative<mg::EStop>(message)) {
    // A device never sends ESTOP; nothing to do.
  }
}

void MesogunDriver::record_shot(const mg::ShotRecord& shot, bool recovered) {
  if (ledger_.record(shot)) emit(device_event::Shot{shot, recovered});
  if (auto resolved = ledger_.resolve_by_shot(shot)) emit(*resolved);
}

void MesogunDriver::handle_shot_records(const mg::ShotRecords& records) {
  ledger_.on_identity(records.latest_counter);
  if (records.oldest_counter == 0 && records.records.empty()) {
    ledger_.records_lost_below(records.latest_counter + 1);  // the device holds nothing at all
  } else if (records.oldest_counter > queried_from_) {
    ledger_.records_lost_below(records.oldest_counter);
  }
  for (const auto& record : records.records)
    record_shot(record, true);
  if (records.records.empty() && ledger_.next_missing() == queried_from_) {
    ledger_.records_lost_below(queried_from_ + 1);  // the device has nothing it should have: stop asking
  }
  if (state_ == DeviceState::reconciling) continue_reconciliation();
}

void MesogunDriver::handle_status(const mg::Status& s, std::uint16_t ack) {
  device_event::Status status;
  status.armed = s.state == mg::DeviceState::armed;
  status.shot_counter = s.shot_counter;
  status.reservoir_nl = s.reservoir_nl;
  status.line_pressure_mbar = s.line_pressure_mbar;
  status.battery_pct = s.battery_pct;
  status.temperature_dc = s.temperature_dc;
  status.depth_actual_um = s.depth_actual_um;
  status.trigger_pressed = s.trigger_pressed;
  // STATUS carries the device's state on every report (A.4): `fault` while a high alarm is active.
  device_fault_ = s.state == mg::DeviceState::fault;
  if (s.state == mg::DeviceState::estopped && !estop_latched_) {
    // Stopped by something other than this driver (its own button, another host, a frame on the line): the
    // stop holds in the device until a new session, and nothing here may look ready to arm until then.
    estop_latched_ = true;
    disarm_needed_ = false;
    set_state(DeviceState::estopped,
              "the device reports an emergency stop this station did not send: configure again to clear");
  }
  // Whether a DISARM is needed: whenever the device says it is armed; not once a STATUS built after the last
  // ARM says it is not (it disarmed itself, or refused the ARM).
  if (status.armed) {
    disarm_needed_ = true;
  } else if (after_arm(ack)) {
    disarm_needed_ = false;
  }
  active_alarms_ = s.active_alarms;
  if (state_ == DeviceState::active) {
    // Only a STATUS built after the device had received the last ARM (its own ack covers the ARM, A.5) tells
    // the truth about arming; an older one may arrive late, and a line can even reorder frames.
    if (!status.armed && after_arm(ack)) {
      set_state(device_fault_ ? DeviceState::fault : DeviceState::configured,
                "the device disarmed itself (" + std::string(protocols::to_name(s.state)) +
                    "): lease expired or alarm; arm again deliberately");
    }
  } else {
    follow_device_fault("device alarm active (" + alarm_names(active_alarms_) +
                        "): arming is refused until it clears");
  }
  if (s.shot_counter > ledger_.device_counter()) ledger_.on_identity(s.shot_counter);
  status.state = state_;
  emit(status);
  emit(device_event::Link{link_.state(), link_.counters()});
}

void MesogunDriver::handle_error(const mg::Error& error) {
  const std::string reason(protocols::to_name(error.reason));
  if (const auto it = fire_seq_.find(error.refused_seq); it != fire_seq_.end()) {
    if (auto resolved = ledger_.resolve_not_delivered(it->second, "refused by the device: " + reason))
      emit(*resolved);
    fire_seq_.erase(it);
    return;
  }
  std::string command = "command";
  if (const auto it = command_seq_.find(error.refused_seq); it != command_seq_.end()) {
    command = it->second;
    command_seq_.erase(it);
  }
  if (command == "CONFIGURE" && error.reason == mg::ErrorReason::busy && settings_ && !busy_recovered_) {
    emit(device_event::CommandRefused{command, reason});
    recover_from_busy(*settings_);
    return;
  }
  if (command == "CONFIGURE") settings_.reset();
  if (command == "ARM" && state_ == DeviceState::active) {
    set_state(DeviceState::configured, "ARM refused: " + reason);
    follow_device_fault("ARM refused: " + reason);  // refused for an alarm the driver already knows of
  }
  emit(device_event::CommandRefused{command, reason});
}

bool MesogunDriver::after_arm(std::uint16_t ack) const {
  return arm_seq_ != 0 && ack != 0 && !seq_newer(arm_seq_, ack);
}

void MesogunDriver::follow_device_fault(const std::string& why) {
  // `fault` shows a high-priority device alarm whenever the link is up and nothing is armed, not only when
  // the alarm disarmed the device; it ends when the device reports the alarm cleared.
  if (device_fault_ && state_ == DeviceState::configured) {
    set_state(DeviceState::fault, why);
  } else if (!device_fault_ && state_ == DeviceState::fault) {
    set_state(DeviceState::configured, "device alarm cleared");
  }
}

void MesogunDriver::recover_from_busy(const TreatmentSettings& settings) {
  // A device that says `busy` to CONFIGURE is still armed (A.4), perhaps with other settings than these: an
  // ARM sent behind the CONFIGURE only renewed its lease. Disarm it, then configure again; nothing re-arms.
  busy_recovered_ = true;
  cancel_paced_fire("the device refused new settings while still armed");
  const auto now = SteadyClock::now();
  if (link_.send(mg::Disarm{}, now)) command_seq_[link_.last_queued_seq()] = "DISARM";
  disarm_needed_ = false;
  settings_.reset();
  if (link_.send(mg::Configure{settings.depth_um, settings.dose_nl, settings.mode, settings.rate_mhz}, now)) {
    configure_seq_ = link_.last_queued_seq();
    command_seq_[configure_seq_] = "CONFIGURE";
    settings_ = settings;
  }
  const std::string why = "the device was still armed and refused new settings (busy): disarmed it and " +
                          std::string(settings_ ? "applied " + settings_text(settings) + " again"
                                                : "could not send the settings again") +
                          "; arm again deliberately";
  if (state_ == DeviceState::active) set_state(DeviceState::configured, why);
  if (settings_) emit(device_event::SettingsReapplied{settings, why});
}

std::string MesogunDriver::settings_text(const TreatmentSettings& settings) const {
  return "depth " + std::to_string(settings.depth_um) + " um, dose " + std::to_string(settings.dose_nl) +
         " nl, " + std::string(protocols::to_name(settings.mode)) +
         (settings.rate_mhz != 0 ? ", rate " + std::to_string(settings.rate_mhz) + " mHz" : "");
}

void MesogunDriver::lose_link(const std::string& reason) {
  if (state_ == DeviceState::disconnected) return;
  cancel_paced_fire("the link was lost before it could be sent");
  ledger_.link_lost();
  fire_seq_.clear();
  command_seq_.clear();
  settings_.reset();
  emit(device_event::Link{LinkState::lost, link_.counters()});
  set_state(DeviceState::connecting, reason + "; reconnecting to recover shot records (nothing is re-armed)");
  if (stream_ && stream_->is_open()) {
    link_.start_handshake(++nonce_, SteadyClock::now());
    pump();
  }
}

void MesogunDriver::schedule_reconnect() {
  if (!wanted_ || stream_ || opening_) return;
  reconnect_timer_.expires_after(options_.reconnect_period);
  reconnect_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (ec || !alive.lock() || !wanted_ || stream_) return;
        open_port();
      });
}

CommandResult MesogunDriver::send_checked(mg::Message message) {
  if (!link_.send(std::move(message), SteadyClock::now())) {
    return link_.state() == LinkState::up
               ? CommandResult::refused(Refusal::queue_full, "the link's queue is full; try again")
               : CommandResult::refused(Refusal::not_connected, "the device is not connected");
  }
  pump();
  return CommandResult::accepted();
}

CommandResult MesogunDriver::apply_settings(const TreatmentSettings& settings) {
  if (state_ == DeviceState::active) {
    return CommandResult::refused(Refusal::already_armed, "disarm before changing depth, dose or mode");
  }
  if (state_ != DeviceState::configured || !identity_) {
    return CommandResult::refused(Refusal::not_connected, "the device is " + std::string(to_string(state_)) +
                                                              ", not ready for settings");
  }
  if (auto check = check_settings(DeviceKind::mesogun, identity_->capabilities, options_.limits, settings);
      !check.ok()) {
    return check;
  }
  auto sent =
      send_checked(mg::Configure{settings.depth_um, settings.dose_nl, settings.mode, settings.rate_mhz});
  if (sent.ok()) {
    configure_seq_ = link_.last_queued_seq();
    command_seq_[configure_seq_] = "CONFIGURE";
    settings_ = settings;
    busy_recovered_ = false;
  }
  return sent;
}

CommandResult MesogunDriver::activate() {
  if (estop_latched_)
    return CommandResult::refused(Refusal::estopped, "emergency stop latched: configure again");
  if (ledger_.dosing_locked()) {
    return CommandResult::refused(Refusal::outcome_uncertain,
                                  "a FIRE's outcome is unknown: reconcile or attest before arming");
  }
  if (state_ == DeviceState::active) return CommandResult::refused(Refusal::already_armed, "already armed");
  if (state_ == DeviceState::fault)
    return CommandResult::refused(Refusal::alarm_active, "a device alarm is active");
  if (state_ != DeviceState::configured) {
    return CommandResult::refused(
        state_ == DeviceState::reconciling ? Refusal::outcome_uncertain : Refusal::not_connected,
        "the device is " + std::string(to_string(state_)));
  }
  if (!settings_) return CommandResult::refused(Refusal::not_configured, "apply depth, dose and mode first");
  if (auto lease = check_lease(options_.limits.lease_ms); !lease.ok()) return lease;
  // The limits may have narrowed since the settings went out: check them again, last.
  if (auto check = check_settings(DeviceKind::mesogun, identity_->capabilities, options_.limits, *settings_);
      !check.ok()) {
    return check;
  }
  auto sent = send_checked(mg::Arm{options_.limits.lease_ms});
  if (sent.ok()) {
    disarm_needed_ = true;
    arm_seq_ = link_.last_queued_seq();
    command_seq_[arm_seq_] = "ARM";
    set_state(DeviceState::active, "armed with a " + std::to_string(options_.limits.lease_ms) + " ms lease");
  }
  return sent;
}

void MesogunDriver::deactivate() {
  cancel_paced_fire("disarmed before it could be sent");
  if (link_.state() != LinkState::up) return;
  // One DISARM per arming: the link retransmits it until acknowledged, and a device that has it stays
  // disarmed (A.4). Another goes out only if the device has since said it is armed.
  if (disarm_needed_ && send_checked(mg::Disarm{}).ok()) {
    command_seq_[link_.last_queued_seq()] = "DISARM";
    disarm_needed_ = false;
  }
  if (state_ == DeviceState::active) set_state(DeviceState::configured, "disarmed by the host");
}

CommandResult MesogunDriver::fire(std::uint32_t command_id) {
  if (command_id == 0) return CommandResult::refused(Refusal::bad_command_id, "command id 0 is reserved");
  if (estop_latched_) return CommandResult::refused(Refusal::estopped, "emergency stop latched");
  if (ledger_.dosing_locked()) return CommandResult::refused(Refusal::outcome_uncertain, "dosing is locked");
  if (state_ != DeviceState::active) {
    return CommandResult::refused(Refusal::not_armed, "the device is " + std::string(to_string(state_)));
  }
  if (!settings_) return CommandResult::refused(Refusal::not_configured, "no settings applied");
  if (auto check = check_settings(DeviceKind::mesogun, identity_->capabilities, options_.limits, *settings_);
      !check.ok()) {
    return check;
  }
  if (paced_fire_) {
    return CommandResult::refused(Refusal::queue_full,
                                  "FIRE " + std::to_string(*paced_fire_) + " is still waiting to go out");
  }
  // Paced, not refused: it goes out as soon as the device has the settings and the ARM before it and its
  // maximum rate allows (A.4), so a device never has to refuse a FIRE as too soon.
  paced_fire_ = command_id;
  release_paced_fire();
  const auto bytes = link_.take_output();
  if (!bytes.empty() && stream_ && stream_->is_open()) stream_->write(bytes);
  arm_timer();
  return CommandResult::accepted();
}

void MesogunDriver::release_paced_fire() {
  if (!paced_fire_ || state_ != DeviceState::active) return;
  if (!link_.acknowledged(configure_seq_) || !link_.acknowledged(arm_seq_)) return;  // retried on each pump
  const TimePoint now = SteadyClock::now();
  std::uint32_t rate_mhz = identity_->capabilities.max_shot_rate_mhz;
  if (options_.limits.max_rate_mhz != 0) rate_mhz = std::min(rate_mhz, options_.limits.max_rate_mhz);
  if (last_fire_ && rate_mhz != 0) {
    // A twentieth over the device's interval: last_fire_ is stamped when the FIRE is queued, and its bytes
    // leave and arrive a little later, by a latency that varies (ASan in .ci/run once wrote two FIREs 23 us
    // closer than the interval); a FIRE the device finds too soon is refused busy.
    const auto interval = std::chrono::microseconds(1'000'000'000ULL / rate_mhz);
    const TimePoint allowed = *last_fire_ + interval + interval / 20;
    if (now < allowed) {
      pace_timer_.expires_at(allowed);
      pace_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (ec || !alive.lock()) return;
        release_paced_fire();
        pump();
      });
      return;
    }
  }
  const auto command_id = *paced_fire_;
  paced_fire_.reset();
  send_fire_now(command_id);
}

void MesogunDriver::send_fire_now(std::uint32_t command_id) {
  if (!link_.send(mg::Fire{command_id}, SteadyClock::now())) {
    emit(device_event::FireResolved{command_id, FireOutcome::not_delivered,
                                    "not sent: the link's queue could not take it"});
    return;
  }
  last_fire_ = SteadyClock::now();
  fire_seq_[link_.last_queued_seq()] = command_id;
  ledger_.fire_sent(command_id);
}

void MesogunDriver::cancel_paced_fire(const std::string& why) {
  if (!paced_fire_) return;
  const auto command_id = *paced_fire_;
  paced_fire_.reset();
  pace_timer_.cancel();
  // Never sent, so its outcome is certain.
  emit(device_event::FireResolved{command_id, FireOutcome::not_delivered, "not sent: " + why});
}

void MesogunDriver::estop() {
  estop_latched_ = true;
  cancel_paced_fire("cancelled by E-STOP before sending");
  disarm_needed_ = false;
  if (link_.state() == LinkState::up || link_.state() == LinkState::lost) {
    // FIREs still queued behind the window never leave: the E-STOP goes out next.
    for (const std::uint16_t seq : link_.drop_queued()) {
      if (const auto it = fire_seq_.find(seq); it != fire_seq_.end()) {
        if (auto r = ledger_.resolve_not_delivered(it->second, "cancelled by E-STOP before sending"))
          emit(*r);
        fire_seq_.erase(it);
      }
    }
    link_.send(mg::EStop{}, SteadyClock::now());
    pump();
  }
  set_state(DeviceState::estopped, "emergency stop");
}

void MesogunDriver::cleanup() {
  wanted_ = false;
  deactivate();
  reconnect_timer_.cancel();
  pace_timer_.cancel();
  timer_.cancel();
  if (stream_) stream_->close();
  stream_.reset();
  set_state(DeviceState::disconnected, "closed by the host");
}

std::optional<device_event::FireResolved> MesogunDriver::attest(std::uint32_t command_id,
                                                                FireOutcome outcome) {
  auto resolved = ledger_.attest(command_id, outcome);
  if (resolved) emit(*resolved);
  return resolved;
}

void MesogunDriver::set_state(DeviceState state, const std::string& reason) {
  if (state == state_) return;
  if (state != DeviceState::active)
    cancel_paced_fire("the device is " + std::string(to_string(state)) + " (" + reason + ")");
  state_ = state;
  emit(device_event::StateChanged{state, reason});
}

void MesogunDriver::emit(const DeviceEvent& event) {
  if (handler_) handler_(event);
}

}  // namespace meso::hal
