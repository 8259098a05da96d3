// The planner's second pass for a zone whose lattice-and-fill plan leaves holes along its margin: the zone's
// points are relaxed as a whole (Lloyd steps to even them out, then each point moved to the centre of the
// smallest circle around its Voronoi cell, so the farthest point of the cell comes nearer), with points
// kept apart and inside the area, one point added at the worst hole or removed from the closest pair
// between rounds. Sample based, so its cost grows with the zone's area: the planner calls it for small
// zones only. Internal to vision/.
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
  std::vector<PointMm> points;  // the zone's points; empty when no arrangement kept the gap
  double worst_gap = 0;         // over the samples
  bool met = false;             // every sample within reach, every gap kept
};

// `fixed`: other zones' points, which stay and count for coverage and the gap. `start`: the zone's points.
RelaxedPoints relax_zone(const TreatableArea& area, const std::vector<PointMm>& fixed,
                         const std::vector<PointMm>& start, const CoverageGoal& goal);

// Samples of the area every `step`, with the grid points just outside it (within the half-diagonal): each
// stands for the points of the area near it.
std::vector<PointMm> area_samples(const TreatableArea& area, double step);

}  // namespace meso::vision::planning
