#include "farthest_point.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

namespace meso::vision::planning {
namespace {

struct Square {
  PointMm centre;
  double half_side = 0;
  double bound = 0;  // no point of the square lies farther from the planned points than this
};

bool looser(const Square& a, const Square& b) {
  return a.bound < b.bound;
}

}  // namespace

Farthest farthest_point(const TreatableArea& area, const std::function<double(PointMm)>& nearest,
                        double start_cell, double tolerance) {
  // Below this a square is not halved again: only a square whose centre stays outside the area, at a corner
  // of it, gets there, and its bound is already within the tolerance of its inside neighbours'.
  const double smallest_half_side = tolerance / 8;
  double found = 0;  // the farthest centre inside the area: a point that far away exists
  PointMm where{};
  double smallest = 0;  // the worst bound among squares too small to halve
  std::priority_queue<Square, std::vector<Square>, decltype(&looser)> open(&looser);
  auto visit = [&](PointMm centre, double half_side) {
    const double half_diagonal = half_side * std::sqrt(2.0);
    const double phi = area.phi(centre);
    if (phi > half_diagonal) return;  // phi never exceeds the distance to the area: none of it in the square
    const double d = nearest(centre);
    if (phi <= 0 && d > found) found = d, where = centre;
    const double bound = d + half_diagonal;
    if (bound <= found + tolerance) return;
    if (half_side < smallest_half_side) {
      smallest = std::max(smallest, bound);
      return;
    }
    open.push({centre, half_side, bound});
  };
  const BoxMm& box = area.box();
  const auto cols = std::max(1L, static_cast<long>(std::ceil(box.width() / start_cell)));
  const auto rows = std::max(1L, static_cast<long>(std::ceil(box.height() / start_cell)));
  for (long r = 0; r < rows; ++r)
    for (long c = 0; c < cols; ++c)
      visit({box.min_x + (static_cast<double>(c) + 0.5) * start_cell,
             box.min_y + (static_cast<double>(r) + 0.5) * start_cell},
            start_cell / 2);
  // Every point of the area lies in a square still open, in one too small to halve, or within `found` +
  // `tolerance`; the top is the loosest open square.
  while (!open.empty() && open.top().bound > found + tolerance) {
    const Square s = open.top();
    open.pop();
    const double q = s.half_side / 2;
    for (const double dy : {-q, q})
      for (const double dx : {-q, q})
        visit({s.centre.x + dx, s.centre.y + dy}, q);
  }
  return {std::max(smallest, found + tolerance), found, where};
}

double farthest_from_points(const TreatableArea& area, const std::function<double(PointMm)>& nearest,
                            double start_cell, double tolerance) {
  return farthest_point(area, nearest, start_cell, tolerance).bound;
}

}  // namespace meso::vision::planning
