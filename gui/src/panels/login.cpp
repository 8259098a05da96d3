// Login: name and password, checked against the journal's Argon2id hashes on the runtime's worker (a
// check takes a tenth of a second on purpose, never on the render thread).
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_login(const ConsoleView& view, Forms& forms, Actions& actions) {
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::SetCursorPosX(width * 0.3f);
  ImGui::BeginGroup();
  ui::heading("MesoStation - log in");
  if (view.demo)
    ui::coloured_text(ui::colour::amber, "DEMO: simulated devices, demo data. " + view.demo_login_hint);
  ImGui::Spacing();
  ImGui::PushItemWidth(width * 0.4f);
  // The cursor starts in the first empty field (the demo fills in the user).
  const bool focus_password = forms.focus_user && forms.user[0] != '\0';
  if (forms.focus_user && !focus_password) ImGui::SetKeyboardFocusHere();
  forms.focus_user = false;
  ImGui::InputText("User", forms.user.data(), forms.user.size());
  if (focus_password) ImGui::SetKeyboardFocusHere();
  const bool enter = ImGui::InputText("Password", forms.password.data(), forms.password.size(),
                                      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  ImGui::Spacing();
  const bool can = !view.busy && forms.user[0] != '\0';
  if (ui::big_button(view.busy ? "Checking..." : "Log in (Enter)", ImVec2(width * 0.4f, 0), ui::colour::cyan,
                     can) ||
      (enter && can)) {
    actions.login(forms.user.data(), forms.password.data());
    clear(forms.password);
  }
  if (!view.login_error.empty()) ui::coloured_text(ui::colour::red, view.login_error);
  ImGui::EndGroup();
}

}  // namespace meso::gui
