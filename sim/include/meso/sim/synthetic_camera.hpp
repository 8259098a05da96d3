// The synthetic camera: renders a top-down scalp scene with its ground truth, for the demo, the tests and
// QA. Skin and hair texture at a chosen density with thinning regions, the headband's markers under a known
// homography (perspective, blur, noise, lighting changes, head motion over time), and the handpiece marker
// moving along a path and firing. Seeded: the same options give the same frames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
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
  double dwell_s = 0.3;  // stops at each waypoint, and fires in the middle of the stop
  double angle_deg = 0;  // handpiece rotation in the plane
  // false: after the last waypoint the tip rests there and fires no more; true: it travels back to the
  // first waypoint and goes round again.
  bool loop = false;
};

struct SyntheticCameraOptions {
  cv::Size size{1280, 720};
  double fps = 30;
  std::uint64_t seed = 1;
  vision::HeadbandLayout layout = vision::default_layout();
  double hairs_per_cm2 = 200;
  std::vector<ThinningRegion> thinning;
  // Scale at the centre of the view; at 2.6 the default headband (251 mm front to back with its quiet
  // zones) stays in a 720-row image under the default tilt and head motion.
  double px_per_mm = 2.6;
  // The tilt term of the homography, per mm: w = 1 + perspective * (0.3 x + y), so the front of the head
  // (y < 0) looks larger, as from a camera in front of and above the patient.
  double perspective = 0.0004;
  double blur_sigma_px = 0.8;
  double noise_sigma = 4;  // grey levels
  bool lighting_changes = true;
  bool head_motion = true;  // slow drift and rotation of the head over time
  std::optional<HandpiecePath> handpiece;
  std::set<int> hidden_markers;  // headband markers covered (by hair, a hand)
};

struct SyntheticTruth {
  double time_s = 0;
  std::uint64_t index = 0;
  cv::Matx33d H_px_from_mm;
  // Headband ids, ascending, whose marker and white quiet zone lie fully inside the image, not hidden and
  // not covered by the handpiece.
  std::vector<int> visible_markers;
  // nullopt when the handpiece is absent or its marker (with its quiet zone) is not fully in view.
  std::optional<vision::PointMm> tip_mm;
  bool fired = false;  // a shot was fired in this frame (the frame nearest the middle of a dwell)
};

// Frame i is at time i / fps. Throws std::invalid_argument naming the option when one is out of range.
class SyntheticCamera : public vision::FrameSource {
 public:
  explicit SyntheticCamera(SyntheticCameraOptions options);
  bool next(vision::Frame& out) override;  // endless
  std::string describe() const override;
  const SyntheticTruth& truth() const { return truth_; }  // of the last frame handed out
  const SyntheticCameraOptions& options() const { return options_; }

 private:
  struct Scene;  // what stays the same from frame to frame: textures, motion, the handpiece's timetable

  SyntheticCameraOptions options_;
  SyntheticTruth truth_;
  std::shared_ptr<const Scene> scene_;
  cv::RNG noise_rng_;
  std::uint64_t next_index_ = 0;
};

// Writes `frames` frames as PNG files (frame_000000.png, ...) and their ground truth as truth.jsonl into
// `dir` (created if needed), for QA. One JSON object per line: {"index", "time_s", "file", "H_px_from_mm"
// (3x3, rows), "visible_markers", "tip_mm" ([x, y] or null), "fired"}. Throws std::runtime_error when a
// file cannot be written.
void write_synthetic_frames(SyntheticCamera& camera, int frames, const std::filesystem::path& dir);

}  // namespace meso::sim
