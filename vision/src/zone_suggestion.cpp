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

constexpr int kUpscale = 4;  // contours are traced on a finer copy of the cell grid, for smoother outlines

PointMm cell_to_mm(const DensityMap& map, cv::Point2d cell) {
  return {map.origin_mm.x + cell.x * map.cell_mm, map.origin_mm.y + cell.y * map.cell_mm};
}

cv::Mat thinning_mask(const DensityMap& map, const PolygonMm& scalp, double threshold) {
  cv::Mat filled = map.density.clone();
  cv::Mat in_scalp(map.density.size(), CV_8U, cv::Scalar(0));
  for (int r = 0; r < filled.rows; ++r)
    for (int c = 0; c < filled.cols; ++c) {
      auto& v = filled.at<float>(r, c);
      if (std::isnan(v))
        v = 1.0f;  // unseen cells count as normal: no zone is invented where nothing was seen
      if (contains(scalp, cell_to_mm(map, {c + 0.5, r + 0.5}))) in_scalp.at<unsigned char>(r, c) = 255;
    }
  cv::GaussianBlur(filled, filled, {0, 0}, 1.0);
  cv::Mat mask = (filled < threshold) & in_scalp;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3});
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
  const cv::Mat mask = thinning_mask(map, scalp_outline(layout), threshold);
  cv::Mat fine;
  cv::resize(mask, fine, {}, kUpscale, kUpscale, cv::INTER_NEAREST);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(fine, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);

  std::vector<Zone> zones;
  std::map<std::string, int> used;
  for (const auto& contour : contours) {
    const double cells = cv::contourArea(contour) / (kUpscale * kUpscale);
    if (cells * map.cell_mm * map.cell_mm < min_area_mm2) continue;
    std::vector<cv::Point> simple;
    cv::approxPolyDP(contour, simple, kUpscale / 2.0, true);
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
