// Plane geometry in millimetres, in the headband's coordinate frame (docs/vision.md): x to the patient's
// right, y towards the back of the head, origin at the centre of the top view. Free of OpenCV so the
// planner and the coverage bookkeeping can be used and tested without images.
#pragma once

#include <vector>

namespace meso::vision {

struct PointMm {
  double x = 0;
  double y = 0;
  friend bool operator==(const PointMm&, const PointMm&) = default;
};

using PolygonMm = std::vector<PointMm>;  // a simple polygon, either orientation, not closed explicitly

struct BoxMm {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  double width() const { return max_x - min_x; }
  double height() const { return max_y - min_y; }
};

double distance(PointMm a, PointMm b);
// Even-odd rule; a point exactly on an edge may go either way.
bool contains(const PolygonMm& polygon, PointMm p);
double distance_to_boundary(const PolygonMm& polygon, PointMm p);
double area_mm2(const PolygonMm& polygon);  // absolute area
PointMm centroid(const PolygonMm& polygon);
BoxMm bounds(const PolygonMm& polygon);

}  // namespace meso::vision
