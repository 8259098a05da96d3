// The top bar: who is logged in, the data tag, the patient and session state, and the station's answer to
// the last command (refusals included: the clinician sees why).
#include "meso/gui/panels.hpp"
#include "meso/station/staff.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

// Inline rather than a modal dialog: a modal would block the E-STOP button while the reason is typed.
void abort_row(Forms& forms, Actions& actions) {
  ui::coloured_text(ui::colour::red, "Abort for good, why?");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  ImGui::InputTextWithHint("##abort_reason", "the reason, for the record", forms.abort_reason.data(),
                           forms.abort_reason.size());
  ImGui::SameLine();
  if (ui::big_button("Abort session", ImVec2(0, 0), ui::colour::red, forms.abort_reason[0] != '\0')) {
    actions.abort_session(forms.abort_reason.data());
    forms.aborting = false;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Cancel")) forms.aborting = false;
}

}  // namespace

void draw_status_bar(const ConsoleView& view, Forms& forms, Actions& actions) {
  const auto& s = view.snap;
  if (view.demo) {
    ui::coloured_text(ui::colour::amber, "DEMO");
    ImGui::SameLine();
  }
  std::string who = view.user
                        ? view.user->name + " (" + std::string(journal::to_string(view.user->role)) + ")"
                        : "not logged in";
  ImGui::TextUnformatted(who.c_str());
  ImGui::SameLine();
  if (ui::small_button("About")) forms.about = !forms.about;
  if (s.session_open) {
    ImGui::SameLine();
    const std::string sess = "| session " + std::to_string(s.session_id) + " " + s.patient + " [" +
                             std::string(journal::to_string(s.tag)) + "] | " +
                             std::string(station::to_string(s.state));
    ImGui::TextUnformatted(sess.c_str());
  }
  // The buttons open the second line, so a long session line never pushes them under the E-STOP.
  if (view.user) {
    if (ImGui::SmallButton("Lock (Ctrl+L)")) actions.lock();
    ImGui::SameLine();
    if (!in_session(view)) {
      if (ImGui::SmallButton("Log out (F12)")) actions.logout();
    } else {
      // Aborting ends the session for good: Ctrl must be held, so a stray click cannot start it, and the
      // reason is typed.
      if (ImGui::SmallButton("Abort (Ctrl+click)") && ImGui::GetIO().KeyCtrl) {
        forms.aborting = true;
        clear(forms.abort_reason);
      }
    }
    if (forms.aborting && in_session(view)) {
      ImGui::SameLine();
      abort_row(forms, actions);  // in place of the station's message while the reason is typed
      return;
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
