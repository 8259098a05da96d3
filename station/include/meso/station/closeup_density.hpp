// Hair density from a close-up image file (a dermatoscope's phototrichogram of clipped hair), for a station
// whose close-up camera is not connected: the clinician names the file and the lens's calibrated scale, and
// vision's estimate_hair_density counts the central 1 cm2 field (vision/progress.hpp). A file that is
// missing, unreadable or refused by the estimate gives a sentence, never an exception.
#pragma once

#include <filesystem>

#include "meso/station/app_types.hpp"

namespace meso::station {

CloseupDensity density_from_closeup(const std::filesystem::path& file, double px_per_mm);

}  // namespace meso::station
