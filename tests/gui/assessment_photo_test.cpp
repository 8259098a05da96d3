// Assessment photos: saved in the headband's plane frame with their hash, found again as the patient's
// previous photo, and two sessions' photos of the same scalp taken from different distances and head poses
// line up (the plane views differ far less than the raw frames do). Then the panel: a measured density
// fills the count once, and the findings cite the photo.
#include "assessment_photo.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gui_test_support.hpp"
#include "meso/gui/panels.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/sim/synthetic_camera.hpp"

namespace meso::gui {
namespace {

namespace fs = std::filesystem;

cv::Mat scalp_frame(double px_per_mm, int frames_later) {
  sim::SyntheticCameraOptions options;
  options.seed = 11;  // the same scalp in both sessions
  options.px_per_mm = px_per_mm;
  sim::SyntheticCamera camera(options);
  vision::Frame frame;
  for (int i = 0; i <= frames_later; ++i)
    camera.next(frame);
  return frame.image;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga, gb, d;
  cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  cv::resize(gb, gb, ga.size());
  cv::absdiff(ga, gb, d);
  return cv::mean(d)[0];
}

TEST(AssessmentPhoto, SavedInThePlaneFrameWithItsHashAndFoundAsThePreviousOne) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("meso_photos_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto layout = vision::default_layout();
  const cv::Mat first = scalp_frame(2.6, 0);
  const cv::Mat second = scalp_frame(2.3, 150);  // farther away, five seconds of head motion later
  const auto a = save_assessment_photo(first, layout, dir, "P-7F/3A", 3);
  EXPECT_EQ(a.file, dir / "P-7F_3A" / "session-3.png") << "the pseudonym's slash stays out of the path";
  std::ifstream in(a.file, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(a.sha256, journal::to_hex(journal::sha256(bytes)));
  const auto box = vision::bounds(vision::scalp_outline(layout));
  EXPECT_NEAR(a.plane_bgr.cols, box.width() * kPhotoPxPerMm, 2);
  EXPECT_NEAR(a.plane_bgr.rows, box.height() * kPhotoPxPerMm, 2);
  EXPECT_FALSE(previous_photo(dir, "P-7F/3A", 3));
  const auto b = save_assessment_photo(second, layout, dir, "P-7F/3A", 5);
  EXPECT_EQ(previous_photo(dir, "P-7F/3A", 5), a.file);
  EXPECT_EQ(previous_photo(dir, "P-7F/3A", 9), b.file);
  EXPECT_FALSE(previous_photo(dir, "P-OTHER", 9));
  const double raw = mean_abs_diff(first, second);
  const double plane = mean_abs_diff(a.plane_bgr, b.plane_bgr);
  std::cout << "assessment photos: plane views differ by " << plane << " grey levels, raw frames by " << raw
            << "\n";
  EXPECT_LT(plane, 0.5 * raw) << "plane views differ by " << plane << " grey levels, raw frames by " << raw;
  fs::remove_all(dir);
}

TEST(AssessmentPhoto, AFrameWithoutTheHeadbandIsRefusedWithTheReason) {
  const cv::Mat blank(720, 1280, CV_8UC3, cv::Scalar(90, 110, 140));
  try {
    save_assessment_photo(blank, vision::default_layout(), ::testing::TempDir(), "P-1", 1);
    FAIL() << "a photo without markers was saved";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not registered"), std::string::npos) << e.what();
  }
}

TEST(AssessmentPanel, AMeasuredDensityFillsTheCountOnceAndTheFindingsCiteThePhoto) {
  testing::HeadlessImGui imgui;
  testing::RecordingActions actions;
  Forms forms;
  auto view = testing::session_view(station::SessionState::assessment);
  view.snap.plan.reset();
  EXPECT_TRUE(imgui.click("Take the scalp photo", view, forms, actions));
  EXPECT_TRUE(actions.called("capture_assessment_photo"));
  view.assessment.version = 1;
  view.assessment.photo_file = "/photos/P-1/session-1.png";
  view.assessment.photo_sha256 = "ab12";
  view.assessment.density_per_cm2 = 148.6;
  view.assessment.density_method = "shaft ends counted";
  imgui.frame(view, forms, actions);
  EXPECT_EQ(forms.assessment_density, 149);
  EXPECT_TRUE(imgui.shows("149 hairs/cm2"));
  EXPECT_TRUE(imgui.click("Record assessment", view, forms, actions));
  const auto findings = nlohmann::json::parse(actions.findings);
  EXPECT_EQ(findings.at("photo").at("file"), "/photos/P-1/session-1.png");
  EXPECT_EQ(findings.at("photo").at("sha256"), "ab12");
  EXPECT_EQ(findings.at("density_per_cm2"), 149);
  EXPECT_EQ(findings.at("density_method"), "shaft ends counted");
  forms.assessment_density = 120;  // typed over: no longer the measured value
  imgui.frame(view, forms, actions);
  EXPECT_EQ(forms.assessment_density, 120) << "the measurement fills the field once, not every frame";
  EXPECT_TRUE(imgui.click("Record assessment", view, forms, actions));
  EXPECT_FALSE(nlohmann::json::parse(actions.findings).contains("density_method"));
}

}  // namespace
}  // namespace meso::gui
