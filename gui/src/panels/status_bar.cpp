// The top bar: who is logged in, the data tag, the patient and session state, and the station's answer to
// the last command (refusals included: the clinician sees why).
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_status_bar(const ConsoleView& view, Actions& actions) {
  const auto& s = view.snap;
  if (view.demo) {
    ui::coloured_text(ui::colour::amber, "DEMO");
    ImGui::SameLine();
  }
  std::string who = view.user ? view.user->name + " (" + view.user->role + ")" : "not logged in";
  ImGui::TextUnformatted(who.c_str());
  if (s.session_open) {
    ImGui::SameLine();
    const std::string sess = "| session " + std::to_string(s.session_id) + " " + s.patient + " [" + s.tag +
                             "] | " + std::string(station::to_string(s.state));
    ImGui::TextUnformatted(sess.c_str());
  }
  // The buttons open the second line, so a long session line never pushes them under the E-STOP.
  if (view.user) {
    if (ImGui::SmallButton("Lock (Ctrl+L)")) actions.lock();
    ImGui::SameLine();
    if (!in_session(view)) {
      if (ImGui::SmallButton("Log out (F12)")) actions.logout();
    } else {
      // Aborting ends the session for good: Ctrl must be held, so a stray click cannot do it.
      if (ImGui::SmallButton("Abort (Ctrl+click)") && ImGui::GetIO().KeyCtrl)
        actions.abort_session("aborted from the console by " + view.user->name);
    }
    if (!s.last_message.empty()) ImGui::SameLine();
  }
  if (!s.last_message.empty()) {
    const bool refused = s.last_message.find("refused") != std::string::npos;
    ui::coloured_text(refused ? ui::colour::amber : ui::colour::grey, "Station: " + s.last_message);
  }
  if (!view.notice.empty()) ui::coloured_text(ui::colour::amber, view.notice);
}

}  // namespace meso::gui
