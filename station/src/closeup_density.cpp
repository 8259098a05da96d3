#include "meso/station/closeup_density.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <system_error>
#include <vector>

#include "meso/journal/hashing.hpp"
#include "meso/vision/progress.hpp"

namespace meso::station {

namespace {

std::string scale_text(double px_per_mm) {
  std::ostringstream s;
  s << px_per_mm;
  return s.str();
}

}  // namespace

CloseupDensity density_from_closeup(const std::filesystem::path& file, double px_per_mm) {
  CloseupDensity out;
  const std::string name = file.string();
  if (name.empty()) {
    out.message = "no close-up file named: type its path";
    return out;
  }
  if (!std::isfinite(px_per_mm) || px_per_mm <= 0) {
    out.message = "no scale: enter the close-up lens's calibrated px per mm";
    return out;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    out.message = "no file " + name + (ec ? " (" + ec.message() + ")" : "") + ": check the path";
    return out;
  }
  // The bytes once: hashed for the findings (an auditor can check the file) and decoded from the same copy.
  std::ifstream in(file, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    out.message = "cannot read " + name;
    return out;
  }
  cv::Mat image;
  if (!bytes.empty()) image = cv::imdecode(bytes, cv::IMREAD_COLOR);
  if (image.empty()) {
    out.message = name + " is not an image OpenCV can read (PNG, JPEG, TIFF, BMP ...)";
    return out;
  }
  try {
    const auto estimate = vision::estimate_hair_density(image, px_per_mm);
    out.hairs_per_cm2 = estimate.hairs_per_cm2;
    out.method = estimate.method;
    out.sha256 = journal::to_hex(journal::sha256(bytes));
    out.message = "density measured from " + name + " at " + scale_text(px_per_mm) + " px/mm";
    out.ok = true;
  } catch (const std::exception& e) {
    out.message = "no density from " + name + ": " + e.what();
  }
  return out;
}

}  // namespace meso::station
