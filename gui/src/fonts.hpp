// Fonts large enough for arm's length: DejaVu Sans (fonts-dejavu-core) when installed, else ImGui's own
// font scaled; a second, larger font for the numbers and the E-STOP.
#pragma once

namespace meso::gui {

// `pixel_height` for the body text; the large font is 1.8 times that.
void load_fonts(float pixel_height);

}  // namespace meso::gui
