// From the headband plane (mm) to the screen, through the frame's registration (H: plane mm -> image px) and
// where the image is drawn: its top-left on the screen, screen px per image px, and, when zoomed, which part
// of the image fills the view. Overlays drawn through it stay on the scalp at any zoom. No drawing here, so
// the tests check the mapping without a window.
#pragma once

#include <imgui.h>

#include <array>
#include <optional>

#include "meso/vision/geometry.hpp"

namespace meso::gui {

struct CameraMapping {
  ImVec2 origin;      // the screen point where image px `window_min` is drawn
  float scale = 1;    // screen px per image px (the fit times the zoom)
  ImVec2 window_min;  // image px at the view's top-left: (0, 0) unzoomed
  std::array<double, 9> H{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major, plane mm -> image px

  ImVec2 image_px(vision::PointMm p) const;
  ImVec2 operator()(vision::PointMm p) const;  // plane mm -> screen px
  vision::PointMm to_mm(ImVec2 screen) const;  // back, through H's inverse
};

// The part of a `cols` x `rows` image a zoom shows: 1/zoom of each side, centred on `centre_px` (the image's
// centre when none), moved inward so that it never leaves the image. A zoom below 1 is the full view.
struct ZoomWindow {
  ImVec2 min;
  ImVec2 size;
};
ZoomWindow zoom_window(int cols, int rows, float zoom, std::optional<ImVec2> centre_px);

constexpr float kMaxZoom = 8;
// The zoom after `steps` wheel notches or button presses (each x1.25 in, or out), within 1 to kMaxZoom.
float zoom_by(float zoom, float steps);

}  // namespace meso::gui
