// Post-care and sign-off: the instructions the patient takes home, the proposed next appointments, then
// the clinician signs by entering the password again; the station closes and seals the session.
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_post_care(const ConsoleView& view, Forms& forms, Actions& actions) {
  const auto& s = view.snap;
  ui::heading("Post-care - " + s.patient);
  ui::text("Delivered " + ui::millilitres(s.delivered_nl) + " in " + std::to_string(s.shots) + " shots.");
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("instructions", ImVec2(w * 0.5f, ImGui::GetContentRegionAvail().y * 0.7f), true);
  ui::text("Instructions for the patient");
  for (const auto& line : view.instructions)
    ui::text("- " + line);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("appointments", ImVec2(0, ImGui::GetContentRegionAvail().y * 0.7f), true);
  ui::text("Proposed next appointments");
  for (const auto& a : view.appointments)
    ui::text(station::to_string(a.date) + "  " + a.kind +
             (a.session_number > 0 ? " session " + std::to_string(a.session_number) : ""));
  ImGui::EndChild();
  ui::text("Sign: " + (view.user ? view.user->name : std::string("?")) +
           ", enter your password to close and seal.");
  ImGui::PushItemWidth(w * 0.35f);
  if (forms.focus_sign && !ImGui::IsAnyItemActive()) {
    ImGui::SetKeyboardFocusHere();
    forms.focus_sign = false;
  }
  const bool enter =
      ImGui::InputText("Password##sign", forms.sign_password.data(), forms.sign_password.size(),
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  ImGui::SameLine();
  const bool can = !view.busy && forms.sign_password[0] != '\0';
  if (ui::big_button(view.busy ? "Checking..." : "Sign and seal (Enter)", ImVec2(w * 0.3f, 0),
                     ui::colour::green, can) ||
      (enter && can)) {
    actions.sign_and_close(forms.sign_password.data());
    clear(forms.sign_password);
  }
  if (!view.sign_error.empty()) ui::coloured_text(ui::colour::red, view.sign_error);
}

void draw_closed(const ConsoleView& view, Actions& actions) {
  const auto& s = view.snap;
  const bool closed = s.state == station::SessionState::closed;
  ui::heading(closed ? "Session closed" : "Session aborted");
  ui::text("Session " + std::to_string(s.session_id) + " for " + s.patient + ": " + std::to_string(s.shots) +
           " shots, " + ui::millilitres(s.delivered_nl) + " delivered.");
  const bool sealed = s.last_message == "session sealed";
  ui::coloured_text(sealed ? ui::colour::green : ui::colour::amber,
                    sealed ? "Sealed in the journal (signed Merkle root)." : "Sealing: " + s.last_message);
  if (s.screening && !s.screening->stops.empty())
    for (const auto& stop : s.screening->stops)
      ui::coloured_text(ui::colour::red, "STOP: " + stop);
  if (ui::big_button("New session (F2)", ImVec2(ImGui::GetContentRegionAvail().x * 0.3f, 0),
                     ui::colour::cyan))
    actions.dismiss_session();
}

}  // namespace meso::gui
