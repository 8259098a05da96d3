// The per-frame pipeline with a camera calibration: frames are undistorted before registration (checked
// against OpenCV's own cv::undistortPoints), and each way a calibration can fall short is said: none, an
// RMS above 0.5 px, one made for another resolution (then the frame goes through untouched).
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "meso/vision/calibration.hpp"
#include "meso/vision/headband_layout.hpp"
#include "meso/vision/vision_pipeline.hpp"

namespace meso::vision {
namespace {

CameraCalibration barrel_lens(double rms_px = 0.2) {
  CameraCalibration c;
  c.camera_matrix = (cv::Mat_<double>(3, 3) << 900, 0, 640, 0, 905, 360, 0, 0, 1);
  c.dist_coeffs = (cv::Mat_<double>(1, 5) << -0.25, 0.07, 0.0008, -0.0005, 0);
  c.image_size = {1280, 720};
  c.rms_px = rms_px;
  c.views = 12;
  return c;
}

// A black frame with one bright anti-aliased dot at `at` (sub-pixel).
Frame frame_with_dot(cv::Size size, cv::Point2d at) {
  Frame f;
  f.image = cv::Mat(size, CV_8UC3, cv::Scalar::all(0));
  constexpr int kShift = 4;  // sub-pixel centre: coordinates in 1/16 px
  cv::circle(f.image,
             cv::Point(static_cast<int>(std::lround(at.x * 16)), static_cast<int>(std::lround(at.y * 16))),
             4 * 16, cv::Scalar::all(255), cv::FILLED, cv::LINE_AA, kShift);
  return f;
}

cv::Point2d bright_centroid(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const cv::Moments m = cv::moments(gray);
  return {m.m10 / m.m00, m.m01 / m.m00};
}

TEST(PipelineCalibration, FramesAreUndistortedWhereOpenCvSaysThePointBelongs) {
  const auto calibration = barrel_lens();
  const cv::Point2d seen(1150, 640);  // near a corner, where the lens moves points most
  std::vector<cv::Point2d> reference;
  cv::undistortPoints(std::vector<cv::Point2d>{seen}, reference, calibration.camera_matrix,
                      calibration.dist_coeffs, cv::noArray(), calibration.camera_matrix);
  ASSERT_GT(cv::norm(reference[0] - seen), 10.0);  // undistorting really moves it

  VisionPipeline pipeline(default_layout(), calibration);
  const FrameResult result = pipeline.process(frame_with_dot(calibration.image_size, seen));
  EXPECT_EQ(result.calibration_warning, "");
  const cv::Point2d found = bright_centroid(pipeline.image());
  EXPECT_LT(cv::norm(found - reference[0]), 0.5) << "found " << found << ", OpenCV says " << reference[0];
}

TEST(PipelineCalibration, WithoutACalibrationFramesGoThroughAndTheWarningSaysSo) {
  VisionPipeline pipeline(default_layout());
  const cv::Point2d seen(1150, 640);
  const FrameResult result = pipeline.process(frame_with_dot({1280, 720}, seen));
  EXPECT_EQ(result.calibration_warning.rfind("no camera calibration", 0), 0U) << result.calibration_warning;
  EXPECT_LT(cv::norm(bright_centroid(pipeline.image()) - seen), 0.1);
}

TEST(PipelineCalibration, APoorCalibrationStillUndistortsButIsWarnedAbove05Px) {
  const auto poor = barrel_lens(0.73);
  VisionPipeline pipeline(default_layout(), poor);
  const cv::Point2d seen(1150, 640);
  const FrameResult result = pipeline.process(frame_with_dot(poor.image_size, seen));
  EXPECT_NE(result.calibration_warning.find("0.73 px, above 0.5 px"), std::string::npos)
      << result.calibration_warning;
  EXPECT_GT(cv::norm(bright_centroid(pipeline.image()) - seen), 10.0);  // undistorted all the same
  EXPECT_EQ(calibration_problem(barrel_lens(0.5)), "");                 // 0.5 itself is good enough
}

TEST(PipelineCalibration, ACalibrationForAnotherResolutionIsNotAppliedAndIsWarned) {
  VisionPipeline pipeline(default_layout(), barrel_lens());
  const cv::Point2d seen(600, 400);
  FrameResult result;
  ASSERT_NO_THROW(result = pipeline.process(frame_with_dot({640, 480}, seen)));
  EXPECT_EQ(result.calibration_warning,
            "the camera calibration was made for 1280x720 but the camera gives 640x480: frames are not "
            "undistorted; calibrate at this resolution");
  EXPECT_LT(cv::norm(bright_centroid(pipeline.image()) - seen), 0.1);  // untouched
  // The camera back in the calibrated mode: undistorted again, no warning.
  result = pipeline.process(frame_with_dot({1280, 720}, {1150, 640}));
  EXPECT_EQ(result.calibration_warning, "");
}

TEST(PipelineCalibration, TheProblemIsKnownBeforeAnyFrameExceptTheResolution) {
  EXPECT_NE(calibration_problem(std::nullopt), "");
  EXPECT_NE(calibration_problem(barrel_lens(0.9)), "");
  EXPECT_EQ(calibration_problem(barrel_lens()), "");  // size unknown yet: nothing to say
  EXPECT_EQ(calibration_problem(barrel_lens(), {1280, 720}), "");
  EXPECT_NE(calibration_problem(barrel_lens(), {1920, 1080}), "");
}

}  // namespace
}  // namespace meso::vision
