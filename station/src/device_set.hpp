// The devices an application layer drives, built from its configuration: a driver per handpiece over the
// byte stream its spec names (a serial port, TCP, or a memory cable to the in-process simulator). The
// drivers are the same whatever is under them. Station thread only, like the devices themselves.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/pen_driver.hpp"
#include "meso/sim/scenario.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "meso/station/app_config.hpp"

namespace meso::station {

class DeviceSet {
 public:
  // Throws std::invalid_argument when a spec is wrong (a bad fault spec or simulator scenario).
  DeviceSet(asio::io_context& io, const AppConfig& config, hal::MesogunDriverOptions gun_options);
  DeviceSet(const DeviceSet&) = delete;
  DeviceSet& operator=(const DeviceSet&) = delete;
  DeviceSet(DeviceSet&&) = delete;
  DeviceSet& operator=(DeviceSet&&) = delete;
  ~DeviceSet();

  hal::MesogunDriver* gun() { return gun_.get(); }
  hal::PenDriver* pen() { return pen_.get(); }
  hal::Device* device(hal::DeviceKind kind);
  // The simulated device of that kind, if the configuration made one.
  bool simulated(hal::DeviceKind kind) const;
  bool any_simulated() const { return sim_gun_ || sim_pen_; }
  // QA: an action into the simulator of that kind (it must exist).
  void apply(hal::DeviceKind kind, const sim::ScenarioAction& action);
  // QA pulled the simulated cable: the drivers' reconnects fail until it is plugged back in.
  void set_unplugged(bool unplugged) { unplugged_ = unplugged; }
  // Disarmed devices let go and simulators stopped: the io_context can then run out.
  void stop();

 private:
  hal::StreamOpener opener(const DeviceSpec& spec, hal::DeviceKind kind);

  asio::io_context& io_;
  std::unique_ptr<sim::SimulatedMesogun> sim_gun_;
  std::unique_ptr<sim::SimulatedPen> sim_pen_;
  std::unique_ptr<hal::MesogunDriver> gun_;
  std::unique_ptr<hal::PenDriver> pen_;
  std::chrono::steady_clock::time_point plugged_at_;  // a simulator scenario's unplug lasts until then
  bool unplugged_ = false;
};

}  // namespace meso::station
