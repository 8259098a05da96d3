// A station-side MesogunLink wired to a simulated mesogun under a simulated clock: no sleeping, no
// io_context, the same run every time. Bytes cross instantly; the line's faults are the core's.
#pragma once

#include <optional>
#include <vector>

#include "meso/hal/mesogun_link.hpp"
#include "meso/sim/mesogun_device.hpp"
#include "meso/sim/simulator_core.hpp"

namespace meso::sim::testing {

namespace mg = protocols::mesogun;

struct HarnessOptions {
  MesogunModelConfig device;
  FaultSpec faults;
  Scenario scenario;
  std::uint32_t seed = 1;
};

class MesogunHostHarness {
 public:
  explicit MesogunHostHarness(HarnessOptions options = {})
      : now(TimePoint{} + std::chrono::hours{1}),
        host(hal::LinkRole::host, {}, now),
        device(seeded(options.device, options.seed), now),
        core(device, options.faults, options.seed, std::move(options.scenario), now) {
    device.set_shot_sink(
        [this](const mg::ShotRecord& record, std::uint32_t) { delivered.push_back(record); });
  }

  // Advances the clock in 1 ms steps, moving bytes both ways and collecting what the host is told.
  void run_for(milliseconds duration) {
    const TimePoint end = now + duration;
    while (now < end) {
      now += milliseconds{1};
      core.poll(now);
      const auto from_device = core.take_output(now);
      wire_from_device.insert(wire_from_device.end(), from_device.begin(), from_device.end());
      if (!from_device.empty()) host.receive(from_device, now);
      if (now >= host.next_deadline()) host.poll(now);
      const auto from_host = host.take_output();
      if (!from_host.empty() && !host_silent) core.receive(from_host, now);
      drain_host_events();
    }
  }

  // HELLO until IDENTITY; returns it.
  std::optional<mg::Identity> handshake(std::uint32_t nonce = 0x1234) {
    host.start_handshake(nonce, now);
    for (int i = 0; i < 2000 && !identity; ++i)
      run_for(milliseconds{1});
    return identity;
  }

  void send(mg::Message message) {
    host.send(std::move(message), now);
    const auto bytes = host.take_output();
    if (!host_silent) core.receive(bytes, now);
    drain_host_events();
  }
  // Several commands in one read, as a burst on the line arrives.
  void send_together(std::vector<mg::Message> messages) {
    for (auto& message : messages)
      host.send(std::move(message), now);
    const auto bytes = host.take_output();
    core.receive(bytes, now);
    drain_host_events();
  }

  // Configures, waits for the actuator to settle, arms.
  void configure_and_arm(mg::Configure configure = {1500, 20000, mg::FireMode::single, 0},
                         std::uint16_t lease_ms = 150) {
    send(configure);
    run_for(milliseconds{600});
    send(mg::Arm{lease_ms});
    run_for(milliseconds{10});
  }

  template <class T>
  std::vector<T> received_of() const {
    std::vector<T> out;
    for (const auto& message : received) {
      if (const auto* m = std::get_if<T>(&message)) out.push_back(*m);
    }
    return out;
  }

  template <class T>
  std::optional<T> last_of() const {
    const auto all = received_of<T>();
    if (all.empty()) return std::nullopt;
    return all.back();
  }

  std::vector<mg::Error> errors() const { return received_of<mg::Error>(); }
  MesogunModel& model() { return device.model(); }

  TimePoint now;
  hal::MesogunLink host;
  MesogunDevice device;
  SimulatorCore core;
  bool host_silent = false;                    // the host's bytes never reach the device (crashed, cable cut)
  std::vector<mg::Message> received;           // delivered to the host's application, in order
  std::vector<mg::ShotRecord> delivered;       // the device's ground truth
  std::vector<std::uint8_t> wire_from_device;  // every byte the host received
  std::optional<mg::Identity> identity;
  std::uint64_t sessions = 0;

 private:
  static MesogunModelConfig seeded(MesogunModelConfig config, std::uint32_t seed) {
    config.seed = seed;
    return config;
  }

  void drain_host_events() {
    while (auto event = host.next_event()) {
      if (auto* up = std::get_if<hal::link_event::Up>(&*event)) {
        identity = std::get<mg::Identity>(up->hello_or_identity);
        ++sessions;
      } else if (auto* delivered_event = std::get_if<hal::link_event::Delivered>(&*event)) {
        received.push_back(delivered_event->message);
      }
    }
  }
};

}  // namespace meso::sim::testing
