// The clinician's edits of the planning zones (dragging a vertex, splitting an edge, removing a vertex,
// adding a zone): pure geometry on the zones in plane mm, so the rules are tested without a window.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "meso/vision/zones.hpp"

namespace meso::gui {

struct ZoneGrip {
  std::size_t zone = 0;
  std::size_t vertex = 0;
  friend bool operator==(const ZoneGrip&, const ZoneGrip&) = default;
};

// Inserts a vertex in the middle of the edge from `edge.vertex` to the next vertex; returns its grip.
ZoneGrip split_edge(std::vector<vision::Zone>& zones, ZoneGrip edge);
void move_vertex(std::vector<vision::Zone>& zones, ZoneGrip grip, vision::PointMm to);
// False (and nothing changes) when the zone would keep fewer than three vertices.
bool remove_vertex(std::vector<vision::Zone>& zones, ZoneGrip grip);
// A square of `side_mm` around `centre`, named "zone N" with the smallest N not in use.
void add_zone(std::vector<vision::Zone>& zones, vision::PointMm centre, double side_mm);
void remove_zone(std::vector<vision::Zone>& zones, std::size_t zone);

}  // namespace meso::gui
