#include "meso/vision/marker_sheet.hpp"

#include <cmath>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "aruco_dictionary.hpp"

namespace meso::vision {

namespace {

constexpr double kMmPerInch = 25.4;
constexpr double kMarginMm = 15;
constexpr double kHandpieceGapMm = 20;
constexpr double kScaleBarMm = 50;

void draw_marker(cv::Mat& page, const cv::aruco::Dictionary& dictionary, int id, double left_mm,
                 double top_mm, double size_mm, double px_per_mm, const std::string& label) {
  const int side = static_cast<int>(std::lround(size_mm * px_per_mm));
  cv::Mat marker;
  dictionary.drawMarker(id, side, marker, 1);
  const cv::Rect at(static_cast<int>(std::lround(left_mm * px_per_mm)),
                    static_cast<int>(std::lround(top_mm * px_per_mm)), side, side);
  marker.copyTo(page(at));
  const double font = std::max(0.3, px_per_mm / 12);
  cv::putText(page, label, {at.x, at.y + side + static_cast<int>(std::lround(4 * px_per_mm))},
              cv::FONT_HERSHEY_SIMPLEX, font, cv::Scalar(0), std::max(1, static_cast<int>(font * 2)));
}

}  // namespace

cv::Mat render_marker_sheet(const HeadbandLayout& layout, double dpi) {
  if (!(dpi >= 72 && dpi <= 2400)) throw std::invalid_argument("dpi must be between 72 and 2400");
  const double px_per_mm = dpi / kMmPerInch;
  BoxMm box{1e9, 1e9, -1e9, -1e9};
  for (const auto& m : layout.markers) {
    box.min_x = std::min(box.min_x, m.center_mm.x - m.size_mm / 2);
    box.min_y = std::min(box.min_y, m.center_mm.y - m.size_mm / 2);
    box.max_x = std::max(box.max_x, m.center_mm.x + m.size_mm / 2);
    box.max_y = std::max(box.max_y, m.center_mm.y + m.size_mm / 2);
  }
  const double handpiece_mm = layout.handpiece ? layout.handpiece->size_mm + kHandpieceGapMm : 0.0;
  const double width_mm = std::max(box.width(), kScaleBarMm + handpiece_mm) + 2 * kMarginMm;
  const double height_mm = box.height() + 2 * kMarginMm + kHandpieceGapMm + std::max(handpiece_mm, 10.0);
  cv::Mat page(static_cast<int>(std::lround(height_mm * px_per_mm)),
               static_cast<int>(std::lround(width_mm * px_per_mm)), CV_8U, cv::Scalar(255));

  const auto dictionary = cv::aruco::getPredefinedDictionary(aruco_dictionary_id(layout.dictionary));
  for (const auto& m : layout.markers)
    draw_marker(page, *dictionary, m.id, m.center_mm.x - m.size_mm / 2 - box.min_x + kMarginMm,
                m.center_mm.y - m.size_mm / 2 - box.min_y + kMarginMm, m.size_mm, px_per_mm,
                "id " + std::to_string(m.id));

  const double bottom_mm = box.height() + kMarginMm + kHandpieceGapMm;
  const int bar_y = static_cast<int>(std::lround(bottom_mm * px_per_mm));
  const int bar_x = static_cast<int>(std::lround(kMarginMm * px_per_mm));
  cv::rectangle(page,
                cv::Rect(bar_x, bar_y, static_cast<int>(std::lround(kScaleBarMm * px_per_mm)),
                         std::max(2, static_cast<int>(std::lround(px_per_mm)))),
                cv::Scalar(0), cv::FILLED);
  cv::putText(page, "50 mm: print at 100%", {bar_x, bar_y + static_cast<int>(std::lround(6 * px_per_mm))},
              cv::FONT_HERSHEY_SIMPLEX, std::max(0.3, px_per_mm / 12), cv::Scalar(0),
              std::max(1, static_cast<int>(px_per_mm / 6)));
  if (layout.handpiece) {
    const auto& hp = *layout.handpiece;
    draw_marker(page, *dictionary, hp.id, kMarginMm + kScaleBarMm + kHandpieceGapMm, bottom_mm, hp.size_mm,
                px_per_mm, "handpiece id " + std::to_string(hp.id));
  }
  return page;
}

}  // namespace meso::vision
