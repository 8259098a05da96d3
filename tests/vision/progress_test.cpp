// Progress tracking: photos warped to the headband plane line up, and the hair-density estimate against
// synthetic close-ups with a known count.
#include "meso/vision/progress.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "meso/sim/synthetic_closeup.hpp"

namespace meso::vision {
namespace {

constexpr double kPlanePxPerMm = 4.0;
const BoxMm kArea{-20, -15, 20, 15};

Registration registered(const cv::Matx33d& H_px_from_mm) {
  Registration r;
  r.ok = true;
  r.H_px_from_mm = H_px_from_mm;
  return r;
}

// A plane->image homography: scale, rotation, shift and a little tilt.
cv::Matx33d homography(double px_per_mm, double angle_deg, cv::Point2d centre_px, double tilt) {
  const double a = angle_deg * 3.14159265358979 / 180;
  const double c = std::cos(a) * px_per_mm;
  const double s = std::sin(a) * px_per_mm;
  return {c, -s, centre_px.x, s, c, centre_px.y, tilt, -tilt / 2, 1};
}

cv::Point2d centroid(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const cv::Moments m = cv::moments(gray);
  return {m.m10 / m.m00, m.m01 / m.m00};
}

// A textured patch of the plane, drawn at kPlanePxPerMm over kArea, photographed through H_px_from_mm.
cv::Mat photograph_plane(const cv::Mat& texture, const cv::Matx33d& H_px_from_mm) {
  const cv::Matx33d mm_from_tex(1 / kPlanePxPerMm, 0, kArea.min_x, 0, 1 / kPlanePxPerMm, kArea.min_y, 0, 0,
                                1);
  cv::Mat photo;
  cv::warpPerspective(texture, photo, H_px_from_mm * mm_from_tex, cv::Size(640, 480), cv::INTER_LINEAR,
                      cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return photo;
}

TEST(ProgressWarp, PutsAPlaneFeatureAtItsPlaneCoordinates) {
  const cv::Matx33d H = homography(6.0, 20, {320, 240}, 0.0005);
  const cv::Vec3d p = H * cv::Vec3d(12, -5, 1);  // a dot at (12, -5) mm
  cv::Mat photo(480, 640, CV_8UC3, cv::Scalar::all(0));
  cv::circle(photo,
             cv::Point(static_cast<int>(std::lround(p[0] / p[2] * 16)),
                       static_cast<int>(std::lround(p[1] / p[2] * 16))),
             5 * 16, cv::Scalar::all(255), cv::FILLED, cv::LINE_AA, 4);
  const cv::Mat plane = warp_to_plane(photo, registered(H), kArea, kPlanePxPerMm);
  ASSERT_EQ(plane.size(), cv::Size(160, 120));
  const cv::Point2d found = centroid(plane);
  EXPECT_NEAR(found.x, (12 - kArea.min_x) * kPlanePxPerMm, 0.5);
  EXPECT_NEAR(found.y, (-5 - kArea.min_y) * kPlanePxPerMm, 0.5);
}

TEST(ProgressWarp, TwoSessionsOfTheSameZoneLineUp) {
  cv::Mat texture(static_cast<int>(kArea.height() * kPlanePxPerMm),
                  static_cast<int>(kArea.width() * kPlanePxPerMm), CV_8UC3);
  cv::RNG rng(7);
  rng.fill(texture, cv::RNG::UNIFORM, 0, 255);
  cv::GaussianBlur(texture, texture, cv::Size(), 2.0);  // features a few pixels wide, like skin and hair
  cv::normalize(texture, texture, 0, 255, cv::NORM_MINMAX);
  const cv::Matx33d H1 = homography(7.0, 10, {330, 250}, 0.0004);
  const cv::Matx33d H2 = homography(8.5, -25, {300, 230}, -0.0006);  // the next session: head turned, closer
  const cv::Mat a = warp_to_plane(photograph_plane(texture, H1), registered(H1), kArea, kPlanePxPerMm);
  const cv::Mat b = warp_to_plane(photograph_plane(texture, H2), registered(H2), kArea, kPlanePxPerMm);
  const cv::Mat wrong = warp_to_plane(photograph_plane(texture, H2), registered(H1), kArea, kPlanePxPerMm);
  const cv::Rect interior(8, 8, a.cols - 16, a.rows - 16);  // edges are partly outside one photo
  const double aligned =
      cv::norm(a(interior), b(interior), cv::NORM_L1) / static_cast<double>(interior.area() * 3);
  const double misaligned =
      cv::norm(a(interior), wrong(interior), cv::NORM_L1) / static_cast<double>(interior.area() * 3);
  EXPECT_LT(aligned, 6.0);
  EXPECT_GT(misaligned, 4 * aligned);
}

TEST(ProgressWarp, RefusesAnUnregisteredPhoto) {
  Registration r;
  r.reason = "only 2 headband markers in view";
  EXPECT_THROW(warp_to_plane(cv::Mat(480, 640, CV_8UC3), r, kArea, kPlanePxPerMm), std::invalid_argument);
}

// The published automatic phototrichogram error is about 12%; the estimate must do no worse than 15% on
// clean synthetic close-ups across the range from thinning to normal density.
TEST(ProgressDensity, WithinFifteenPercentOfTheTruthFromThinningToNormal) {
  constexpr double kPxPerMm = 40;
  for (const double density : {80.0, 150.0, 220.0}) {
    // Seeds apart from 1-4, on which the merge distance of the estimate was checked.
    for (const std::uint64_t seed : {11U, 12U, 13U}) {
      cv::Mat closeup;
      const sim::CloseupTruth truth = sim::render_closeup(closeup, density, kPxPerMm, seed);
      const DensityEstimate e = estimate_hair_density(closeup, kPxPerMm);
      const double error = (e.hairs_per_cm2 - truth.hairs_in_field) / truth.hairs_in_field;
      std::cout << "density " << density << " seed " << seed << ": truth " << truth.hairs_in_field
                << ", estimate " << e.hairs_per_cm2 << " (" << e.hair_ends << " ends, cover "
                << e.cover_fraction << "), error " << 100 * error << "%\n";
      EXPECT_NEAR(e.field_cm2, 1.0, 1e-9);
      EXPECT_LT(std::abs(error), 0.15) << "density " << density << " seed " << seed;
    }
  }
}

TEST(ProgressDensity, RefusesATinyOrCoarseImage) {
  cv::Mat closeup;
  sim::render_closeup(closeup, 150, 40, 1);
  EXPECT_THROW(estimate_hair_density(closeup(cv::Rect(0, 0, 300, 300)), 40), std::invalid_argument);
  EXPECT_THROW(estimate_hair_density(closeup, 30), std::invalid_argument);
  const DensityEstimate e = estimate_hair_density(closeup, 40);
  EXPECT_FALSE(e.method.empty());
}

TEST(ProgressDensity, BareSkinHasNoHair) {
  cv::Mat closeup;
  sim::render_closeup(closeup, 0, 40, 5);
  EXPECT_LT(estimate_hair_density(closeup, 40).hairs_per_cm2, 3.0);
}

}  // namespace
}  // namespace meso::vision
