// The synthetic camera: renders a top-down scalp scene with its ground truth, for the demo, the tests and
// QA. Skin and hair texture at a chosen density with thinning regions, the headband's markers under a known
// homography (perspective, blur, noise, lighting changes, head motion over time), and the handpiece marker
// moving along a path and firing. Seeded: the same options give the same frames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

#include "meso/vision/frame_source.hpp"
#include "meso/vision/geometry.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::sim {

struct ThinningRegion {
  vision::PolygonMm polygon_mm;
  double density_factor = 0.3;  // fraction of the normal density left
};

struct HandpiecePath {
  std::vector<vision::PointMm> waypoints_mm;  // the tip visits these in turn
  double speed_mm_s = 40;
  double dwell_s = 0.3;                       // stops at each waypoint, and fires in the middle of the stop
  double angle_deg = 0;                       // handpiece rotation in the plane
};

struct SyntheticCameraOptions {
  cv::Size size{1280, 720};
  double fps = 30;
  std::uint64_t seed = 1;
  vision::HeadbandLayout layout = vision::default_layout();
  double hairs_per_cm2 = 200;
  std::vector<ThinningRegion> thinning;
  double px_per_mm = 2.9;     // scale at the centre of the view
  double perspective = 0.0004;  // strength of the tilt term in the homography
  double blur_sigma_px = 0.8;
  double noise_sigma = 4;       // grey levels
  bool lighting_changes = true;
  bool head_motion = true;      // slow drift and rotation of the head over time
  std::optional<HandpiecePath> handpiece;
  std::set<int> hidden_markers;  // headband markers covered (by hair, a hand)
};

struct SyntheticTruth {
  double time_s = 0;
  std::uint64_t index = 0;
  cv::Matx33d H_px_from_mm;
  std::vector<int> visible_markers;       // headband ids fully inside the image and not hidden
  std::optional<vision::PointMm> tip_mm;  // nullopt when the handpiece is out of view or absent
  bool fired = false;                     // a shot was fired in this frame
};

class SyntheticCamera : public vision::FrameSource {
 public:
  explicit SyntheticCamera(SyntheticCameraOptions options);
  bool next(vision::Frame& out) override;  // endless
  std::string describe() const override;
  const SyntheticTruth& truth() const { return truth_; }  // of the last frame handed out
  const SyntheticCameraOptions& options() const { return options_; }

 private:
  SyntheticCameraOptions options_;
  SyntheticTruth truth_;
  // implementation detail owned by sim/src/synthetic_camera.cpp
};

// Writes `frames` frames as PNG files and their ground truth as truth.jsonl (one JSON object per frame) into
// `dir`, for QA.
void write_synthetic_frames(SyntheticCamera& camera, int frames, const std::filesystem::path& dir);

}  // namespace meso::sim
