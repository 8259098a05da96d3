// The planner's second pass for a zone whose lattice-and-fill plan leaves holes along its margin: the zone's
// points are relaxed as a whole (Lloyd steps to even them out, then each point moved to the centre of the
// smallest circle around its Voronoi cell, so the farthest point of the cell comes nearer), with points
// kept apart and inside the area, one point added at the worst hole or removed from the closest pair
// between rounds. Sample based, so its cost grows with the zone's area: the planner relaxes small zones as a
// whole, and mends a big zone's holes one window at a time (relax_window). Internal to vision/.
#pragma once

#include <vector>

#include "meso/vision/geometry.hpp"
#include "treatable_area.hpp"

namespace meso::vision::planning {

struct CoverageGoal {
  double spacing = 0;
  double min_gap = 0;      // no two points closer
  double reach = 0;        // every sample within this of a point
  double sample_step = 0;  // of the grid the goal is checked on
};

struct RelaxedPoints {
  std::vector<PointMm> points;   // the zone's points; empty when no arrangement kept the gap
  double worst_gap = 0;          // over the samples (a window not asked for its start: an upper bound)
  bool met = false;              // every sample within reach, every gap kept
  double start_worst = 0;        // a window's worst sample before, when asked for
  std::vector<PointMm> samples;  // a window's samples of the goal, when it did not meet it
};

struct Disc {
  PointMm centre;
  double radius = 0;
};

// The area's samples on one grid (as area_samples gives them), each grid point tested once, when first asked
// for; a block of grid points is settled at once where the area's signed distance at its centre decides it.
// Windows along a border overlap, and would otherwise test the same points again and again.
class SampleGrid {
 public:
  SampleGrid(const TreatableArea& area, double step);
  double step() const { return step_; }
  // Whether grid point (x, y), at (x * step, y * step), is a sample.
  bool holds(long x, long y) { return member(x - x0_, y - y0_); }
  // The samples within the disc of every `stride`-th grid point (a coarser grid on the same points).
  std::vector<PointMm> in_disc(const Disc& disc, long stride);
  // The grid is also cut in blocks of kBlock x kBlock grid points. The blocks that may hold samples within
  // the disc, as their first grid point's (x, y); and the samples of one within the disc.
  std::vector<std::pair<long, long>> blocks_in_disc(const Disc& disc);
  void block_samples(std::pair<long, long> block, const Disc& disc, std::vector<PointMm>& out);
  PointMm block_centre(std::pair<long, long> block) const;
  static constexpr long kBlock = 4;

 private:
  bool member(long x, long y);
  signed char block_state(long bx, long by);  // 0 all out, 1 all in, 2 mixed
  PointMm at(long x, long y) const;

  const TreatableArea& area_;
  double step_;
  long x0_, y0_, cols_, rows_;
  std::vector<signed char> state_;  // per grid point: -1 untested, 0 out, 1 in
  std::vector<signed char> block_;  // per block: -1 untested, 0 all out, 1 all in, 2 mixed
};

// Whether a zone that does not settle starts again from points spread over it: only a small one (up to 60
// points), or a zone of any size (a second try, for a zone the first left short).
enum class Restarts { small_zones, any_size };

// `fixed`: other zones' points, which stay and count for coverage and the gap. `start`: the zone's points.
// Restarts stop once the zone has spent its budget of relaxation work (about a second).
RelaxedPoints relax_zone(const TreatableArea& area, const std::vector<PointMm>& fixed,
                         const std::vector<PointMm>& start, const CoverageGoal& goal,
                         Restarts restarts = Restarts::small_zones);

// The same within `window` only, on `grid`'s samples: `start` are the zone's points that may move, `fixed`
// every other point near the window. The moving points must start more than the goal's reach inside the
// window's edge: all they covered then lies in the window, whose samples are all checked.
RelaxedPoints relax_window(const TreatableArea& area, SampleGrid& grid, const std::vector<PointMm>& fixed,
                           const std::vector<PointMm>& start, const CoverageGoal& goal, const Disc& window,
                           bool measure_start);

// Samples of the area every `step`, with the grid points just outside it (within the half-diagonal): each
// stands for the points of the area near it.
std::vector<PointMm> area_samples(const TreatableArea& area, double step);

}  // namespace meso::vision::planning
