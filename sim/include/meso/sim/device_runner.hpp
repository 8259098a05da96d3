// Runs a simulated device on an io_context: bytes from the stream go into the simulator core, the core's
// bytes go through the line pacer to the stream, one timer wakes the core at its next deadline.
//
// The stream is replaceable: a scenario's unplug detaches it and tells the owner, who attaches a new one
// (a new pty, the next TCP connection, a new memory pair) when the device is plugged in again. The device
// itself keeps running meanwhile, as a battery-powered device does with its cable out.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"
#include "meso/sim/line_pacer.hpp"
#include "meso/sim/simulator_core.hpp"

namespace meso::sim {

// The line and the timeline, common to every simulated device.
struct SimulationOptions {
  std::uint32_t seed = 1;       // line faults and the device's own randomness (dose error, boot ids)
  std::uint32_t baud = 115200;  // pacing of the device's output; 0 = none
  FaultSpec faults;
  Scenario scenario;
  // A scenario unplugged the device for this long; re-plug with attach(). Without it the device stays
  // unplugged.
  std::function<void(milliseconds for_ms)> on_unplug;
  // The station's side ended the stream (closed the port, dropped the connection).
  std::function<void(const std::string& reason)> on_disconnected;
};

class DeviceRunner {
 public:
  // Throws ScenarioError when the scenario does not fit the device.
  DeviceRunner(asio::io_context& io, SimDevice& device, SimulationOptions options,
               std::unique_ptr<hal::ByteStream> stream);
  DeviceRunner(const DeviceRunner&) = delete;
  DeviceRunner& operator=(const DeviceRunner&) = delete;
  DeviceRunner(DeviceRunner&&) = delete;
  DeviceRunner& operator=(DeviceRunner&&) = delete;
  ~DeviceRunner();

  // A scenario action now (device or line), as a timeline event at this moment would do it.
  void apply(const ScenarioAction& action);

  void attach(std::unique_ptr<hal::ByteStream> stream);
  void detach();
  bool attached() const { return stream_ != nullptr; }
  // Closes the stream and stops the clock: the io_context has nothing left of this runner to run.
  void stop();

  SimulatorCore& core() { return core_; }
  const LinePacer& pacer() const { return pacer_; }

 private:
  void on_bytes(std::span<const std::uint8_t> bytes);
  void on_closed(const std::string& reason);
  void step();
  void after_activity();
  void schedule();
  void retire_stream();

  asio::io_context& io_;
  SimulationOptions options_;
  SimulatorCore core_;
  LinePacer pacer_;
  asio::steady_timer timer_;
  std::unique_ptr<hal::ByteStream> stream_;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // handlers may outlive the runner
};

}  // namespace meso::sim
