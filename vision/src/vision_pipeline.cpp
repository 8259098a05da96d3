#include "meso/vision/vision_pipeline.hpp"

#include <utility>

namespace meso::vision {

VisionPipeline::VisionPipeline(HeadbandLayout layout, std::optional<CameraCalibration> calibration,
                               RegistrationOptions options)
    : registrar_(std::move(layout), options), calibration_(std::move(calibration)) {
  if (calibration_) undistorter_.emplace(*calibration_);
}

FrameResult VisionPipeline::process(const Frame& frame) {
  const cv::Size size = frame.image.size();
  if (size != warned_for_) {  // a camera may change its mode: worked out again only then
    warned_for_ = size;
    calibration_warning_ = calibration_problem(calibration_, size);
  }
  // A calibration made for another resolution would bend the frame wrongly: the frame goes through as it
  // is, and the warning says why.
  if (undistorter_ && size == calibration_->image_size) {
    undistorter_->apply(frame.image, undistorted_);
    image_ = undistorted_;
  } else {
    image_ = frame.image;
  }
  FrameResult result;
  result.time_s = frame.time_s;
  result.calibration_warning = calibration_warning_;
  result.registration = registrar_.register_frame(image_);
  if (const auto& hp = registrar_.layout().handpiece) result.tip_mm = tip_position(result.registration, *hp);
  tips_.push({frame.time_s, result.tip_mm});
  return result;
}

}  // namespace meso::vision
