// The per-frame pipeline: undistort (when calibrated), register, locate the tip, and keep the tip history
// that places shots. One instance per camera thread.
#pragma once

#include <optional>
#include <string>

#include "meso/vision/calibration.hpp"
#include "meso/vision/coverage.hpp"
#include "meso/vision/frame_source.hpp"
#include "meso/vision/registration.hpp"

namespace meso::vision {

struct FrameResult {
  double time_s = 0;
  Registration registration;
  std::optional<PointMm> tip_mm;
  // calibration_problem() for this frame: the frame was not undistorted, or not well. Empty when it was.
  std::string calibration_warning;
};

class VisionPipeline {
 public:
  explicit VisionPipeline(HeadbandLayout layout, std::optional<CameraCalibration> calibration = std::nullopt,
                          RegistrationOptions options = {});
  FrameResult process(const Frame& frame);
  const TipHistory& tips() const { return tips_; }
  const Registrar& registrar() const { return registrar_; }
  // The image the last frame was registered on: undistorted when the calibration fits the frame's size.
  const cv::Mat& image() const { return image_; }

 private:
  Registrar registrar_;
  std::optional<CameraCalibration> calibration_;
  std::optional<Undistorter> undistorter_;
  cv::Mat undistorted_;
  cv::Mat image_;
  cv::Size warned_for_{-1, -1};  // the frame size calibration_warning_ was worked out for
  std::string calibration_warning_;
  TipHistory tips_;
};

}  // namespace meso::vision
