// Where each shot landed, against the plan: shots are placed at the tip position of the frame nearest in
// time and assigned to the nearest planned point within a tolerance, or counted off-plan. Per-zone
// coverage, missed points, doubles and the next target are always available.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "meso/vision/geometry.hpp"
#include "meso/vision/grid_planner.hpp"

namespace meso::vision {

struct TipSample {
  double time_s = 0;
  std::optional<PointMm> tip_mm;  // nullopt: the frame was not registered or the tip not visible
};

// The recent tip positions, oldest first; bounded.
class TipHistory {
 public:
  explicit TipHistory(std::size_t capacity = 256) : capacity_(capacity) {}
  void push(const TipSample& sample);
  // The sample nearest in time to `time_s`, if one lies within `max_gap_s` (inclusive); on a tie the later.
  std::optional<TipSample> nearest(double time_s, double max_gap_s) const;

 private:
  std::size_t capacity_;
  std::deque<TipSample> samples_;
};

enum class ShotOutcome { on_plan, repeat, off_plan, not_seen };
const char* to_string(ShotOutcome outcome);

struct PlacedShot {
  ShotOutcome outcome = ShotOutcome::not_seen;
  std::optional<PointMm> at_mm;
  int point_order = 0;  // the planned point (1-based), 0 when none
  double error_mm = 0;  // distance to that point
};

struct ZoneCoverage {
  std::string name;
  int done = 0;
  int planned = 0;
};

class CoverageTracker {
 public:
  // tolerance_mm 0: spacing / 3. A shot goes to the nearest planned point (on an exact tie the earlier in
  // the order) if it lies within the tolerance (inclusive).
  explicit CoverageTracker(GridPlan plan, double tolerance_mm = 0);

  PlacedShot record_shot(std::optional<PointMm> tip_mm);

  const GridPlan& plan() const { return plan_; }
  double tolerance_mm() const { return tolerance_mm_; }
  std::vector<ZoneCoverage> zones() const;
  int done() const;
  // Undone points before the furthest done point in the order: the hand skipped them. The furthest, not
  // the latest: going back for one gap must not hide the others.
  std::vector<int> missed() const;
  int repeats() const { return repeats_; }  // shots on a point already done
  int off_plan() const { return off_plan_; }
  int not_seen() const { return not_seen_; }  // shots with no tip position to place them
  const std::vector<PlacedShot>& shots() const { return shots_; }
  bool is_done(int order) const;
  // The first undone point in order; nullopt when the plan is complete.
  std::optional<PlannedPoint> next_target() const;

 private:
  GridPlan plan_;
  double tolerance_mm_;
  std::vector<int> hits_;  // per point, in order
  std::vector<PlacedShot> shots_;
  int repeats_ = 0, off_plan_ = 0, not_seen_ = 0;
};

}  // namespace meso::vision
