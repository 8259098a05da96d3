#include "meso/vision/progress.hpp"

#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

namespace meso::vision {

namespace {

constexpr double kFieldMm = 10.0;           // 1 cm2
constexpr double kContextMm = 1.0;          // skeleton computed this far beyond the field, so hairs cut by
                                            // the analysis window leave their false ends outside the field
constexpr double kBlackHatMm = 0.3;         // wider than any shaft (0.1 mm), narrower than skin shading
constexpr double kMinPxPerMm = 40.0;        // below this shafts are under 2.4 px and merges are misjudged
constexpr double kSpurMm = 0.05;            // skeleton branches shorter than this are outline noise
constexpr double kMinComponentMm2 = 0.015;  // specks smaller than 0.3 mm of a thin shaft are not hair
constexpr double kMinContrast = 20.0;       // grey levels: below this, the black-hat holds no hair
constexpr int kMaxWarpSide = 8000;

// 8-neighbourhood of (r, c) in clockwise order from north; the image has a zero border of one pixel.
std::array<std::uint8_t, 8> neighbours(const cv::Mat& img, int r, int c) {
  const auto* up = img.ptr<std::uint8_t>(r - 1);
  const auto* mid = img.ptr<std::uint8_t>(r);
  const auto* down = img.ptr<std::uint8_t>(r + 1);
  return {up[c], up[c + 1], mid[c + 1], down[c + 1], down[c], down[c - 1], mid[c - 1], up[c - 1]};
}

int count_set(const std::array<std::uint8_t, 8>& n) {
  int count = 0;
  for (auto v : n)
    count += v != 0 ? 1 : 0;
  return count;
}

// Number of 0 -> 1 transitions around the neighbourhood: 1 at the end of a line, even where the last two
// pixels of a diagonal form an L (which a plain neighbour count takes for a line's interior).
int transitions(const std::array<std::uint8_t, 8>& n) {
  int count = 0;
  for (std::size_t i = 0; i < 8; ++i)
    count += (n[i] == 0 && n[(i + 1) % 8] != 0) ? 1 : 0;
  return count;
}

// Zhang-Suen thinning (CACM 27(3), 1984) of a 0/1 image with a zero border.
void thin(cv::Mat& img) {
  std::vector<cv::Point> to_clear;
  bool changed = true;
  while (changed) {
    changed = false;
    for (int pass = 0; pass < 2; ++pass) {
      to_clear.clear();
      for (int r = 1; r < img.rows - 1; ++r) {
        for (int c = 1; c < img.cols - 1; ++c) {
          if (img.at<std::uint8_t>(r, c) == 0) continue;
          const auto n = neighbours(img, r, c);
          const int b = count_set(n);
          if (b < 2 || b > 6 || transitions(n) != 1) continue;
          // n[0] north, n[2] east, n[4] south, n[6] west
          const bool first =
              pass == 0 ? (n[0] == 0 || n[2] == 0 || n[4] == 0) && (n[2] == 0 || n[4] == 0 || n[6] == 0)
                        : (n[0] == 0 || n[2] == 0 || n[6] == 0) && (n[0] == 0 || n[4] == 0 || n[6] == 0);
          if (first) to_clear.emplace_back(c, r);
        }
      }
      for (const auto& p : to_clear)
        img.at<std::uint8_t>(p) = 0;
      changed = changed || !to_clear.empty();
    }
  }
}

bool is_end(const cv::Mat& skeleton, int r, int c) {
  const auto n = neighbours(skeleton, r, c);
  return count_set(n) == 0 || transitions(n) == 1;
}

// Removes every branch shorter than `length` px by peeling line ends that many times; a real shaft only
// gets that much shorter at each end, which moves its ends along the shaft, not in or out of the field on
// average.
void prune(cv::Mat& skeleton, int length) {
  std::vector<cv::Point> ends;
  for (int i = 0; i < length; ++i) {
    ends.clear();
    for (int r = 1; r < skeleton.rows - 1; ++r)
      for (int c = 1; c < skeleton.cols - 1; ++c)
        if (skeleton.at<std::uint8_t>(r, c) != 0 && is_end(skeleton, r, c)) ends.emplace_back(c, r);
    for (const auto& p : ends)
      skeleton.at<std::uint8_t>(p) = 0;
  }
}

// Dark thin structures: black-hat against the local skin tone, thresholded (Otsu, with a floor so a bald
// field does not turn its noise into hair), specks removed. 0/1, with a zero border of one pixel.
cv::Mat hair_mask(const cv::Mat& gray, double px_per_mm) {
  const int k = static_cast<int>(std::lround(kBlackHatMm * px_per_mm)) | 1;
  cv::Mat blackhat;
  cv::morphologyEx(gray, blackhat, cv::MORPH_BLACKHAT, cv::getStructuringElement(cv::MORPH_ELLIPSE, {k, k}));
  cv::Mat mask;
  const double otsu = cv::threshold(blackhat, mask, 0, 1, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (otsu < kMinContrast) cv::threshold(blackhat, mask, kMinContrast, 1, cv::THRESH_BINARY);
  cv::Mat labels;
  cv::Mat stats;
  cv::Mat centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  const double min_area = kMinComponentMm2 * px_per_mm * px_per_mm;
  std::vector<std::uint8_t> keep(static_cast<std::size_t>(n), 0);
  for (int i = 1; i < n; ++i)
    keep[static_cast<std::size_t>(i)] = stats.at<int>(i, cv::CC_STAT_AREA) >= min_area ? 1 : 0;
  for (int r = 0; r < mask.rows; ++r)
    for (int c = 0; c < mask.cols; ++c)
      mask.at<std::uint8_t>(r, c) = keep[static_cast<std::size_t>(labels.at<int>(r, c))];
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  return padded;
}

}  // namespace

cv::Mat warp_to_plane(const cv::Mat& image, const Registration& registration, const BoxMm& area,
                      double px_per_mm) {
  if (!registration.ok)
    throw std::invalid_argument("warp_to_plane: the photo is not registered: " + registration.reason);
  if (!(px_per_mm > 0) || !(area.width() > 0) || !(area.height() > 0))
    throw std::invalid_argument("warp_to_plane: need a non-empty area and a positive scale");
  const double width = std::ceil(area.width() * px_per_mm);
  const double height = std::ceil(area.height() * px_per_mm);
  if (width > kMaxWarpSide || height > kMaxWarpSide)
    throw std::invalid_argument("warp_to_plane: the output would exceed " + std::to_string(kMaxWarpSide) +
                                " px");
  // Output pixel (u, v) is the plane point area.min + (u, v) / px_per_mm.
  const cv::Matx33d mm_from_out(1 / px_per_mm, 0, area.min_x, 0, 1 / px_per_mm, area.min_y, 0, 0, 1);
  const cv::Matx33d px_from_out = registration.H_px_from_mm * mm_from_out;
  cv::Mat out;
  cv::warpPerspective(image, out, px_from_out, cv::Size(static_cast<int>(width), static_cast<int>(height)),
                      cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

DensityEstimate estimate_hair_density(const cv::Mat& closeup, double px_per_mm) {
  if (!(px_per_mm >= kMinPxPerMm))
    throw std::invalid_argument("estimate_hair_density: " + std::to_string(px_per_mm) +
                                " px/mm is too coarse to count hair shafts; need at least 40 px/mm");
  const int field_px = static_cast<int>(std::lround(kFieldMm * px_per_mm));
  if (closeup.empty() || closeup.cols < field_px || closeup.rows < field_px)
    throw std::invalid_argument("estimate_hair_density: the image (" + std::to_string(closeup.cols) + "x" +
                                std::to_string(closeup.rows) + ") is smaller than the 1 cm2 field (" +
                                std::to_string(field_px) + " px a side at " + std::to_string(px_per_mm) +
                                " px/mm)");
  const cv::Rect image_rect(0, 0, closeup.cols, closeup.rows);
  const cv::Rect field((closeup.cols - field_px) / 2, (closeup.rows - field_px) / 2, field_px, field_px);
  const int context = static_cast<int>(std::lround(kContextMm * px_per_mm));
  const cv::Rect window =
      (field + cv::Size(2 * context, 2 * context) - cv::Point(context, context)) & image_rect;

  cv::Mat gray;
  if (closeup.channels() == 1) {
    gray = closeup(window).clone();
  } else {
    cv::cvtColor(closeup(window), gray, closeup.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  cv::Mat mask = hair_mask(gray, px_per_mm);
  cv::Mat skeleton = mask.clone();
  thin(skeleton);
  const double shaft_width_px =
      cv::countNonZero(mask) / std::max(1.0, static_cast<double>(cv::countNonZero(skeleton)));
  const int spur_px = std::max(1, static_cast<int>(std::lround(kSpurMm * px_per_mm)));
  prune(skeleton, spur_px);

  // Field in padded-window coordinates; ends on the window's own edge are cuts, not hair ends.
  const cv::Rect field_in_window = field - window.tl() + cv::Point(1, 1);
  const cv::Rect inside(2, 2, skeleton.cols - 4, skeleton.rows - 4);
  int ends = 0;
  for (int r = field_in_window.y; r < field_in_window.y + field_in_window.height; ++r)
    for (int c = field_in_window.x; c < field_in_window.x + field_in_window.width; ++c)
      if (skeleton.at<std::uint8_t>(r, c) != 0 && inside.contains({c, r}) && is_end(skeleton, r, c)) ++ends;

  // A shaft's end that comes within about half its own width (plus a pixel of blur) of another shaft merges
  // into it and is not seen. With shafts placed independently (a Boolean model) that happens with the
  // probability that a point lies that close to hair, so the ends seen are scaled up by 1 / (1 - cover).
  cv::Mat distance;
  cv::Mat background = 1 - mask(field_in_window);
  cv::distanceTransform(background, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  const double merge_px = 1.0 + shaft_width_px / 2;
  cv::Mat near_hair = distance <= merge_px;
  const double cover = cv::countNonZero(near_hair) / static_cast<double>(near_hair.total());

  DensityEstimate estimate;
  estimate.field_cm2 = static_cast<double>(field_px * field_px) / (px_per_mm * px_per_mm * 100.0);
  estimate.hair_ends = ends;
  estimate.cover_fraction = cover;
  const double hairs = ends / 2.0 / std::max(1.0 - cover, 0.2);
  estimate.hairs_counted = static_cast<int>(std::lround(hairs));
  estimate.hairs_per_cm2 = hairs / estimate.field_cm2;
  estimate.method =
      "shaft ends in the central 1 cm2 (black-hat 0.3 mm + Otsu, Zhang-Suen skeleton, spurs under 0.05 mm "
      "pruned), halved (two ends a hair) and divided by (1 - share of the field within half a shaft width "
      "+ 1 px of hair) for ends merged into other shafts (Boolean model); for a phototrichogram of clipped "
      "hair";
  return estimate;
}

}  // namespace meso::vision
