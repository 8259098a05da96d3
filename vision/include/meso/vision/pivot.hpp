// The handpiece in 3D: its marker's pose from the calibrated camera, and the needle tip's offset in the
// marker's axes found by pivoting (the tip rests on one point while the handpiece turns about it; PLUS
// toolkit's and 3D Slicer's pivot calibration). Marker axes: x along the marker image's x, y along its y
// (down the image as printed), z = x cross y, into the marker, away from a camera that sees it: a tip below
// the marker has z > 0. Millimetres throughout.
#pragma once

#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/vision/calibration.hpp"
#include "meso/vision/registration.hpp"

namespace meso::vision {

// The marker's pose in the camera: a point m in marker axes is at R m + t in camera axes (x right, y down,
// z out along the view).
struct MarkerPose {
  cv::Matx33d R = cv::Matx33d::eye();
  cv::Vec3d t;
  cv::Vec3d to_camera(const cv::Vec3d& m) const { return R * m + t; }
};

// The pose of a square marker of side `size_mm` (black square, border included) from its four corners
// (OpenCV's SOLVEPNP_IPPE_SQUARE). `calibration` gives the intrinsics; pass no distortion when the frame was
// undistorted already. nullopt when the solver finds no pose.
std::optional<MarkerPose> marker_pose(const MarkerDetection& detection, double size_mm,
                                      const cv::Matx33d& camera_matrix, const cv::Mat& dist_coeffs = {});

// Both poses a square marker's corners allow (SOLVEPNP_IPPE_SQUARE's two solutions, the better reprojection
// first): a small marker seen nearly face on can be tilted either way by a tenth of a pixel of noise, and
// the first is then the wrong one (up to 14 degrees off in the tests' 65 px views). Empty when none.
std::vector<MarkerPose> marker_pose_candidates(const MarkerDetection& detection, double size_mm,
                                               const cv::Matx33d& camera_matrix,
                                               const cv::Mat& dist_coeffs = {});

// What a pivot calibration found.
struct PivotResult {
  cv::Vec3d tip_mm;    // the tip in marker axes: the handpiece's tip offset
  cv::Vec3d pivot_mm;  // the point it rested on, in camera axes
  double rms_mm = 0;   // of |R tip + t - pivot| over the poses
  double max_mm = 0;
  int poses = 0;
  double spread_deg = 0;  // the largest angle between two poses' marker axes
};

// Refused: too few poses, too little turning to fix the tip, or a fit above the RMS limit. Carries the fit
// (when one was made) so a caller can show it.
struct PivotRefused : std::invalid_argument {
  PivotRefused(const std::string& what,
               const std::optional<PivotResult>& fit)  // NOLINT(modernize-pass-by-value): a few doubles
      : std::invalid_argument(what), result(fit) {}
  std::optional<PivotResult> result;
};

struct PivotOptions {
  int min_poses = 10;
  double min_spread_deg = 20;  // less turning leaves the tip's depth along the handpiece undetermined
  double max_rms_mm = 0.5;
};

// The least-squares fit of R_i tip + t_i = pivot over the poses (an SVD of the stacked [R_i | -I]).
// Throws PivotRefused saying what to do.
PivotResult pivot_calibrate(const std::vector<MarkerPose>& poses, const PivotOptions& options = {});
// The same from each view's candidate poses (marker_pose_candidates): the fit starts from each view's first
// and then takes, view by view, the candidate that agrees with the fit, until the choice settles; the
// pivot's own constraint (one tip, one resting point) tells the two tilts apart.
PivotResult pivot_calibrate(const std::vector<std::vector<MarkerPose>>& candidates,
                            const PivotOptions& options = {});

// The calibrated tip, kept with the station's configuration (camera.tip in the station file).
struct TipCalibration {
  int marker_id = 0;
  double marker_size_mm = 0;
  cv::Vec3d tip_mm;
  double rms_mm = 0;
  int poses = 0;
  double spread_deg = 0;
  std::string utc;  // when it was made
};

void save_tip_calibration(const TipCalibration& tip, const std::filesystem::path& path);
// Throws std::invalid_argument naming the file and the field; a fit above 0.5 mm RMS is refused.
TipCalibration load_tip_calibration(const std::filesystem::path& path);

}  // namespace meso::vision
