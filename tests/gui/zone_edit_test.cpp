// Zone editing on the planning screen: the edit rules themselves, then a vertex dragged with the mouse over
// the registered image, an edge's midpoint dragged into a new vertex, and a vertex removed by right-click.
#include <gtest/gtest.h>

#include "gui_test_support.hpp"
#include "meso/gui/panels.hpp"
#include "zone_edits.hpp"

namespace meso::gui {
namespace {

using testing::HeadlessImGui;
using testing::RecordingActions;

std::vector<vision::Zone> square() {
  return {{"crown", {{-10, -10}, {10, -10}, {10, 10}, {-10, 10}}}};
}

TEST(ZoneEdits, SplitMoveRemoveAndAdd) {
  auto zones = square();
  const ZoneGrip grip = split_edge(zones, {0, 3});  // the closing edge, from (-10, 10) back to (-10, -10)
  EXPECT_EQ(grip, (ZoneGrip{0, 4}));
  ASSERT_EQ(zones[0].polygon_mm.size(), 5U);
  EXPECT_EQ(zones[0].polygon_mm[4], (vision::PointMm{-10, 0}));
  move_vertex(zones, grip, {-20, 0});
  EXPECT_EQ(zones[0].polygon_mm[4], (vision::PointMm{-20, 0}));
  EXPECT_TRUE(remove_vertex(zones, {0, 4}));
  EXPECT_TRUE(remove_vertex(zones, {0, 0}));
  EXPECT_FALSE(remove_vertex(zones, {0, 0})) << "a zone keeps three vertices";
  EXPECT_EQ(zones[0].polygon_mm.size(), 3U);
  add_zone(zones, {0, 40}, 30);
  add_zone(zones, {0, 40}, 30);
  ASSERT_EQ(zones.size(), 3U);
  EXPECT_EQ(zones[1].name, "zone 1");
  EXPECT_EQ(zones[2].name, "zone 2");
  EXPECT_DOUBLE_EQ(vision::area_mm2(zones[1].polygon_mm), 900.0);
  remove_zone(zones, 1);
  add_zone(zones, {0, 0}, 10);
  EXPECT_EQ(zones.back().name, "zone 1") << "the smallest free number";
}

class ZoneDrag : public ::testing::Test {
 protected:
  ZoneDrag() : view(testing::session_view(station::SessionState::planning)) {
    view.snap.plan.reset();
    view.camera.texture = 1;
    view.camera.width = 640;
    view.camera.height = 480;
    view.camera.registered = true;
    view.camera.H_px_from_mm = {4, 0, 320, 0, 4, 240, 0, 0, 1};  // 4 px per mm, plane origin mid-image
    view.zones = square();
    ui.frame(view, forms, actions);  // lays the image out
  }
  ImVec2 screen(vision::PointMm p) const {
    return {forms.image_x + static_cast<float>(320 + 4 * p.x) * forms.image_scale,
            forms.image_y + static_cast<float>(240 + 4 * p.y) * forms.image_scale};
  }
  void at(ImVec2 p, bool left, bool right = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = p;
    io.MouseDown[0] = left;
    io.MouseDown[1] = right;
    ui.frame(view, forms, actions);
  }

  HeadlessImGui ui;
  ConsoleView view;
  Forms forms;
  RecordingActions actions;
};

TEST_F(ZoneDrag, AVertexDraggedOnTheImageMovesInPlaneMillimetres) {
  ASSERT_GT(forms.image_scale, 0.0f);
  at(screen({10, 10}), false);  // hover
  at(screen({10, 10}), true);   // press
  at(screen({15, 20}), true);   // drag
  EXPECT_FALSE(actions.called("set_zones")) << "nothing is sent before the drop";
  at(screen({20, 25}), false);  // drop
  ASSERT_EQ(actions.count("set_zones"), 1);
  const auto& moved = actions.zones.at(0).polygon_mm;
  ASSERT_EQ(moved.size(), 4U);
  EXPECT_NEAR(moved[2].x, 15, 0.3);
  EXPECT_NEAR(moved[2].y, 20, 0.3);
  EXPECT_EQ(moved[0], (vision::PointMm{-10, -10})) << "the other vertices stay";
}

TEST_F(ZoneDrag, AnEdgesMidpointDraggedBecomesANewVertexAndARightClickRemovesOne) {
  at(screen({0, -10}), false);
  at(screen({0, -10}), true);
  at(screen({0, -20}), true);
  at(screen({0, -20}), false);
  ASSERT_EQ(actions.count("set_zones"), 1);
  ASSERT_EQ(actions.zones.at(0).polygon_mm.size(), 5U);
  EXPECT_NEAR(actions.zones[0].polygon_mm[1].y, -20, 0.3);
  view.zones = actions.zones;
  at(screen({-10, 10}), false);
  at(screen({-10, 10}), false, true);
  at(screen({-10, 10}), false, false);
  ASSERT_EQ(actions.count("set_zones"), 2);
  EXPECT_EQ(actions.zones.at(0).polygon_mm.size(), 4U);
}

TEST_F(ZoneDrag, NothingIsEditableOnceThePlanIsAccepted) {
  view.snap.state = station::SessionState::ready;
  at(screen({10, 10}), false);
  at(screen({10, 10}), true);
  at(screen({30, 30}), true);
  at(screen({30, 30}), false);
  EXPECT_FALSE(actions.called("set_zones"));
}

}  // namespace
}  // namespace meso::gui
