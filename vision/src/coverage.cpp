// Shot placement against the plan. A shot counts for the nearest planned point within the tolerance; a
// second shot on a done point is a repeat (a double dose there), one beyond every tolerance is off-plan.
// Plans hold at most a few thousand points and shots come at most 9 a second, so a linear scan per shot
// is enough and keeps the bookkeeping obvious.
#include "meso/vision/coverage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace meso::vision {

void TipHistory::push(const TipSample& sample) {
  samples_.push_back(sample);
  while (samples_.size() > std::max<std::size_t>(capacity_, 1))
    samples_.pop_front();
}

std::optional<TipSample> TipHistory::nearest(double time_s, double max_gap_s) const {
  std::optional<TipSample> best;
  double best_gap = std::numeric_limits<double>::infinity();
  for (const TipSample& s : samples_) {
    const double gap = std::abs(s.time_s - time_s);
    if (gap <= best_gap) best_gap = gap, best = s;  // on a tie the later sample: the fresher frame
  }
  if (!best || best_gap > max_gap_s) return std::nullopt;
  return best;
}

const char* to_string(ShotOutcome outcome) {
  switch (outcome) {
    case ShotOutcome::on_plan:
      return "on_plan";
    case ShotOutcome::repeat:
      return "repeat";
    case ShotOutcome::off_plan:
      return "off_plan";
    case ShotOutcome::not_seen:
      break;
  }
  return "not_seen";
}

CoverageTracker::CoverageTracker(GridPlan plan, double tolerance_mm)
    : plan_(std::move(plan)),
      tolerance_mm_(tolerance_mm > 0 ? tolerance_mm : plan_.spacing_mm / 3),
      hits_(plan_.points.size(), 0) {}

PlacedShot CoverageTracker::record_shot(std::optional<PointMm> tip_mm) {
  PlacedShot shot{ShotOutcome::not_seen, tip_mm, 0, 0};
  if (!tip_mm) {
    ++not_seen_;
    shots_.push_back(shot);
    return shot;
  }
  // The nearest planned point; on an exact tie the earlier one in the order.
  std::size_t best = plan_.points.size();
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < plan_.points.size(); ++i) {
    const double d = distance(*tip_mm, plan_.points[i].mm);
    if (d < best_d) best_d = d, best = i;
  }
  if (best == plan_.points.size() || best_d > tolerance_mm_) {
    shot.outcome = ShotOutcome::off_plan;
    ++off_plan_;
  } else {
    shot.point_order = plan_.points[best].order;
    shot.error_mm = best_d;
    shot.outcome = hits_[best]++ == 0 ? ShotOutcome::on_plan : ShotOutcome::repeat;
    if (shot.outcome == ShotOutcome::repeat) ++repeats_;
  }
  shots_.push_back(shot);
  return shot;
}

std::vector<ZoneCoverage> CoverageTracker::zones() const {
  std::vector<ZoneCoverage> out;
  for (const ZoneTotals& z : plan_.zones)
    out.push_back({z.name, 0, 0});
  for (std::size_t i = 0; i < plan_.points.size(); ++i) {
    const auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& z) { return z.name == plan_.points[i].zone; });
    if (it == out.end()) continue;
    ++it->planned;
    if (hits_[i] > 0) ++it->done;
  }
  return out;
}

int CoverageTracker::done() const {
  return static_cast<int>(std::count_if(hits_.begin(), hits_.end(), [](int h) { return h > 0; }));
}

std::vector<int> CoverageTracker::missed() const {
  // The furthest done point in the order, not the latest shot: going back to fill one gap must not hide
  // the other gaps left behind.
  const auto last = std::find_if(hits_.rbegin(), hits_.rend(), [](int h) { return h > 0; });
  std::vector<int> out;
  for (auto it = hits_.begin(); it != last.base(); ++it)
    if (*it == 0) out.push_back(plan_.points[static_cast<std::size_t>(it - hits_.begin())].order);
  return out;
}

bool CoverageTracker::is_done(int order) const {
  if (order < 1 || static_cast<std::size_t>(order) > hits_.size()) return false;
  return hits_[static_cast<std::size_t>(order - 1)] > 0;
}

std::optional<PlannedPoint> CoverageTracker::next_target() const {
  const auto it = std::find(hits_.begin(), hits_.end(), 0);
  if (it == hits_.end()) return std::nullopt;
  return plan_.points[static_cast<std::size_t>(it - hits_.begin())];
}

}  // namespace meso::vision
