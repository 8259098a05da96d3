// Camera calibration from synthetic views of a ChArUco board seen through a known camera with lens
// distortion: the recovered intrinsics, the file, and undistortion.
#include "meso/vision/calibration.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_folder.hpp"

namespace meso::vision {
namespace {

constexpr double kBoardPxPerMm = 4.0;  // 30 mm squares come out as 120 whole pixels

struct TrueCamera {
  cv::Size size{1280, 720};
  cv::Matx33d K{950, 0, 652, 0, 940, 355, 0, 0, 1};
  cv::Matx<double, 1, 5> D{-0.15, 0.08, 0.001, -0.0008, 0};
};

struct Pose {
  cv::Vec3d rvec;
  cv::Vec3d tvec;  // mm, camera frame
};

// For every pixel of the distorted image, the ideal normalised image coordinates it sees.
cv::Mat ideal_rays(const TrueCamera& cam) {
  std::vector<cv::Point2f> pixels;
  pixels.reserve(static_cast<std::size_t>(cam.size.area()));
  for (int v = 0; v < cam.size.height; ++v)
    for (int u = 0; u < cam.size.width; ++u)
      pixels.emplace_back(static_cast<float>(u), static_cast<float>(v));
  std::vector<cv::Point2f> rays;
  cv::undistortPoints(pixels, rays, cam.K, cam.D, cv::noArray(), cv::noArray(),
                      cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 50, 1e-9));
  return cv::Mat(rays, true).reshape(2, cam.size.height);
}

// The board lying on its plane (origin at the board image's centre, mm) photographed from `pose`.
cv::Mat photograph(const cv::Mat& board, const cv::Mat& rays, const Pose& pose, cv::RNG& rng) {
  cv::Matx33d R;
  cv::Rodrigues(pose.rvec, R);
  const cv::Matx33d plane_to_ray(R(0, 0), R(0, 1), pose.tvec[0], R(1, 0), R(1, 1), pose.tvec[1], R(2, 0),
                                 R(2, 1), pose.tvec[2]);
  const cv::Matx33d ray_to_plane = plane_to_ray.inv();
  cv::Mat map_x(rays.size(), CV_32F);
  cv::Mat map_y(rays.size(), CV_32F);
  for (int v = 0; v < rays.rows; ++v) {
    for (int u = 0; u < rays.cols; ++u) {
      const auto& r = rays.at<cv::Vec2f>(v, u);
      const cv::Vec3d p = ray_to_plane * cv::Vec3d(r[0], r[1], 1.0);
      map_x.at<float>(v, u) = static_cast<float>(p[0] / p[2] * kBoardPxPerMm + board.cols / 2.0);
      map_y.at<float>(v, u) = static_cast<float>(p[1] / p[2] * kBoardPxPerMm + board.rows / 2.0);
    }
  }
  cv::Mat view;
  cv::remap(board, view, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(90));
  cv::GaussianBlur(view, view, cv::Size(), 0.7);
  cv::Mat noise(view.size(), CV_16S);
  rng.fill(noise, cv::RNG::NORMAL, 0, 2);
  cv::Mat noisy;
  view.convertTo(noisy, CV_16S);
  noisy += noise;
  noisy.convertTo(view, CV_8U);
  return view;
}

std::vector<Pose> varied_poses() {
  constexpr double d = 3.14159265358979 / 180;
  return {
      {{0, 0, 0}, {0, 0, 430}},
      {{25 * d, 0, 0}, {-60, -40, 450}},
      {{-25 * d, 0, 5 * d}, {60, 40, 450}},
      {{0, 30 * d, 0}, {-90, 20, 470}},
      {{0, -30 * d, -8 * d}, {90, -20, 470}},
      {{20 * d, 20 * d, 10 * d}, {-110, 60, 500}},
      {{-20 * d, 25 * d, -10 * d}, {110, -60, 500}},
      {{15 * d, -25 * d, 20 * d}, {-100, -70, 480}},
      {{-18 * d, -18 * d, -15 * d}, {100, 70, 480}},
      {{10 * d, 10 * d, 90 * d}, {0, 0, 420}},
  };
}

// Rendered once for the tests that share them (about a second of work); the same every run.
const std::vector<cv::Mat>& synthetic_views() {
  static const std::vector<cv::Mat> views = [] {
    cv::Mat board = render_charuco_board(CharucoBoardSpec{}, kBoardPxPerMm * 25.4);
    cv::GaussianBlur(board, board, cv::Size(), 1.0);  // the board is sampled at about half its resolution
    const TrueCamera cam;
    const cv::Mat rays = ideal_rays(cam);
    cv::RNG rng(42);
    std::vector<cv::Mat> out;
    for (const auto& pose : varied_poses())
      out.push_back(photograph(board, rays, pose, rng));
    return out;
  }();
  return views;
}

TEST(CalibrationBoard, RendersAtTrueScaleAndRefusesAnImpossibleBoard) {
  const cv::Mat board = render_charuco_board(CharucoBoardSpec{}, 254);  // 10 px/mm
  EXPECT_EQ(board.cols, 7 * 300 + 300);  // 7 squares of 30 mm plus half a square of margin each side
  EXPECT_EQ(board.rows, 5 * 300 + 300);
  CharucoBoardSpec too_many;
  too_many.squares_x = 20;
  too_many.squares_y = 20;  // 200 markers from a 100-marker dictionary
  EXPECT_THROW(render_charuco_board(too_many, 300), std::invalid_argument);
  CharucoBoardSpec unknown;
  unknown.dictionary = "DICT_9X9_1";
  EXPECT_THROW(render_charuco_board(unknown, 300), std::invalid_argument);
}

TEST(CalibrationSynthetic, RecoversTheIntrinsicsWithSubPixelError) {
  const CameraCalibration c = calibrate_charuco(synthetic_views(), CharucoBoardSpec{});
  const TrueCamera truth;
  std::cout << "calibration: " << c.views << " views, RMS " << c.rms_px << " px, fx "
            << c.camera_matrix.at<double>(0, 0) << " fy " << c.camera_matrix.at<double>(1, 1) << " cx "
            << c.camera_matrix.at<double>(0, 2) << " cy " << c.camera_matrix.at<double>(1, 2) << " k1 "
            << c.dist_coeffs.at<double>(0) << "\n";
  EXPECT_EQ(c.views, 10);
  EXPECT_LT(c.rms_px, 0.5);
  EXPECT_EQ(c.image_size, truth.size);
  EXPECT_NEAR(c.camera_matrix.at<double>(0, 0), truth.K(0, 0), 0.02 * truth.K(0, 0));
  EXPECT_NEAR(c.camera_matrix.at<double>(1, 1), truth.K(1, 1), 0.02 * truth.K(1, 1));
  EXPECT_NEAR(c.camera_matrix.at<double>(0, 2), truth.K(0, 2), 0.02 * truth.K(0, 2));
  EXPECT_NEAR(c.camera_matrix.at<double>(1, 2), truth.K(1, 2), 0.03 * truth.K(1, 2));
  EXPECT_NEAR(c.dist_coeffs.at<double>(0), truth.D(0), 0.03);  // barrel distortion found, not absorbed
}

TEST(CalibrationSynthetic, RefusesTooFewViewsSayingHowManyShowedTheBoard) {
  std::vector<cv::Mat> few(synthetic_views().begin(), synthetic_views().begin() + 2);
  few.emplace_back(720, 1280, CV_8U, cv::Scalar(128));  // a blank frame shows no board
  try {
    calibrate_charuco(few, CharucoBoardSpec{});
    FAIL() << "calibrated from two views";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("only 2 of 3 images"), std::string::npos) << e.what();
  }
}

