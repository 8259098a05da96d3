// Hair density from a close-up image file (a dermatoscope's phototrichogram of clipped hair), for a station
// whose close-up camera is not connected: the clinician names the file and the lens's calibrated scale, and
// vision's estimate_hair_density counts the central 1 cm2 field (vision/progress.hpp). Worker thread; no
// ImGui. A file that is missing, unreadable or refused by the estimate gives a sentence, never an exception.
#pragma once

#include <filesystem>
#include <string>

namespace meso::gui {

struct CloseupDensity {
  bool ok = false;
  std::string message;  // what was measured, or why nothing was
  double hairs_per_cm2 = 0;
  std::string method;  // the estimate's own statement of what it counted and how
  std::string sha256;  // of the file's bytes, hex: the findings cite it, so an auditor can check the file
};

CloseupDensity density_from_closeup(const std::filesystem::path& file, double px_per_mm);

}  // namespace meso::gui
