#include "meso/hal/pen_driver.hpp"

#include <algorithm>

#include "meso/hal/command_checks.hpp"
#include "meso/protocols/lease.hpp"

namespace meso::hal {

namespace pen = protocols::pen;

namespace {

constexpr milliseconds kIdentifyPeriod{200};

protocols::mesogun::AlarmPriority to_priority(pen::AlarmPriority p) {
  switch (p) {
    case pen::AlarmPriority::low:
      return protocols::mesogun::AlarmPriority::low;
    case pen::AlarmPriority::medium:
      return protocols::mesogun::AlarmPriority::medium;
    case pen::AlarmPriority::high:
      return protocols::mesogun::AlarmPriority::high;
  }
  return protocols::mesogun::AlarmPriority::high;
}

}  // namespace

PenDriver::PenDriver(asio::io_context& io, StreamOpener opener, PenDriverOptions options)
    : io_(io), opener_(std::move(opener)), options_(options), timer_(io) {}

PenDriver::~PenDriver() {
  alive_.reset();
  try {
    timer_.cancel();
    if (stream_) stream_->close();
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): nothing more to do in a destructor
  }
}

void PenDriver::configure() {
  wanted_ = true;
  estop_latched_ = false;
  if (!stream_ && !opening_) open_port();
  schedule_tick();
}

void PenDriver::open_port() {
  set_state(DeviceState::connecting, "opening the port");
  opening_ = true;
  opener_([this, alive = std::weak_ptr<int>(alive_)](std::unique_ptr<ByteStream> stream,
                                                     const std::string& error) {
    if (alive.lock()) port_opened(std::move(stream), error);
  });
}

void PenDriver::port_opened(std::unique_ptr<ByteStream> stream, const std::string& error) {
  opening_ = false;
  if (!wanted_) return;
  stream_ = std::move(stream);
  const TimePoint now = SteadyClock::now();
  if (!stream_) {
    set_state(DeviceState::disconnected, error);
    emit(device_event::ConnectFailed{error});
    next_reconnect_ = now + options_.reconnect_period;
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
  decoder_ = pen::SentenceDecoder{};
  pending_.clear();
  connect_started_ = now;
  next_identify_ = now;
}

void PenDriver::on_bytes(std::span<const std::uint8_t> bytes) {
  decoder_.feed(bytes, [this](const pen::DecodeResult& result) {
    if (const auto* message = std::get_if<pen::Message>(&result)) {
      last_valid_rx_ = SteadyClock::now();
      handle(*message);
    }
  });
}

void PenDriver::on_closed(const std::string& reason) {
  lose_link("port closed (" + reason + ")");
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.lock()) return;
    stream_.reset();
    next_reconnect_ = SteadyClock::now() + options_.reconnect_period;
  });
}

void PenDriver::schedule_tick() {
  // While the motor may run, STQ goes out six times per run lease, so that five lost sentences in a row do
  // not stop it (B.4); otherwise at the poll period.
  auto period = options_.poll_period;
  if (stop_needed_)
    period =
        std::min(period, protocols::keepalive_period(options_.limits.lease_ms, protocols::kPenPollsPerLease));
  timer_.expires_after(period);
  timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || !alive.lock()) return;
    tick();
    if (wanted_) schedule_tick();
  });
}

void PenDriver::tick() {
  const TimePoint now = SteadyClock::now();
  if (!stream_) {
    if (wanted_ && !opening_ && now >= next_reconnect_) open_port();
    return;
  }
  if (state_ == DeviceState::connecting) {
    if (now - connect_started_ >= options_.identify_timeout) {
      const std::string why =
          "no IDR answered IDQ within 2 s: check the port, the cable and that the pen is on";
      emit(device_event::ConnectFailed{why});
      stream_->close();
      stream_.reset();
      set_state(DeviceState::disconnected, why);
      next_reconnect_ = now + options_.reconnect_period;
    } else if (now >= next_identify_) {
      transmit(pen::Identify{});
      next_identify_ = now + kIdentifyPeriod;
    }
    return;
  }
  if (now - last_valid_rx_ >= options_.link_loss_after) {
    lose_link("no valid sentence from the pen for 250 ms");
    return;
  }
  // Commands are idempotent (B.4): one unanswered in time is sent again, a few times at most.
  if (!pending_.empty() && now - pending_.front().sent_at >= options_.answer_timeout) {
    Pending& head = pending_.front();
    if (head.attempts >= options_.max_attempts) {
      lose_link("the pen did not answer " + std::string(protocols::to_name(pen::kind_of(head.message))));
      return;
    }
    transmit(head.message);
    head.sent_at = now;
    ++head.attempts;
  }
  transmit(pen::StatusQuery{});  // renews the run lease and proves the link
}

