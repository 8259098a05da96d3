#include "meso/sim/handpiece_views.hpp"

#include <cmath>
#include <numbers>
#include <opencv2/aruco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

namespace meso::sim {

cv::Mat render_handpiece_view(const vision::MarkerPose& pose, const vision::HandpieceMarker& marker,
                              const cv::Matx33d& camera_matrix, cv::Size size, std::uint64_t seed) {
  if (marker.id < 0 || marker.id >= 50)
    throw std::invalid_argument("handpiece view: marker id " + std::to_string(marker.id) +
                                " is not in DICT_4X4_50");
  constexpr double kPxPerMm = 20;  // the marker is drawn this finely, then mapped
  constexpr double kQuietMm = 3;
  const double canvas_mm = marker.size_mm + 2 * kQuietMm;
  const int canvas_px = static_cast<int>(std::lround(canvas_mm * kPxPerMm));
  const int marker_px = static_cast<int>(std::lround(marker.size_mm * kPxPerMm));
  cv::Mat canvas(canvas_px, canvas_px, CV_8U, cv::Scalar(255));
  cv::Mat drawn;
  cv::aruco::drawMarker(cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50), marker.id, marker_px,
                        drawn);
  const int at = (canvas_px - marker_px) / 2;
  drawn.copyTo(canvas(cv::Rect(at, at, marker_px, marker_px)));
  // Canvas pixel u's centre, (u + 0.5) / kPxPerMm - canvas_mm / 2, is the marker-plane millimetre.
  const cv::Matx33d mm_from_canvas(1 / kPxPerMm, 0, 0.5 / kPxPerMm - canvas_mm / 2, 0, 1 / kPxPerMm,
                                   0.5 / kPxPerMm - canvas_mm / 2, 0, 0, 1);
  const cv::Matx33d plane_to_camera(pose.R(0, 0), pose.R(0, 1), pose.t[0], pose.R(1, 0), pose.R(1, 1),
                                    pose.t[1], pose.R(2, 0), pose.R(2, 1), pose.t[2]);
  const cv::Matx33d H = camera_matrix * plane_to_camera * mm_from_canvas;
  const double canvas_px_per_image_px = kPxPerMm * pose.t[2] / camera_matrix(0, 0);
  cv::GaussianBlur(canvas, canvas, {0, 0}, std::max(0.5 * canvas_px_per_image_px, 0.1));
  cv::Mat image(size, CV_8U, cv::Scalar(120));
  cv::warpPerspective(canvas, image, H, image.size(), cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
  cv::GaussianBlur(image, image, {0, 0}, 0.7);
  cv::Mat noise(image.size(), CV_16S);
  cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, 3);
  cv::Mat noisy;
  image.convertTo(noisy, CV_16S);
  noisy += noise;
  noisy.convertTo(image, CV_8U);
  return image;
}

std::vector<vision::MarkerPose> pivot_poses(const cv::Vec3d& tip, const cv::Vec3d& pivot, int count,
                                            double tilt_deg, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> azimuth(0, 2 * std::numbers::pi);
  std::uniform_real_distribution<double> tilt(0, tilt_deg * std::numbers::pi / 180);
  std::uniform_real_distribution<double> spin(-0.3, 0.3);
  std::vector<vision::MarkerPose> poses;
  for (int i = 0; i < count; ++i) {
    const double a = azimuth(random);
    cv::Matx33d tilted;
    cv::Matx33d spun;
    cv::Rodrigues(cv::Vec3d(std::cos(a), std::sin(a), 0) * tilt(random), tilted);
    cv::Rodrigues(cv::Vec3d(0, 0, spin(random)), spun);
    vision::MarkerPose pose;
    pose.R = tilted * spun;
    pose.t = pivot - pose.R * tip;
    poses.push_back(pose);
  }
  return poses;
}

}  // namespace meso::sim
