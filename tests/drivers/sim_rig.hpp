// A mesogun driver wired to the in-process simulator over a memory pair, on one io_context, for tests that
// check the driver against the device's ground truth (the simulator's shot sink).
//
// The port behaves like a real one: each time the driver opens it, a new memory pair is made and its far end
// is attached to the simulator, unless the device is unplugged (then the open fails, as a vanished
// /dev/ttyUSB0 would). Between the simulator and the port sits a gate that can make the device hang (it reads
// nothing and writes nothing, its firmware runs on), hold bytes back to hand them over in one read, and that
// watches the line before any line fault: when the device last heard from the host, every ARM the host
// sent, and whether the device shot after its lease ran out.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/stream_openers.hpp"
#include "meso/protocols/enum_names.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/sim/simulated_mesogun.hpp"

// Readable values in assertion messages.
namespace meso::hal {
inline void PrintTo(DeviceState state, std::ostream* os) {
  *os << to_string(state);
}
inline void PrintTo(FireOutcome outcome, std::ostream* os) {
  *os << to_string(outcome);
}
}  // namespace meso::hal
namespace meso::protocols::mesogun {
inline void PrintTo(DeviceState state, std::ostream* os) {
  *os << to_name(state);
}
}  // namespace meso::protocols::mesogun

namespace meso::testing {

namespace mg = protocols::mesogun;
using std::chrono::milliseconds;

class GatedStream;

// What the rig sees of the line at the device's port, shared by the gate of every stream it makes.
struct LineWatch {
  // The device's end of the latest port while it exists (the simulator owns it).
  GatedStream* port = nullptr;
  hal::TimePoint stuck_until{};        // the device hangs until then
  hal::TimePoint last_host_bytes{};    // bytes from the host last reached the device's port
  hal::TimePoint last_device_bytes{};  // the device's bytes last left its port for the host
  std::uint32_t sessions = 0;          // HELLOs seen from the host
  std::set<std::pair<std::uint32_t, std::uint16_t>> arms;     // ARMs the host sent: (session, seq)
  std::set<std::pair<std::uint32_t, std::uint16_t>> disarms;  // DISARMs, likewise (retransmissions once)
  std::vector<hal::TimePoint> fires_written;                  // when each new FIRE left the host
  mg::FrameDecoder decoder;  // the host's bytes, as the host wrote them (before line faults)
  std::set<std::pair<std::uint32_t, std::uint16_t>> fire_seqs;
  // The lease, and the longest the simulated line may hold a host frame after it passed the port: a device
  // that heard nothing from the host for longer than their sum must have disarmed.
  milliseconds lease{150};
  milliseconds line_delay{0};
  // Set when the host's bytes reached the device after a silence longer than the lease, cleared by the
  // next ARM: until then the device must not shoot.
  std::optional<std::string> lapsed;
  // While held, bytes wait at the port, then go on in one read, as a serial driver hands over whatever has
  // accumulated.
  bool hold_to_host = false;
  bool hold_to_device = false;
  std::vector<std::uint8_t> held_to_host;
  std::vector<std::uint8_t> held_to_device;

