// A simulated device as the line sees it, sans-I/O: bytes in, bytes out, a deadline to be polled at. The
// simulator core and its Asio runner drive the mesogun and the pen through this one interface.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "meso/hal/mesogun_link.hpp"
#include "meso/sim/scenario.hpp"

namespace meso::sim {

using hal::TimePoint;

class SimDevice {
 public:
  SimDevice() = default;
  SimDevice(const SimDevice&) = delete;
  SimDevice& operator=(const SimDevice&) = delete;
  SimDevice(SimDevice&&) = delete;
  SimDevice& operator=(SimDevice&&) = delete;
  virtual ~SimDevice() = default;

  // Bytes from the host, as the line delivered them.
  virtual void receive(std::span<const std::uint8_t> bytes, TimePoint now) = 0;
  virtual void poll(TimePoint now) = 0;
  virtual TimePoint next_deadline() const = 0;
  // Bytes for the host, in order.
  virtual std::vector<std::uint8_t> take_output() = 0;

  // The byte that ends each of this device's frames (0x00 mesogun, '\n' pen), for per-frame line faults.
  virtual std::uint8_t frame_delimiter() const = 0;
  // "mesogun", "pen": for messages.
  virtual std::string kind() const = 0;

  // Scenario actions, at once. supports() lets a scenario be checked before the run starts. Line actions
  // (unplug, stuck, faults) go to the line the device is plugged into (plug_into); on no line they throw
  // std::logic_error rather than be ignored.
  virtual bool supports(const ScenarioAction& action) const = 0;
  virtual void apply(const ScenarioAction& action, TimePoint now) = 0;

  using LineActionHandler = std::function<void(const ScenarioAction& action, TimePoint now)>;
  // The simulator core plugs the device into its line; nullptr unplugs it from any.
  void plug_into(LineActionHandler line) { line_ = std::move(line); }

 protected:
  // True, after handing it to the line, when `action` is a line action.
  bool apply_to_line(const ScenarioAction& action, TimePoint now);

 private:
  LineActionHandler line_;
};

}  // namespace meso::sim
