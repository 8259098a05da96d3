#include "treatable_area.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meso::vision::planning {

TreatableArea::TreatableArea(const PolygonMm& polygon, double margin)
    : polygon_(polygon), margin_(margin), box_(bounds(polygon)) {
  double twice_area = 0;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
    twice_area += polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
  const double side = twice_area > 0 ? 1.0 : -1.0;  // the inward normal is on the left of a CCW edge
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const PointMm e = polygon[i] - polygon[j];
    const double len = std::max(std::hypot(e.x, e.y), 1e-12);
    inward_.push_back({-side * e.y / len, side * e.x / len});
  }
  // The treatable area lies inside the polygon's box shrunk by the margin (a vertical or horizontal ray
  // leaves the polygon before the box's edge).
  box_ = {box_.min_x + margin, box_.min_y + margin, box_.max_x - margin, box_.max_y - margin};
}

std::optional<PointMm> TreatableArea::pull_inside(PointMm p) const {
  for (int attempt = 0; attempt < 6; ++attempt) {
    const Probe pr = probe(p);
    if (pr.phi <= -kInside) return p;
    p = p - (pr.phi + 2 * kInside) * pr.gradient;
  }
  return std::nullopt;
}

bool TreatableArea::within(PointMm p, double reach) const {
  const double d = phi(p);
  if (d <= 0) return true;
  if (d > reach) return false;  // phi never exceeds the distance to the area
  const auto foot = pull_inside(p);
  return foot && distance(*foot, p) <= reach;
}

TreatableArea::Probe TreatableArea::probe(PointMm p) const {
  double best = std::numeric_limits<double>::infinity();
  PointMm nearest;
  std::size_t edge = 0;
  bool inside = false;  // contains(), in the same pass over the edges
  for (std::size_t i = 0, j = polygon_.size() - 1; i < polygon_.size(); j = i++) {
    const PointMm a = polygon_[j];
    const PointMm b = polygon_[i];
    if ((b.y > p.y) != (a.y > p.y) && p.x < (a.x - b.x) * (p.y - b.y) / (a.y - b.y) + b.x) inside = !inside;
    const PointMm e = b - a;
    const double len2 = e.x * e.x + e.y * e.y;
    const double t = len2 > 0 ? std::clamp(((p.x - a.x) * e.x + (p.y - a.y) * e.y) / len2, 0.0, 1.0) : 0.0;
    const PointMm q = a + t * e;
    const double d2 = (p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y);
    if (d2 < best) best = d2, nearest = q, edge = i;
  }
  const double d = std::sqrt(best);
  const PointMm inward = d > 1e-9 ? (inside ? 1.0 / d : -1.0 / d) * (p - nearest) : inward_[edge];
  return {margin_ - (inside ? d : -d), -1.0 * inward};
}

}  // namespace meso::vision::planning
