// E-STOP: large, red, on every screen while a session is open (the lock screen too); the Space and
// Pause keys do the same (shortcuts.cpp). It disarms every device on the station thread at once.
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_estop_button(const ConsoleView& /*view*/, Actions& actions, ImVec2 size) {
  ImGui::PushFont(ui::big_font());
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, size.y * 0.2f);
  if (ui::big_button("E-STOP (Space)", size, ui::colour::red)) actions.estop("console button");
  ImGui::PopStyleVar();
  ImGui::PopFont();
}

}  // namespace meso::gui
