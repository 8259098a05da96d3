// The injection-grid planner: point by point on a hexagonal grid, nappage on a dense hexagonal grid,
// microneedling as passes over each zone; points ordered so the hand travels little; volume checked
// against the session cap. Pure geometry: no images.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "meso/vision/geometry.hpp"
#include "meso/vision/zones.hpp"

namespace meso::vision {

enum class Technique { point, nappage, pen };
const char* to_string(Technique t);
Technique technique_from_string(const std::string& name);  // "point", "nappage", "pen"; throws otherwise

struct PlanRequest {
  Technique technique = Technique::point;
  double spacing_mm = 0;  // 0: the technique's default (point 10, nappage 3, pen 8 between passes)
  double margin_mm = 2;   // kept free along every zone border
  int depth_um = 0;       // 0: the technique's default (point 4000, nappage 1500, pen 1000)
  int dose_nl = 0;        // per point; 0: default (point 50000, nappage 10000); pen: none
  std::int64_t session_cap_nl = 10'000'000;
  // Zones apart from each other are planned at once, on up to this many threads; 0: one per core. The plan
  // is the same whatever the number.
  unsigned threads = 0;
  // A plan refused for its coverage (PlanShortOfCoverage) names the widest spacing, up to 2 mm narrower, at
  // which every zone is covered: finding it plans the zones up to four times more. Off: the refusal only
  // says to plan a smaller spacing.
  bool name_covering_spacing = true;
  // Where the lattice and the relaxation leave a zone's border short of coverage, add points nearer than
  // 0.9 x spacing there (PlannedPoint::border_fill). Off: such a plan is refused (PlanShortOfCoverage).
  bool border_fills = true;
};

struct PlannedPoint {
  int order = 0;  // 1-based position in the treatment order
  PointMm mm;
  std::string zone;
  int depth_um = 0;
  int dose_nl = 0;
  // Placed last, where the zone's border was still short of coverage: it may lie nearer than 0.9 x spacing
  // to another point (never nearer than the coverage goal).
  bool border_fill = false;
};

// Microneedling: a serpentine path over one zone's treatable area, rows at most the spacing apart (pen
// spacing 2 to 20 mm). The path is strokes: points 2k and 2k+1 are the ends of one stroke along a row;
// between strokes the pen is lifted.
struct PenPass {
  std::string zone;
  std::vector<PointMm> path;
  int depth_um = 0;
};

struct ZoneTotals {
  std::string name;
  int points = 0;
  std::int64_t volume_nl = 0;
  double area_mm2 = 0;  // of the zone's polygon, margin included
  // Point and nappage: every point of the zone's treatable area lies within this of a planned point (an
  // upper bound: the worst sample of a grid plus its half-diagonal, or within 0.0001 mm of the truth for a
  // zone the samples put past the goal); the goal is spacing/sqrt(3) + 0.5 mm. Pen: 0.
  double coverage_mm = 0;
  // Points placed to close the border's last gaps (PlannedPoint::border_fill), and the nearest any of them
  // comes to another point (0 when none).
  int border_fills = 0;
  double border_fill_gap_mm = 0;
};

struct GridPlan {
  Technique technique = Technique::point;
  double spacing_mm = 0;
  double margin_mm = 0;
  std::vector<PlannedPoint> points;  // in treatment order
  std::vector<PenPass> passes;       // pen only
  std::vector<ZoneTotals> zones;
  std::int64_t volume_nl = 0;
};

// A plan that cannot be made: a spacing, depth or dose outside the technique's range, a zone too small for
// its margin or whose outline crosses itself, a zone the planned points do not cover (see
// PlanShortOfCoverage), or a volume over the cap ("the plan needs 12.40 ml, 2.40 ml over the 10.00 ml
// session cap").
struct PlanRefused : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Refused because the points at their dose need more than the session cap: not a placement the planner
// missed, but a limit on the dose (a lower dose or a wider spacing serves).
struct PlanOverVolumeCap : PlanRefused {
  PlanOverVolumeCap(const std::string& what, std::int64_t needed) : PlanRefused(what), volume_nl(needed) {}
  std::int64_t volume_nl = 0;
};

// Refused because some zone's points would leave part of it farther than spacing/sqrt(3) + 0.5 mm from
// every planned point. No plan can cover some zones at their spacing (a thin arc at wide spacing, where only
// one point fits); the planner also misses some that could be (a few small zones, and some rectangles at
// wide spacings: docs/vision.md). The refused plan is kept, with each zone's coverage_mm, for a caller that
// wants to show where it falls short.
struct PlanShortOfCoverage : PlanRefused {
  PlanShortOfCoverage(const std::string& what, GridPlan refused)
      : PlanRefused(what), plan(std::move(refused)) {}
  GridPlan plan;
};

// Points: one hexagonal lattice shared by all zones, cropped to each zone's treatable area (the zone less
// its margin), then holes along the margin filled greedily; a zone of at most 2000 points that still has a
// hole is relaxed as a whole (its points moved, added or removed) and kept if it then covers better. A zone
// still short of coverage after all that is short by a hair's breadth along its border: points are added
// where its area lies farthest from every planned point until it is covered (border fills, said in the plan:
// PlannedPoint::border_fill, ZoneTotals::border_fills).
// Zones are planned in the given order and may touch or overlap: a later zone adds no point closer than
// 0.9 x spacing to an earlier zone's points, so an area two zones share belongs to the first, and each point
// is counted (and dosed) once.
// Guaranteed (tests/vision/grid_planner_test.cpp): every planned point lies in its zone's treatable area; no
// two planned points (across zones too) are closer than 0.9 x spacing, unless one is a border fill, which
// comes no closer to any point than the coverage goal; every point of each zone's treatable area lies within
// spacing/sqrt(3) + 0.5 mm of a planned point (ZoneTotals::coverage_mm states how near), or the plan is
// refused with PlanShortOfCoverage (only where 64 fills a zone do not cover it). Relaxing costs time: up to
// a few seconds for one zone.
// Zones farther apart (their boxes) than a window's reach, 6.16 x spacing + 1.39 mm (19.9 mm at 3 mm
// nappage), are planned at once (PlanRequest::threads); a zone nearer an earlier one is planned after it.
GridPlan plan_grid(const std::vector<Zone>& zones, const PlanRequest& request);

// The coverage goal at a spacing: spacing/sqrt(3) + 0.5 mm (see ZoneTotals::coverage_mm).
double coverage_goal_mm(double spacing_mm);

// Rows `row_height_mm` apart, in boustrophedon order (every other row runs back); the visiting order as
// indices.
std::vector<std::size_t> boustrophedon_order(const std::vector<PointMm>& points, double row_height_mm);
// The boustrophedon order, then 2-opt on the open path (only shortening moves, so never longer).
std::vector<std::size_t> order_points(const std::vector<PointMm>& points, double row_height_mm);
double path_length_mm(const std::vector<PointMm>& points, const std::vector<std::size_t>& order);

}  // namespace meso::vision
