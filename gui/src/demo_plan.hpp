// From the camera's image to a station plan: zones suggested from hair density, the vision planner's grid,
// and its conversion into a station TreatmentPlan step (points, depth, dose, spacing, product and lot).
// Pure functions: the runtime runs them on its worker, the tests call them directly.
#pragma once

#include <string>
#include <vector>

#include "meso/gui/actions.hpp"
#include "meso/gui/console_view.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::gui {

struct ZoneSuggestion {
  std::vector<vision::Zone> zones;
  std::string message;  // what was found, or why nothing was
};

ZoneSuggestion suggest_zones_from(const cv::Mat& bgr, const vision::HeadbandLayout& layout);

// The plan for `zones` as the form asks, checked against the clinical limits and the catalog's lot.
PlanPreview make_preview(const std::vector<vision::Zone>& zones, const PlanForm& form,
                         const station::Catalog& catalog, const station::ClinicalLimits& limits);

}  // namespace meso::gui
