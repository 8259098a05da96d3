// Registration of each frame to the headband plane: detect the ArUco markers, fit the homography from
// plane millimetres to image pixels, report its error. With fewer than the minimum of headband markers in
// view there is no registration, and `reason` says why, for the clinician.
#pragma once

#include <array>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/vision/geometry.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::vision {

struct MarkerDetection {
  int id = 0;
  std::array<cv::Point2f, 4>
      corners;  // image px, in ArUco order: top-left, top-right, bottom-right, bottom-left
};

struct Registration {
  bool ok = false;
  std::string reason;                       // why not ok, in words a clinician can act on
  std::vector<int> markers_seen;            // headband ids used for the fit, ascending
  std::vector<MarkerDetection> detections;  // every marker found, the handpiece's included
  cv::Matx33d H_px_from_mm = cv::Matx33d::eye();
  double reprojection_rms_px = 0;

  cv::Point2d to_px(PointMm p) const;
  PointMm to_mm(cv::Point2d px) const;
  const MarkerDetection* detection(int id) const;
};

struct RegistrationOptions {
  std::size_t min_markers = 3;
  // The scale the camera is expected to see the plane at. With the layout's smallest marker it sets
  // Aruco3's minMarkerLengthRatioOriginalImg (at its default 0, sub-pixel refinement silently does nothing,
  // and the search runs on the full image): markers down to `marker_size_margin` of the expected side are
  // still found.
  double expected_px_per_mm = 2.5;
  double marker_size_margin = 0.8;
  // A fit whose corners miss by more than this (RMS) is not trusted for guidance.
  double max_rms_px = 2.5;
};

class Registrar {
 public:
  explicit Registrar(HeadbandLayout layout, RegistrationOptions options = {});
  ~Registrar();
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;

  Registration register_frame(const cv::Mat& image) const;  // BGR or gray
  const HeadbandLayout& layout() const { return layout_; }

 private:
  struct Detector;
  HeadbandLayout layout_;
  RegistrationOptions options_;
  std::unique_ptr<Detector> detector_;
};

// The handpiece tip in plane mm, from the handpiece marker seen in a registered frame; nullopt when the
// frame is not registered or the marker is not visible.
std::optional<PointMm> tip_position(const Registration& registration, const HandpieceMarker& handpiece);

}  // namespace meso::vision
