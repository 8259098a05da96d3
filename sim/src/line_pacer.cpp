#include "meso/sim/line_pacer.hpp"

#include <algorithm>
#include <vector>

namespace meso::sim {

std::chrono::nanoseconds byte_time(std::uint32_t baud) {
  if (baud == 0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{10'000'000'000LL / static_cast<long long>(baud)};
}

LineSchedule::LineSchedule(std::uint32_t baud) : byte_time_(byte_time(baud)) {}

void LineSchedule::push(std::size_t count, TimePoint now) {
  if (count == 0) return;
  const TimePoint start = std::max(now, line_free_);
  line_free_ = start + byte_time_ * static_cast<long long>(count);
  runs_.push_back(Run{start, count, 0});
  pending_ += count;
}

std::size_t LineSchedule::take_arrived(TimePoint now) {
  std::size_t total = 0;
  while (!runs_.empty()) {
    Run& run = runs_.front();
    if (now < run.start) break;
    const auto elapsed = now - run.start;
    const auto complete =
        byte_time_.count() == 0 ? run.count : static_cast<std::size_t>(elapsed / byte_time_);
    const std::size_t arrived = std::min(run.count, complete);
    total += arrived - run.arrived;
    run.arrived = arrived;
    if (run.arrived < run.count) break;
    runs_.pop_front();
  }
  pending_ -= total;
  return total;
}

std::optional<TimePoint> LineSchedule::next_arrival() const {
  if (runs_.empty()) return std::nullopt;
  const Run& run = runs_.front();
  return run.start + byte_time_ * static_cast<long long>(run.arrived + 1);
}

std::optional<TimePoint> LineSchedule::last_arrival() const {
  if (runs_.empty()) return std::nullopt;
  return line_free_;
}

void LineSchedule::clear() {
  runs_.clear();
  line_free_ = {};
  pending_ = 0;
}

LinePacer::LinePacer(asio::io_context& io, std::uint32_t baud, Sink sink, std::chrono::microseconds quantum)
    : timer_(io), baud_(baud), sink_(std::move(sink)), quantum_(quantum), schedule_(baud) {}

LinePacer::~LinePacer() {
  *alive_ = false;
}

void LinePacer::push(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  if (baud_ == 0) {
    sink_(bytes);
    return;
  }
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  schedule_.push(bytes.size(), hal::SteadyClock::now());
  schedule();
}

void LinePacer::clear() {
  bytes_.clear();
  schedule_.clear();
  timer_.cancel();
  waiting_ = false;
}

void LinePacer::release() {
  const std::size_t count = std::min(schedule_.take_arrived(hal::SteadyClock::now()), bytes_.size());
  if (count == 0) return;
  const std::vector<std::uint8_t> out(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(count));
  bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(count));
  sink_(out);
}

void LinePacer::schedule() {
  if (waiting_) return;
  const auto next = schedule_.next_arrival();
  if (!next) return;
  // Wake when the next byte is in, but batch what arrives within a quantum, up to the end of the queue.
  const TimePoint wake =
      std::max(*next, std::min(hal::SteadyClock::now() + quantum_, *schedule_.last_arrival()));
  waiting_ = true;
  timer_.expires_at(wake);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    const auto guard = alive.lock();
    if (!guard || !*guard || ec) return;
    waiting_ = false;
    release();
    schedule();
  });
}

}  // namespace meso::sim
