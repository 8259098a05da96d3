// Shot placement and coverage bookkeeping on scripted shot sequences over a hand-made plan, so every
// expected outcome is known exactly.
#include "meso/vision/coverage.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace meso::vision {
namespace {

// Two zones: "crown" with points 1-3 on a row 10 mm apart, "temple" with points 4-5.
GridPlan scripted_plan() {
  GridPlan plan;
  plan.spacing_mm = 10;
  const std::vector<std::pair<PointMm, const char*>> points{
      {{0, 0}, "crown"}, {{10, 0}, "crown"}, {{20, 0}, "crown"}, {{100, 0}, "temple"}, {{110, 0}, "temple"}};
  for (const auto& [mm, zone] : points)
    plan.points.push_back({static_cast<int>(plan.points.size()) + 1, mm, zone, 4000, 50000});
  plan.zones = {{"crown", 3, 150000, 0}, {"temple", 2, 100000, 0}};
  return plan;
}

TEST(TipHistory, NearestSampleInTimeWithinTheGap) {
  TipHistory history(4);
  EXPECT_FALSE(history.nearest(1.0, 10).has_value());
  // Times in 1/8 s steps, exact in binary, so the gap boundary is exact.
  history.push({1.000, PointMm{1, 1}});
  history.push({1.125, std::nullopt});
  history.push({1.250, PointMm{3, 3}});
  auto s = history.nearest(1.2, 0.0625);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->time_s, 1.25);
  s = history.nearest(1.1, 0.0625);  // the frame without a tip is still the nearest one
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(s->tip_mm.has_value());
  EXPECT_FALSE(history.nearest(1.375, 0.0625).has_value());  // 0.125 s from the last frame
  EXPECT_TRUE(history.nearest(1.3125, 0.0625).has_value());  // exactly at the gap
}

TEST(TipHistory, KeepsOnlyTheNewestSamples) {
  TipHistory history(3);
  for (int i = 0; i < 5; ++i)
    history.push({static_cast<double>(i), PointMm{static_cast<double>(i), 0}});
  // 0 and 1 were dropped: time 0 now finds nothing within 1.5 s, time 2 is still there.
  EXPECT_FALSE(history.nearest(0, 1.5).has_value());
  ASSERT_TRUE(history.nearest(2, 0).has_value());
  EXPECT_EQ(history.nearest(2, 0)->tip_mm->x, 2);
}

TEST(Coverage, DefaultToleranceIsAThirdOfTheSpacing) {
  EXPECT_DOUBLE_EQ(CoverageTracker(scripted_plan()).tolerance_mm(), 10.0 / 3);
  EXPECT_DOUBLE_EQ(CoverageTracker(scripted_plan(), 2).tolerance_mm(), 2);
}

TEST(Coverage, ScriptedSessionCountsEveryOutcome) {
  CoverageTracker tracker(scripted_plan(), 2);
  EXPECT_EQ(tracker.next_target()->order, 1);

  PlacedShot shot = tracker.record_shot(PointMm{0.5, 0.5});
  EXPECT_EQ(shot.outcome, ShotOutcome::on_plan);
  EXPECT_EQ(shot.point_order, 1);
  EXPECT_NEAR(shot.error_mm, 0.7071, 1e-4);

  shot = tracker.record_shot(PointMm{0, -1});  // point 1 again: a double
  EXPECT_EQ(shot.outcome, ShotOutcome::repeat);
  EXPECT_EQ(shot.point_order, 1);

  shot = tracker.record_shot(PointMm{50, 0});  // between the zones
  EXPECT_EQ(shot.outcome, ShotOutcome::off_plan);
  EXPECT_EQ(shot.point_order, 0);

  shot = tracker.record_shot(std::nullopt);
  EXPECT_EQ(shot.outcome, ShotOutcome::not_seen);

  shot = tracker.record_shot(PointMm{20, 1});  // point 3, skipping point 2
  EXPECT_EQ(shot.outcome, ShotOutcome::on_plan);
  EXPECT_EQ(shot.point_order, 3);

  EXPECT_EQ(tracker.done(), 2);
  EXPECT_EQ(tracker.repeats(), 1);
  EXPECT_EQ(tracker.off_plan(), 1);
  EXPECT_EQ(tracker.not_seen(), 1);
  EXPECT_EQ(tracker.shots().size(), 5U);
  EXPECT_EQ(tracker.missed(), std::vector<int>{2});
  EXPECT_EQ(tracker.next_target()->order, 2);
  EXPECT_TRUE(tracker.is_done(3));
  EXPECT_FALSE(tracker.is_done(2));
  EXPECT_FALSE(tracker.is_done(0));
  EXPECT_FALSE(tracker.is_done(6));

  const auto zones = tracker.zones();
  ASSERT_EQ(zones.size(), 2U);
  EXPECT_EQ(zones[0].name, "crown");
  EXPECT_EQ(zones[0].done, 2);
  EXPECT_EQ(zones[0].planned, 3);
  EXPECT_EQ(zones[1].done, 0);
  EXPECT_EQ(zones[1].planned, 2);
}

