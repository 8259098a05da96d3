// Hair density from a close-up file, for a station without a close-up camera: a rendered close-up of known
// density counted within the estimate's error, with its method, scale and hash; a missing path, a file
// that is no image, or a scale the estimate refuses each give a sentence and measure nothing. Then the
// panel (what it asks for) and the runtime (a bad file leaves the earlier density as it was).
#include "meso/station/closeup_density.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <vector>

#include "demo_runtime.hpp"
#include "gui_test_support.hpp"
#include "meso/gui/panels.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/sim/synthetic_closeup.hpp"

namespace meso::gui {
namespace {

using station::density_from_closeup;

namespace fs = std::filesystem;

class CloseupFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("closeup_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // A phototrichogram of clipped hair at 150 hairs/cm2, 50 px/mm, saved as PNG.
  fs::path closeup() {
    cv::Mat image;
    sim::render_closeup(image, 150, 50, 7);
    auto file = dir_ / "closeup.png";
    cv::imwrite(file.string(), image);
    return file;
  }
  fs::path dir_;
};

TEST_F(CloseupFiles, AClipCountedAtItsCalibratedScaleStatesItsMethodFileAndHash) {
  const auto file = closeup();
  const auto measured = density_from_closeup(file, 50);
  ASSERT_TRUE(measured.ok) << measured.message;
  EXPECT_NEAR(measured.hairs_per_cm2, 150, 0.15 * 150) << "vision's stated error for this range";
  EXPECT_NE(measured.method.find("shaft ends"), std::string::npos)
      << "vision's own method: " << measured.method;
  EXPECT_NE(measured.message.find(file.string() + " at 50 px/mm"), std::string::npos) << measured.message;
  std::ifstream in(file, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  EXPECT_EQ(measured.sha256, journal::to_hex(journal::sha256(bytes)));
}

TEST_F(CloseupFiles, BadPathsFilesAndScalesSaySoAndMeasureNothing) {
  const auto missing = density_from_closeup(dir_ / "nope.png", 50);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.message.find("no file"), std::string::npos) << missing.message;
  EXPECT_EQ(missing.hairs_per_cm2, 0);
  EXPECT_FALSE(density_from_closeup(dir_, 50).ok) << "a folder is not a file";
  const auto text = dir_ / "notes.png";
  std::ofstream(text) << "not a picture";
  const auto garbage = density_from_closeup(text, 50);
  EXPECT_FALSE(garbage.ok);
  EXPECT_NE(garbage.message.find("is not an image"), std::string::npos) << garbage.message;
  std::ofstream(dir_ / "empty.png").close();
  EXPECT_FALSE(density_from_closeup(dir_ / "empty.png", 50).ok);
  const auto file = closeup();
  const auto coarse = density_from_closeup(file, 20);  // the estimate needs 40 px/mm or finer
  EXPECT_FALSE(coarse.ok);
  EXPECT_NE(coarse.message.find("no density from"), std::string::npos) << coarse.message;
  EXPECT_FALSE(density_from_closeup(file, 0).ok);
  EXPECT_FALSE(density_from_closeup("", 50).ok);
}

TEST(CloseupPanel, ARealStationAsksForTheFileAndItsScaleAndShowsWhyNothingWasMeasured) {
  testing::HeadlessImGui imgui;
  testing::RecordingActions actions;
  Forms forms;
  auto view = testing::session_view(station::SessionState::assessment);
  view.snap.plan.reset();
  view.demo = false;
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("px per mm"));
  EXPECT_TRUE(imgui.click("Count the close-up's hairs", view, forms, actions));
  EXPECT_FALSE(actions.called("estimate_density_from_file")) << "no path, no scale: nothing to ask";
  const std::string path = "/data/closeup-7.png";
  std::copy(path.begin(), path.end(), forms.closeup_path.begin());
  forms.closeup_px_per_mm = 52.5f;
  ASSERT_TRUE(imgui.click("Count the close-up's hairs", view, forms, actions));
  EXPECT_TRUE(actions.called("estimate_density_from_file /data/closeup-7.png 52.500000"));
  view.assessment.closeup_message = "no file /data/closeup-7.png: check the path";
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("no file /data/closeup-7.png: check the path"));
  // Measured: the count is filled in, and the findings cite the file as they cite the photo.
  auto& a = view.assessment;
  a.version = 2;
  a.density_per_cm2 = 151.2;
  a.density_method = "shaft ends counted";
  a.density_file = "/data/closeup-7.png";
  a.density_sha256 = "c0ffee00c0ffee00";
  a.density_px_per_mm = 52.5;
  imgui.frame(view, forms, actions);
  EXPECT_EQ(forms.assessment_density, 151);
  EXPECT_TRUE(imgui.shows("from /data/closeup-7.png (sha256 c0ffee00c0ff...)"));
  ASSERT_TRUE(imgui.click("Record assessment", view, forms, actions));
  const auto findings = nlohmann::json::parse(actions.findings);
  EXPECT_EQ(findings.at("density_per_cm2"), 151);
  EXPECT_EQ(findings.at("density_method"), "shaft ends counted");
  EXPECT_EQ(findings.at("density_closeup").at("file"), "/data/closeup-7.png");
  EXPECT_EQ(findings.at("density_closeup").at("sha256"), "c0ffee00c0ffee00");
  EXPECT_EQ(findings.at("density_closeup").at("px_per_mm"), 52.5);
}

using testing::DemoRuntime;

TEST_F(DemoRuntime, ACloseupFileSetsTheDensityAndABadOneLosesNothing) {
  const auto file = dir_ / "closeup.png";
  cv::Mat image;
  sim::render_closeup(image, 150, 50, 7);
  cv::imwrite(file.string(), image);
  login("demo");
  runtime_->open_session("P-CLOSEUP", false);
  ASSERT_TRUE(wait([&] { return view_.snap.state == station::SessionState::screening; }));
  runtime_->estimate_density_from_file(file.string(), 50);
  ASSERT_TRUE(wait([&] { return !view_.busy && view_.assessment.density_per_cm2 > 0; }))
      << view_.assessment.closeup_message;
  const auto measured = view_.assessment.density_per_cm2;
  const auto version = view_.assessment.version;
  EXPECT_TRUE(view_.assessment.closeup_ok);
  EXPECT_EQ(view_.assessment.density_file, file.string());
  EXPECT_EQ(view_.assessment.density_sha256.size(), 64U);
  runtime_->estimate_density_from_file((dir_ / "typo.png").string(), 50);
  ASSERT_TRUE(wait([&] { return !view_.busy && !view_.assessment.closeup_ok; }));
  EXPECT_NE(view_.assessment.closeup_message.find("no file"), std::string::npos)
      << view_.assessment.closeup_message;
  EXPECT_EQ(view_.assessment.density_per_cm2, measured) << "the earlier measurement stays";
  EXPECT_EQ(view_.assessment.version, version) << "nothing to fill into the count";
  EXPECT_EQ(view_.assessment.density_file, file.string());
}

}  // namespace
}  // namespace meso::gui
