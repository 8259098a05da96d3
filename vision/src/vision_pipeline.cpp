#include "meso/vision/vision_pipeline.hpp"

#include <utility>

namespace meso::vision {

VisionPipeline::VisionPipeline(HeadbandLayout layout, std::optional<CameraCalibration> calibration,
                               RegistrationOptions options)
    : registrar_(std::move(layout), options) {
  if (calibration) undistorter_.emplace(*calibration);
}

FrameResult VisionPipeline::process(const Frame& frame) {
  const cv::Mat* image = &frame.image;
  if (undistorter_) {
    undistorter_->apply(frame.image, undistorted_);
    image = &undistorted_;
  }
  FrameResult result;
  result.time_s = frame.time_s;
  result.registration = registrar_.register_frame(*image);
  if (const auto& hp = registrar_.layout().handpiece) result.tip_mm = tip_position(result.registration, *hp);
  tips_.push({frame.time_s, result.tip_mm});
  return result;
}

}  // namespace meso::vision
