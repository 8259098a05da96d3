// The arm lease (mesogun, docs/protocol.md A.4 and A.6) and the run lease (pen, B.4): one range and one
// keep-alive rule for both devices, so that the device refusing a lease and the host keeping one alive
// read the same numbers.
#pragma once

#include <chrono>
#include <cstdint>

namespace meso::protocols {

// 150 ms is the shortest lease three 50 ms heartbeats fit in; a device refuses any lease outside the range.
inline constexpr std::uint16_t kLeaseMinMs = 150;
inline constexpr std::uint16_t kLeaseMaxMs = 5000;

// A host MUST send a frame (sentence) at least this many times per lease while a lease may be running...
inline constexpr int kFramesPerLeaseRequired = 3;
// ...and this host's mesogun link sends this many: the lease then outlives nine frames lost in a row. On a
// line that loses about one frame in eight, 6 per lease still left 3 spurious disarms an hour; 10 left
// none in 50 simulated hours (tests/drivers/fault_soak_test.cpp, docs/protocol.md A.6).
inline constexpr int kFramesPerLease = 10;
// The pen's STQ polls per run lease: each draws a 40-odd-byte STA, so fewer than the mesogun's frames.
inline constexpr int kPenPollsPerLease = 6;

constexpr bool lease_in_range(std::uint32_t lease_ms) {
  return lease_ms >= kLeaseMinMs && lease_ms <= kLeaseMaxMs;
}

// How long the host may stay silent while a lease of `lease_ms` may be running (at least 1 ms).
constexpr std::chrono::milliseconds keepalive_period(std::uint32_t lease_ms,
                                                     int frames_per_lease = kFramesPerLease) {
  const auto period = lease_ms / static_cast<std::uint32_t>(frames_per_lease > 0 ? frames_per_lease : 1);
  return std::chrono::milliseconds(period > 0 ? period : 1);
}

}  // namespace meso::protocols
