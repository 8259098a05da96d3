// A simulated mesogun on an io_context, behind a byte stream: the in-process simulator for the demo and
// tests, and the heart of `mesosim --device mesogun`.
//
//   auto [station_end, device_end] = hal::make_memory_pair(io);
//   sim::SimulatedMesogun gun(io, std::move(device_end), {.line = {.seed = 7, .baud = 0}});
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "meso/sim/device_runner.hpp"
#include "meso/sim/mesogun_device.hpp"
#include "meso/sim/shot_log.hpp"

namespace meso::sim {

class SimulatedMesogun {
 public:
  struct Config {
    SimulationOptions line;          // line.seed also seeds the device (device.seed is replaced)
    MesogunModelConfig device;       // capabilities, physics, auto_trigger_hz
    ShotSink shot_sink;              // told of every delivered shot, if set
    std::filesystem::path shot_log;  // a JSON line per delivered shot, if set
  };

  // Throws ScenarioError (scenario does not fit) or std::runtime_error (shot log cannot be opened).
  SimulatedMesogun(asio::io_context& io, std::unique_ptr<hal::ByteStream> stream, Config config);
  SimulatedMesogun(const SimulatedMesogun&) = delete;
  SimulatedMesogun& operator=(const SimulatedMesogun&) = delete;
  SimulatedMesogun(SimulatedMesogun&&) = delete;
  SimulatedMesogun& operator=(SimulatedMesogun&&) = delete;
  ~SimulatedMesogun() = default;

  // Re-plug after an unplug, or swap the port.
  void attach(std::unique_ptr<hal::ByteStream> stream) { runner_.attach(std::move(stream)); }
  void stop() { runner_.stop(); }
  // Something happens to the device or its line, now (the scenario actions, sim/README.md).
  void apply(const ScenarioAction& action) { runner_.apply(action); }

  MesogunDevice& device() { return device_; }
  MesogunModel& model() { return device_.model(); }
  DeviceRunner& runner() { return runner_; }

 private:
  static MesogunModelConfig seeded(MesogunModelConfig device, std::uint32_t seed);

  std::optional<ShotLogFile> shot_log_;
  ShotSink shot_sink_;
  MesogunDevice device_;
  DeviceRunner runner_;
};

}  // namespace meso::sim
