// A plan as the outside world sees it: the JSON of `mesostation plan --json` (docs/vision.md) and the
// overlay image that shows markers, zones and the numbered plan on the camera image.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <vector>

#include "meso/vision/grid_planner.hpp"
#include "meso/vision/registration.hpp"
#include "meso/vision/zones.hpp"

namespace meso::vision {

nlohmann::json plan_report_json(const Registration& registration, const std::vector<Zone>& zones,
                                const GridPlan& plan);

// Draws on a BGR image: detected markers (green, with ids), zones (amber, named), planned points numbered in
// order with the path between them (pen: the passes).
void draw_plan_overlay(cv::Mat& image, const Registration& registration, const std::vector<Zone>& zones,
                       const GridPlan& plan);

}  // namespace meso::vision
