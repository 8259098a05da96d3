#include "meso/vision/registration.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/aruco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <utility>

#include "aruco_dictionary.hpp"

namespace meso::vision {

cv::Point2d Registration::to_px(PointMm p) const {
  const cv::Vec3d v = H_px_from_mm * cv::Vec3d(p.x, p.y, 1.0);
  return {v[0] / v[2], v[1] / v[2]};
}

PointMm Registration::to_mm(cv::Point2d px) const {
  const cv::Vec3d v = H_px_from_mm.inv() * cv::Vec3d(px.x, px.y, 1.0);
  return {v[0] / v[2], v[1] / v[2]};
}

const MarkerDetection* Registration::detection(int id) const {
  const auto it =
      std::find_if(detections.begin(), detections.end(), [id](const auto& d) { return d.id == id; });
  return it == detections.end() ? nullptr : &*it;
}

namespace {

// The four corners of a headband marker in the plane, in ArUco's corner order.
std::array<cv::Point2f, 4> plane_corners(const LayoutMarker& m) {
  const auto h = m.size_mm / 2;
  const auto x = m.center_mm.x;
  const auto y = m.center_mm.y;
  return {cv::Point2f(static_cast<float>(x - h), static_cast<float>(y - h)),
          cv::Point2f(static_cast<float>(x + h), static_cast<float>(y - h)),
          cv::Point2f(static_cast<float>(x + h), static_cast<float>(y + h)),
          cv::Point2f(static_cast<float>(x - h), static_cast<float>(y + h))};
}

// Aruco3's tau_c: 16 px still holds a 4x4 marker's 6 cells, and halves the search against OpenCV's 32.
constexpr int kCanonicalSidePx = 16;

std::string count_words(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " marker" : " markers");
}

}  // namespace

struct Registrar::Detector {
  cv::Ptr<cv::aruco::Dictionary> dictionary;
  cv::Ptr<cv::aruco::DetectorParameters> parameters;
};

Registrar::Registrar(HeadbandLayout layout, RegistrationOptions options)
    : layout_(std::move(layout)), options_(options), detector_(std::make_unique<Detector>()) {
  if (layout_.markers.size() < options_.min_markers)
    throw std::invalid_argument("the layout has " + count_words(layout_.markers.size()) +
                                ", fewer than the " + std::to_string(options_.min_markers) +
                                " registration needs");
  detector_->dictionary = cv::aruco::getPredefinedDictionary(aruco_dictionary_id(layout_.dictionary));
  detector_->parameters = cv::aruco::DetectorParameters::create();
  detector_->parameters->useAruco3Detection = true;
  detector_->parameters->minSideLengthCanonicalImg = kCanonicalSidePx;
  // One adaptive-threshold window of 11 px instead of OpenCV's three (3, 13, 23): on the downscaled search
  // image a marker's cells are 3 to 8 px, which an 11 px window separates under uneven light; each extra
  // window costs a whole contour search (3 ms a window at 1280x720 here, vision_bench).
  detector_->parameters->adaptiveThreshWinSizeMin = 11;
  detector_->parameters->adaptiveThreshWinSizeMax = 11;
  detector_->parameters->cornerRefinementMethod = cv::aruco::CORNER_REFINE_SUBPIX;
}

Registrar::~Registrar() = default;

Registration Registrar::register_frame(const cv::Mat& image) const {
  Registration r;
  cv::Mat gray;
  if (image.channels() == 1)
    gray = image;
  else
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);

  // Aruco3 searches an image downscaled by tau_c / (tau_c + L * ratio) (L: the image's larger side) and keeps
  // candidates at least tau_c px there, so the smallest side it finds in the frame is tau_c + L * ratio.
  // The ratio is set so that this is the smallest marker expected, less a margin; per frame, as L may vary.
  const double smallest_px =
      layout_.smallest_marker_mm() * options_.expected_px_per_mm * options_.marker_size_margin;
  const int longest = std::max(gray.cols, gray.rows);
  auto& params = *detector_->parameters;
  params.minMarkerLengthRatioOriginalImg =
      static_cast<float>(std::clamp((smallest_px - kCanonicalSidePx) / longest, 0.0, 1.0));

  std::vector<std::vector<cv::Point2f>> corners;
  std::vector<int> ids;
  cv::aruco::detectMarkers(gray, detector_->dictionary, corners, ids, detector_->parameters);

  std::vector<cv::Point2f> plane_pts;
  std::vector<cv::Point2f> image_pts;
  std::vector<int> fit_ids;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    MarkerDetection d;
    d.id = ids[i];
    std::copy_n(corners[i].begin(), 4, d.corners.begin());
    r.detections.push_back(d);
    const LayoutMarker* m = layout_.find(ids[i]);
    if (m == nullptr) continue;  // the handpiece, or a marker that is not ours
    if (std::find(fit_ids.begin(), fit_ids.end(), m->id) != fit_ids.end())
      continue;  // seen twice: keep the first
    fit_ids.push_back(m->id);
    const auto pc = plane_corners(*m);
    plane_pts.insert(plane_pts.end(), pc.begin(), pc.end());
    image_pts.insert(image_pts.end(), d.corners.begin(), d.corners.end());
  }

  if (fit_ids.size() < options_.min_markers) {
    r.reason = "only " + count_words(fit_ids.size()) + " of the headband in view; guidance needs " +
               std::to_string(options_.min_markers) + ". Uncover the headband or move the camera.";
    return r;
  }

  // RANSAC drops a marker read on the wrong place (a reflection, a bent band); the survivors are refined.
  std::vector<unsigned char> inlier;
  const cv::Mat H = cv::findHomography(plane_pts, image_pts, cv::RANSAC, 3.0, inlier);
  if (H.empty()) {
    r.reason = "the headband markers in view do not fit one plane; check that the band sits flat";
    return r;
  }
  r.H_px_from_mm = cv::Matx33d(H);

  double sum_sq = 0;
  std::size_t used = 0;
  for (std::size_t k = 0; k < fit_ids.size(); ++k) {
    bool all_in = true;
    for (std::size_t c = 0; c < 4; ++c) {
      const std::size_t i = k * 4 + c;
      if (!inlier[i]) {
        all_in = false;
        continue;
      }
      const cv::Point2d p = r.to_px({plane_pts[i].x, plane_pts[i].y});
      const double dx = p.x - image_pts[i].x;
      const double dy = p.y - image_pts[i].y;
      sum_sq += dx * dx + dy * dy;
      ++used;
    }
    if (all_in) r.markers_seen.push_back(fit_ids[k]);
  }
  std::sort(r.markers_seen.begin(), r.markers_seen.end());
  r.reprojection_rms_px = used > 0 ? std::sqrt(sum_sq / static_cast<double>(used)) : 0.0;

  if (r.markers_seen.size() < options_.min_markers) {
    r.reason = "only " + count_words(r.markers_seen.size()) +
               " of the headband agree on where the scalp is; " + "guidance needs " +
               std::to_string(options_.min_markers) + ". Check that the band sits flat.";
    return r;
  }
  if (r.reprojection_rms_px > options_.max_rms_px) {
    r.reason = "the headband fit is off by " + std::to_string(r.reprojection_rms_px).substr(0, 4) +
               " px; hold the camera still or clean the markers";
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace meso::vision
