// The per-frame pipeline: undistort (when calibrated), register, locate the tip, and keep the tip history
// that places shots. One instance per camera thread.
#pragma once

#include <optional>

#include "meso/vision/calibration.hpp"
#include "meso/vision/coverage.hpp"
#include "meso/vision/frame_source.hpp"
#include "meso/vision/registration.hpp"

namespace meso::vision {

struct FrameResult {
  double time_s = 0;
  Registration registration;
  std::optional<PointMm> tip_mm;
};

class VisionPipeline {
 public:
  explicit VisionPipeline(HeadbandLayout layout, std::optional<CameraCalibration> calibration = std::nullopt,
                          RegistrationOptions options = {});
  FrameResult process(const Frame& frame);
  const TipHistory& tips() const { return tips_; }
  const Registrar& registrar() const { return registrar_; }

 private:
  Registrar registrar_;
  std::optional<Undistorter> undistorter_;
  cv::Mat undistorted_;
  TipHistory tips_;
};

}  // namespace meso::vision
