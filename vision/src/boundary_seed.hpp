// A second start for relaxing a zone that its lattice leaves short along straight sides and corners.
// Internal to vision/.
#pragma once

#include <vector>

#include "meso/vision/geometry.hpp"
#include "treatable_area.hpp"

namespace meso::vision::planning {

// A point at each corner of the treatable area's outline (where it turns by more than 30 degrees) and points
// evenly along each side between corners, as near the spacing apart as the gap allows; then every point of
// `lattice` that keeps the gap from them. Every point keeps `min_gap` (and a little) from the others and from
// `fixed`, and lies inside the area. A lattice row meets a slanted or perpendicular side at every offset, and
// a corner left between two rows is the hole the relaxation most often fails to close: starting with points
// on the sides and corners, it mostly need not.
std::vector<PointMm> boundary_seed(const TreatableArea& area, const std::vector<PointMm>& fixed,
                                   const std::vector<PointMm>& lattice, double spacing, double min_gap);

}  // namespace meso::vision::planning
