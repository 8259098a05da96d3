#include "meso/station/photo_store.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "meso/journal/hashing.hpp"
#include "meso/vision/progress.hpp"
#include "meso/vision/registration.hpp"
#include "meso/vision/zones.hpp"

namespace meso::station {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPhotoPrefix = "session-";
constexpr std::string_view kUnattributed = ".unattributed";
constexpr std::string_view kMigrationLog = ".migrations.log";

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<std::int64_t> session_of(const fs::path& file) {
  const std::string stem = file.stem().string();
  if (file.extension() != ".png" || stem.rfind(kPhotoPrefix, 0) != 0) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::int64_t id = std::stoll(stem.substr(kPhotoPrefix.size()), &used);
    if (used + kPhotoPrefix.size() != stem.size()) return std::nullopt;
    return id;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string file_sha256(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return journal::to_hex(journal::sha256(bytes));
}

// Moves `from` into `folder`, keeping its name, and says so in `note`; a file already there with the same
// name is never overwritten (false, and the note says why). The journal's check in previous_photo keeps a
// photo left behind from being shown as anyone else's.
bool move_photo(const fs::path& dir, const fs::path& from, const fs::path& folder, std::string& note) {
  const fs::path to = folder / from.filename();
  note = fs::relative(from, dir).string() + " -> " + fs::relative(to, dir).string();
  std::error_code ec;
  if (fs::exists(to, ec)) {
    note += ": not moved, a file of that name is already there";
    return false;
  }
  fs::create_directories(folder, ec);
  if (!ec) fs::rename(from, to, ec);
  if (ec) throw std::runtime_error("cannot move the photo " + note + ": " + ec.message());
  note += " (sha256 " + file_sha256(to) + ")";
  return true;
}

}  // namespace

std::string photo_folder_name(std::string_view pseudonym) {
  if (pseudonym.empty())
    throw std::invalid_argument("a patient's photos need a pseudonym; this one is empty");
  std::string out;
  for (const char c : pseudonym) {
    if (plain(c)) {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += hex;
    }
  }
  return out;
}

AssessmentPhoto save_assessment_photo(const cv::Mat& image, const vision::HeadbandLayout& layout,
                                      const std::filesystem::path& dir, std::string_view patient,
                                      std::int64_t session) {
  if (image.empty()) throw std::runtime_error("no camera image to photograph");
  const vision::Registrar registrar(layout);
  const auto registration = registrar.register_frame(image);
  if (!registration.ok) throw std::runtime_error("the photo is not registered: " + registration.reason);
  AssessmentPhoto photo;
  photo.plane_bgr = vision::warp_to_plane(image, registration, vision::bounds(vision::scalp_outline(layout)),
                                          kPhotoPxPerMm);
  const fs::path folder = dir / photo_folder_name(patient);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw std::runtime_error("cannot create the photo folder " + folder.string() + ": " + ec.message());
  photo.file = folder / (std::string(kPhotoPrefix) + std::to_string(session) + ".png");
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", photo.plane_bgr, png)) throw std::runtime_error("cannot encode the photo as PNG");
  {
    std::ofstream out(photo.file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    if (!out) throw std::runtime_error("cannot write the photo " + photo.file.string());
  }
  photo.sha256 = journal::to_hex(journal::sha256(png));
  return photo;
}

std::optional<std::filesystem::path> previous_photo(const std::filesystem::path& dir,
                                                    std::string_view patient, std::int64_t session,
                                                    const journal::JournalReader* journal) {
  const fs::path folder = dir / photo_folder_name(patient);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return std::nullopt;
  std::optional<std::pair<std::int64_t, fs::path>> best;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto id = session_of(entry.path());
    if (!id || *id >= session || (best && *id <= best->first)) continue;
    if (journal != nullptr) {
      const auto owner = journal->session(*id);
      if (!owner || owner->patient_pseudonym != patient) continue;
    }
    best = {{*id, entry.path()}};
  }
  if (!best) return std::nullopt;
  return best->second;
}

PhotoMigration migrate_photo_folders(const std::filesystem::path& dir,
                                     const journal::JournalReader& journal) {
  PhotoMigration result;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return result;
  std::vector<fs::path> photos;
  for (const auto& folder : fs::directory_iterator(dir, ec)) {
    const std::string name = folder.path().filename().string();
    if (!folder.is_directory() || name.starts_with('.')) continue;
    for (const auto& entry : fs::directory_iterator(folder.path(), ec))
      if (session_of(entry.path())) photos.push_back(entry.path());
  }
  for (const auto& photo : photos) {
    const auto owner = journal.session(*session_of(photo));
    const fs::path home = owner && !owner->patient_pseudonym.empty()
                              ? dir / photo_folder_name(owner->patient_pseudonym)
                              : dir / kUnattributed;
    if (photo.parent_path() == home) continue;
    std::string note;
    if (move_photo(dir, photo, home, note))
      ++(home.filename() == kUnattributed ? result.unattributed : result.moved);
    result.notes.push_back(std::move(note));
  }
  if (!result.notes.empty()) {
    std::ofstream log(dir / kMigrationLog, std::ios::app);
    for (const auto& note : result.notes)
      log << note << "\n";
    if (!log) throw std::runtime_error("cannot append to " + (dir / kMigrationLog).string());
  }
  return result;
}

}  // namespace meso::station
