#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>

#include "meso/vision/zones.hpp"

namespace meso::vision {

PolygonMm scalp_outline(const HeadbandLayout& layout) {
  std::vector<cv::Point2f> centres;
  double largest = 0;
  for (const auto& m : layout.markers) {
    centres.emplace_back(static_cast<float>(m.center_mm.x), static_cast<float>(m.center_mm.y));
    largest = std::max(largest, m.size_mm);
  }
  std::vector<cv::Point2f> hull;
  cv::convexHull(centres, hull);
  // Pull each vertex towards the centroid by a marker's width, so no marker lies inside the outline.
  PolygonMm outline;
  for (const auto& p : hull)
    outline.push_back({p.x, p.y});
  const PointMm c = centroid(outline);
  for (auto& p : outline) {
    const double d = distance(p, c);
    const double k = d > largest ? (d - largest) / d : 0.0;
    p = {c.x + (p.x - c.x) * k, c.y + (p.y - c.y) * k};
  }
  return outline;
}

namespace {

// Zones are traced on a grid this much finer than the density cells, through the density interpolated
// between cell centres: their borders follow the thinning, not the cells' staircase.
constexpr int kUpscale = 8;

PointMm cell_to_mm(const DensityMap& map, cv::Point2d cell) {
  return {map.origin_mm.x + cell.x * map.cell_mm, map.origin_mm.y + cell.y * map.cell_mm};
}

// The fine grid's cells below the threshold, inside the scalp, smoothed at the scale of a density cell.
cv::Mat thinning_mask(const DensityMap& map, const PolygonMm& scalp, double threshold) {
  cv::Mat filled = map.density.clone();
  for (int r = 0; r < filled.rows; ++r)
    for (int c = 0; c < filled.cols; ++c) {
      auto& v = filled.at<float>(r, c);
      if (std::isnan(v))
        v = 1.0f;  // unseen cells count as normal: no zone is invented where nothing was seen
    }
  cv::GaussianBlur(filled, filled, {0, 0}, 1.0);
  cv::Mat fine_density;
  cv::resize(filled, fine_density, {}, kUpscale, kUpscale, cv::INTER_CUBIC);
  cv::Mat in_scalp(fine_density.size(), CV_8U, cv::Scalar(0));
  // The outline in fine pixels (pixel x's centre is at (x + 0.5) / kUpscale cells), to 1/16 px.
  constexpr int kShift = 4;
  const auto fixed = [&](double mm, double origin) {
    return static_cast<int>(std::lround(((mm - origin) / map.cell_mm * kUpscale - 0.5) * (1 << kShift)));
  };
  std::vector<cv::Point> outline;
  for (const PointMm& p : scalp)
    outline.emplace_back(fixed(p.x, map.origin_mm.x), fixed(p.y, map.origin_mm.y));
  cv::fillPoly(in_scalp, std::vector<std::vector<cv::Point>>{outline}, cv::Scalar(255), cv::LINE_8, kShift);
  cv::Mat mask = (fine_density < threshold) & in_scalp;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {3 * kUpscale, 3 * kUpscale});
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, kernel);
  cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, kernel);
  return mask;
}

std::string region_name(const std::vector<cv::Point>& contour, const cv::Size& fine, const DensityMap& map,
                        const HeadbandLayout& layout) {
  cv::Mat inside(fine, CV_8U, cv::Scalar(0));
  cv::drawContours(inside, std::vector<std::vector<cv::Point>>{contour}, 0, cv::Scalar(255), cv::FILLED);
  std::map<std::string, int> votes;
  int total = 0;
  for (int y = 0; y < fine.height; y += 2)
    for (int x = 0; x < fine.width; x += 2) {
      if (!inside.at<unsigned char>(y, x)) continue;
      ++total;
      const PointMm p = cell_to_mm(map, {(x + 0.5) / kUpscale, (y + 0.5) / kUpscale});
      for (const auto& region : layout.regions)
        if (contains(region.polygon_mm, p)) ++votes[region.name];
    }
  const auto best = std::max_element(votes.begin(), votes.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  // A zone named after a region should mostly be in it; otherwise the honest name is where it is.
  if (best == votes.end() || best->second * 5 < total) return "mid-scalp";
  return best->first;
}

}  // namespace

std::vector<Zone> suggest_zones(const DensityMap& map, const HeadbandLayout& layout, double threshold,
                                double min_area_mm2) {
  const cv::Mat fine = thinning_mask(map, scalp_outline(layout), threshold);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(fine, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);

  std::vector<Zone> zones;
  std::map<std::string, int> used;
  for (const auto& contour : contours) {
    const double cells = cv::contourArea(contour) / (kUpscale * kUpscale);
    if (cells * map.cell_mm * map.cell_mm < min_area_mm2) continue;
    // A traced border steps pixel by pixel: averaged over a few pixels, then kept to within a quarter of a
    // pixel, it is smooth, with few vertices for the planner.
    std::vector<cv::Point2f> smooth;
    const auto vertices = static_cast<long>(contour.size());
    constexpr long kHalfWindow = 3;
    for (long i = 0; i < vertices; ++i) {
      cv::Point2f sum(0, 0);
      for (long k = -kHalfWindow; k <= kHalfWindow; ++k) {
        const cv::Point& q = contour[static_cast<std::size_t>(((i + k) % vertices + vertices) % vertices)];
        sum += cv::Point2f(static_cast<float>(q.x), static_cast<float>(q.y));
      }
      smooth.push_back(sum / static_cast<float>(2 * kHalfWindow + 1));
    }
    std::vector<cv::Point2f> simple;
    cv::approxPolyDP(smooth, simple, 0.25, true);
    Zone zone;
    for (const auto& p : simple)
      zone.polygon_mm.push_back(cell_to_mm(map, {(p.x + 0.5) / kUpscale, (p.y + 0.5) / kUpscale}));
    zone.name = region_name(contour, fine.size(), map, layout);
    if (const int n = ++used[zone.name]; n > 1) zone.name += " " + std::to_string(n);
    zones.push_back(std::move(zone));
  }
  // Largest first: the zone that matters most heads the list a clinician reviews.
  std::sort(zones.begin(), zones.end(),
            [](const Zone& a, const Zone& b) { return area_mm2(a.polygon_mm) > area_mm2(b.polygon_mm); });
  return zones;
}

}  // namespace meso::vision