  bool stuck(hal::TimePoint now) const { return now < stuck_until; }
  // Everything the host writes, whether or not the device hears it; true when it holds an ARM.
  bool host_wrote(std::span<const std::uint8_t> bytes) {
    bool arm = false;
    decoder.feed(bytes, [&](const mg::DecodeResult& result) {
      const auto* frame = std::get_if<mg::Frame>(&result);
      if (!frame) return;
      const auto type = mg::type_of(frame->message);
      if (type == mg::MessageType::hello) ++sessions;
      if (type == mg::MessageType::arm) {
        arms.emplace(sessions, frame->seq);
        arm = true;
      }
      if (type == mg::MessageType::disarm) disarms.emplace(sessions, frame->seq);
      if (type == mg::MessageType::fire && fire_seqs.emplace(sessions, frame->seq).second)
        fires_written.push_back(hal::SteadyClock::now());
    });
    return arm;
  }
  // The host's bytes reach the device.
  void host_arrived(bool with_arm, hal::TimePoint now) {
    const auto silent = now - last_host_bytes;
    if (last_host_bytes != hal::TimePoint{} && silent > lease + line_delay + milliseconds(2)) {
      lapsed = "the host was silent for " +
               std::to_string(std::chrono::duration_cast<milliseconds>(silent).count()) + " ms";
    }
    if (with_arm) lapsed.reset();
    last_host_bytes = now;
  }
};

// The device's end of the port, through the gate.
class GatedStream final : public hal::ByteStream {
 public:
  GatedStream(std::unique_ptr<hal::ByteStream> inner, std::shared_ptr<LineWatch> watch)
      : inner_(std::move(inner)), watch_(std::move(watch)) {
    watch_->port = this;
  }
  ~GatedStream() override {
    if (watch_->port == this) watch_->port = nullptr;
  }
  GatedStream(const GatedStream&) = delete;
  GatedStream& operator=(const GatedStream&) = delete;
  GatedStream(GatedStream&&) = delete;
  GatedStream& operator=(GatedStream&&) = delete;
  void start(BytesHandler on_bytes, ClosedHandler on_closed) override {
    on_bytes_ = std::make_shared<BytesHandler>(std::move(on_bytes));
    inner_->start(
        [watch = watch_, on_bytes = on_bytes_](std::span<const std::uint8_t> bytes) {
          const auto now = hal::SteadyClock::now();
          const bool arm = watch->host_wrote(bytes);
          if (watch->stuck(now)) return;  // a hung device reads nothing; what the host sent is lost
          if (watch->hold_to_device) {
            watch->held_to_device.insert(watch->held_to_device.end(), bytes.begin(), bytes.end());
            return;
          }
          watch->host_arrived(arm, now);
          (*on_bytes)(bytes);
        },
        std::move(on_closed));
  }
  void write(std::span<const std::uint8_t> bytes) override {
    if (watch_->stuck(hal::SteadyClock::now())) return;  // ... and writes nothing
    if (watch_->hold_to_host) {
      watch_->held_to_host.insert(watch_->held_to_host.end(), bytes.begin(), bytes.end());
      return;
    }
    watch_->last_device_bytes = hal::SteadyClock::now();
    inner_->write(bytes);
  }
  // Hands over what was held, each way in one piece.
  void release() {
    watch_->hold_to_host = false;
    inner_->write(std::exchange(watch_->held_to_host, {}));
    watch_->hold_to_device = false;
    const auto bytes = std::exchange(watch_->held_to_device, {});
    if (!bytes.empty() && on_bytes_) {
      bool arm = false;
      mg::FrameDecoder decoder;
      decoder.feed(bytes, [&](const mg::DecodeResult& r) {
        const auto* frame = std::get_if<mg::Frame>(&r);
        arm = arm || (frame && mg::type_of(frame->message) == mg::MessageType::arm);
      });
      watch_->host_arrived(arm, hal::SteadyClock::now());
      (*on_bytes_)(bytes);
    }
  }
  // Bytes reach the device as if the host had sent them (a peer's frame on the line).
  void inject_to_device(std::span<const std::uint8_t> bytes) {
    if (on_bytes_) (*on_bytes_)(bytes);
  }
  void close() override { inner_->close(); }
  bool is_open() const override { return inner_->is_open(); }
  std::string describe() const override { return "gated " + inner_->describe(); }

 private:
  std::unique_ptr<hal::ByteStream> inner_;
  std::shared_ptr<LineWatch> watch_;
  std::shared_ptr<BytesHandler> on_bytes_;
};

class MesogunSimRig {
 public:
  explicit MesogunSimRig(sim::SimulationOptions line = {}, sim::MesogunModelConfig device = {},
                         hal::MesogunDriverOptions options = default_options()) {
    line.baud = line.baud == 115200 ? 0 : line.baud;
    line.on_unplug = [this](milliseconds for_ms) { unplugged_for(for_ms); };
    watch_->line_delay = line.faults.delay_mean + line.faults.delay_jitter;
    sim::SimulatedMesogun::Config config{line, std::move(device), {}, {}};
    config.shot_sink = [this](const mg::ShotRecord& record, std::uint32_t) { on_shot(record); };
    gun = std::make_unique<sim::SimulatedMesogun>(io, nullptr, config);
    new_driver(std::move(options));
  }

  static hal::MesogunDriverOptions default_options() {
    hal::MesogunDriverOptions options;
    options.limits = {1000, 4000, 50000, 9000, 0, 150};
    options.hello_nonce_seed = 1234;
    options.reconnect_period = milliseconds(100);
    return options;
  }

  // A new driver (a station restart) on the same port; the old one, if any, is destroyed first.
  void new_driver(hal::MesogunDriverOptions options = default_options()) {
    driver.reset();
    driver = std::make_unique<hal::MesogunDriver>(
        io, [this](const hal::StreamReady& ready) { open_port(ready); }, std::move(options));
    driver->set_event_handler([this](const hal::DeviceEvent& e) { on_event(e); });
  }

