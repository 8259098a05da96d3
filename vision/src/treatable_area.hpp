// The planner's view of one zone: its treatable area (the zone less its margin) as a signed distance, and the
// few vector operations the planner's geometry needs. Internal to vision/.
#pragma once

#include <optional>
#include <vector>

#include "meso/vision/geometry.hpp"

namespace meso::vision::planning {

// Planned points sit this far inside the treatable area, so rounding never puts one on its edge.
inline constexpr double kInside = 1e-6;

// std::floor as a whole number, inline: on the baseline x86-64 that the planner is built for, std::floor is
// a library call, and the planner's grids take millions of them. For finite values within a long's range.
inline long floor_of(double v) {
  const auto toward_zero = static_cast<long>(v);
  return toward_zero - (v < static_cast<double>(toward_zero) ? 1 : 0);
}

inline PointMm operator+(PointMm a, PointMm b) {
  return {a.x + b.x, a.y + b.y};
}
inline PointMm operator-(PointMm a, PointMm b) {
  return {a.x - b.x, a.y - b.y};
}
inline PointMm operator*(double k, PointMm a) {
  return {k * a.x, k * a.y};
}

// The treatable area as a signed distance phi: negative inside. Holds a reference to the polygon. Not safe to
// share between threads (it fills its edge grid as it is probed).
class TreatableArea {
 public:
  TreatableArea(const PolygonMm& polygon, double margin);

  double phi(PointMm p) const { return probe(p).phi; }
  const BoxMm& box() const { return box_; }
  double margin() const { return margin_; }

  // Moves p into the area along phi's gradient (exact next to an edge); nullopt when that does not settle.
  std::optional<PointMm> pull_inside(PointMm p) const;

  // Whether p lies in the area or within `reach` of it. A sample grid keeps its points for which this holds
  // with the grid's half-diagonal: every point of the area then lies within the half-diagonal of a sample,
  // and a sample just outside is no nearer to the planned points than the area's points it stands for,
  // which a sample pulled inside could be. (phi alone is not the distance: near a sharp corner of the area
  // it is a fraction of it.)
  bool within(PointMm p, double reach) const;

 private:
  struct Probe {
    double phi;
    PointMm gradient;  // of phi: out of the area
  };
  Probe probe(PointMm p) const;
  // The edges that can hold the nearest boundary point of some point in cell `c` of the edge grid.
  const std::vector<std::size_t>& candidates(std::size_t c) const;
  Probe nearest_of(PointMm p, const std::vector<std::size_t>& edges) const;
  // The squared distance from p to edge i, and where along it (0 to 1) its nearest point lies.
  std::pair<double, double> distance2(PointMm p, std::size_t i) const;

  const PolygonMm& polygon_;
  double margin_;
  BoxMm box_;
  struct Edge {
    PointMm from, along;  // vertex i-1, and vertex i less it
    double inverse_length2;
  };
  std::vector<Edge> edge_;       // per edge (vertex i-1 to vertex i)
  std::vector<PointMm> inward_;  // per edge
  std::vector<PointMm> corner_;  // per vertex: the sum of its two edges' inward normals, normalised
  std::vector<std::size_t> all_edges_;
  // A grid over the polygon's box: a point's nearest edge is one of its cell's few candidates, found the
  // first time the cell is probed (the planner probes only cells along the border, and many times each).
  BoxMm grid_box_;
  double grid_cell_ = 0;
  long grid_cols_ = 0, grid_rows_ = 0;
  mutable std::vector<std::vector<std::size_t>> grid_;
  mutable std::vector<bool> grid_ready_;
  mutable std::vector<double> scratch_;  // per edge, while a cell's candidates are found
};

}  // namespace meso::vision::planning
