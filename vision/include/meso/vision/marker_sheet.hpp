// The headband layout rendered at true scale for printing: each marker at its place in the plane, its id,
// the handpiece marker apart, and a 50 mm bar to check the printer kept the scale.
#pragma once

#include <opencv2/core.hpp>

#include "meso/vision/headband_layout.hpp"

namespace meso::vision {

// White page, 8-bit grey, at `dpi` dots per inch.
cv::Mat render_marker_sheet(const HeadbandLayout& layout, double dpi);

}  // namespace meso::vision
