#include "camera_mapping.hpp"

#include <algorithm>
#include <cmath>

namespace meso::gui {

ImVec2 CameraMapping::image_px(vision::PointMm p) const {
  const double w = H[6] * p.x + H[7] * p.y + H[8];
  return {static_cast<float>((H[0] * p.x + H[1] * p.y + H[2]) / w),
          static_cast<float>((H[3] * p.x + H[4] * p.y + H[5]) / w)};
}

ImVec2 CameraMapping::operator()(vision::PointMm p) const {
  const ImVec2 px = image_px(p);
  return {origin.x + (px.x - window_min.x) * scale, origin.y + (px.y - window_min.y) * scale};
}

// H's inverse as its adjugate: the scale cancels in the division.
vision::PointMm CameraMapping::to_mm(ImVec2 screen) const {
  const double u = (screen.x - origin.x) / scale + window_min.x;
  const double v = (screen.y - origin.y) / scale + window_min.y;
  const auto& h = H;
  const double a[9] = {h[4] * h[8] - h[5] * h[7], h[2] * h[7] - h[1] * h[8], h[1] * h[5] - h[2] * h[4],
                       h[5] * h[6] - h[3] * h[8], h[0] * h[8] - h[2] * h[6], h[2] * h[3] - h[0] * h[5],
                       h[3] * h[7] - h[4] * h[6], h[1] * h[6] - h[0] * h[7], h[0] * h[4] - h[1] * h[3]};
  const double w = a[6] * u + a[7] * v + a[8];
  return {(a[0] * u + a[1] * v + a[2]) / w, (a[3] * u + a[4] * v + a[5]) / w};
}

ZoomWindow zoom_window(int cols, int rows, float zoom, std::optional<ImVec2> centre_px) {
  const auto w = static_cast<float>(cols);
  const auto h = static_cast<float>(rows);
  const float z = std::isfinite(zoom) ? std::clamp(zoom, 1.0f, kMaxZoom) : 1.0f;
  const ImVec2 size(w / z, h / z);
  ImVec2 c = centre_px.value_or(ImVec2(w * 0.5f, h * 0.5f));
  if (!std::isfinite(c.x) || !std::isfinite(c.y)) c = ImVec2(w * 0.5f, h * 0.5f);
  // A target at the image's edge is not centred: the view stays on the image instead of showing nothing.
  const float x = std::clamp(c.x - size.x * 0.5f, 0.0f, w - size.x);
  const float y = std::clamp(c.y - size.y * 0.5f, 0.0f, h - size.y);
  return {ImVec2(x, y), size};
}

float zoom_by(float zoom, float steps) {
  return std::clamp(zoom * std::pow(1.25f, steps), 1.0f, kMaxZoom);
}

}  // namespace meso::gui
