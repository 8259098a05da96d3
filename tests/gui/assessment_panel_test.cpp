// The assessment panel: a measured density fills the count once, and the findings cite the photo. (The
// photos themselves: tests/station/photo_store_test.cpp.)
#include <gtest/gtest.h>

#include "gui_test_support.hpp"
#include "meso/gui/panels.hpp"

namespace meso::gui {
namespace {

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
