// Everything between a simulated device and its port, sans-I/O: line faults each way, the scenario
// timeline, and the line going stuck or being unplugged. The Asio runner only moves bytes and keeps time,
// so a whole faulty run can also be replayed under a test's simulated clock.
#pragma once

#include <functional>
#include <optional>

#include "meso/sim/fault_injector.hpp"
#include "meso/sim/scenario.hpp"
#include "meso/sim/sim_device.hpp"

namespace meso::sim {

class SimulatorCore {
 public:
  // Throws ScenarioError when the scenario holds an action this device does not have.
  SimulatorCore(SimDevice& device, const FaultSpec& faults, std::uint32_t seed, Scenario scenario,
                TimePoint start);
  SimulatorCore(const SimulatorCore&) = delete;
  SimulatorCore& operator=(const SimulatorCore&) = delete;
  SimulatorCore(SimulatorCore&&) = delete;
  SimulatorCore& operator=(SimulatorCore&&) = delete;
  ~SimulatorCore();

  // A scenario action now, device or line: what a timeline event does at its time.
  void apply(const ScenarioAction& action, TimePoint now);
  // Called when an action arrived from outside the core's own steps (SimDevice::apply with a line action),
  // so that a runner can act on it (an unplug) at once.
  void set_on_outside_action(std::function<void()> notify) { on_outside_action_ = std::move(notify); }

  // Bytes the station wrote.
  void receive(std::span<const std::uint8_t> bytes, TimePoint now);
  void poll(TimePoint now);
  TimePoint next_deadline() const;
  // Bytes for the station's side of the line, due now.
  std::vector<std::uint8_t> take_output(TimePoint now);

  // Set when the scenario unplugs the device: for how long. The runner acts on it.
  std::optional<milliseconds> take_unplug();
  // The port is gone (unplugged, hung up): bytes under way on the line are lost.
  void line_down();

  void set_faults(const FaultSpec& spec);
  bool stuck(TimePoint now) const { return now < stuck_until_; }
  const FaultInjector& outgoing_faults() const { return outgoing_; }
  const FaultInjector& incoming_faults() const { return incoming_; }
  SimDevice& device() { return device_; }

 private:
  void collect_output(TimePoint now);

  SimDevice& device_;
  FaultInjector outgoing_;
  FaultInjector incoming_;
  ScenarioPlayer scenario_;
  TimePoint stuck_until_{};
  std::optional<milliseconds> unplug_;
  std::function<void()> on_outside_action_;
};

}  // namespace meso::sim
