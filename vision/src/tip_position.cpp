#include <opencv2/imgproc.hpp>

#include "meso/vision/registration.hpp"

namespace meso::vision {

// The handpiece marker is taken to lie in the scalp plane: its corners are mapped to plane mm, and the
// marker-to-plane homography carries the tip offset (in the marker's own axes) to the plane.
std::optional<PointMm> tip_position(const Registration& registration, const HandpieceMarker& handpiece) {
  if (!registration.ok) return std::nullopt;
  const MarkerDetection* d = registration.detection(handpiece.id);
  if (d == nullptr) return std::nullopt;
  const auto h = static_cast<float>(handpiece.size_mm / 2);
  const std::array<cv::Point2f, 4> local{cv::Point2f(-h, -h), cv::Point2f(h, -h), cv::Point2f(h, h),
                                         cv::Point2f(-h, h)};
  std::array<cv::Point2f, 4> plane;
  for (std::size_t i = 0; i < 4; ++i) {
    const PointMm p = registration.to_mm(d->corners[i]);
    plane[i] = cv::Point2f(static_cast<float>(p.x), static_cast<float>(p.y));
  }
  const cv::Matx33d H_mm_from_marker(cv::getPerspectiveTransform(local.data(), plane.data()));
  const cv::Vec3d tip =
      H_mm_from_marker * cv::Vec3d(handpiece.tip_offset_mm.x, handpiece.tip_offset_mm.y, 1.0);
  return PointMm{tip[0] / tip[2], tip[1] / tip[2]};
}

}  // namespace meso::vision
