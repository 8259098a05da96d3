#include "assessment_photo.hpp"

#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <vector>

#include "meso/journal/hashing.hpp"
#include "meso/vision/progress.hpp"
#include "meso/vision/registration.hpp"
#include "meso/vision/zones.hpp"

namespace meso::gui {

namespace {

namespace fs = std::filesystem;

// A pseudonym as a folder name: anything but letters, digits, '-' and '_' becomes '_'.
std::string folder_name(const std::string& patient) {
  std::string out = patient;
  for (char& c : out) {
    const bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!plain) c = '_';
  }
  return out.empty() ? "_" : out;
}

std::optional<std::int64_t> session_of(const fs::path& file) {
  const std::string stem = file.stem().string();
  if (file.extension() != ".png" || stem.rfind("session-", 0) != 0) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::int64_t id = std::stoll(stem.substr(8), &used);
    if (used + 8 != stem.size()) return std::nullopt;
    return id;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

AssessmentPhoto save_assessment_photo(const cv::Mat& image, const vision::HeadbandLayout& layout,
                                      const std::filesystem::path& dir, const std::string& patient,
                                      std::int64_t session) {
  if (image.empty()) throw std::runtime_error("no camera image to photograph");
  const vision::Registrar registrar(layout);
  const auto registration = registrar.register_frame(image);
  if (!registration.ok) throw std::runtime_error("the photo is not registered: " + registration.reason);
  AssessmentPhoto photo;
  photo.plane_bgr = vision::warp_to_plane(image, registration, vision::bounds(vision::scalp_outline(layout)),
                                          kPhotoPxPerMm);
  const fs::path folder = dir / folder_name(patient);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw std::runtime_error("cannot create the photo folder " + folder.string() + ": " + ec.message());
  photo.file = folder / ("session-" + std::to_string(session) + ".png");
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
                                                    const std::string& patient, std::int64_t session) {
  const fs::path folder = dir / folder_name(patient);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return std::nullopt;
  std::optional<std::pair<std::int64_t, fs::path>> best;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto id = session_of(entry.path());
    if (id && *id < session && (!best || *id > best->first)) best = {{*id, entry.path()}};
  }
  if (!best) return std::nullopt;
  return best->second;
}

}  // namespace meso::gui