TEST(CalibrationFile, SavesAndLoadsAndNamesTheBadField) {
  const auto dir = testing::test_dir();
  CameraCalibration c;
  c.camera_matrix = (cv::Mat_<double>(3, 3) << 950.5, 0, 652.25, 0, 940.125, 355.5, 0, 0, 1);
  c.dist_coeffs = (cv::Mat_<double>(1, 5) << -0.15, 0.08, 0.001, -0.0008, 0.0125);
  c.image_size = {1280, 720};
  c.rms_px = 0.21;
  c.views = 12;
  save_calibration(c, dir / "cam.json");
  const CameraCalibration back = load_calibration(dir / "cam.json");
  EXPECT_EQ(cv::norm(back.camera_matrix, c.camera_matrix, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(back.dist_coeffs, c.dist_coeffs, cv::NORM_INF), 0.0);
  EXPECT_EQ(back.image_size, c.image_size);
  EXPECT_DOUBLE_EQ(back.rms_px, 0.21);
  EXPECT_EQ(back.views, 12);

  std::ofstream(dir / "bad.json")
      << R"({"format": "meso.camera_calibration", "version": 1, "image_width": 1280,
    "image_height": 720, "camera_matrix": [[1, 0], [0, 1]], "dist_coeffs": [0, 0, 0, 0, 0], "rms_px": 0.2,
    "views": 5})";
  try {
    load_calibration(dir / "bad.json");
    FAIL() << "loaded a 2x2 camera matrix";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.json"), std::string::npos) << what;
    EXPECT_NE(what.find("camera_matrix"), std::string::npos) << what;
  }
  EXPECT_THROW(load_calibration(dir / "missing.json"), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

TEST(CalibrationUndistorter, PutsADistortedPointBackAtItsIdealPlace) {
  const TrueCamera cam;
  CameraCalibration c;
  c.camera_matrix = cv::Mat(cam.K);
  c.dist_coeffs = cv::Mat(cam.D);
  c.image_size = cam.size;
  const cv::Point2d ideal(1100, 600);  // near a corner, where barrel distortion moves points most
  const std::vector<cv::Point3d> ray{
      {(ideal.x - cam.K(0, 2)) / cam.K(0, 0), (ideal.y - cam.K(1, 2)) / cam.K(1, 1), 1}};
  std::vector<cv::Point2d> distorted;
  cv::projectPoints(ray, cv::Vec3d(0, 0, 0), cv::Vec3d(0, 0, 0), cam.K, cam.D, distorted);
  ASSERT_GT(cv::norm(distorted[0] - ideal), 10.0);  // the lens really moved it

  cv::Mat image(cam.size, CV_8UC3, cv::Scalar::all(0));
  cv::circle(image,
             cv::Point(static_cast<int>(std::lround(distorted[0].x * 16)),
                       static_cast<int>(std::lround(distorted[0].y * 16))),
             4 * 16, cv::Scalar::all(255), cv::FILLED, cv::LINE_AA, 4);
  cv::Mat undistorted;
  Undistorter(c).apply(image, undistorted);
  cv::Mat gray;
  cv::cvtColor(undistorted, gray, cv::COLOR_BGR2GRAY);
  const cv::Moments m = cv::moments(gray);
  ASSERT_GT(m.m00, 0.0);
  const cv::Point2d found(m.m10 / m.m00, m.m01 / m.m00);
  EXPECT_LT(cv::norm(found - ideal), 0.5) << found;

  cv::Mat wrong_size(100, 100, CV_8UC3);
  EXPECT_THROW(Undistorter(c).apply(wrong_size, undistorted), std::invalid_argument);
}

}  // namespace
}  // namespace meso::vision
