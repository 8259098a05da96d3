#include "device_set.hpp"

#include <nlohmann/json.hpp>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/stream_openers.hpp"
#include "meso/sim/fault_spec.hpp"

namespace meso::station {

namespace {

sim::SimulationOptions line_of(const DeviceSpec& spec) {
  sim::SimulationOptions line;
  line.seed = spec.seed;
  line.baud = 0;  // a memory cable: no pacing
  if (!spec.faults.empty()) line.faults = sim::parse_fault_spec(spec.faults);
  if (!spec.scenario.empty()) line.scenario = sim::parse_scenario(nlohmann::json::parse(spec.scenario));
  return line;
}

}  // namespace

DeviceSet::DeviceSet(asio::io_context& io, const AppConfig& config, hal::MesogunDriverOptions gun_options)
    : io_(io) {
  const auto unplug_for = [this](std::chrono::milliseconds ms) {
    plugged_at_ = std::chrono::steady_clock::now() + ms;
  };
  if (config.mesogun.kind == DeviceSpec::Kind::simulated) {
    sim::SimulatedMesogun::Config sc;
    sc.line = line_of(config.mesogun);
    sc.line.on_unplug = unplug_for;
    sc.device.auto_trigger_hz = config.mesogun.auto_trigger_hz;
    if (!config.mesogun.shot_log.empty()) sc.shot_log = config.mesogun.shot_log;
    sim_gun_ = std::make_unique<sim::SimulatedMesogun>(io_, nullptr, sc);
  }
  if (config.pen.kind == DeviceSpec::Kind::simulated) {
    sim::SimulatedPen::Config pc;
    pc.line = line_of(config.pen);
    pc.line.on_unplug = unplug_for;
    sim_pen_ = std::make_unique<sim::SimulatedPen>(io_, nullptr, pc);
  }
  if (config.mesogun.kind != DeviceSpec::Kind::none)
    gun_ = std::make_unique<hal::MesogunDriver>(io_, opener(config.mesogun, hal::DeviceKind::mesogun),
                                                std::move(gun_options));
  if (config.pen.kind != DeviceSpec::Kind::none)
    pen_ = std::make_unique<hal::PenDriver>(io_, opener(config.pen, hal::DeviceKind::pen),
                                            hal::PenDriverOptions{});
}

DeviceSet::~DeviceSet() = default;

hal::StreamOpener DeviceSet::opener(const DeviceSpec& spec, hal::DeviceKind kind) {
  switch (spec.kind) {
    case DeviceSpec::Kind::serial: {
      hal::SerialSettings serial;
      serial.path = spec.path;
      serial.baud = spec.baud;
      return hal::serial_opener(io_, serial);
    }
    case DeviceSpec::Kind::tcp:
      return hal::tcp_opener(io_, spec.host, spec.port);
    case DeviceSpec::Kind::simulated:
      // The simulator's cable: a memory pair, unless QA or a scenario pulled it out.
      return [this, kind](const hal::StreamReady& ready) {
        if (unplugged_ || std::chrono::steady_clock::now() < plugged_at_) {
          ready(nullptr,
                unplugged_ ? "the simulated cable is out (QA)" : "the simulated device is unplugged");
          return;
        }
        auto [station_end, device_end] = hal::make_memory_pair(io_);
        if (kind == hal::DeviceKind::pen)
          sim_pen_->attach(std::move(device_end));
        else
          sim_gun_->attach(std::move(device_end));
        ready(std::move(station_end), "");
      };
    case DeviceSpec::Kind::none:
      break;
  }
  return {};
}

hal::Device* DeviceSet::device(hal::DeviceKind kind) {
  if (kind == hal::DeviceKind::pen) return pen_.get();
  return gun_.get();
}

bool DeviceSet::simulated(hal::DeviceKind kind) const {
  return kind == hal::DeviceKind::pen ? sim_pen_ != nullptr : sim_gun_ != nullptr;
}

void DeviceSet::apply(hal::DeviceKind kind, const sim::ScenarioAction& action) {
  if (kind == hal::DeviceKind::pen) {
    if (sim_pen_) sim_pen_->apply(action);
  } else if (sim_gun_) {
    sim_gun_->apply(action);
  }
}

void DeviceSet::stop() {
  if (gun_) gun_->cleanup();
  if (pen_) pen_->cleanup();
  if (sim_gun_) sim_gun_->stop();
  if (sim_pen_) sim_pen_->stop();
}

}  // namespace meso::station
