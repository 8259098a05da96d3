#include "meso/sim/synthetic_camera.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

namespace {

using meso::sim::HandpiecePath;
using meso::sim::SyntheticCamera;
using meso::sim::SyntheticCameraOptions;
using meso::vision::Frame;
using meso::vision::PointMm;

cv::Point2d to_px(const cv::Matx33d& h, PointMm p) {
  const cv::Vec3d v = h * cv::Vec3d(p.x, p.y, 1);
  return {v[0] / v[2], v[1] / v[2]};
}

PointMm to_mm(const cv::Matx33d& h, cv::Point2d px) {
  const cv::Vec3d v = h.inv() * cv::Vec3d(px.x, px.y, 1);
  return {v[0] / v[2], v[1] / v[2]};
}

// Every marker found, by id, as its four corners (ArUco order).
std::map<int, std::vector<cv::Point2f>> detect(const cv::Mat& image) {
  const auto dictionary = cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50);
  auto parameters = cv::aruco::DetectorParameters::create();
  parameters->cornerRefinementMethod = cv::aruco::CORNER_REFINE_SUBPIX;
  std::vector<std::vector<cv::Point2f>> corners;
  std::vector<int> ids;
  cv::aruco::detectMarkers(image, dictionary, corners, ids, parameters);
  std::map<int, std::vector<cv::Point2f>> found;
  for (std::size_t i = 0; i < ids.size(); ++i)
    found[ids[i]] = corners[i];
  return found;
}

cv::Point2d centre_of(const std::vector<cv::Point2f>& corners) {
  cv::Point2d sum;
  for (const auto& c : corners)
    sum += cv::Point2d(c);
  return sum / static_cast<double>(corners.size());
}

SyntheticCameraOptions clean_options() {
  SyntheticCameraOptions options;
  options.noise_sigma = 0;
  options.seed = 11;
  return options;
}

HandpiecePath three_stops() {
  HandpiecePath path;
  path.waypoints_mm = {{-20, 10}, {0, 30}, {20, 10}};
  path.speed_mm_s = 60;
  path.dwell_s = 0.3;
  path.angle_deg = 25;
  return path;
}

Frame frame_at(SyntheticCamera& camera, int index) {
  Frame frame;
  for (int i = 0; i <= index; ++i)
    camera.next(frame);
  return frame;
}

// Mean grey level of the image over the points of a polygon, sampled every mm through the truth homography.
double mean_grey_in(const cv::Mat& gray, const cv::Matx33d& h, const meso::vision::PolygonMm& polygon) {
  const auto box = meso::vision::bounds(polygon);
  double sum = 0;
  int n = 0;
  const auto rows = static_cast<int>(box.height());
  const auto columns = static_cast<int>(box.width());
  for (int row = 0; row <= rows; ++row) {
    for (int column = 0; column <= columns; ++column) {
      const double x = box.min_x + column;
      const double y = box.min_y + row;
      if (!meso::vision::contains(polygon, {x, y})) continue;
      const cv::Point2d px = to_px(h, {x, y});
      sum += gray.at<std::uint8_t>(static_cast<int>(std::lround(px.y)), static_cast<int>(std::lround(px.x)));
      ++n;
    }
  }
  return n > 0 ? sum / n : 0;
}

const meso::vision::PolygonMm& region(const SyntheticCameraOptions& options, const std::string& name) {
  for (const auto& r : options.layout.regions)
    if (r.name == name) return r.polygon_mm;
  throw std::logic_error("no region " + name);
}

}  // namespace

TEST(SyntheticCamera, SameSeedGivesBitIdenticalFramesAndAnotherSeedDoesNot) {
  SyntheticCameraOptions options;
  options.handpiece = three_stops();
  SyntheticCamera a(options);
  SyntheticCamera b(options);
  options.seed = 2;
  SyntheticCamera c(options);
  Frame fa, fb, fc;
  for (int i = 0; i < 4; ++i) {
    a.next(fa);
    b.next(fb);
    c.next(fc);
    EXPECT_EQ(cv::norm(fa.image, fb.image, cv::NORM_INF), 0) << "frame " << i;
    EXPECT_EQ(a.truth().H_px_from_mm, b.truth().H_px_from_mm);
    EXPECT_GT(cv::norm(fa.image, fc.image, cv::NORM_L1), 0) << "frame " << i;
  }
  EXPECT_EQ(fa.index, 3U);
  EXPECT_DOUBLE_EQ(fa.time_s, 3 / options.fps);
}

