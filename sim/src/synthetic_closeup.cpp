#include "meso/sim/synthetic_closeup.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

namespace meso::sim {

namespace {

constexpr double kFieldMm = 10.0;  // the central 1 cm2
constexpr double kMarginMm = 3.0;  // around the field, so hairs cross its edges as on a real scalp
// A phototrichogram clips the hair in the field a few days before: short shafts of terminal width
// (0.047 to 0.061 mm in thinning and healthy scalps, Rakowska 2009; a little wider here for dark, thick
// hair).
constexpr double kMinLengthMm = 1.0;
constexpr double kMaxLengthMm = 3.0;
constexpr double kMinWidthMm = 0.06;
constexpr double kMaxWidthMm = 0.10;
constexpr int kSegmentsPerHair = 6;

struct Hair {
  cv::Point2d exit_mm;
  double angle = 0;
  double length_mm = 0;
  double width_mm = 0;
  double curvature = 0;  // radians per mm: shafts bend a little
  double opacity = 0;
};

Hair random_hair(cv::RNG& rng, double side_mm) {
  Hair h;
  // Exits outside the image too, so hairs enter it from beyond its edges as often as they leave.
  h.exit_mm = {rng.uniform(-kMaxLengthMm, side_mm + kMaxLengthMm),
               rng.uniform(-kMaxLengthMm, side_mm + kMaxLengthMm)};
  h.angle = rng.uniform(0.0, 2 * std::numbers::pi);
  h.length_mm = rng.uniform(kMinLengthMm, kMaxLengthMm);
  h.width_mm = rng.uniform(kMinWidthMm, kMaxWidthMm);
  h.curvature = rng.uniform(-0.15, 0.15);
  h.opacity = rng.uniform(0.75, 0.95);
  return h;
}

std::vector<cv::Point> hair_polyline(const Hair& h, double px_per_mm_hi) {
  std::vector<cv::Point> points;
  cv::Point2d p = h.exit_mm;
  double angle = h.angle;
  const double step = h.length_mm / kSegmentsPerHair;
  for (int i = 0; i <= kSegmentsPerHair; ++i) {
    points.emplace_back(static_cast<int>(std::lround(p.x * px_per_mm_hi)),
                        static_cast<int>(std::lround(p.y * px_per_mm_hi)));
    p += cv::Point2d(std::cos(angle), std::sin(angle)) * step;
    angle += h.curvature * step;
  }
  return points;
}

// Skin: a warm base colour, the vignette of a dermatoscope's ring light, mottling and sensor noise.
cv::Mat render_skin(cv::Size size, double px_per_mm, cv::RNG& rng) {
  cv::Mat mottle(size, CV_32F);
  rng.fill(mottle, cv::RNG::NORMAL, 0.0, 1.0);
  const double mottle_sigma_px = std::max(1.0, 0.15 * px_per_mm);
  cv::GaussianBlur(mottle, mottle, cv::Size(), mottle_sigma_px);
  cv::normalize(mottle, mottle, -1.0, 1.0, cv::NORM_MINMAX);
  const cv::Vec3f base(static_cast<float>(rng.uniform(130.0, 160.0)),
                       static_cast<float>(rng.uniform(155.0, 180.0)),
                       static_cast<float>(rng.uniform(195.0, 225.0)));
  cv::Mat skin(size, CV_32FC3);
  const cv::Point2f centre(static_cast<float>(size.width) / 2, static_cast<float>(size.height) / 2);
  const float radius = static_cast<float>(std::max(size.width, size.height)) / 2;
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const float r =
          static_cast<float>(cv::norm(cv::Point2f(static_cast<float>(x), static_cast<float>(y)) - centre)) /
          radius;
      const float light = 1.0F - 0.2F * r * r + 0.06F * mottle.at<float>(y, x);
      skin.at<cv::Vec3f>(y, x) = base * light;
    }
  }
  return skin;
}

}  // namespace

CloseupTruth render_closeup(cv::Mat& out, double hairs_per_cm2, double px_per_mm, std::uint64_t seed) {
  if (!(px_per_mm >= 10 && px_per_mm <= 200))
    throw std::invalid_argument("render_closeup: px_per_mm must be 10 to 200");
  if (!(hairs_per_cm2 >= 0 && hairs_per_cm2 <= 1000))
    throw std::invalid_argument("render_closeup: hairs_per_cm2 must be 0 to 1000");
  cv::RNG rng(seed == 0 ? 1 : seed);  // cv::RNG: the same stream on every platform
  const double side_mm = kFieldMm + 2 * kMarginMm;
  const int side_px = static_cast<int>(std::lround(side_mm * px_per_mm));
  // Hairs drawn at several times the resolution and averaged down: shaft widths of 2 to 4 px come out
  // with their true sub-pixel width instead of whole-pixel strokes.
  const int supersample = std::clamp(4096 / side_px, 1, 4);
  const double ppm_hi = px_per_mm * supersample;
  cv::Mat coverage_hi = cv::Mat::zeros(side_px * supersample, side_px * supersample, CV_8U);

  const double seeded_side = side_mm + 2 * kMaxLengthMm;
  const int hairs = static_cast<int>(std::lround(hairs_per_cm2 * seeded_side * seeded_side / 100.0));
  CloseupTruth truth;
  truth.px_per_mm = px_per_mm;
  for (int i = 0; i < hairs; ++i) {
    const Hair h = random_hair(rng, side_mm);
    const int thickness = std::max(1, static_cast<int>(std::lround(h.width_mm * ppm_hi)));
    const std::vector<cv::Point> line = hair_polyline(h, ppm_hi);
    cv::polylines(coverage_hi, line, false, cv::Scalar(std::round(255 * h.opacity)), thickness, cv::LINE_AA);
    const bool in_field = h.exit_mm.x >= kMarginMm && h.exit_mm.x < kMarginMm + kFieldMm &&
                          h.exit_mm.y >= kMarginMm && h.exit_mm.y < kMarginMm + kFieldMm;
    if (in_field) ++truth.hairs_in_field;
  }
  cv::Mat coverage;
  cv::resize(coverage_hi, coverage, cv::Size(side_px, side_px), 0, 0, cv::INTER_AREA);
  coverage.convertTo(coverage, CV_32F, 1.0 / 255);

  cv::Mat skin = render_skin(coverage.size(), px_per_mm, rng);
  const cv::Vec3f hair_colour(static_cast<float>(rng.uniform(25.0, 40.0)),
                              static_cast<float>(rng.uniform(30.0, 45.0)),
                              static_cast<float>(rng.uniform(40.0, 60.0)));
  cv::Mat image(skin.size(), CV_32FC3);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const float a = coverage.at<float>(y, x);
      image.at<cv::Vec3f>(y, x) = skin.at<cv::Vec3f>(y, x) * (1.0F - a) + hair_colour * a;
    }
  }
  cv::GaussianBlur(image, image, cv::Size(), 0.6);  // the lens
  cv::Mat noise(image.size(), CV_32FC3);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 3.0);
  image += noise;
  image.convertTo(out, CV_8UC3);
  return truth;
}

}  // namespace meso::sim
