#include "meso/sim/simulator_core.hpp"

#include "meso/sim/seeding.hpp"

namespace meso::sim {

namespace {

FaultSpec only_if(bool applies, const FaultSpec& spec) {
  return applies ? spec : FaultSpec{};
}

void check_supported(const SimDevice& device, const Scenario& scenario) {
  for (const auto& event : scenario.events) {
    if (!device.supports(event.action)) {
      throw ScenarioError("event at " + std::to_string(event.at.count()) + " ms: \"" +
                          std::string(name_of(event.action)) + "\" does not apply to the " + device.kind());
    }
  }
}

}  // namespace

SimulatorCore::SimulatorCore(SimDevice& device, const FaultSpec& faults, std::uint32_t seed,
                             Scenario scenario, TimePoint start)
    : device_(device),
      outgoing_(only_if(faults.applies_to_outgoing(), faults),
                static_cast<std::uint32_t>(derive_seed(seed, kStreamLineOut)), device.frame_delimiter()),
      // The host's frames end with the same delimiter in both protocols.
      incoming_(only_if(faults.applies_to_incoming(), faults),
                static_cast<std::uint32_t>(derive_seed(seed, kStreamLineIn)), device.frame_delimiter()) {
  check_supported(device, scenario);
  scenario_ = ScenarioPlayer(std::move(scenario), start);
  device_.plug_into([this](const ScenarioAction& action, TimePoint now) {
    apply(action, now);
    if (on_outside_action_) on_outside_action_();
  });
}

SimulatorCore::~SimulatorCore() {
  device_.plug_into(nullptr);
}

void SimulatorCore::set_faults(const FaultSpec& spec) {
  outgoing_.set_spec(only_if(spec.applies_to_outgoing(), spec));
  incoming_.set_spec(only_if(spec.applies_to_incoming(), spec));
}

void SimulatorCore::receive(std::span<const std::uint8_t> bytes, TimePoint now) {
  if (stuck(now)) return;  // a hung device reads nothing; what the station sent is lost
  incoming_.push(bytes, now);
  const auto due = incoming_.take_due(now);
  if (!due.empty()) device_.receive(due, now);
  collect_output(now);
}

void SimulatorCore::poll(TimePoint now) {
  for (const auto& action : scenario_.take_due(now))
    apply(action, now);
  device_.poll(now);
  const auto due = incoming_.take_due(now);
  if (!due.empty() && !stuck(now)) device_.receive(due, now);
  collect_output(now);
}

void SimulatorCore::apply(const ScenarioAction& action, TimePoint now) {
  if (const auto* unplug = std::get_if<action::Unplug>(&action)) {
    unplug_ = unplug->for_ms;
  } else if (const auto* hang = std::get_if<action::Stuck>(&action)) {
    stuck_until_ = now + hang->for_ms;
  } else if (const auto* faults = std::get_if<action::Faults>(&action)) {
    set_faults(faults->spec);
  } else {
    device_.apply(action, now);
  }
}

void SimulatorCore::collect_output(TimePoint now) {
  auto bytes = device_.take_output();
  if (bytes.empty() || stuck(now)) return;  // a hung device's firmware runs on, but writes nothing
  outgoing_.push(bytes, now);
}

std::vector<std::uint8_t> SimulatorCore::take_output(TimePoint now) {
  auto bytes = outgoing_.take_due(now);
  if (stuck(now)) bytes.clear();
  return bytes;
}

TimePoint SimulatorCore::next_deadline() const {
  if (unplug_) return TimePoint::min();  // the runner acts on it at once
  TimePoint deadline = device_.next_deadline();
  for (const auto& t : {scenario_.next_event(), outgoing_.next_release(), incoming_.next_release()}) {
    if (t) deadline = std::min(deadline, *t);
  }
  return deadline;
}

std::optional<milliseconds> SimulatorCore::take_unplug() {
  return std::exchange(unplug_, std::nullopt);
}

void SimulatorCore::line_down() {
  outgoing_.clear();
  incoming_.clear();
}

}  // namespace meso::sim
