#include "photo_blend.hpp"

#include <algorithm>
#include <cmath>

namespace meso::gui {

BlendLayout blend_layout(int before_cols, int before_rows, int now_cols, int now_rows, float area_width,
                         float area_height, float t) {
  BlendLayout out;
  if (before_cols <= 0 || before_rows <= 0 || now_cols <= 0 || now_rows <= 0) {
    out.why_not = "two photos are needed to blend: before and now";
    return out;
  }
  if (before_cols != now_cols || before_rows != now_rows) {
    out.why_not = "the photos are not of the same plane frame (" + std::to_string(before_cols) + "x" +
                  std::to_string(before_rows) + " before, " + std::to_string(now_cols) + "x" +
                  std::to_string(now_rows) + " now): compare them side by side";
    return out;
  }
  if (area_width < 1 || area_height < 1) {
    out.why_not = "no room to draw";
    return out;
  }
  const float scale =
      std::min(area_width / static_cast<float>(now_cols), area_height / static_cast<float>(now_rows));
  out.width = static_cast<float>(now_cols) * scale;
  out.height = static_cast<float>(now_rows) * scale;
  out.x = (area_width - out.width) * 0.5f;
  out.y = 0;
  // NaN (a slider never gives one) would pass std::clamp: it shows the earlier photo.
  const float s = std::isnan(t) ? 0.0f : std::clamp(t, 0.0f, 1.0f);
  out.now_alpha = static_cast<std::uint8_t>(std::lround(s * 255.0f));
  out.ok = true;
  return out;
}

}  // namespace meso::gui
