#include "meso/sim/fault_injector.hpp"

#include <algorithm>

namespace meso::sim {

FaultInjector::FaultInjector(FaultSpec spec, std::uint32_t seed, std::uint8_t delimiter)
    : spec_(spec), rng_(seed), delimiter_(delimiter) {}

void FaultInjector::set_spec(const FaultSpec& spec) {
  spec_ = spec;
}

bool FaultInjector::chance(double p) {
  if (p <= 0.0) return false;  // no draw: a spec without this fault leaves the random stream untouched
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

void FaultInjector::push(std::span<const std::uint8_t> bytes, TimePoint now) {
  counters_.bytes_in += bytes.size();
  for (const std::uint8_t byte : bytes) {
    frame_.push_back(byte);
    if (byte == delimiter_ || frame_.size() >= kMaxHeld) finish_frame(now);
  }
  // Without per-frame faults nothing needs the whole frame, so a partial one goes out at once, as on a wire.
  if (!spec_.has_frame_faults() && !frame_.empty()) {
    std::vector<std::uint8_t> out;
    corrupt_bytes(frame_, out);
    frame_.clear();
    release_at(now, std::move(out));
  }
}

void FaultInjector::finish_frame(TimePoint now) {
  ++counters_.frames;
  std::vector<std::uint8_t> frame;
  frame.swap(frame_);

  const bool delimited = frame.back() == delimiter_;
  if (chance(spec_.truncate) && frame.size() >= 2) {
    const std::size_t body = delimited ? frame.size() - 1 : frame.size();
    const auto keep = std::uniform_int_distribution<std::size_t>(0, body - 1)(rng_);
    frame.erase(frame.begin() + static_cast<std::ptrdiff_t>(keep),
                frame.begin() + static_cast<std::ptrdiff_t>(body));
    ++counters_.truncations;
  }
  std::vector<std::uint8_t> line;
  if (chance(spec_.garbage)) {
    const auto length = std::uniform_int_distribution<int>(1, 32)(rng_);
    std::uniform_int_distribution<int> byte_value(0, 255);
    for (int i = 0; i < length; ++i)
      line.push_back(static_cast<std::uint8_t>(byte_value(rng_)));
    ++counters_.garbage_bursts;
  }
  const int copies = chance(spec_.dup) ? 2 : 1;
  if (copies == 2) ++counters_.duplicates;
  for (int i = 0; i < copies; ++i)
    corrupt_bytes(frame, line);

  TimePoint release = now;
  if (spec_.delay_mean.count() > 0 || spec_.delay_jitter.count() > 0) {
    const auto mean = spec_.delay_mean.count();
    const auto jitter = spec_.delay_jitter.count();
    const auto ms =
        std::max<long long>(0, mean + std::uniform_int_distribution<long long>(-jitter, jitter)(rng_));
    release = now + std::chrono::milliseconds{ms};
    ++counters_.delayed_frames;
  }
  release_at(release, std::move(line));
}

void FaultInjector::corrupt_bytes(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  for (std::uint8_t byte : in) {
    if (chance(spec_.drop)) {
      ++counters_.drops;
      continue;
    }
    if (chance(spec_.bitflip)) {
      const auto bit = std::uniform_int_distribution<unsigned>(0, 7)(rng_);
      byte = static_cast<std::uint8_t>(byte ^ (1U << bit));
      ++counters_.bitflips;
    }
    out.push_back(byte);
  }
}

void FaultInjector::release_at(TimePoint at, std::vector<std::uint8_t> bytes) {
  if (bytes.empty()) return;
  // A serial line keeps its order: a frame held longer holds back the ones behind it.
  at = std::max(at, last_release_);
  last_release_ = at;
  if (!held_.empty() && held_.back().release == at) {
    held_.back().bytes.insert(held_.back().bytes.end(), bytes.begin(), bytes.end());
  } else {
    held_.push_back(Held{at, std::move(bytes)});
  }
}

std::vector<std::uint8_t> FaultInjector::take_due(TimePoint now) {
  std::vector<std::uint8_t> out;
  while (!held_.empty() && held_.front().release <= now) {
    out.insert(out.end(), held_.front().bytes.begin(), held_.front().bytes.end());
    held_.pop_front();
  }
  counters_.bytes_out += out.size();
  return out;
}

std::optional<TimePoint> FaultInjector::next_release() const {
  if (held_.empty()) return std::nullopt;
  return held_.front().release;
}

void FaultInjector::clear() {
  frame_.clear();
  held_.clear();
}

}  // namespace meso::sim
