// Registration, tip tracking and the whole per-frame pipeline against the synthetic camera's ground truth:
// perspective, blur, noise, lighting changes and head motion on, as a real chair would see them.
#include "meso/vision/registration.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "meso/sim/synthetic_camera.hpp"
#include "meso/vision/grid_planner.hpp"
#include "meso/vision/vision_pipeline.hpp"

namespace meso::vision {
namespace {

PointMm truth_px_to_mm(const cv::Matx33d& H_px_from_mm, PointMm p) {
  const cv::Vec3d v = H_px_from_mm * cv::Vec3d(p.x, p.y, 1.0);
  return {v[0] / v[2], v[1] / v[2]};
}

// Sample points of every anatomical region, 5 mm apart: where the plane mapping matters.
std::vector<PointMm> zone_samples(const HeadbandLayout& layout) {
  std::vector<PointMm> samples;
  for (const auto& region : layout.regions) {
    const BoxMm b = bounds(region.polygon_mm);
    for (int iy = 0; b.min_y + 5 * iy <= b.max_y; ++iy)
      for (int ix = 0; b.min_x + 5 * ix <= b.max_x; ++ix) {
        const PointMm p{b.min_x + 5 * ix, b.min_y + 5 * iy};
        if (contains(region.polygon_mm, p)) samples.push_back(p);
      }
  }
  return samples;
}

sim::SyntheticCameraOptions noisy_scene(std::uint64_t seed) {
  sim::SyntheticCameraOptions options;
  options.seed = seed;
  options.noise_sigma = 6;
  options.blur_sigma_px = 1.0;
  return options;
}

TEST(Registration, MapsTheZonesWithinAThirdOfAMillimetreRms) {
  sim::SyntheticCamera camera(noisy_scene(3));
  const Registrar registrar(camera.options().layout);
  const auto samples = zone_samples(camera.options().layout);
  ASSERT_GT(samples.size(), 200u);
  double sum_sq = 0;
  std::size_t n = 0;
  Frame frame;
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(camera.next(frame));
    const Registration r = registrar.register_frame(frame.image);
    ASSERT_TRUE(r.ok) << "frame " << i << ": " << r.reason;
    EXPECT_GE(r.markers_seen.size(), 6u);
    EXPECT_LT(r.reprojection_rms_px, 1.0);
    // Where the camera truly shows each plane point, mapped back through the estimated registration.
    for (const auto& p : samples) {
      const PointMm px = truth_px_to_mm(camera.truth().H_px_from_mm, p);
      const PointMm back = r.to_mm({px.x, px.y});
      sum_sq += std::pow(distance(back, p), 2);
      ++n;
    }
  }
  const double rms = std::sqrt(sum_sq / static_cast<double>(n));
  RecordProperty("plane_rms_mm", std::to_string(rms));
  EXPECT_LE(rms, 0.3);
}

TEST(Registration, StopsBelowThreeMarkersAndSaysWhy) {
  auto options = noisy_scene(5);
  options.hidden_markers = {0, 1, 2, 3, 4, 5};  // two of eight left
  sim::SyntheticCamera two(options);
  Frame frame;
  ASSERT_TRUE(two.next(frame));
  const Registrar registrar(options.layout);
  const Registration r = registrar.register_frame(frame.image);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("only 2 markers of the headband in view; guidance needs 3"), std::string::npos)
      << r.reason;
  EXPECT_EQ(tip_position(r, *options.layout.handpiece), std::nullopt);

  options.hidden_markers = {0, 1, 2, 3, 4};  // three left: enough
  sim::SyntheticCamera three(options);
  ASSERT_TRUE(three.next(frame));
  const Registration ok = registrar.register_frame(frame.image);
  EXPECT_TRUE(ok.ok) << ok.reason;
  EXPECT_EQ(ok.markers_seen, (std::vector<int>{5, 6, 7}));
}

TEST(Registration, AMarkerThatIsNotOnTheBandIsIgnored) {
  auto options = noisy_scene(6);
  HeadbandLayout wrong = options.layout;
  wrong.markers[0].center_mm.x += 30;  // the band has slipped at marker 0: its read place is wrong
  sim::SyntheticCamera camera(options);
  Frame frame;
  ASSERT_TRUE(camera.next(frame));
  const Registration r = Registrar(wrong).register_frame(frame.image);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(std::count(r.markers_seen.begin(), r.markers_seen.end(), 0), 0);
  EXPECT_LT(r.reprojection_rms_px, 1.0);
}

TEST(TipTracking, FindsTheTipWithinOneMillimetreRms) {
  auto options = noisy_scene(7);
  sim::HandpiecePath path;
  path.waypoints_mm = {{-40, 30}, {0, 60}, {40, 30}, {20, -40}, {-20, -40}};
  options.handpiece = path;
  sim::SyntheticCamera camera(options);
  VisionPipeline pipeline(options.layout);
  double sum_sq = 0;
  int seen = 0, in_view = 0;
  Frame frame;
  for (int i = 0; i < 150; ++i) {
    ASSERT_TRUE(camera.next(frame));
    const FrameResult r = pipeline.process(frame);
    if (!camera.truth().tip_mm) continue;
    ++in_view;
    if (!r.tip_mm) continue;
    ++seen;
    sum_sq += std::pow(distance(*r.tip_mm, *camera.truth().tip_mm), 2);
  }
  ASSERT_GT(in_view, 100);
  EXPECT_GE(seen, in_view * 9 / 10) << "the handpiece marker was missed too often";
  const double rms = std::sqrt(sum_sq / seen);
  RecordProperty("tip_rms_mm", std::to_string(rms));
  EXPECT_LE(rms, 1.0);
}

TEST(TipTracking, ShotsFiredOnThePlannedPointsCoverThePlan) {
  const GridPlan plan = plan_grid({{"crown", {{-25, 15}, {25, 15}, {25, 65}, {-25, 65}}}}, PlanRequest{});
  ASSERT_GT(plan.points.size(), 10u);
  auto options = noisy_scene(8);
  sim::HandpiecePath path;
  for (const auto& p : plan.points)
    path.waypoints_mm.push_back(p.mm);
  path.speed_mm_s = 150;  // a quick hand keeps the test short; the tip still rests still at each shot
  path.dwell_s = 0.1;
  options.handpiece = path;
  sim::SyntheticCamera camera(options);
  VisionPipeline pipeline(options.layout);
  CoverageTracker coverage(plan);
  Frame frame;
  int fired = 0;
  while (fired < static_cast<int>(plan.points.size())) {
    ASSERT_TRUE(camera.next(frame));
    ASSERT_LT(frame.index, 5000u) << "the handpiece never finished its path";
    pipeline.process(frame);
    if (!camera.truth().fired) continue;
    ++fired;
    const auto sample = pipeline.tips().nearest(frame.time_s, 0.1);
    coverage.record_shot(sample ? sample->tip_mm : std::nullopt);
  }
  EXPECT_EQ(coverage.done(), static_cast<int>(plan.points.size()));
  EXPECT_EQ(coverage.off_plan(), 0);
  EXPECT_EQ(coverage.repeats(), 0);
  EXPECT_TRUE(coverage.missed().empty());
  EXPECT_FALSE(coverage.next_target().has_value());
}

}  // namespace
}  // namespace meso::vision
