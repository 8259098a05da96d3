// Corrupts one direction of a line the way real lines fail, reproducibly: the same seed and the same bytes
// give the same output. Sans-I/O: bytes go in with the time, bytes come out when their time has come.
//
// Frames are found by the sender's delimiter (0x00 for the mesogun, '\n' for the pen) before anything is
// corrupted, so per-frame faults hit whole frames as a line would see them.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <span>
#include <vector>

#include "meso/hal/mesogun_link.hpp"
#include "meso/sim/fault_spec.hpp"

namespace meso::sim {

using hal::TimePoint;

struct FaultCounters {
  std::uint64_t frames = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t bitflips = 0;
  std::uint64_t drops = 0;
  std::uint64_t garbage_bursts = 0;
  std::uint64_t truncations = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t delayed_frames = 0;
};

class FaultInjector {
 public:
  FaultInjector(FaultSpec spec, std::uint32_t seed, std::uint8_t delimiter);

  // A new spec from now on (a scenario's "faults" event); the random stream carries on.
  void set_spec(const FaultSpec& spec);
  const FaultSpec& spec() const { return spec_; }

  void push(std::span<const std::uint8_t> bytes, TimePoint now);
  // The bytes whose time has come, in the order they were pushed.
  std::vector<std::uint8_t> take_due(TimePoint now);
  std::optional<TimePoint> next_release() const;
  // Forget everything held (the line was unplugged).
  void clear();

  const FaultCounters& counters() const { return counters_; }

  // A frame that never ends (noise, a dead sender) is let through once this many bytes are held.
  static constexpr std::size_t kMaxHeld = 1024;

 private:
  struct Held {
    TimePoint release;
    std::vector<std::uint8_t> bytes;
  };

  void finish_frame(TimePoint now);
  void corrupt_bytes(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out);
  bool chance(double p);
  void release_at(TimePoint at, std::vector<std::uint8_t> bytes);

  FaultSpec spec_;
  std::mt19937 rng_;
  std::uint8_t delimiter_;
  std::vector<std::uint8_t> frame_;  // the sender's frame under way
  std::deque<Held> held_;
  TimePoint last_release_{};
  FaultCounters counters_;
};

}  // namespace meso::sim
