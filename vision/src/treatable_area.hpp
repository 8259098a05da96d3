// The planner's view of one zone: its treatable area (the zone less its margin) as a signed distance, and the
// few vector operations the planner's geometry needs. Internal to vision/.
#pragma once

#include <optional>
#include <vector>

#include "meso/vision/geometry.hpp"

namespace meso::vision::planning {

// Planned points sit this far inside the treatable area, so rounding never puts one on its edge.
inline constexpr double kInside = 1e-6;

inline PointMm operator+(PointMm a, PointMm b) {
  return {a.x + b.x, a.y + b.y};
}
inline PointMm operator-(PointMm a, PointMm b) {
  return {a.x - b.x, a.y - b.y};
}
inline PointMm operator*(double k, PointMm a) {
  return {k * a.x, k * a.y};
}

// The treatable area as a signed distance phi: negative inside. Holds a reference to the polygon.
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

  const PolygonMm& polygon_;
  double margin_;
  BoxMm box_;
  std::vector<PointMm> inward_;  // per edge (vertex i-1 to vertex i)
};

}  // namespace meso::vision::planning
