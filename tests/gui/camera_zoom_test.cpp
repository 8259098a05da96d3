// The treatment image's zoom: which part of the image a zoom shows (centred on the next target or the tip,
// never off the image), the mapping from plane mm to screen px under it (what every overlay is drawn
// through), and the treatment screen's buttons and wheel, checked on ImGui's draw data without a window.
#include <gtest/gtest.h>

#include <cmath>

#include "camera_mapping.hpp"
#include "gui_test_support.hpp"
#include "meso/gui/panels.hpp"

namespace meso::gui {
namespace {

using station::SessionState;

// 4 px per mm, the plane's origin at the centre of a 1280 x 720 image.
constexpr std::array<double, 9> kH{4, 0, 640, 0, 4, 360, 0, 0, 1};

TEST(CameraZoom, TheWindowIsCentredOnTheFocusAndStaysOnTheImage) {
  const auto full = zoom_window(1280, 720, 1, ImVec2(100, 100));
  EXPECT_FLOAT_EQ(full.min.x, 0);
  EXPECT_FLOAT_EQ(full.min.y, 0);
  EXPECT_FLOAT_EQ(full.size.x, 1280);
  EXPECT_FLOAT_EQ(full.size.y, 720);
  const auto x2 = zoom_window(1280, 720, 2, ImVec2(680, 360));
  EXPECT_FLOAT_EQ(x2.min.x, 360);
  EXPECT_FLOAT_EQ(x2.min.y, 180);
  EXPECT_FLOAT_EQ(x2.size.x, 640);
  EXPECT_FLOAT_EQ(x2.size.y, 360);
  const auto corner = zoom_window(1280, 720, 4, ImVec2(10, 700));
  EXPECT_FLOAT_EQ(corner.min.x, 0) << "a target at the edge: the view stays on the image";
  EXPECT_FLOAT_EQ(corner.min.y, 720 - 180);
  const auto centred = zoom_window(1280, 720, 2, std::nullopt);
  EXPECT_FLOAT_EQ(centred.min.x, 320);
  EXPECT_FLOAT_EQ(zoom_window(1280, 720, 0.3f, std::nullopt).size.x, 1280) << "below 1: the full view";
  EXPECT_FLOAT_EQ(zoom_window(1280, 720, std::nanf(""), std::nullopt).size.x, 1280);
  EXPECT_FLOAT_EQ(zoom_window(1280, 720, 100, std::nullopt).size.x, 1280 / kMaxZoom);
  EXPECT_FLOAT_EQ(zoom_window(1280, 720, 2, ImVec2(std::nanf(""), 0)).min.x, 320) << "no centre: the middle";
}

TEST(CameraZoom, PlaneMillimetresMapToTheScreenUnderZoomAndBack) {
  // The image fitted at 0.5 screen px per image px, its top-left at (100, 50) on the screen.
  const ImVec2 origin(100, 50);
  const float fit = 0.5f;
  const vision::PointMm target{10, 0};  // image px (680, 360)
  const CameraMapping full{origin, fit, ImVec2(0, 0), kH};
  EXPECT_FLOAT_EQ(full(target).x, 100 + 680 * 0.5f);
  EXPECT_FLOAT_EQ(full(target).y, 50 + 360 * 0.5f);
  const auto window = zoom_window(1280, 720, 2, full.image_px(target));
  const float drawn_width = 1280 * fit;
  const CameraMapping zoomed{origin, drawn_width / window.size.x, window.min, kH};
  // The target is at the centre of the drawn image, and distances on the scalp are twice as long.
  EXPECT_FLOAT_EQ(zoomed(target).x, 100 + 320);
  EXPECT_FLOAT_EQ(zoomed(target).y, 50 + 180);
  EXPECT_FLOAT_EQ(zoomed({20, 0}).x - zoomed(target).x, 2 * (full({20, 0}).x - full(target).x));
  // 5 mm = 20 image px: 10 screen px in the full view (0.5 px per px), 20 at x2.
  EXPECT_FLOAT_EQ(full({10, 5}).y - full(target).y, 10);
  EXPECT_FLOAT_EQ(zoomed({10, 5}).y - zoomed(target).y, 20);
  const auto back = zoomed.to_mm(ImVec2(300, 200));
  EXPECT_NEAR(zoomed(back).x, 300, 1e-3);
  EXPECT_NEAR(zoomed(back).y, 200, 1e-3);
  EXPECT_NEAR(zoomed.to_mm(zoomed({-3, 7})).x, -3, 1e-9);
}

TEST(CameraZoom, ZoomStepsStayWithinTheRange) {
  EXPECT_FLOAT_EQ(zoom_by(1, 1), 1.25f);
  EXPECT_FLOAT_EQ(zoom_by(1, -1), 1);
  EXPECT_FLOAT_EQ(zoom_by(7, 3), kMaxZoom);
}

ConsoleView treating_with_camera() {
  auto view = testing::session_view(SessionState::treating);
  view.snap.next_point = 1;  // (10, 0) mm: image px (680, 360)
  view.camera.texture = 77;
  view.camera.width = 1280;
  view.camera.height = 720;
  view.camera.registered = true;
  view.camera.H_px_from_mm = kH;
  return view;
}

// The camera texture's UV rectangle as drawn in the last frame.
bool camera_uv(ImVec2& uv_min, ImVec2& uv_max) {
  const ImDrawData* data = ImGui::GetDrawData();
  bool found = false;
  uv_min = ImVec2(2, 2);
  uv_max = ImVec2(-1, -1);
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      // NOLINTNEXTLINE(performance-no-int-to-ptr): the texture name travels in the pointer, as in the panel
      if (cmd.TextureId != reinterpret_cast<ImTextureID>(std::uintptr_t{77})) continue;
      found = true;
      for (unsigned i = 0; i < cmd.ElemCount; ++i) {
        const auto index = list->IdxBuffer[static_cast<int>(cmd.IdxOffset + i)] + cmd.VtxOffset;
        const ImVec2 uv = list->VtxBuffer[static_cast<int>(index)].uv;
        uv_min = ImVec2(std::min(uv_min.x, uv.x), std::min(uv_min.y, uv.y));
        uv_max = ImVec2(std::max(uv_max.x, uv.x), std::max(uv_max.y, uv.y));
      }
    }
  }
  return found;
}

