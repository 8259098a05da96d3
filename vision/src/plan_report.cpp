#include "meso/vision/plan_report.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>

namespace meso::vision {

namespace {

nlohmann::json matrix_json(const cv::Matx33d& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < 3; ++r)
    rows.push_back({m(r, 0), m(r, 1), m(r, 2)});
  return rows;
}

double round_to(double v, double step) {
  return std::round(v / step) * step;
}

cv::Point to_pixel(const Registration& registration, PointMm p) {
  const cv::Point2d px = registration.to_px(p);
  return {static_cast<int>(std::lround(px.x)), static_cast<int>(std::lround(px.y))};
}

}  // namespace

nlohmann::json plan_report_json(const Registration& registration, const std::vector<Zone>& zones,
                                const GridPlan& plan) {
  nlohmann::json zones_json = nlohmann::json::array();
  for (const auto& z : zones) {
    nlohmann::json poly = nlohmann::json::array();
    for (const auto& p : z.polygon_mm)
      poly.push_back({round_to(p.x, 0.01), round_to(p.y, 0.01)});
    zones_json.push_back(
        {{"name", z.name}, {"polygon_mm", poly}, {"area_mm2", round_to(area_mm2(z.polygon_mm), 0.1)}});
  }
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : plan.points) {
    const cv::Point2d px = registration.to_px(p.mm);
    points.push_back({{"order", p.order},
                      {"x_mm", round_to(p.mm.x, 0.01)},
                      {"y_mm", round_to(p.mm.y, 0.01)},
                      {"u_px", round_to(px.x, 0.01)},
                      {"v_px", round_to(px.y, 0.01)},
                      {"zone", p.zone},
                      {"depth_um", p.depth_um},
                      {"dose_nl", p.dose_nl},
                      {"border_fill", p.border_fill}});
  }
  nlohmann::json per_zone = nlohmann::json::array();
  for (const auto& z : plan.zones) {
    nlohmann::json zone{{"name", z.name}, {"points", z.points}, {"volume_nl", z.volume_nl}};
    if (plan.technique != Technique::pen) {
      zone["coverage_mm"] = round_to(z.coverage_mm, 0.01);
      zone["coverage_goal_mm"] = round_to(coverage_goal_mm(plan.spacing_mm), 0.01);
      zone["border_fills"] = z.border_fills;
      zone["border_fill_gap_mm"] = round_to(z.border_fill_gap_mm, 0.01);
    }
    per_zone.push_back(zone);
  }
  nlohmann::json passes = nlohmann::json::array();
  for (const auto& pass : plan.passes) {
    nlohmann::json path = nlohmann::json::array();
    for (const auto& p : pass.path)
      path.push_back({round_to(p.x, 0.01), round_to(p.y, 0.01)});
    passes.push_back({{"zone", pass.zone}, {"depth_um", pass.depth_um}, {"path_mm", path}});
  }
  return {{"registration",
           {{"markers", registration.markers_seen},
            {"H_px_from_mm", matrix_json(registration.H_px_from_mm)},
            {"reprojection_rms_px", round_to(registration.reprojection_rms_px, 0.001)}}},
          {"technique", to_string(plan.technique)},
          {"spacing_mm", plan.spacing_mm},
          {"margin_mm", plan.margin_mm},
          {"zones", zones_json},
          {"points", points},
          {"passes", passes},
          {"totals", {{"points", plan.points.size()}, {"volume_nl", plan.volume_nl}, {"zones", per_zone}}}};
}

void draw_plan_overlay(cv::Mat& image, const Registration& registration, const std::vector<Zone>& zones,
                       const GridPlan& plan) {
  const cv::Scalar green(60, 200, 60), amber(0, 190, 255), cyan(255, 220, 0), white(255, 255, 255);
  for (const auto& d : registration.detections) {
    std::vector<cv::Point> quad;
    for (const auto& c : d.corners)
      quad.emplace_back(static_cast<int>(std::lround(c.x)), static_cast<int>(std::lround(c.y)));
    cv::polylines(image, quad, true, green, 2, cv::LINE_AA);
    cv::putText(image, std::to_string(d.id), quad[0] + cv::Point(0, -4), cv::FONT_HERSHEY_SIMPLEX, 0.5, green,
                1, cv::LINE_AA);
  }
  for (const auto& z : zones) {
    std::vector<cv::Point> poly;
    for (const auto& p : z.polygon_mm)
      poly.push_back(to_pixel(registration, p));
    cv::polylines(image, poly, true, amber, 2, cv::LINE_AA);
    cv::putText(image, z.name, to_pixel(registration, centroid(z.polygon_mm)), cv::FONT_HERSHEY_SIMPLEX, 0.55,
                amber, 2, cv::LINE_AA);
  }
  for (const auto& pass : plan.passes) {
    std::vector<cv::Point> path;
    for (const auto& p : pass.path)
      path.push_back(to_pixel(registration, p));
    cv::polylines(image, path, false, cyan, 1, cv::LINE_AA);
  }
  // Dense grids would drown in their numbers: label about 60 points evenly through the order.
  const std::size_t label_every = std::max<std::size_t>(1, plan.points.size() / 60);
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    const cv::Point at = to_pixel(registration, plan.points[i].mm);
    if (i > 0) cv::line(image, to_pixel(registration, plan.points[i - 1].mm), at, cyan, 1, cv::LINE_AA);
    cv::circle(image, at, 3, white, cv::FILLED, cv::LINE_AA);
    if (i % label_every == 0)
      cv::putText(image, std::to_string(plan.points[i].order), at + cv::Point(4, -4),
                  cv::FONT_HERSHEY_SIMPLEX, 0.4, white, 1, cv::LINE_AA);
  }
}

}  // namespace meso::vision
