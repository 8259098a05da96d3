// Assessment photos: each session's photo of the scalp registered to the headband and saved in the plane
// frame (4 px per mm over the scalp inside the band), so that photos of the same patient from different
// sessions line up pixel for pixel and can be compared side by side. Worker thread; no ImGui.
#pragma once

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <string>

#include "meso/vision/headband_layout.hpp"

namespace meso::gui {

struct AssessmentPhoto {
  std::filesystem::path file;  // DIR/PATIENT/session-ID.png
  std::string sha256;          // of the file's bytes, hex: the findings cite it, so an auditor can check it
  cv::Mat plane_bgr;           // what was saved
};

constexpr double kPhotoPxPerMm = 4;

// Registers `image` (BGR) to the headband and saves its plane view. Throws std::runtime_error saying what
// failed: too few markers (the registration's own reason), or a file that cannot be written.
AssessmentPhoto save_assessment_photo(const cv::Mat& image, const vision::HeadbandLayout& layout,
                                      const std::filesystem::path& dir, const std::string& patient,
                                      std::int64_t session);

// The patient's photo from the latest earlier session, if any.
std::optional<std::filesystem::path> previous_photo(const std::filesystem::path& dir,
                                                    const std::string& patient, std::int64_t session);

}  // namespace meso::gui
