#include "treatable_area.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meso::vision::planning {

namespace {
constexpr double kGridCells = 32;  // along the longer side of the edge grid
}  // namespace

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
    const double len2 = e.x * e.x + e.y * e.y;
    edge_.push_back({polygon[j], e, len2 > 0 ? 1 / len2 : 0});
  }
  // The treatable area lies inside the polygon's box shrunk by the margin (a vertical or horizontal ray
  // leaves the polygon before the box's edge).
  box_ = {box_.min_x + margin, box_.min_y + margin, box_.max_x - margin, box_.max_y - margin};
  for (std::size_t v = 0; v < polygon.size(); ++v) {
    const PointMm sum = inward_[v] + inward_[(v + 1) % polygon.size()];  // edges into and out of vertex v
    const double len = std::hypot(sum.x, sum.y);
    corner_.push_back(len > 1e-12 ? (1.0 / len) * sum : PointMm{});
    all_edges_.push_back(v);
  }
  // The planner probes within a spacing (at most 20 mm) of the area; farther points go through every edge.
  const BoxMm outline = bounds(polygon);
  const double pad = 25;
  grid_box_ = {outline.min_x - pad, outline.min_y - pad, outline.max_x + pad, outline.max_y + pad};
  grid_cell_ = std::max(grid_box_.width(), grid_box_.height()) / kGridCells;
  grid_cols_ = static_cast<long>(std::ceil(grid_box_.width() / grid_cell_));
  grid_rows_ = static_cast<long>(std::ceil(grid_box_.height() / grid_cell_));
  grid_.resize(static_cast<std::size_t>(grid_cols_ * grid_rows_));
  grid_ready_.resize(grid_.size(), false);
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
  const double gx = std::floor((p.x - grid_box_.min_x) / grid_cell_);
  const double gy = std::floor((p.y - grid_box_.min_y) / grid_cell_);
  if (gx < 0 || gy < 0 || gx >= static_cast<double>(grid_cols_) || gy >= static_cast<double>(grid_rows_))
    return nearest_of(p, all_edges_);
  return nearest_of(p, candidates(static_cast<std::size_t>(gy) * static_cast<std::size_t>(grid_cols_) +
                                  static_cast<std::size_t>(gx)));
}

const std::vector<std::size_t>& TreatableArea::candidates(std::size_t c) const {
  if (grid_ready_[c]) return grid_[c];
  const auto cols = static_cast<std::size_t>(grid_cols_);
  const std::size_t row_index = c / cols;  // whole cells
  const auto col = static_cast<double>(c % cols);
  const auto row = static_cast<double>(row_index);
  const PointMm centre{grid_box_.min_x + (col + 0.5) * grid_cell_,
                       grid_box_.min_y + (row + 0.5) * grid_cell_};
  // Every point of the cell lies within the half-diagonal of its centre, so its distance to an edge is the
  // centre's give or take that: an edge whose centre distance exceeds the least by more than twice the
  // half-diagonal is never the nearest.
  std::vector<double>& d = scratch_;
  d.resize(edge_.size());
  double least = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < edge_.size(); ++i) {
    d[i] = std::sqrt(distance2(centre, i).first);
    least = std::min(least, d[i]);
  }
  const double slack = 2 * grid_cell_ * std::sqrt(0.5) + 1e-9;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] <= least + slack) grid_[c].push_back(i);
  grid_ready_[c] = true;
  return grid_[c];
}

std::pair<double, double> TreatableArea::distance2(PointMm p, std::size_t i) const {
  const Edge& e = edge_[i];
  const double t =
      std::clamp(((p.x - e.from.x) * e.along.x + (p.y - e.from.y) * e.along.y) * e.inverse_length2, 0.0, 1.0);
  const double dx = p.x - (e.from.x + t * e.along.x), dy = p.y - (e.from.y + t * e.along.y);
  return {dx * dx + dy * dy, t};
}

TreatableArea::Probe TreatableArea::nearest_of(PointMm p, const std::vector<std::size_t>& edges) const {
  double best = std::numeric_limits<double>::infinity();
  std::size_t edge = 0;
  double best_t = 0;
  const std::size_t n = polygon_.size();
  for (const std::size_t i : edges) {
    const auto [d2, t] = distance2(p, i);
    if (d2 < best) best = d2, edge = i, best_t = t;
  }
  const PointMm nearest = edge_[edge].from + best_t * edge_[edge].along;
  const double d = std::sqrt(best);
  if (d <= 1e-9) return {margin_, -1.0 * inward_[edge]};
  // The side follows from the nearest feature: along an edge, its normal; at a vertex, the sum of its two
  // edges' normals (the nearest points of a convex vertex lie outside, of a reflex one inside). Where that
  // cannot tell (a zero-length edge, a spike folded back on itself), the crossing count decides.
  const PointMm normal = best_t <= 0   ? corner_[(edge + n - 1) % n]
                         : best_t >= 1 ? corner_[edge]
                                       : inward_[edge];
  const PointMm away = p - nearest;
  const double side = away.x * normal.x + away.y * normal.y;
  const bool inside = std::abs(side) > 1e-9 * d ? side > 0 : contains(polygon_, p);
  const PointMm inward = (inside ? 1.0 / d : -1.0 / d) * away;
  return {margin_ - (inside ? d : -d), -1.0 * inward};
}

}  // namespace meso::vision::planning
