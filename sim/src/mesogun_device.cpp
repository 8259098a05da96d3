#include "meso/sim/mesogun_device.hpp"

#include <type_traits>

namespace meso::sim {

namespace mg = protocols::mesogun;

MesogunDevice::MesogunDevice(MesogunModelConfig config, TimePoint now, hal::LinkTiming timing)
    : timing_(timing),
      model_(std::move(config), now),
      link_(std::make_unique<hal::MesogunLink>(hal::LinkRole::device, timing_, now)) {}

std::uint64_t MesogunDevice::frames_from_host() const {
  // A frame whose content was refused still had a good CRC: the host is alive, so it renews the lease too.
  return link_->counters().frames_received + link_->counters().refused_frames;
}

void MesogunDevice::receive(std::span<const std::uint8_t> bytes, TimePoint now) {
  if (model_.booting(now)) return;  // nobody is listening yet
  // Whatever fell due before these bytes (a lease running out, a trigger pull) happens first, however late
  // the caller's timer is: firmware timers do not wait for the event loop.
  model_.tick(now);
  const auto before = frames_from_host();
  link_->receive(bytes, now);
  if (frames_from_host() != before) model_.on_host_frame(now);
  handle_events(now);
  send_outgoing(now);
}

void MesogunDevice::poll(TimePoint now) {
  model_.tick(now);
  send_outgoing(now);
  if (model_.booting(now)) return;
  link_->poll(now);
  handle_events(now);
  send_outgoing(now);
}

void MesogunDevice::handle_events(TimePoint now) {
  while (auto event = link_->next_event()) {
    std::visit(
        [&](const auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, hal::link_event::Up>) {
            const auto* hello = std::get_if<mg::Hello>(&e.hello_or_identity);
            if (hello && e.repeat) {
              model_.on_repeated_hello(*hello, now);  // the session goes on (A.6)
            } else if (hello) {
              rx_seq_ = 0;
              model_.on_session(*hello, now);
            }
          } else if constexpr (std::is_same_v<E, hal::link_event::Delivered>) {
            // The link delivers reliable frames exactly once and in order, so their seqs follow one another.
            if (e.reliable) rx_seq_ = hal::next_seq(rx_seq_);
            model_.on_message(e.message, rx_seq_, e.reliable, now);
          } else if constexpr (std::is_same_v<E, hal::link_event::Refused>) {
            rx_seq_ = e.header.seq;
            model_.on_refused(e.header, e.error, now);
          } else if constexpr (std::is_same_v<E, hal::link_event::StopNow>) {
            model_.on_estop(now);  // whatever the frame's payload, sequence or session (A.4)
          }
          // Lost and Restored change nothing here: the arm lease is the device's deadline (A.6).
        },
        *event);
  }
}

void MesogunDevice::send_outgoing(TimePoint now) {
  for (auto& message : model_.take_outgoing())
    link_->send(std::move(message), now);
  if (shot_sink_) {
    for (const auto& record : model_.take_delivered())
      shot_sink_(record, model_.boot_id());
  } else {
    model_.take_delivered();
  }
  auto bytes = link_->take_output();
  output_.insert(output_.end(), bytes.begin(), bytes.end());
}

TimePoint MesogunDevice::next_deadline() const {
  return std::min(model_.next_deadline(), link_->next_deadline());
}

std::vector<std::uint8_t> MesogunDevice::take_output() {
  std::vector<std::uint8_t> out;
  out.swap(output_);
  return out;
}

void MesogunDevice::reboot(TimePoint now) {
  send_outgoing(now);  // shots already delivered still reach the ground truth
  model_.reboot(now);
  link_ = std::make_unique<hal::MesogunLink>(hal::LinkRole::device, timing_, now);
  rx_seq_ = 0;
  output_.clear();
  // A booted device first ends any partial frame the host holds from before (A.1).
  output_.push_back(0x00);
}

bool MesogunDevice::supports(const ScenarioAction& action) const {
  return !std::holds_alternative<action::PenAlarm>(action);
}

void MesogunDevice::apply(const ScenarioAction& action, TimePoint now) {
  if (apply_to_line(action, now)) return;
  std::visit(
      [&](const auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, action::Occlusion>) {
          model_.set_occluded(true, now);
        } else if constexpr (std::is_same_v<A, action::ClearOcclusion>) {
          model_.set_occluded(false, now);
        } else if constexpr (std::is_same_v<A, action::LowReservoir>) {
          model_.set_reservoir(a.reservoir_nl.value_or(model_.low_reservoir_nl() / 2), now);
        } else if constexpr (std::is_same_v<A, action::Refill>) {
          model_.refill(now);
        } else if constexpr (std::is_same_v<A, action::BusyOnce>) {
          model_.refuse_next_configure_busy();
        } else if constexpr (std::is_same_v<A, action::UnderDelivery>) {
          model_.set_delivery_fraction(a.fraction);
        } else if constexpr (std::is_same_v<A, action::StuckTrigger>) {
          model_.set_trigger_stuck(true, now);
        } else if constexpr (std::is_same_v<A, action::ReleaseTrigger>) {
          model_.set_trigger_stuck(false, now);
        } else if constexpr (std::is_same_v<A, action::Trigger>) {
          model_.pull_trigger(a.count, now);
        } else if constexpr (std::is_same_v<A, action::Reboot>) {
          reboot(now);
        }
      },
      action);
  poll(now);
}

}  // namespace meso::sim
