// Progress across sessions: photos registered to the headband frame so the same zone lines up from one
// session to the next, and a hair-density estimate in a calibrated 1 cm2 field of a close-up.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "meso/vision/geometry.hpp"
#include "meso/vision/registration.hpp"

namespace meso::vision {

// The registered photo: `area` of the plane rendered at `px_per_mm`, top-left at area.min.
cv::Mat warp_to_plane(const cv::Mat& image, const Registration& registration, const BoxMm& area,
                      double px_per_mm);

struct DensityEstimate {
  double hairs_per_cm2 = 0;
  int hairs_counted = 0;  // the estimate for the field, rounded
  double field_cm2 = 0;
  int hair_ends = 0;          // shaft ends seen in the field, before the correction for hidden ones
  double cover_fraction = 0;  // share of the field covered by hair
  std::string method;         // what was counted and how (docs/vision.md states its known error)
};

// Counts hair shafts in the central 1 cm2 of a close-up whose scale is `px_per_mm` (from the close-up
// lens's calibration, or a registration). Meant for a phototrichogram (hair clipped in the field): it
// counts shaft ends, so uncut hair crossing the whole field is not counted. Throws std::invalid_argument
// when the image is smaller than the field or coarser than 40 px/mm (below that, errors grow past
// 20% at normal density).
DensityEstimate estimate_hair_density(const cv::Mat& closeup, double px_per_mm);

}  // namespace meso::vision
