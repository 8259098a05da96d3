#include "zone_edits.hpp"

#include <algorithm>

namespace meso::gui {

ZoneGrip split_edge(std::vector<vision::Zone>& zones, ZoneGrip edge) {
  auto& polygon = zones.at(edge.zone).polygon_mm;
  const vision::PointMm a = polygon.at(edge.vertex);
  const vision::PointMm b = polygon[(edge.vertex + 1) % polygon.size()];
  polygon.insert(polygon.begin() + static_cast<std::ptrdiff_t>(edge.vertex + 1),
                 vision::PointMm{(a.x + b.x) / 2, (a.y + b.y) / 2});
  return {edge.zone, edge.vertex + 1};
}

void move_vertex(std::vector<vision::Zone>& zones, ZoneGrip grip, vision::PointMm to) {
  zones.at(grip.zone).polygon_mm.at(grip.vertex) = to;
}

bool remove_vertex(std::vector<vision::Zone>& zones, ZoneGrip grip) {
  auto& polygon = zones.at(grip.zone).polygon_mm;
  if (polygon.size() <= 3 || grip.vertex >= polygon.size()) return false;
  polygon.erase(polygon.begin() + static_cast<std::ptrdiff_t>(grip.vertex));
  return true;
}

void add_zone(std::vector<vision::Zone>& zones, vision::PointMm centre, double side_mm) {
  int n = 1;
  while (std::any_of(zones.begin(), zones.end(),
                     [&](const vision::Zone& z) { return z.name == "zone " + std::to_string(n); }))
    ++n;
  const double h = side_mm / 2;
  zones.push_back({"zone " + std::to_string(n),
                   {{centre.x - h, centre.y - h},
                    {centre.x + h, centre.y - h},
                    {centre.x + h, centre.y + h},
                    {centre.x - h, centre.y + h}}});
}

void remove_zone(std::vector<vision::Zone>& zones, std::size_t zone) {
  if (zone < zones.size()) zones.erase(zones.begin() + static_cast<std::ptrdiff_t>(zone));
}

}  // namespace meso::gui
