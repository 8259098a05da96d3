// The mesogun driver's own last check (the third layer, just before the bytes go out), derived from the
// station's configured clinical limits in this one place, so the driver can never allow what they do not.
#pragma once

#include "meso/hal/device.hpp"
#include "meso/station/clinical_limits.hpp"

namespace meso::station {

// Before the station narrows it to a step's plan: the widest depth and the largest dose these limits allow
// any mesotherapy technique, single shots only (no rate), and the shortest lease (docs/protocol.md A.6).
hal::DeviceLimits mesogun_envelope(const ClinicalLimits& limits);

}  // namespace meso::station