  void run_for(milliseconds d) {
    io.restart();
    io.run_for(d);
  }
  template <class Pred>
  bool run_until(Pred pred, milliseconds limit = milliseconds(3000)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < end)
      run_for(milliseconds(5));
    return pred();
  }

  bool connect() {
    driver->configure();
    return run_until([&] { return driver->state() == hal::DeviceState::configured; });
  }
  // A person arms: counted, so that an ARM the driver sends by itself shows (line_watch().arms).
  bool activate() {
    if (!driver->activate().ok()) return false;
    ++activations;
    return true;
  }
  bool arm(hal::TreatmentSettings settings = {2000, 20000, mg::FireMode::single, 0, 0}) {
    if (!driver->apply_settings(settings).ok()) return false;
    if (!activate()) return false;
    // Armed, and the depth actuator has reached the set depth (the device refuses shots while it moves).
    return run_until([&] { return armed_in_status && depth_actual_um == settings.depth_um; });
  }

  // Something happens to the device or its line, now. Line actions (faults, unplug, hang) act on the port
  // and the simulator's line; the others go to the device itself.
  void inject(const sim::ScenarioAction& action) {
    const auto now = hal::SteadyClock::now();
    if (const auto* faults = std::get_if<sim::action::Faults>(&action)) {
      gun->runner().core().set_faults(faults->spec);
      watch_->line_delay = std::max(watch_->line_delay, faults->spec.delay_mean + faults->spec.delay_jitter);
    } else if (const auto* unplug = std::get_if<sim::action::Unplug>(&action)) {
      gun->runner().detach();
      unplugged_for(unplug->for_ms);
    } else if (const auto* hang = std::get_if<sim::action::Stuck>(&action)) {
      watch_->stuck_until = now + hang->for_ms;
    } else {
      gun->device().apply(action, now);
    }
  }
  // Bytes reach the device from the line as if the host had written them.
  void inject_host_bytes(std::span<const std::uint8_t> bytes) {
    if (watch_->port) watch_->port->inject_to_device(bytes);
  }
  // Bytes wait at the device's port, the device's to the host or the host's to the device, until
  // release_held_bytes() hands each side's over in one read.
  void hold_device_bytes() { watch_->hold_to_host = true; }
  void hold_host_bytes() { watch_->hold_to_device = true; }
  void release_held_bytes() {
    if (watch_->port) watch_->port->release();
  }
  // The held bytes are lost (the cable was pulled with them on it); later bytes flow again.
  void drop_held_bytes() {
    watch_->hold_to_host = watch_->hold_to_device = false;
    watch_->held_to_host.clear();
    watch_->held_to_device.clear();
  }
  // NOLINTNEXTLINE(readability-make-member-function-const): it changes the simulated world
  void pull_trigger(std::uint32_t count = 1) { gun->model().pull_trigger(count, hal::SteadyClock::now()); }

  // Shots the driver reported, by counter, and how often each was reported.
  std::map<std::uint32_t, int> reported_counts() const {
    std::map<std::uint32_t, int> counts;
    for (const auto& s : shots)
      ++counts[s.shot_counter];
    return counts;
  }
  // Every shot the device delivered was reported exactly once, and nothing else was.
  void expect_shots_match_truth() const {
    const auto counts = reported_counts();
    for (const auto& [counter, n] : counts)
      EXPECT_EQ(n, 1) << "shot " << counter << " reported " << n << " times";
    std::map<std::uint32_t, int> expected;
    for (const auto& t : truth)
      ++expected[t.shot_counter];
    EXPECT_EQ(counts.size(), expected.size());
    for (const auto& [counter, n] : expected)
      EXPECT_TRUE(counts.contains(counter)) << "shot " << counter << " lost";
  }
  // ... and each reported record is the device's record, field for field.
  void expect_records_match_truth() const {
    expect_shots_match_truth();
    std::map<std::uint32_t, mg::ShotRecord> by_counter;
    for (const auto& t : truth)
      by_counter[t.shot_counter] = t;
    for (const auto& s : shots) {
      const auto it = by_counter.find(s.shot_counter);
      if (it == by_counter.end()) {
        ADD_FAILURE() << "shot " << s.shot_counter << " reported but never delivered";
      } else {
        EXPECT_EQ(s, it->second) << "shot " << s.shot_counter << " reported with different fields";
      }
    }
  }
  // True when the reported shots are exactly the delivered ones (no assertion: for waiting).
  bool shots_settled() const {
    std::set<std::uint32_t> reported;
    std::set<std::uint32_t> delivered;
    for (const auto& s : shots)
      reported.insert(s.shot_counter);
    for (const auto& t : truth)
      delivered.insert(t.shot_counter);
    return reported == delivered && reported.size() == shots.size();
  }

