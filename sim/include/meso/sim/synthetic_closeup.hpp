// A synthetic dermatoscope close-up of the scalp with a known number of hairs, for the density estimate.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>

namespace meso::sim {

struct CloseupTruth {
  int hairs_in_field = 0;  // hairs whose exit point lies in the central 1 cm2
  double px_per_mm = 0;
};

// Renders a BGR close-up with the central 1 cm2 field (and a margin around it) at `px_per_mm`.
CloseupTruth render_closeup(cv::Mat& out, double hairs_per_cm2, double px_per_mm, std::uint64_t seed);

}  // namespace meso::sim