TEST(SyntheticCamera, TruthHomographyPutsEachVisibleMarkerWhereArucoFindsIt) {
  SyntheticCamera camera(clean_options());
  Frame frame;
  for (int i = 0; i < 61; ++i) {
    camera.next(frame);
    if (i % 30 != 0) continue;  // at rest, then moved and turned
    const auto& truth = camera.truth();
    ASSERT_EQ(truth.visible_markers.size(), 8U) << "frame " << i;
    const auto found = detect(frame.image);
    for (const int id : truth.visible_markers) {
      ASSERT_TRUE(found.contains(id)) << "marker " << id << " frame " << i;
      const auto* marker = camera.options().layout.find(id);
      const double h = marker->size_mm / 2;
      const std::array<PointMm, 4> corners{{{marker->center_mm.x - h, marker->center_mm.y - h},
                                            {marker->center_mm.x + h, marker->center_mm.y - h},
                                            {marker->center_mm.x + h, marker->center_mm.y + h},
                                            {marker->center_mm.x - h, marker->center_mm.y + h}}};
      for (std::size_t k = 0; k < 4; ++k)
        EXPECT_LT(cv::norm(to_px(truth.H_px_from_mm, corners[k]) - cv::Point2d(found.at(id)[k])), 0.6)
            << "marker " << id << " corner " << k << " frame " << i;
      EXPECT_LT(cv::norm(to_px(truth.H_px_from_mm, marker->center_mm) - centre_of(found.at(id))), 0.3)
          << "marker " << id << " frame " << i;
    }
  }
}

TEST(SyntheticCamera, HeadMovesAndDefaultViewKeepsEveryMarkerInView) {
  SyntheticCamera camera({});
  Frame frame;
  camera.next(frame);
  const cv::Matx33d first = camera.truth().H_px_from_mm;
  double largest_shift_px = 0;
  for (int i = 1; i < 150; ++i) {
    camera.next(frame);
    EXPECT_EQ(camera.truth().visible_markers.size(), 8U) << "frame " << i;
    largest_shift_px = std::max(
        largest_shift_px, cv::norm(to_px(camera.truth().H_px_from_mm, {0, 100}) - to_px(first, {0, 100})));
  }
  EXPECT_GT(largest_shift_px, 2.0);
  EXPECT_LT(largest_shift_px, 40.0);
}

TEST(SyntheticCamera, HiddenMarkersAreNeitherDrawnNorInTheTruth) {
  auto options = clean_options();
  options.hidden_markers = {2, 5};
  SyntheticCamera camera(options);
  const Frame frame = frame_at(camera, 0);
  const auto found = detect(frame.image);
  EXPECT_EQ(camera.truth().visible_markers, (std::vector<int>{0, 1, 3, 4, 6, 7}));
  EXPECT_FALSE(found.contains(2));
  EXPECT_FALSE(found.contains(5));
  for (const int id : camera.truth().visible_markers)
    EXPECT_TRUE(found.contains(id)) << "marker " << id;
}

TEST(SyntheticCamera, HandpieceMarkerIsFoundWhereTheTipTruthPutsIt) {
  auto options = clean_options();
  options.handpiece = three_stops();
  SyntheticCamera camera(options);
  const auto& hp = *options.layout.handpiece;
  const double angle = options.handpiece->angle_deg * std::numbers::pi / 180;
  Frame frame;
  std::vector<PointMm> tips;
  for (int i = 0; i < 40; ++i) {
    camera.next(frame);
    if (i % 4 != 0) continue;
    const auto& truth = camera.truth();
    ASSERT_TRUE(truth.tip_mm.has_value()) << "frame " << i;
    const auto found = detect(frame.image);
    ASSERT_TRUE(found.contains(hp.id)) << "frame " << i;
    // The marker's centre is the tip minus the tip offset turned by the handpiece's angle.
    const PointMm expected{
        truth.tip_mm->x - (std::cos(angle) * hp.tip_offset_mm.x - std::sin(angle) * hp.tip_offset_mm.y),
        truth.tip_mm->y - (std::sin(angle) * hp.tip_offset_mm.x + std::cos(angle) * hp.tip_offset_mm.y)};
    const PointMm seen = to_mm(truth.H_px_from_mm, centre_of(found.at(hp.id)));
    EXPECT_LT(meso::vision::distance(seen, expected), 0.3) << "frame " << i;
    tips.push_back(*truth.tip_mm);
  }
  EXPECT_EQ(tips.front(), options.handpiece->waypoints_mm.front());
  EXPECT_GT(meso::vision::distance(tips.front(), tips.back()), 10.0);  // it travelled
}

