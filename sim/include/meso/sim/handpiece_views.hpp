// The handpiece in 6 degrees of freedom, seen by a pinhole camera: its marker drawn with OpenCV's own ArUco
// renderer, with a white quiet zone, mapped into the image through the pose; and the poses of a pivot
// calibration (the tip resting on one point while the handpiece tilts about it). Ground truth for
// `mesostation pivot` and the marker pose tests.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "meso/vision/headband_layout.hpp"
#include "meso/vision/pivot.hpp"

namespace meso::sim {

// The marker at `pose` (marker axes as vision::MarkerPose) over a grey background; the marker is blurred to
// the camera's scale before it is mapped (a lens does not alias its edges), then a little blur and sensor
// noise (seeded). Throws std::invalid_argument for a marker id outside DICT_4X4_50.
cv::Mat render_handpiece_view(const vision::MarkerPose& pose, const vision::HandpieceMarker& marker,
                              const cv::Matx33d& camera_matrix, cv::Size size, std::uint64_t seed);

// `count` poses of a handpiece whose tip (marker axes) rests at `pivot` (camera axes): tilted up to
// `tilt_deg` in every direction and turned up to 17 degrees about its axis, seeded.
std::vector<vision::MarkerPose> pivot_poses(const cv::Vec3d& tip, const cv::Vec3d& pivot, int count,
                                            double tilt_deg, std::uint64_t seed);

}  // namespace meso::sim
