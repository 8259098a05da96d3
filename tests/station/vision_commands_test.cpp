// mesostation markers and plan, run as a user would: the real binary on files, its output and exit code.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/aruco.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <string>

#include "meso/sim/handpiece_views.hpp"
#include "meso/sim/synthetic_camera.hpp"
#include "meso/station/station_file.hpp"
#include "meso/vision/calibration.hpp"
#include "meso/vision/pivot.hpp"

namespace {

namespace fs = std::filesystem;
using namespace meso;  // NOLINT(google-build-using-namespace): test file

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandRun mesostation(const std::string& args) {
  CommandRun run;
  FILE* pipe = popen((std::string(MESOSTATION_PATH) + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Each test writes its files in a folder of its own, removed when it ends.
class CommandOnFiles : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }

  fs::path scratch(const std::string& name) {
    fs::create_directories(dir_);
    return dir_ / name;
  }

  // A planning photo from the synthetic camera: no handpiece, the crown thinned.
  fs::path planning_photo(const std::string& name, std::set<int> hidden = {}) {
    sim::SyntheticCameraOptions options;
    options.seed = 9;
    options.hidden_markers = std::move(hidden);
    for (const auto& region : options.layout.regions)
      if (region.name == "crown") options.thinning.push_back({region.polygon_mm, 0.25});
    sim::SyntheticCamera camera(options);
    vision::Frame frame;
    camera.next(frame);
    fs::path path = scratch(name);
    cv::imwrite(path.string(), frame.image);
    return path;
  }

 private:
  fs::path dir_ =
      fs::temp_directory_path() / ("meso_vision_commands_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
};
using MarkersCommand = CommandOnFiles;
using PlanCommand = CommandOnFiles;

TEST_F(MarkersCommand, PrintsEveryMarkerAtTrueScale) {
  const fs::path png = scratch("band.png");
  const CommandRun run = mesostation("markers --out " + png.string() + " --dpi 300");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const cv::Mat sheet = cv::imread(png.string(), cv::IMREAD_GRAYSCALE);
  std::vector<std::vector<cv::Point2f>> corners;
  std::vector<int> ids;
  cv::aruco::detectMarkers(sheet, cv::aruco::getPredefinedDictionary(cv::aruco::DICT_4X4_50), corners, ids);
  ASSERT_EQ(ids.size(), 9u) << "eight band markers and the handpiece's";
  const double px_per_mm = 300 / 25.4;
  std::map<int, cv::Point2f> centre;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    centre[ids[i]] = (corners[i][0] + corners[i][2]) * 0.5f;
    if (ids[i] < 8) {
      EXPECT_NEAR(cv::norm(corners[i][1] - corners[i][0]), 18 * px_per_mm, 2.0) << "marker " << ids[i];
    }
  }
  // Markers 0 and 4 are 224 mm apart on the band (front and back).
  EXPECT_NEAR(cv::norm(centre[4] - centre[0]), 224 * px_per_mm, 3.0);
}

TEST_F(PlanCommand, APhotoBecomesAMetricPlanInJson) {
  const fs::path photo = planning_photo("scalp.png");
  const fs::path overlay = scratch("overlay.png");
  const CommandRun run =
      mesostation("plan --image " + photo.string() + " --json --overlay " + overlay.string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto j = nlohmann::json::parse(run.output);
  EXPECT_EQ(j["registration"]["markers"].size(), 8u);
  EXPECT_LT(j["registration"]["reprojection_rms_px"].get<double>(), 1.0);
  ASSERT_FALSE(j["zones"].empty());
  EXPECT_EQ(j["zones"][0]["name"], "crown");
  const auto& points = j["points"];
  ASSERT_GT(points.size(), 10u);
  EXPECT_EQ(j["totals"]["points"], points.size());
  std::int64_t volume = 0;
  cv::Matx33d H;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      H(r, c) = j["registration"]["H_px_from_mm"][static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    EXPECT_EQ(p["order"], i + 1);
    volume += p["dose_nl"].get<std::int64_t>();
    const cv::Vec3d px = H * cv::Vec3d(p["x_mm"], p["y_mm"], 1.0);
    EXPECT_NEAR(px[0] / px[2], p["u_px"].get<double>(), 0.05);
    EXPECT_NEAR(px[1] / px[2], p["v_px"].get<double>(), 0.05);
  }
  EXPECT_EQ(j["totals"]["volume_nl"], volume);
  // The default point spacing is 10 mm: the goal is 10/sqrt(3) + 0.5 mm, and no plan covers its zone more
  // tightly than a lattice cell, 10/sqrt(3) mm.
  const auto& crown = j["totals"]["zones"][0];
  EXPECT_NEAR(crown["coverage_goal_mm"].get<double>(), 6.27, 0.005);
  EXPECT_GE(crown["coverage_mm"].get<double>(), 5.77);
  EXPECT_FALSE(cv::imread(overlay.string()).empty());
}

TEST_F(PlanCommand, FewerThanThreeMarkersStopsWithTheReason) {
  const fs::path photo = planning_photo("two_markers.png", {0, 1, 2, 3, 4, 5});
  const CommandRun run = mesostation("plan --image " + photo.string());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("only 2 markers of the headband in view; guidance needs 3"), std::string::npos)
      << run.output;
}

TEST_F(PlanCommand, APlanOverTheCapIsRefusedSayingByHowMuch) {
  const fs::path photo = planning_photo("cap.png");
  const CommandRun run = mesostation("plan --image " + photo.string() + " --cap-ml 0.5");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("over the"), std::string::npos) << run.output;
}

TEST_F(PlanCommand, UnreadableInputsAreNamed) {
  CommandRun run = mesostation("plan --image /nonexistent/scalp.png");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("/nonexistent/scalp.png"), std::string::npos) << run.output;
  const fs::path photo = planning_photo("zones.png");
  run = mesostation("plan --image " + photo.string() + " --zones /nonexistent/zones.json");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("cannot open zones file /nonexistent/zones.json"), std::string::npos)
      << run.output;
}

}  // namespace

