// The assessment's blended view: the layout (one rectangle for both photos, the slider's opacity, photos of
// different frames refused), and what the panel draws: the earlier photo opaque, today's over it in the
// same rectangle at the slider's alpha (read from ImGui's draw data, no window needed).
#include "photo_blend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>

#include "gui_test_support.hpp"
#include "meso/gui/panels.hpp"

namespace meso::gui {
namespace {

TEST(PhotoBlend, BothPhotosFillOneRectangleAndTheSliderSetsTodaysOpacity) {
  const auto at_0 = blend_layout(400, 300, 400, 300, 800, 450, 0.0f);
  ASSERT_TRUE(at_0.ok) << at_0.why_not;
  EXPECT_FLOAT_EQ(at_0.height, 450);  // height-bound: 1.5 screen px per photo px
  EXPECT_FLOAT_EQ(at_0.width, 600);
  EXPECT_FLOAT_EQ(at_0.x, 100);  // centred
  EXPECT_FLOAT_EQ(at_0.y, 0);
  EXPECT_EQ(at_0.before_alpha, 255);
  EXPECT_EQ(at_0.now_alpha, 0) << "0: before only";
  EXPECT_EQ(blend_layout(400, 300, 400, 300, 800, 450, 1.0f).now_alpha, 255) << "1: now only";
  EXPECT_EQ(blend_layout(400, 300, 400, 300, 800, 450, 0.5f).now_alpha, 128);
  EXPECT_EQ(blend_layout(400, 300, 400, 300, 800, 450, 7.0f).now_alpha, 255);
  EXPECT_EQ(blend_layout(400, 300, 400, 300, 800, 450, -1.0f).now_alpha, 0);
  EXPECT_EQ(blend_layout(400, 300, 400, 300, 800, 450, std::nanf("")).now_alpha, 0);
}

TEST(PhotoBlend, PhotosOfDifferentFramesOrAMissingOneAreNotBlended) {
  const auto different = blend_layout(400, 300, 480, 300, 800, 450, 0.5f);
  EXPECT_FALSE(different.ok);
  EXPECT_NE(different.why_not.find("not of the same plane frame"), std::string::npos) << different.why_not;
  EXPECT_FALSE(blend_layout(0, 0, 400, 300, 800, 450, 0.5f).ok);
  EXPECT_FALSE(blend_layout(400, 300, 400, 300, 0, 450, 0.5f).ok);
}

// Every draw command of the last frame that samples `texture`, with its vertices' alpha and bounds.
struct Drawn {
  int commands = 0;
  unsigned alpha = 0;
  ImVec2 min{1e9f, 1e9f};
  ImVec2 max{-1e9f, -1e9f};
};
Drawn drawn(std::uintptr_t texture) {
  Drawn d;
  const ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      // NOLINTNEXTLINE(performance-no-int-to-ptr): the texture name travels in the pointer, as in the panel
      if (cmd.TextureId != reinterpret_cast<ImTextureID>(texture)) continue;
      ++d.commands;
      for (unsigned i = 0; i < cmd.ElemCount; ++i) {
        const ImDrawVert& v = list->VtxBuffer[static_cast<int>(
            list->IdxBuffer[static_cast<int>(cmd.IdxOffset + i)] + cmd.VtxOffset)];
        d.alpha = v.col >> IM_COL32_A_SHIFT;
        d.min = ImVec2(std::min(d.min.x, v.pos.x), std::min(d.min.y, v.pos.y));
        d.max = ImVec2(std::max(d.max.x, v.pos.x), std::max(d.max.y, v.pos.y));
      }
    }
  }
  return d;
}

ConsoleView with_photos() {
  auto view = testing::session_view(station::SessionState::assessment);
  view.snap.plan.reset();
  auto& a = view.assessment;
  a.version = 1;
  a.photo_file = "/photos/P-1/session-2.png";
  a.now_rgba = cv::Mat(300, 400, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  a.before_rgba = cv::Mat(300, 400, CV_8UC4, cv::Scalar(0, 0, 0, 255));
  a.before_label = "session-1";
  a.now_texture = 11;
  a.before_texture = 12;
  return view;
}

TEST(AssessmentPanel, TheBlendDrawsTodaysPhotoOverTheEarlierOneInTheSameRectangle) {
  testing::HeadlessImGui imgui;
  testing::RecordingActions actions;
  Forms forms;
  const auto view = with_photos();
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("before: session-1"));
  EXPECT_FALSE(forms.assessment_blend) << "side by side until asked";
  ASSERT_TRUE(imgui.click("Blend before/now", view, forms, actions));
  EXPECT_TRUE(forms.assessment_blend);
  forms.assessment_mix = 0.25f;
  imgui.frame(view, forms, actions);
  const Drawn before = drawn(12);
  const Drawn now = drawn(11);
  ASSERT_EQ(before.commands, 1);
  ASSERT_EQ(now.commands, 1);
  EXPECT_EQ(before.alpha, 255U);
  EXPECT_EQ(now.alpha, 64U);
  EXPECT_FLOAT_EQ(before.min.x, now.min.x);
  EXPECT_FLOAT_EQ(before.min.y, now.min.y);
  EXPECT_FLOAT_EQ(before.max.x, now.max.x);
  EXPECT_FLOAT_EQ(before.max.y, now.max.y);
  EXPECT_NEAR((now.max.x - now.min.x) / (now.max.y - now.min.y), 400.0f / 300.0f, 0.01f) << "not stretched";
  ASSERT_TRUE(imgui.click("Side by side", view, forms, actions));
  EXPECT_FALSE(forms.assessment_blend);
  imgui.frame(view, forms, actions);
  EXPECT_LT(drawn(12).max.x, drawn(11).min.x) << "side by side: the earlier photo left of today's";
}

TEST(AssessmentPanel, WithoutAnEarlierPhotoThereIsNothingToBlend) {
  testing::HeadlessImGui imgui;
  testing::RecordingActions actions;
  Forms forms;
  auto view = with_photos();
  view.assessment.before_rgba.release();
  view.assessment.before_texture = 0;
  view.assessment.before_label.clear();
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("no earlier photo"));
  EXPECT_FALSE(imgui.click("Blend before/now", view, forms, actions));
}

}  // namespace
}  // namespace meso::gui