  const LineWatch& line_watch() const { return *watch_; }
  bool plugged() const { return plugged_; }

  asio::io_context io;
  std::unique_ptr<sim::SimulatedMesogun> gun;
  std::unique_ptr<hal::MesogunDriver> driver;
  std::vector<mg::ShotRecord> truth;  // what the device really delivered
  std::vector<mg::ShotRecord> shots;  // what the driver reported
  std::map<std::uint32_t, hal::FireOutcome> outcomes;
  std::map<std::uint32_t, std::string> outcome_how;
  std::vector<hal::device_event::StateChanged> states;
  std::vector<std::string> refusals;
  int link_losses = 0;
  std::vector<hal::TimePoint> link_lost_at;  // when the driver reported each link loss
  bool armed_in_status = false;
  std::uint16_t depth_actual_um = 0;
  std::uint64_t statuses = 0;  // STATUS reports received
  int activations = 0;         // activate() calls the driver accepted, through activate() or arm()
  // Shots the device delivered although the host had been silent longer than the lease allows.
  std::vector<std::string> lease_violations;
  // Called after the rig's own bookkeeping for every driver event (tests react to phases with it).
  std::function<void(const hal::DeviceEvent&)> hook;
  std::function<void(const hal::DeviceEvent&)> trace;  // the same, for printing a run while debugging

 private:
  void open_port(const hal::StreamReady& ready) {
    if (!plugged_) {
      ready(nullptr, "unplugged");
      return;
    }
    auto [station_end, device_end] = hal::make_memory_pair(io);
    gun->attach(std::make_unique<GatedStream>(std::move(device_end), watch_));
    ready(std::move(station_end), "");
  }

  void on_shot(const mg::ShotRecord& record) {
    truth.push_back(record);
    // The device may shoot only while its lease runs: within `lease` of a valid frame from the host. The
    // host's bytes may wait in the simulator's line (delay faults) after they passed the gate; a few
    // milliseconds more cover the clock readings.
    const auto silent = hal::SteadyClock::now() - watch_->last_host_bytes;
    if (silent > watch_->lease + watch_->line_delay + milliseconds(25)) {
      lease_violations.push_back("shot " + std::to_string(record.shot_counter) + " delivered " +
                                 std::to_string(std::chrono::duration_cast<milliseconds>(silent).count()) +
                                 " ms after the host's last bytes reached the device");
    }
    // And once the lease has run out, only a new ARM lets the device shoot again.
    if (watch_->lapsed) {
      lease_violations.push_back("shot " + std::to_string(record.shot_counter) + " (command " +
                                 std::to_string(record.command_id) + ") delivered after " + *watch_->lapsed +
                                 " (longer than the lease) and no ARM since");
    }
  }

  void on_event(const hal::DeviceEvent& e) {
    if (const auto* s = std::get_if<hal::device_event::Shot>(&e)) shots.push_back(s->record);
    if (const auto* f = std::get_if<hal::device_event::FireResolved>(&e)) {
      outcomes[f->command_id] = f->outcome;
      outcome_how[f->command_id] = f->how;
    }
    if (const auto* st = std::get_if<hal::device_event::StateChanged>(&e)) states.push_back(*st);
    if (const auto* r = std::get_if<hal::device_event::CommandRefused>(&e)) {
      refusals.push_back(r->command + ": " + r->reason);
    }
    if (const auto* l = std::get_if<hal::device_event::Link>(&e); l && l->state == hal::LinkState::lost) {
      ++link_losses;
      link_lost_at.push_back(hal::SteadyClock::now());
    }
    if (const auto* s = std::get_if<hal::device_event::Status>(&e)) {
      armed_in_status = s->armed;
      depth_actual_um = s->depth_actual_um;
      ++statuses;
    }
    if (trace) trace(e);
    if (hook) hook(e);
  }

  void unplugged_for(milliseconds for_ms) {
    plugged_ = false;
    auto timer = std::make_shared<asio::steady_timer>(io, for_ms);
    timer->async_wait([this, timer](const boost::system::error_code&) { plugged_ = true; });
  }

  std::shared_ptr<LineWatch> watch_ = std::make_shared<LineWatch>();
  bool plugged_ = true;
};

}  // namespace meso::testing