TEST(SyntheticCamera, FiresOnceInTheMiddleOfEachDwellAtItsWaypoint) {
  auto options = clean_options();
  options.handpiece = three_stops();
  options.size = {320, 180};  // timing only
  options.px_per_mm = 0.65;
  SyntheticCamera camera(options);
  Frame frame;
  std::vector<PointMm> shots;
  std::vector<double> shot_times;
  for (int i = 0; i < 90; ++i) {  // 3 s, past the end of the path (3 x 0.3 s + 2 x 0.47 s)
    camera.next(frame);
    if (!camera.truth().fired) continue;
    ASSERT_TRUE(camera.truth().tip_mm.has_value());
    shots.push_back(*camera.truth().tip_mm);
    shot_times.push_back(frame.time_s);
  }
  EXPECT_EQ(shots, options.handpiece->waypoints_mm);
  ASSERT_EQ(shot_times.size(), 3U);
  const double travel_s = std::hypot(20, 20) / options.handpiece->speed_mm_s;
  const double dwell = options.handpiece->dwell_s;
  const std::array<double, 3> middles{dwell / 2, dwell * 1.5 + travel_s, dwell * 2.5 + 2 * travel_s};
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_NEAR(shot_times[i], middles[i], 0.5 / options.fps) << "shot " << i;
}

TEST(SyntheticCamera, LoopingPathFiresAgainOnTheNextRound) {
  auto options = clean_options();
  options.handpiece = three_stops();
  options.handpiece->loop = true;
  options.size = {320, 180};
  options.px_per_mm = 0.65;
  SyntheticCamera camera(options);
  Frame frame;
  int fired = 0;
  for (int i = 0; i < 150; ++i) {  // 5 s: two rounds of about 2.51 s (0.67 s back to the start)
    camera.next(frame);
    fired += camera.truth().fired ? 1 : 0;
  }
  EXPECT_EQ(fired, 6);
}

TEST(SyntheticCamera, ThinningRegionIsVisiblyLessHairy) {
  auto options = clean_options();
  options.lighting_changes = false;
  options.head_motion = false;
  SyntheticCamera normal(options);
  options.thinning = {{region(options, "crown"), 0.2}};
  SyntheticCamera thinned(options);
  cv::Mat normal_gray;
  cv::Mat thinned_gray;
  cv::cvtColor(frame_at(normal, 0).image, normal_gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(frame_at(thinned, 0).image, thinned_gray, cv::COLOR_BGR2GRAY);
  const auto& h = thinned.truth().H_px_from_mm;
  const double crown_normal = mean_grey_in(normal_gray, h, region(options, "crown"));
  const double crown_thinned = mean_grey_in(thinned_gray, h, region(options, "crown"));
  const double side_thinned = mean_grey_in(thinned_gray, h, region(options, "left side"));
  EXPECT_GT(crown_thinned - side_thinned, 25.0);  // skin shows through
  EXPECT_GT(crown_thinned - crown_normal, 25.0);
  EXPECT_LT(std::abs(crown_normal - side_thinned), 10.0);  // without thinning the scalp is alike
}

TEST(SyntheticCamera, WritesFramesAndOneTruthLineEach) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "synthetic_camera_frames";
  std::filesystem::remove_all(dir);
  auto options = clean_options();
  options.size = {320, 180};
  options.px_per_mm = 0.65;
  options.handpiece = three_stops();
  SyntheticCamera camera(options);
  meso::sim::write_synthetic_frames(camera, 3, dir);
  SyntheticCamera again(options);
  std::ifstream truth(dir / "truth.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(truth, line)) {
    const auto json = nlohmann::json::parse(line);
    Frame frame;
    again.next(frame);
    EXPECT_EQ(json.at("index").get<int>(), lines);
    EXPECT_DOUBLE_EQ(json.at("time_s").get<double>(), frame.time_s);
    EXPECT_DOUBLE_EQ(json.at("H_px_from_mm")[1][2].get<double>(), again.truth().H_px_from_mm(1, 2));
    EXPECT_EQ(json.at("visible_markers").get<std::vector<int>>(), again.truth().visible_markers);
    EXPECT_DOUBLE_EQ(json.at("tip_mm")[0].get<double>(), again.truth().tip_mm->x);
    EXPECT_EQ(json.at("fired").get<bool>(), again.truth().fired);
    EXPECT_TRUE(std::filesystem::exists(dir / json.at("file").get<std::string>()));
    ++lines;
  }
  EXPECT_EQ(lines, 3);
  int pngs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    pngs += entry.path().extension() == ".png";
  EXPECT_EQ(pngs, 3);
  std::filesystem::remove_all(dir);
}

TEST(SyntheticCamera, RejectsOptionsOutOfRange) {
  auto options = clean_options();
  options.fps = 0;
  EXPECT_THROW(SyntheticCamera{options}, std::invalid_argument);
  options = clean_options();
  options.handpiece = three_stops();
  options.layout.handpiece.reset();
  EXPECT_THROW(SyntheticCamera{options}, std::invalid_argument);
  options = clean_options();
  options.layout.dictionary = "DICT_9X9_1";
  EXPECT_THROW(SyntheticCamera{options}, std::invalid_argument);
}
