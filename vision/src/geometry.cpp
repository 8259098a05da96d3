#include "meso/vision/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meso::vision {

double distance(PointMm a, PointMm b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

bool contains(const PolygonMm& polygon, PointMm p) {
  bool inside = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const PointMm a = polygon[i];
    const PointMm b = polygon[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

namespace {
double distance_to_segment(PointMm p, PointMm a, PointMm b) {
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
  return distance(p, {a.x + t * dx, a.y + t * dy});
}
}  // namespace

double distance_to_boundary(const PolygonMm& polygon, PointMm p) {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
    best = std::min(best, distance_to_segment(p, polygon[j], polygon[i]));
  return best;
}

namespace {
double signed_area(const PolygonMm& polygon) {
  double twice = 0;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
    twice += polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
  return twice / 2;
}
}  // namespace

double area_mm2(const PolygonMm& polygon) {
  return polygon.size() < 3 ? 0.0 : std::abs(signed_area(polygon));
}

PointMm centroid(const PolygonMm& polygon) {
  const double a = polygon.size() < 3 ? 0.0 : signed_area(polygon);
  if (std::abs(a) < 1e-12) {  // degenerate: the mean of the vertices
    PointMm sum;
    for (const auto& p : polygon)
      sum = {sum.x + p.x, sum.y + p.y};
    const auto n = static_cast<double>(std::max<std::size_t>(polygon.size(), 1));
    return {sum.x / n, sum.y / n};
  }
  double cx = 0, cy = 0;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const double cross = polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
    cx += (polygon[j].x + polygon[i].x) * cross;
    cy += (polygon[j].y + polygon[i].y) * cross;
  }
  return {cx / (6 * a), cy / (6 * a)};
}

BoxMm bounds(const PolygonMm& polygon) {
  BoxMm box{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (const auto& p : polygon) {
    box.min_x = std::min(box.min_x, p.x);
    box.min_y = std::min(box.min_y, p.y);
    box.max_x = std::max(box.max_x, p.x);
    box.max_y = std::max(box.max_y, p.y);
  }
  return box;
}

}  // namespace meso::vision
