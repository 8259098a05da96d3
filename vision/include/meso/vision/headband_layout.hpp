// The headband: ArUco markers worn on the head, each at a known place in the plane frame (mm), and the
// handpiece's own marker with the offset from its centre to the needle tip. Loaded from JSON
// (docs/vision.md); every error names the field and what would be right.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "meso/vision/geometry.hpp"

namespace meso::vision {

// Markers lie axis-aligned in the plane: the marker image's x axis along +x, its y axis along +y.
struct LayoutMarker {
  int id = 0;
  PointMm center_mm;
  double size_mm = 0;  // side of the black square, border included
};

// The tip offset is in the handpiece marker's own axes (mm from its centre), so it follows the
// handpiece's rotation in the plane.
struct HandpieceMarker {
  int id = 0;
  double size_mm = 0;
  PointMm tip_offset_mm;
};

// An anatomical region (crown, frontal hairline, ...) in the plane; suggested zones are named after the
// region that holds them.
struct Region {
  std::string name;
  PolygonMm polygon_mm;
};

struct HeadbandLayout {
  std::string dictionary = "DICT_4X4_50";
  std::vector<LayoutMarker> markers;
  std::optional<HandpieceMarker> handpiece;
  std::vector<Region> regions;

  const LayoutMarker* find(int id) const;
  double smallest_marker_mm() const;
};

// Parses and checks a layout; throws std::invalid_argument naming the field ("layout.markers[2].size_mm:
// must be above 0").
HeadbandLayout layout_from_json_text(const std::string& text);
HeadbandLayout load_layout(const std::filesystem::path& path);
std::string layout_to_json_text(const HeadbandLayout& layout);
// The layout that ships in vision/layouts/default_headband.json, compiled in so a tool works from anywhere.
HeadbandLayout default_layout();

// Number of markers in an OpenCV predefined dictionary by name ("DICT_4X4_50" -> 50); 0 when unknown.
int dictionary_size(const std::string& name);

}  // namespace meso::vision
