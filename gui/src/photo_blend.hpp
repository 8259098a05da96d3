// The assessment's blended before/after view: the earlier photo, and this session's over it at an opacity
// the clinician slides from before (0) to after (1). Both are plane views of the headband frame at the
// same scale (meso/station/photo_store.hpp), so one rectangle holds both and a pixel of one lies over the
// same spot of the scalp in the other. Pure: no ImGui, so the tests check it without a window.
#pragma once

#include <cstdint>
#include <string>

namespace meso::gui {

struct BlendLayout {
  bool ok = false;
  std::string why_not;  // when the two cannot be laid one over the other
  // The rectangle both photos fill, from the top-left of the area given.
  float x = 0, y = 0, width = 0, height = 0;
  std::uint8_t before_alpha = 255;  // underneath, opaque
  std::uint8_t now_alpha = 0;       // over it
};

// `t` is the slider: 0 shows only the earlier photo, 1 only today's (clamped to that range). Photos of
// different sizes are not of the same plane frame, and are refused rather than stretched onto each other.
BlendLayout blend_layout(int before_cols, int before_rows, int now_cols, int now_rows, float area_width,
                         float area_height, float t);

}  // namespace meso::gui