namespace {

using PivotCommand = CommandOnFiles;

// A 1280 x 720 camera, 49 degrees across.
cv::Matx33d camera() {
  return {1400, 0, 640, 0, 1400, 360, 0, 0, 1};
}

// A folder of views of the default handpiece pivoting about its tip, and the camera's calibration file.
struct PivotScene {
  fs::path images;
  fs::path calibration;
};

PivotScene write_pivot_scene(const fs::path& folder, double tilt_deg) {
  const auto layout = vision::default_layout();
  fs::create_directories(folder / "views");
  const auto poses = sim::pivot_poses({0.5, 22, 60}, {-15, 10, 290}, 30, tilt_deg, 21);
  for (std::size_t i = 0; i < poses.size(); ++i) {
    std::array<char, 32> name{};
    std::snprintf(name.data(), name.size(), "view_%03zu.png", i);
    cv::imwrite((folder / "views" / name.data()).string(),
                sim::render_handpiece_view(poses[i], *layout.handpiece, camera(), {1280, 720}, 200 + i));
  }
  vision::CameraCalibration calibration;
  calibration.camera_matrix = cv::Mat(camera()).clone();
  calibration.dist_coeffs = cv::Mat::zeros(1, 5, CV_64F);
  calibration.image_size = {1280, 720};
  calibration.rms_px = 0.2;
  calibration.views = 12;
  vision::save_calibration(calibration, folder / "camera.json");
  return {folder / "views", folder / "camera.json"};
}

std::string pivot_arguments(const PivotScene& scene, const fs::path& tip) {
  return "pivot --images " + scene.images.string() + " --calibration " + scene.calibration.string() +
         " --out " + tip.string();
}

TEST_F(PivotCommand, WritesTheTipItFindsAndTheStationFileTakesIt) {
  const PivotScene scene = write_pivot_scene(scratch("scene"), 30);
  const fs::path tip = scratch("tip.json");
  const CommandRun run = mesostation(pivot_arguments(scene, tip));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("was found in 30 of 30 views"), std::string::npos) << run.output;
  const vision::TipCalibration found = vision::load_tip_calibration(tip);
  EXPECT_EQ(found.marker_id, 40);
  EXPECT_LT(cv::norm(found.tip_mm - cv::Vec3d(0.5, 22, 60)), 1.0) << found.tip_mm;
  EXPECT_LE(found.rms_mm, 0.5);

  std::ofstream(scratch("station.json")) << R"({"journal": {"db": "s.db"},
    "camera": {"source": "0", "calibration": "scene/camera.json", "tip": "tip.json"}})";
  const station::AppConfig config = station::load_station_file(scratch("station.json"));
  ASSERT_TRUE(config.camera.tip);
  EXPECT_EQ(config.camera.tip->tip_mm, found.tip_mm);
}

TEST_F(PivotCommand, RefusesAHandpieceThatWasNotTiltedAndSaysHow) {
  const PivotScene scene = write_pivot_scene(scratch("scene"), 4);
  const fs::path tip = scratch("tip.json");
  const CommandRun run = mesostation(pivot_arguments(scene, tip));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("refused: the handpiece turned only"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(tip));
  const CommandRun no_calibration =
      mesostation("pivot --images " + scene.images.string() + " --out " + tip.string());
  EXPECT_NE(no_calibration.exit_code, 0);
  EXPECT_NE(no_calibration.output.find("--calibration is required"), std::string::npos)
      << no_calibration.output;
}

}  // namespace
