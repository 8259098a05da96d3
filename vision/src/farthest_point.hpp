// How far the farthest point of a treatable area lies from a set of points, to a tolerance. Internal to
// vision/.
#pragma once

#include <functional>

#include "meso/vision/geometry.hpp"
#include "treatable_area.hpp"

namespace meso::vision::planning {

// An upper bound, within `tolerance` mm of the truth, on how far a point of `area` lies from the nearest of
// the planned points (`nearest(p)` is that distance for p). Branch and bound over squares of the area's box,
// `start_cell` mm wide at first: a square holds no point farther than its centre's distance plus its
// half-diagonal, so a square is halved only while that could beat the farthest centre found inside the area.
// A sample grid gives the same bound only with its half-diagonal added; this finds the radius where a grid
// would need millions of samples.
double farthest_from_points(const TreatableArea& area, const std::function<double(PointMm)>& nearest,
                            double start_cell, double tolerance);

struct Farthest {
  double bound = 0;  // as farthest_from_points
  double found = 0;  // a point of the area lies this far from the planned points ...
  PointMm where;     // ... here (meaningful when found > 0)
};
Farthest farthest_point(const TreatableArea& area, const std::function<double(PointMm)>& nearest,
                        double start_cell, double tolerance);

}  // namespace meso::vision::planning
