#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "meso/vision/zones.hpp"

namespace meso::vision {

namespace {

constexpr float kDarkerThanSkin = 0.7f;

// Hair covers skin: the measure is the fraction of pixels clearly darker than the skin nearby. The skin
// level is the brightest value within a few millimetres (a gap between hairs is never far), so a slow
// lighting change moves both and cancels out.
cv::Mat hair_response(const cv::Mat& image) {
  cv::Mat gray;
  if (image.channels() == 1)
    gray = image;
  else
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  cv::Mat g32;
  gray.convertTo(g32, CV_32F);
  cv::Mat skin;
  cv::dilate(g32, skin, cv::getStructuringElement(cv::MORPH_RECT, {15, 15}));
  cv::Mat dark = g32 < skin * kDarkerThanSkin;
  cv::Mat response;
  dark.convertTo(response, CV_32F, 1.0 / 255);
  return response;
}

}  // namespace

DensityMap density_map(const cv::Mat& image, const Registration& registration, const BoxMm& area,
                       double cell_mm) {
  if (!registration.ok)
    throw std::invalid_argument("density map: the image is not registered: " + registration.reason);
  if (!(cell_mm > 0) || area.width() < cell_mm || area.height() < cell_mm)
    throw std::invalid_argument("density map: the area must hold at least one cell");
  DensityMap map;
  map.origin_mm = {area.min_x, area.min_y};
  map.cell_mm = cell_mm;
  const int cols = static_cast<int>(std::floor(area.width() / cell_mm));
  const int rows = static_cast<int>(std::floor(area.height() / cell_mm));

  // Sample the response in the plane at 1 px per mm: about the camera's own scale, so nothing is invented,
  // then average it over each cell.
  constexpr double kPxPerMm = 1.0;
  const cv::Matx33d plane_from_mm(kPxPerMm, 0, -area.min_x * kPxPerMm, 0, kPxPerMm, -area.min_y * kPxPerMm, 0,
                                  0, 1);
  const cv::Matx33d image_from_plane = registration.H_px_from_mm * plane_from_mm.inv();
  const cv::Size plane_size(static_cast<int>(cols * cell_mm * kPxPerMm),
                            static_cast<int>(rows * cell_mm * kPxPerMm));
  cv::Mat response = hair_response(image);
  cv::Mat plane, seen;
  const int flags = cv::INTER_AREA | cv::WARP_INVERSE_MAP;
  cv::warpPerspective(response, plane, image_from_plane, plane_size, flags, cv::BORDER_CONSTANT, 0);
  cv::warpPerspective(cv::Mat(response.size(), CV_32F, 1.0f), seen, image_from_plane, plane_size, flags,
                      cv::BORDER_CONSTANT, 0);
  cv::Mat cell_response, cell_seen;
  cv::resize(plane, cell_response, {cols, rows}, 0, 0, cv::INTER_AREA);
  cv::resize(seen, cell_seen, {cols, rows}, 0, 0, cv::INTER_AREA);

  map.density.create(rows, cols, CV_32F);
  std::vector<float> values;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const float s = cell_seen.at<float>(r, c);
      const float v = s > 0.95f ? cell_response.at<float>(r, c) / s : std::numeric_limits<float>::quiet_NaN();
      map.density.at<float>(r, c) = v;
      if (!std::isnan(v)) values.push_back(v);
    }
  if (values.empty()) throw std::invalid_argument("density map: the area is not in the image");
  // The reference is the 75th percentile, not the median, so thinning over up to half the area does not
  // pull the normal level down with it.
  const auto q = values.begin() + static_cast<std::ptrdiff_t>(values.size() * 3 / 4);
  std::nth_element(values.begin(), q, values.end());
  const float reference = std::max(*q, 1e-6f);
  map.density /= reference;
  return map;
}

}  // namespace meso::vision
