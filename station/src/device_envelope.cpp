#include "meso/station/device_envelope.hpp"

#include <algorithm>

#include "meso/protocols/lease.hpp"

namespace meso::station {

hal::DeviceLimits mesogun_envelope(const ClinicalLimits& limits) {
  hal::DeviceLimits d;
  d.depth_min_um = std::min(limits.point_by_point.depth_min_um, limits.nappage.depth_min_um);
  d.depth_max_um = std::max(limits.point_by_point.depth_max_um, limits.nappage.depth_max_um);
  d.dose_max_nl = std::max(limits.point_by_point.dose_max_nl, limits.nappage.dose_max_nl);
  d.max_rate_mhz = 0;
  d.speed_max_sps = 0;
  d.lease_ms = protocols::kLeaseMinMs;
  return d;
}

}  // namespace meso::station
