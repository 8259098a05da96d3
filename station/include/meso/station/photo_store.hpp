// Assessment photos on disk: DIR/FOLDER/session-ID.png, one folder per patient, where FOLDER encodes the
// pseudonym injectively, so two patients never share a folder and one patient's photo is never shown as
// another's "previous". Each session's photo is registered to the headband and saved in the plane frame
// (4 px per mm over the scalp inside the band), so photos of the same patient from different sessions line
// up pixel for pixel. Any thread; no station state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/reader.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::station {

struct AssessmentPhoto {
  std::filesystem::path file;  // DIR/FOLDER/session-ID.png
  std::string sha256;          // of the file's bytes, hex: the findings cite it, so an auditor can check it
  cv::Mat plane_bgr;           // what was saved
};

constexpr double kPhotoPxPerMm = 4;

// The pseudonym as a folder name: letters, digits, '-' and '_' as they are, every other byte as %XX
// (uppercase hex), so "P.1" is "P%2E1" and "P_1" stays "P_1". Injective: different pseudonyms never share
// a folder, and no folder name starts with '.'. Throws std::invalid_argument for an empty pseudonym.
std::string photo_folder_name(std::string_view pseudonym);

// Registers `image` (BGR) to the headband and saves its plane view. Throws std::runtime_error saying what
// failed: too few markers (the registration's own reason), or a file that cannot be written.
AssessmentPhoto save_assessment_photo(const cv::Mat& image, const vision::HeadbandLayout& layout,
                                      const std::filesystem::path& dir, std::string_view patient,
                                      std::int64_t session);

// The patient's photo from the latest earlier session, if any. With a journal, a photo counts only when the
// journal says its session is this patient's: a file misplaced by hand, or left from another database, is
// never shown as this patient's.
std::optional<std::filesystem::path> previous_photo(const std::filesystem::path& dir,
                                                    std::string_view patient, std::int64_t session,
                                                    const journal::JournalReader* journal = nullptr);

// Folders written before photo_folder_name was injective replaced every byte but letters, digits, '-' and
// '_' by '_', so "P.1" and "P_1" shared "P_1". This moves each photo to its session's patient's folder, as
// the journal records it, and each photo whose session the journal does not know to DIR/.unattributed/
// (never shown as anyone's previous photo). Each move is appended to DIR/.migrations.log with the file's
// SHA-256, which the findings that cite the photo also carry. Idempotent: a second run moves nothing.
struct PhotoMigration {
  int moved = 0;
  int unattributed = 0;
  std::vector<std::string> notes;  // "P_1/session-4.png -> P%2E1/session-4.png (sha256 ...)"
};
PhotoMigration migrate_photo_folders(const std::filesystem::path& dir, const journal::JournalReader& journal);

}  // namespace meso::station
