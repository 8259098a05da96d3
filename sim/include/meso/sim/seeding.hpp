// One --seed feeds several independent random streams (line faults each way, the device's own noise). Each
// stream gets its own well-mixed seed, so changing how often one stream draws never shifts another.
#pragma once

#include <cstdint>

namespace meso::sim {

// SplitMix64 (Steele, Lea, Flood 2014) over the seed and the stream number.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + (stream + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

// Stream numbers, fixed so a seed reproduces the same run whatever else changes.
inline constexpr std::uint64_t kStreamLineOut = 1;
inline constexpr std::uint64_t kStreamLineIn = 2;
inline constexpr std::uint64_t kStreamDevice = 3;

}  // namespace meso::sim
