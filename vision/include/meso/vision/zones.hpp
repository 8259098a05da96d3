// Treatment zones: named polygons in plane mm. Suggested from a hair-density map of the registered image
// (thinning cells grouped and named after the anatomical region holding them), accepted or edited by the
// clinician, kept in a zones file.
#pragma once

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "meso/vision/geometry.hpp"
#include "meso/vision/headband_layout.hpp"
#include "meso/vision/registration.hpp"

namespace meso::vision {

struct Zone {
  std::string name;
  PolygonMm polygon_mm;
};

// {"zones": [{"name": "crown", "polygon_mm": [[x, y], ...]}, ...]}; throws naming the field.
std::vector<Zone> zones_from_json_text(const std::string& text);
std::vector<Zone> load_zones(const std::filesystem::path& path);
std::string zones_to_json_text(const std::vector<Zone>& zones);

// Relative hair density per cell of the plane (1 = the scalp's typical density, lower = thinner).
struct DensityMap {
  PointMm origin_mm;  // top-left corner of cell (0, 0)
  double cell_mm = 4;
  cv::Mat density;  // CV_32F, rows x cols; NaN where the plane is outside the image
};

DensityMap density_map(const cv::Mat& image, const Registration& registration, const BoxMm& area,
                       double cell_mm);
// The scalp the band encloses: the hull of the headband's marker centres, less a marker's width.
PolygonMm scalp_outline(const HeadbandLayout& layout);

// Cells of the scalp below `threshold` x the normal density (the map's 75th percentile), smoothed and
// grouped into polygons of at least `min_area_mm2`; each is named after the layout region that holds most
// of it ("crown"), "mid-scalp" when none does, and numbered when one name comes twice.
std::vector<Zone> suggest_zones(const DensityMap& map, const HeadbandLayout& layout, double threshold = 0.6,
                                double min_area_mm2 = 150);

}  // namespace meso::vision
