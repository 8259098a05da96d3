// From the camera's image to a station plan: zones suggested from hair density, the vision planner's grid,
// and its conversion into a station TreatmentPlan step (points, depth, dose, spacing, product and lot).
// Pure functions: the application layer runs them on its journal worker, the tests call them directly.
#pragma once

#include <vector>

#include "meso/station/app_types.hpp"
#include "meso/station/formulation.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::station {

ZoneSuggestion suggest_zones_from(const cv::Mat& bgr, const vision::HeadbandLayout& layout);

// The plan for `zones` as chosen, checked against the clinical limits and the catalog's lot.
PlanPreview make_preview(const std::vector<vision::Zone>& zones, const PlanChoice& form,
                         const Catalog& catalog, const ClinicalLimits& limits);

}  // namespace meso::station