TEST(TreatmentZoom, ButtonsAndTheWheelZoomOnTheNextTargetAndFullViewGoesBack) {
  testing::HeadlessImGui imgui;
  testing::RecordingActions actions;
  Forms forms;
  const auto view = treating_with_camera();
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("full view"));
  ImVec2 uv0, uv1;
  ASSERT_TRUE(camera_uv(uv0, uv1));
  EXPECT_FLOAT_EQ(uv0.x, 0);
  EXPECT_FLOAT_EQ(uv1.x, 1);
  ASSERT_TRUE(imgui.click("ZOOM IN", view, forms, actions));
  ASSERT_TRUE(imgui.click("ZOOM IN", view, forms, actions));
  ASSERT_TRUE(imgui.click("ZOOM IN", view, forms, actions));
  EXPECT_NEAR(forms.treatment_zoom, 1.953125f, 1e-5);
  forms.treatment_zoom = 2;
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("x2.0 on the next target"));
  ASSERT_TRUE(camera_uv(uv0, uv1));
  // Half of each side, centred on image px (680, 360).
  EXPECT_NEAR(uv0.x, 360.0 / 1280, 1e-4);
  EXPECT_NEAR(uv1.x, 1000.0 / 1280, 1e-4);
  EXPECT_NEAR(uv0.y, 180.0 / 720, 1e-4);
  EXPECT_NEAR(uv1.y, 540.0 / 720, 1e-4);
  ASSERT_TRUE(imgui.click("FULL VIEW", view, forms, actions));
  EXPECT_FLOAT_EQ(forms.treatment_zoom, 1);
  // The wheel over the image.
  imgui.frame(view, forms, actions);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(300, 300);
  imgui.frame(view, forms, actions);
  io.MouseWheel = 2;
  imgui.frame(view, forms, actions);
  io.MouseWheel = 0;
  EXPECT_FLOAT_EQ(forms.treatment_zoom, 1.5625f);
  EXPECT_FALSE(actions.called("arm")) << "zooming sends nothing to the station";
}

TEST(TreatmentZoom, WithoutATargetTheZoomFollowsTheTip) {
  auto view = treating_with_camera();
  view.snap.next_point = 3;  // every point done
  view.camera.tip_mm = vision::PointMm{-20, 10};
  const auto focus = zoom_focus(view);
  ASSERT_TRUE(focus.mm);
  EXPECT_DOUBLE_EQ(focus.mm->x, -20);
  EXPECT_STREQ(focus.what, "the tip");
  view.camera.tip_mm.reset();
  EXPECT_FALSE(zoom_focus(view).mm);
}

}  // namespace
}  // namespace meso::gui