void PenDriver::handle(const pen::Message& message) {
  if (const auto* id = std::get_if<pen::Identity>(&message)) {
    if (state_ != DeviceState::connecting) return;
    DeviceIdentity identity = to_identity(*id);
    if (identity_ && identity_->serial_number != identity.serial_number) {
      const std::string why = "a different pen answered (serial " + identity.serial_number + ", expected " +
                              identity_->serial_number + "); connection refused";
      wanted_ = false;
      stream_->close();
      set_state(DeviceState::disconnected, why);
      emit(device_event::ConnectFailed{why});
      return;
    }
    identity_ = identity;
    settings_.reset();
    emit(device_event::Connected{identity});
    transmit(pen::Stop{});  // a reconnect never finds the pen running: stop it, deliberately
    stop_needed_ = false;
    if (estop_latched_) {
      set_state(DeviceState::estopped, "link up, motor stopped; emergency stop latched");
    } else if (pen_fault_) {
      // A high alarm outlives a link loss; the next STA says whether it still holds.
      set_state(DeviceState::fault,
                "link up, motor stopped; pen alarm active: starting is refused until it clears");
    } else {
      set_state(DeviceState::configured, "link up, motor stopped");
    }
  } else if (const auto* ack = std::get_if<pen::Ack>(&message)) {
    answer(ack->command, std::nullopt);
  } else if (const auto* nak = std::get_if<pen::Nak>(&message)) {
    answer(nak->command, nak->reason);
  } else if (const auto* sta = std::get_if<pen::Status>(&message)) {
    const bool running = sta->state == pen::PenState::running;
    pen_fault_ = sta->state == pen::PenState::fault;  // STA carries FAULT while a high alarm is active (B.3)
    if (running) stop_needed_ = true;
    if (state_ == DeviceState::active) {
      if (!running && run_acknowledged_) {
        stop_needed_ = false;
        set_state(pen_fault_ ? DeviceState::fault : DeviceState::configured,
                  "the pen stopped by itself: lease expired or alarm; start again deliberately");
      }
    } else {
      follow_pen_fault("pen alarm active: starting is refused until it clears");
    }
    device_event::Status status;
    status.state = state_;
    status.armed = running;
    status.depth_actual_um = sta->depth_um;
    status.speed_sps = sta->speed_sps;
    status.stamps_total = sta->stamps_total;
    status.battery_pct = sta->battery_pct;
    status.temperature_dc = sta->temperature_dc;
    emit(status);
  } else if (const auto* alarm = std::get_if<pen::Alarm>(&message)) {
    emit(device_event::Alarm{std::string(protocols::to_name(alarm->code)), to_priority(alarm->priority),
                             alarm->active});
    if (alarm->active && alarm->priority == pen::AlarmPriority::high) {
      // A raised high alarm stops the motor (B.4), whatever the driver was doing. (A cleared one may leave
      // another active: the next STA says whether the pen is still in FAULT.)
      pen_fault_ = true;
      const std::string why = "pen alarm " + std::string(protocols::to_name(alarm->code));
      if (state_ == DeviceState::active) {
        set_state(DeviceState::fault, why + ": stopped");
      } else {
        follow_pen_fault(why + ": starting is refused until it clears");
      }
    }
  }
}

void PenDriver::answer(pen::Kind command, std::optional<pen::NakReason> nak) {
  if (pending_.empty() || pen::kind_of(pending_.front().message) != command) return;  // a late repeat
  pending_.pop_front();
  if (command == pen::Kind::start && !nak) run_acknowledged_ = true;
  if (nak) {
    const std::string reason(protocols::to_name(*nak));
    if (command == pen::Kind::set_depth || command == pen::Kind::set_speed) settings_.reset();
    if (command == pen::Kind::start && state_ == DeviceState::active) {
      set_state(DeviceState::configured, "RUN refused: " + reason);
      follow_pen_fault("RUN refused: " + reason);  // refused for an alarm the driver already knows of
    }
    emit(device_event::CommandRefused{std::string(protocols::to_name(command)), reason});
  }
  if (!pending_.empty()) {
    transmit(pending_.front().message);
    pending_.front().sent_at = SteadyClock::now();
    pending_.front().attempts = 1;
  }
}

void PenDriver::enqueue(pen::Message message) {
  pending_.push_back(Pending{std::move(message), SteadyClock::now(), 1});
  if (pending_.size() == 1) transmit(pending_.front().message);
}

