// The lock screen after inactivity: only the logged-in user's password opens it again. The session goes
// on underneath (the station does not pause for a screen lock), and E-STOP stays on screen.
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_lock(const ConsoleView& view, Forms& forms, Actions& actions) {
  const float width = ImGui::GetContentRegionAvail().x;
  ui::heading("Console locked");
  ui::text("Locked after inactivity. " + (view.user ? view.user->name : std::string("?")) +
           ": enter your password to continue.");
  if (in_session(view))
    ui::text("Session " + std::to_string(view.snap.session_id) + " (" + view.snap.patient +
             ") is still open: " + std::string(station::to_string(view.snap.state)) + ".");
  ImGui::PushItemWidth(width * 0.4f);
  if (!ImGui::IsAnyItemActive()) ImGui::SetKeyboardFocusHere();  // typing goes to the password at once
  const bool enter =
      ImGui::InputText("Password##unlock", forms.unlock_password.data(), forms.unlock_password.size(),
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  if (ui::big_button("Unlock (Enter)", ImVec2(width * 0.4f, 0), ui::colour::cyan, !view.busy) ||
      (enter && !view.busy)) {
    actions.unlock(forms.unlock_password.data());
    clear(forms.unlock_password);
  }
  if (!view.unlock_error.empty()) ui::coloured_text(ui::colour::red, view.unlock_error);
}

}  // namespace meso::gui
