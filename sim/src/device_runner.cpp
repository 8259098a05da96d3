#include "meso/sim/device_runner.hpp"

#include <algorithm>

namespace meso::sim {

namespace {

// A deadline of "never" still needs a finite timer expiry.
constexpr std::chrono::hours kLongestSleep{1};

}  // namespace

DeviceRunner::DeviceRunner(asio::io_context& io, SimDevice& device, SimulationOptions options,
                           std::unique_ptr<hal::ByteStream> stream)
    : io_(io),
      options_(std::move(options)),
      core_(device, options_.faults, options_.seed, options_.scenario, hal::SteadyClock::now()),
      pacer_(io, options_.baud,
             [this](std::span<const std::uint8_t> bytes) {
               if (stream_) stream_->write(bytes);
             }),
      timer_(io) {
  if (stream) attach(std::move(stream));
  // A line action applied to the device from outside (a test's SimDevice::apply) is acted on once the
  // caller's handler is done, not at the next wake-up.
  core_.set_on_outside_action([this, alive = std::weak_ptr<bool>(alive_)] {
    asio::post(io_, [this, alive] {
      if (alive.lock()) after_activity();
    });
  });
  schedule();
}

void DeviceRunner::apply(const ScenarioAction& action) {
  core_.apply(action, hal::SteadyClock::now());
  after_activity();
}

DeviceRunner::~DeviceRunner() {
  try {
    stop();
  } catch (...) {  // a destructor must not throw: closing a port that is already gone is no error
  }
}

void DeviceRunner::attach(std::unique_ptr<hal::ByteStream> stream) {
  if (stopped_) return;
  if (stream_) retire_stream();
  stream_ = std::move(stream);
  const std::weak_ptr<bool> alive = alive_;
  stream_->start(
      [this, alive](std::span<const std::uint8_t> bytes) {
        if (alive.lock()) on_bytes(bytes);
      },
      [this, alive](const std::string& reason) {
        if (alive.lock()) on_closed(reason);
      });
}

void DeviceRunner::detach() {
  if (!stream_) return;
  retire_stream();
  pacer_.clear();
  core_.line_down();
}

void DeviceRunner::retire_stream() {
  stream_->close();
  // Never destroyed inside one of its own handlers: the stream goes once the current handler is done.
  asio::post(io_, [retired = std::shared_ptr<hal::ByteStream>(std::move(stream_))] {});
}

void DeviceRunner::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (stream_) {
    stream_->close();
    stream_.reset();
  }
  pacer_.clear();
  timer_.cancel();
}

void DeviceRunner::on_bytes(std::span<const std::uint8_t> bytes) {
  core_.receive(bytes, hal::SteadyClock::now());
  after_activity();
}

void DeviceRunner::on_closed(const std::string& reason) {
  detach();
  if (options_.on_disconnected) options_.on_disconnected(reason);
}

void DeviceRunner::step() {
  core_.poll(hal::SteadyClock::now());
  after_activity();
}

void DeviceRunner::after_activity() {
  if (stopped_) return;
  auto bytes = core_.take_output(hal::SteadyClock::now());
  if (stream_) pacer_.push(bytes);
  if (const auto unplug = core_.take_unplug()) {
    detach();
    if (options_.on_unplug) options_.on_unplug(*unplug);
  }
  schedule();
}

void DeviceRunner::schedule() {
  if (stopped_) return;
  const TimePoint now = hal::SteadyClock::now();
  timer_.expires_at(std::clamp(core_.next_deadline(), now, now + kLongestSleep));
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (ec || !alive.lock()) return;
    step();
  });
}

}  // namespace meso::sim
