// The per-frame vision pipeline (detect the markers, fit the homography, locate the tip, place a shot on
// the plan) on noisy 1280x720 synthetic frames, next to OpenCV's plain cv::aruco::detectMarkers with its
// default parameters on the same frames, in the same run. Goals (issue 5): pipeline p95 at most 15 ms and
// at most 0.6x the plain detector.
// Usage: vision_bench [--frames N]   (prints a Markdown table; docs/performance.md records it)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <opencv2/aruco.hpp>
#include <opencv2/calib3d.hpp>
#include <string>
#include <vector>

#include "meso/sim/synthetic_camera.hpp"
#include "meso/vision/coverage.hpp"
#include "meso/vision/grid_planner.hpp"
#include "meso/vision/vision_pipeline.hpp"
#include "percentile.hpp"

namespace {

using namespace meso;  // NOLINT(google-build-using-namespace): a benchmark's main file
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::vector<vision::Frame> render_frames(int count) {
  sim::SyntheticCameraOptions options;
  options.seed = 11;
  options.noise_sigma = 6;
  sim::HandpiecePath path;
  path.waypoints_mm = {{-30, 20}, {0, 40}, {30, 20}, {0, -20}};
  options.handpiece = path;
  sim::SyntheticCamera camera(options);
  std::vector<vision::Frame> frames(static_cast<std::size_t>(count));
  for (auto& f : frames)
    camera.next(f);
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 300;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--frames") == 0) count = std::max(20, std::atoi(argv[i + 1]));
  const std::vector<vision::Frame> frames = render_frames(count);

  vision::VisionPipeline pipeline(vision::default_layout());
  vision::Zone crown{"crown", {{-30, 10}, {30, 10}, {30, 70}, {-30, 70}}};
  vision::CoverageTracker coverage(vision::plan_grid({crown}, vision::PlanRequest{}));

  const auto dictionary = cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50);
  const auto defaults = cv::aruco::DetectorParameters::create();

  std::vector<double> pipeline_ms, plain_ms;
  int registered = 0, tips = 0;
  std::vector<std::vector<cv::Point2f>> corners;
  std::vector<int> ids;
  // Interleaved, so both see the same machine load.
  for (const auto& frame : frames) {
    auto t = Clock::now();
    const vision::FrameResult r = pipeline.process(frame);
    coverage.record_shot(r.tip_mm);
    pipeline_ms.push_back(ms_since(t));
    registered += r.registration.ok ? 1 : 0;
    tips += r.tip_mm ? 1 : 0;

    t = Clock::now();
    cv::aruco::detectMarkers(frame.image, dictionary, corners, ids, defaults);
    plain_ms.push_back(ms_since(t));
  }
  const meso::bench::Spread p = meso::bench::p50_p95(pipeline_ms);
  const meso::bench::Spread b = meso::bench::p50_p95(plain_ms);
  std::printf("%d frames %dx%d, %d registered, %d with the tip in view\n\n", count, frames[0].image.cols,
              frames[0].image.rows, registered, tips);
  std::printf("| measure | p50 ms | p95 ms |\n|---|---|---|\n");
  std::printf("| pipeline (detect, homography, tip, coverage) | %.2f | %.2f |\n", p.p50_ms, p.p95_ms);
  std::printf("| plain `detectMarkers`, default parameters | %.2f | %.2f |\n", b.p50_ms, b.p95_ms);
  std::printf("| ratio pipeline / plain | %.2f | %.2f |\n", p.p50_ms / b.p50_ms, p.p95_ms / b.p95_ms);

  // Undistortion (issue 17): remap tables computed once (what the pipeline does) against cv::undistort,
  // which computes them again for every frame. Interleaved on the same frames, with a barrel lens.
  vision::CameraCalibration lens;
  lens.camera_matrix = (cv::Mat_<double>(3, 3) << 950, 0, 640, 0, 945, 360, 0, 0, 1);
  lens.dist_coeffs = (cv::Mat_<double>(1, 5) << -0.15, 0.08, 0.001, -0.0008, 0);
  lens.image_size = frames[0].image.size();
  const vision::Undistorter undistorter(lens);
  std::vector<double> remap_ms, undistort_ms;
  cv::Mat out;
  for (const auto& frame : frames) {
    auto t = Clock::now();
    undistorter.apply(frame.image, out);
    remap_ms.push_back(ms_since(t));
    t = Clock::now();
    cv::undistort(frame.image, out, lens.camera_matrix, lens.dist_coeffs);
    undistort_ms.push_back(ms_since(t));
  }
  const meso::bench::Spread r = meso::bench::p50_p95(remap_ms);
  const meso::bench::Spread u = meso::bench::p50_p95(undistort_ms);
  std::printf("| undistort: remap, tables computed once (the pipeline) | %.2f | %.2f |\n", r.p50_ms,
              r.p95_ms);
  std::printf("| undistort: `cv::undistort` per frame | %.2f | %.2f |\n", u.p50_ms, u.p95_ms);
  return 0;
}
