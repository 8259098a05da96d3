// Small drawing helpers shared by the panels: the large font, colours by meaning, big buttons.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace meso::gui::ui {

// The tests' view of the big buttons drawn in a frame: set a WidgetProbe as ImGui's io.UserData and each
// big_button (and small_button) records its label, place and whether it was enabled (no window or GPU
// needed).
struct ProbedButton {
  std::string label;
  ImVec2 min;
  ImVec2 max;
  bool enabled = true;
};
struct WidgetProbe {
  std::vector<ProbedButton> buttons;
};

namespace colour {
constexpr ImU32 red = IM_COL32(200, 30, 30, 255);
constexpr ImU32 amber = IM_COL32(230, 160, 0, 255);
constexpr ImU32 cyan = IM_COL32(0, 170, 220, 255);
constexpr ImU32 green = IM_COL32(40, 180, 70, 255);
constexpr ImU32 grey = IM_COL32(170, 170, 170, 255);
constexpr ImU32 white = IM_COL32(255, 255, 255, 255);
}  // namespace colour

ImVec4 to_vec4(ImU32 c);
// The large font (the atlas's second font) for numbers read at arm's length; the default when absent.
ImFont* big_font();
// Text in a colour, wrapped at the window's edge.
void coloured_text(ImU32 colour, const std::string& s);
// A wide button in a colour; disabled (greyed, never clicked) when `enabled` is false.
bool big_button(const char* label, ImVec2 size, ImU32 colour, bool enabled = true);
// ImGui::SmallButton, recorded in a WidgetProbe like big_button.
bool small_button(const char* label);
// A heading in the large font.
void heading(const std::string& s);
void text(const std::string& s);  // unformatted: no printf surprises with '%' in user data
std::string millilitres(std::uint64_t nl);

}  // namespace meso::gui::ui