TEST(Coverage, GoingBackForOneGapKeepsTheOtherGapsMissed) {
  CoverageTracker tracker(scripted_plan());
  tracker.record_shot(PointMm{0, 0});    // 1
  tracker.record_shot(PointMm{20, 0});   // 3, skipping 2
  tracker.record_shot(PointMm{110, 0});  // 5, skipping 4
  EXPECT_EQ(tracker.missed(), (std::vector<int>{2, 4}));
  tracker.record_shot(PointMm{10, 0});  // back to 2
  EXPECT_EQ(tracker.missed(), std::vector<int>{4});
  EXPECT_EQ(tracker.next_target()->order, 4);
}

TEST(Coverage, ToleranceBoundaryIsOnPlan) {
  CoverageTracker tracker(scripted_plan(), 2);
  EXPECT_EQ(tracker.record_shot(PointMm{10, 2.0}).outcome, ShotOutcome::on_plan);  // exactly at the tolerance
  EXPECT_EQ(tracker.record_shot(PointMm{20, 2.001}).outcome, ShotOutcome::off_plan);
  EXPECT_EQ(tracker.done(), 1);
  EXPECT_TRUE(tracker.is_done(2));
}

TEST(Coverage, ShotBetweenTwoPointsGoesToTheNearer) {
  CoverageTracker tracker(scripted_plan(), 6);  // wide enough to reach both neighbours
  PlacedShot shot = tracker.record_shot(PointMm{5.1, 0});
  EXPECT_EQ(shot.point_order, 2);
  EXPECT_NEAR(shot.error_mm, 4.9, 1e-9);
  shot = tracker.record_shot(PointMm{14.9, 0});
  EXPECT_EQ(shot.point_order, 2);
  EXPECT_EQ(shot.outcome, ShotOutcome::repeat);
  shot = tracker.record_shot(PointMm{15, 0});  // an exact tie: the earlier point in the order
  EXPECT_EQ(shot.point_order, 2);
  shot = tracker.record_shot(PointMm{5, 0});
  EXPECT_EQ(shot.point_order, 1);
  EXPECT_EQ(shot.outcome, ShotOutcome::on_plan);
}

TEST(Coverage, AllDoneLeavesNoNextTargetAndNothingMissed) {
  const GridPlan plan = scripted_plan();
  CoverageTracker tracker(plan);
  for (const auto& p : plan.points)
    EXPECT_EQ(tracker.record_shot(p.mm).outcome, ShotOutcome::on_plan);
  EXPECT_EQ(tracker.done(), 5);
  EXPECT_FALSE(tracker.next_target().has_value());
  EXPECT_TRUE(tracker.missed().empty());
  for (const auto& z : tracker.zones())
    EXPECT_EQ(z.done, z.planned);
}

TEST(Coverage, EmptyPlanCountsEveryShotOffPlan) {
  CoverageTracker tracker(GridPlan{});
  EXPECT_EQ(tracker.record_shot(PointMm{0, 0}).outcome, ShotOutcome::off_plan);
  EXPECT_FALSE(tracker.next_target().has_value());
  EXPECT_TRUE(tracker.missed().empty());
  EXPECT_EQ(tracker.done(), 0);
}

TEST(Coverage, OutcomeNames) {
  EXPECT_STREQ(to_string(ShotOutcome::on_plan), "on_plan");
  EXPECT_STREQ(to_string(ShotOutcome::repeat), "repeat");
  EXPECT_STREQ(to_string(ShotOutcome::off_plan), "off_plan");
  EXPECT_STREQ(to_string(ShotOutcome::not_seen), "not_seen");
}

}  // namespace
}  // namespace meso::vision
