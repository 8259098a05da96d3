// A simulated microneedling pen on an io_context, behind a byte stream (see SimulatedMesogun).
#pragma once

#include <memory>

#include "meso/sim/device_runner.hpp"
#include "meso/sim/pen_device.hpp"

namespace meso::sim {

class SimulatedPen {
 public:
  struct Config {
    SimulationOptions line;
    PenModelConfig device;
  };

  // Throws ScenarioError when the scenario does not fit a pen.
  SimulatedPen(asio::io_context& io, std::unique_ptr<hal::ByteStream> stream, Config config);
  SimulatedPen(const SimulatedPen&) = delete;
  SimulatedPen& operator=(const SimulatedPen&) = delete;
  SimulatedPen(SimulatedPen&&) = delete;
  SimulatedPen& operator=(SimulatedPen&&) = delete;
  ~SimulatedPen() = default;

  void attach(std::unique_ptr<hal::ByteStream> stream) { runner_.attach(std::move(stream)); }
  void stop() { runner_.stop(); }
  // Something happens to the device or its line, now (the scenario actions, sim/README.md).
  void apply(const ScenarioAction& action) { runner_.apply(action); }

  PenDevice& device() { return device_; }
  PenModel& model() { return device_.model(); }
  DeviceRunner& runner() { return runner_; }

 private:
  PenDevice device_;
  DeviceRunner runner_;
};

}  // namespace meso::sim
