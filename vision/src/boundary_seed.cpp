#include "boundary_seed.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace meso::vision::planning {
namespace {

constexpr double kPixel = 0.2;           // mm: the outline is traced on a raster of the area
constexpr double kCornerTurn = 0.52;     // radians (30 degrees)
constexpr double kOutlineTolerance = 1;  // pixels: how far the outline's polygon strays from the raster
constexpr double kGapSlack = 1.02;       // as the relaxation's push: rounding keeps the gap

// The outline of the area's largest part, simplified to a polygon whose vertices are its corners and points
// along its curves.
std::vector<PointMm> outline(const TreatableArea& area) {
  const BoxMm& b = area.box();
  const int cols = static_cast<int>(std::ceil(b.width() / kPixel)) + 3;  // a pixel of background all round
  const int rows = static_cast<int>(std::ceil(b.height() / kPixel)) + 3;
  if (cols <= 3 || rows <= 3) return {};
  const auto at = [&](double c, double r) {
    return PointMm{b.min_x + (c - 1) * kPixel, b.min_y + (r - 1) * kPixel};
  };
  cv::Mat1b mask(rows, cols, static_cast<unsigned char>(0));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      if (area.phi(at(c, r)) <= 0) mask(r, c) = 255;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  if (contours.empty()) return {};
  const auto largest = std::max_element(contours.begin(), contours.end(), [](const auto& x, const auto& y) {
    return cv::contourArea(x) < cv::contourArea(y);
  });
  std::vector<cv::Point> simple;
  cv::approxPolyDP(*largest, simple, kOutlineTolerance, true);
  std::vector<PointMm> out;
  out.reserve(simple.size());
  for (const cv::Point& p : simple)
    out.push_back(at(p.x, p.y));
  return out;
}

// The vertices where the outline turns sharply; vertex 0 alone when it turns gently all round.
std::vector<std::size_t> corners_of(const std::vector<PointMm>& poly) {
  const std::size_t n = poly.size();
  std::vector<std::size_t> corners;
  for (std::size_t i = 0; i < n; ++i) {
    const PointMm a = poly[(i + n - 1) % n], v = poly[i], c = poly[(i + 1) % n];
    const double ux = v.x - a.x, uy = v.y - a.y, wx = c.x - v.x, wy = c.y - v.y;
    if (std::abs(std::atan2(ux * wy - uy * wx, ux * wx + uy * wy)) > kCornerTurn) corners.push_back(i);
  }
  if (corners.empty()) corners.push_back(0);
  return corners;
}

// The point `along` mm from the start of the polyline.
PointMm point_along(const std::vector<PointMm>& chain, double along) {
  for (std::size_t i = 1; i < chain.size(); ++i) {
    const double d = distance(chain[i - 1], chain[i]);
    if (along <= d) {
      return chain[i - 1] + (d > 0 ? along / d : 0) * (chain[i] - chain[i - 1]);
    }
    along -= d;
  }
  return chain.back();
}

}  // namespace

std::vector<PointMm> boundary_seed(const TreatableArea& area, const std::vector<PointMm>& fixed,
                                   const std::vector<PointMm>& lattice, double spacing, double min_gap) {
  const double gap = min_gap * kGapSlack;
  std::vector<PointMm> seed;
  const auto keeps_gap = [&](PointMm p) {
    const auto near = [&](PointMm q) { return distance(p, q) < gap; };
    return std::none_of(fixed.begin(), fixed.end(), near) && std::none_of(seed.begin(), seed.end(), near);
  };
  const auto add = [&](PointMm p) {
    const auto inside = area.pull_inside(p);
    if (inside && keeps_gap(*inside)) seed.push_back(*inside);
  };
  const std::vector<PointMm> poly = outline(area);
  const std::size_t n = poly.size();
  if (n >= 3) {
    const std::vector<std::size_t> corners = corners_of(poly);
    for (const std::size_t i : corners)
      add(poly[i]);
    for (std::size_t k = 0; k < corners.size(); ++k) {
      const std::size_t from = corners[k], to = corners[(k + 1) % corners.size()];
      std::vector<PointMm> side{poly[from]};
      for (std::size_t i = (from + 1) % n; i != to; i = (i + 1) % n)
        side.push_back(poly[i]);
      side.push_back(poly[to]);
      double length = 0;
      for (std::size_t i = 1; i < side.size(); ++i)
        length += distance(side[i - 1], side[i]);
      auto pieces = static_cast<long>(std::ceil(length / spacing));
      while (pieces > 1 && length / static_cast<double>(pieces) < gap)
        --pieces;
      for (long j = 1; j < pieces; ++j)
        add(point_along(side, length * static_cast<double>(j) / static_cast<double>(pieces)));
    }
  }
  for (const PointMm& p : lattice)
    if (keeps_gap(p)) seed.push_back(p);
  return seed;
}

}  // namespace meso::vision::planning