void PenDriver::transmit(const pen::Message& message) {
  if (!stream_ || !stream_->is_open()) return;
  const std::string sentence = pen::encode(message);
  stream_->write(std::span(reinterpret_cast<const std::uint8_t*>(sentence.data()), sentence.size()));
}

CommandResult PenDriver::apply_settings(const TreatmentSettings& settings) {
  if (state_ == DeviceState::active)
    return CommandResult::refused(Refusal::already_armed, "stop the pen first");
  if (state_ != DeviceState::configured || !identity_) {
    return CommandResult::refused(Refusal::not_connected, "the pen is " + std::string(to_string(state_)));
  }
  if (auto check = check_settings(DeviceKind::pen, identity_->capabilities, options_.limits, settings);
      !check.ok()) {
    return check;
  }
  enqueue(pen::SetDepth{settings.depth_um});
  enqueue(pen::SetSpeed{settings.speed_sps});
  settings_ = settings;
  return CommandResult::accepted();
}

CommandResult PenDriver::activate() {
  if (estop_latched_)
    return CommandResult::refused(Refusal::estopped, "emergency stop latched: configure again");
  if (state_ == DeviceState::active) return CommandResult::refused(Refusal::already_armed, "already running");
  if (state_ == DeviceState::fault)
    return CommandResult::refused(Refusal::alarm_active, "a pen alarm is active");
  if (state_ != DeviceState::configured) {
    return CommandResult::refused(Refusal::not_connected, "the pen is " + std::string(to_string(state_)));
  }
  if (!settings_) return CommandResult::refused(Refusal::not_configured, "apply depth and speed first");
  if (auto lease = check_lease(options_.limits.lease_ms); !lease.ok()) return lease;
  if (auto check = check_settings(DeviceKind::pen, identity_->capabilities, options_.limits, *settings_);
      !check.ok()) {
    return check;
  }
  run_acknowledged_ = false;
  stop_needed_ = true;
  enqueue(pen::Start{options_.limits.lease_ms});
  set_state(DeviceState::active, "running with a " + std::to_string(options_.limits.lease_ms) + " ms lease");
  return CommandResult::accepted();
}

void PenDriver::deactivate() {
  if (!stream_) return;
  // One STP per run: it is repeated until answered (B.4); another goes out only if the pen has since said
  // it is running.
  if (stop_needed_) {
    enqueue(pen::Stop{});
    stop_needed_ = false;
  }
  if (state_ == DeviceState::active) set_state(DeviceState::configured, "stopped by the host");
}

void PenDriver::estop() {
  estop_latched_ = true;
  pending_.clear();  // nothing queued goes out before the stop
  transmit(pen::Stop{});
  if (stream_) enqueue(pen::Stop{});
  stop_needed_ = false;
  set_state(DeviceState::estopped, "emergency stop");
}

CommandResult PenDriver::fire(std::uint32_t) {
  return CommandResult::refused(Refusal::not_supported, "a microneedling pen has no host-commanded shots");
}

void PenDriver::cleanup() {
  if (state_ == DeviceState::active) transmit(pen::Stop{});
  wanted_ = false;
  timer_.cancel();
  if (stream_) stream_->close();
  stream_.reset();
  set_state(DeviceState::disconnected, "closed by the host");
}

void PenDriver::lose_link(const std::string& reason) {
  if (state_ == DeviceState::disconnected || state_ == DeviceState::connecting) return;
  pending_.clear();
  settings_.reset();
  emit(device_event::Link{LinkState::lost, {}});
  set_state(DeviceState::connecting, reason + "; reconnecting (the pen is not restarted)");
  const TimePoint now = SteadyClock::now();
  connect_started_ = now;
  next_identify_ = now;
}

void PenDriver::follow_pen_fault(const std::string& why) {
  // `fault` shows a high-priority pen alarm whenever the link is up and the motor is not running, not only
  // when the alarm stopped it; it ends when the pen reports the alarm cleared.
  if (pen_fault_ && state_ == DeviceState::configured) {
    set_state(DeviceState::fault, why);
  } else if (!pen_fault_ && state_ == DeviceState::fault) {
    set_state(DeviceState::configured, "pen alarm cleared");
  }
}

void PenDriver::set_state(DeviceState state, const std::string& reason) {
  if (state == state_) return;
  state_ = state;
  emit(device_event::StateChanged{state, reason});
}

void PenDriver::emit(const DeviceEvent& event) {
  if (handler_) handler_(event);
}

}  // namespace meso::hal
