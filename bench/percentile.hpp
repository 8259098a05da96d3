// The p-quantile of benchmark samples by rank, without interpolation: the value at index p x (n - 1) of the
// sorted samples. One definition, so that p50, p95 and p99 mean the same thing in every table of
// docs/performance.md.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace meso::bench {

inline double percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  return samples[static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1))];
}

struct Spread {
  double p50_ms = 0;
  double p95_ms = 0;
};

inline Spread p50_p95(const std::vector<double>& ms) {
  return {percentile(ms, 0.50), percentile(ms, 0.95)};
}

}  // namespace meso::bench
