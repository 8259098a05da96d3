// From the synthetic camera's image to a station plan: zones suggested over the thinned crown, the grid,
// and a plan that the station's own validation accepts.
#include <gtest/gtest.h>

#include <cmath>

#include "gui_test_support.hpp"
#include "meso/sim/synthetic_camera.hpp"
#include "meso/station/plan_preview.hpp"

namespace meso::gui {
namespace {

using station::make_preview;
using station::suggest_zones_from;

cv::Mat thinned_crown_photo() {
  sim::SyntheticCameraOptions options;
  options.seed = 7;
  options.thinning = {{testing::circle({0, 42}, 26), 0.25}};
  sim::SyntheticCamera camera(options);
  vision::Frame frame;
  camera.next(frame);
  return frame.image;
}

TEST(GuiPlan, ZonesSuggestedFromTheImageBecomeAValidStationPlan) {
  const auto suggestion = suggest_zones_from(thinned_crown_photo(), vision::default_layout());
  ASSERT_EQ(suggestion.zones.size(), 1U) << suggestion.message;
  EXPECT_EQ(suggestion.zones[0].name, "crown");
  const auto limits = station::default_limits();
  const auto preview = make_preview(suggestion.zones, PlanForm{}, testing::one_product_catalog(), limits);
  ASSERT_TRUE(preview.ready) << preview.error;
  EXPECT_GT(preview.points, 5U);
  EXPECT_EQ(preview.volume_nl, preview.points * 20000U);
  EXPECT_EQ(preview.cap_nl, limits.session_volume_cap_nl);
  EXPECT_EQ(preview.plan.product, "HairVital");
  EXPECT_EQ(preview.plan.lot, "L1");
  EXPECT_TRUE(station::validate(preview.plan, limits).empty());
  // The station's plan keeps what the planner stated for each zone, for the journal.
  const auto& coverage = preview.plan.steps.front().coverage;
  ASSERT_EQ(coverage.size(), 1U);
  EXPECT_EQ(coverage[0].zone, "crown");
  EXPECT_EQ(coverage[0].within_mm, preview.zones[0].coverage_mm);
  EXPECT_NEAR(coverage[0].goal_mm, preview.plan.steps.front().spacing_mm / std::sqrt(3.0) + 0.5, 1e-9);
}

TEST(GuiPlan, NoImageNoZones) {
  const auto suggestion = suggest_zones_from(cv::Mat(), vision::default_layout());
  EXPECT_TRUE(suggestion.zones.empty());
  EXPECT_FALSE(suggestion.message.empty());
}

TEST(GuiPlan, AFormOutsideTheLimitsIsRefusedWithAReason) {
  const std::vector<vision::Zone> zones{{"crown", testing::circle({0, 0}, 30)}};
  PlanForm form;
  form.dose_nl = 90000;  // above the 0.05 ml per point
  const auto preview = make_preview(zones, form, testing::one_product_catalog(), station::default_limits());
  EXPECT_FALSE(preview.ready);
  EXPECT_FALSE(preview.error.empty());
}

}  // namespace
}  // namespace meso::gui
