// Patients and screening: find or add a patient by pseudonym and open a session; then the screening
// checklist (DOMAIN.md §2). Contraindications are absolute stops, shown as such: recording one ends the
// session, whatever anyone acknowledges.
#include <sstream>

#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

std::vector<std::string> split_commas(const char* text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(' ');
    const auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// A stop is drawn red with "STOP" in front: no one should read it as a warning to click through.
void stop_box(const char* label, bool& value) {
  if (value) ImGui::PushStyleColor(ImGuiCol_Text, ui::colour::red);
  ImGui::Checkbox(label, &value);
  if (value) {
    ImGui::SameLine();
    ImGui::TextUnformatted("STOP");
    ImGui::PopStyleColor();
  }
}

}  // namespace

station::ScreeningAnswers screening_answers(const Forms& forms) {
  station::ScreeningAnswers a = forms.screening;
  a.allergies = split_commas(forms.allergies.data());
  a.precautions_acknowledged_reason = forms.precautions_reason.data();
  a.patch_test = static_cast<station::PatchTest>(forms.patch_test);
  return a;
}

namespace {

// A session left open comes first: it is recovered (paused, never treating) and ended before another opens.
void left_open_banner(const ConsoleView& view, Actions& actions, float width) {
  const auto& l = *view.left_open;
  ui::coloured_text(ui::colour::red, "Session " + std::to_string(l.id) + " of " + l.patient + " (opened " +
                                         l.opened_utc + " by " + l.opened_by +
                                         ") was left open: the station stopped during it.");
  ui::text(
      "Recover it to see where it stopped, settle any fire whose outcome is unknown, then finish or "
      "abort it. Nothing else opens before.");
  if (ui::big_button(("Recover session " + std::to_string(l.id)).c_str(), ImVec2(width * 0.35f, 0),
                     ui::colour::amber, !view.busy))
    actions.recover_session();
  ImGui::Separator();
}

}  // namespace

void draw_patients(const ConsoleView& view, Forms& forms, Actions& actions) {
  const float width = ImGui::GetContentRegionAvail().x;
  if (view.left_open) left_open_banner(view, actions, width);
  ui::heading("Patient");
  ui::text("Find or add the patient by pseudonymous id (never a name), then open the session.");
  ImGui::PushItemWidth(width * 0.35f);
  if (forms.focus_pseudonym) {
    ImGui::SetKeyboardFocusHere();
    forms.focus_pseudonym = false;
  }
  const bool enter = ImGui::InputText("Pseudonym", forms.pseudonym.data(), forms.pseudonym.size(),
                                      ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  ImGui::Checkbox("Test-tagged session: QA or a simulated device, never a real record (F4)",
                  &forms.test_session);
  const bool has = forms.pseudonym[0] != '\0' && !view.left_open;
  if (ui::big_button("Find (F3)", ImVec2(width * 0.17f, 0), ui::colour::cyan, has && !view.busy))
    actions.find_patient(forms.pseudonym.data());
  ImGui::SameLine();
  if (ui::big_button("Open session (F2)", ImVec2(width * 0.17f, 0), ui::colour::green, has && !view.busy) ||
      (enter && has && !view.busy))
    actions.open_session(forms.pseudonym.data(), forms.test_session);
  if (view.lookup) {
    const auto& l = *view.lookup;
    ui::text(l.known ? l.pseudonym + ": known, " + std::to_string(l.sessions) + " earlier session(s)"
                     : l.pseudonym + ": new patient (added when the session opens)");
  }
  if (!view.notice.empty()) ui::coloured_text(ui::colour::amber, view.notice);
  if (station::may_administer(view.user->role)) {
    ImGui::Spacing();
    if (ui::big_button("Administration: staff (F7)", ImVec2(width * 0.35f, 0), ui::colour::grey, !view.busy))
      actions.open_tool(Tool::admin);
  }
}

void draw_screening(const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::heading("Screening - " + view.snap.patient);
  if (view.demo) ui::coloured_text(ui::colour::amber, "DEMO: answers pre-filled for a suitable patient.");
  const float col = ImGui::GetContentRegionAvail().x / 3.0f;
  ImGui::Columns(3, "screening", false);
  ImGui::SetColumnWidth(0, col);
  ui::coloured_text(ui::colour::red, "Contraindications (absolute stops)");
  auto& s = forms.screening;
  stop_box("Autoimmune skin condition", s.autoimmune_skin_condition);
  stop_box("Scalp infection", s.scalp_infection);
  stop_box("Uncontrolled diabetes", s.uncontrolled_diabetes);
  stop_box("Chemotherapy under way", s.chemotherapy_under_way);
  stop_box("Pregnant or breastfeeding", s.pregnant_or_breastfeeding);
  ImGui::InputText("Allergies", forms.allergies.data(), forms.allergies.size());
  ui::coloured_text(ui::colour::red, "Not suitable (stops)");
  stop_box("Complete baldness", s.complete_baldness);
  stop_box("Scarring alopecia", s.scarring_alopecia);
  stop_box("Non-viable follicles", s.non_viable_follicles);
  ImGui::NextColumn();
  ui::coloured_text(ui::colour::amber, "Last 24 hours (precautions)");
  ImGui::Checkbox("Alcohol", &s.alcohol_24h);
  ImGui::Checkbox("Aspirin", &s.aspirin_24h);
  ImGui::Checkbox("Anti-inflammatories", &s.anti_inflammatories_24h);
  if (s.alcohol_24h || s.aspirin_24h || s.anti_inflammatories_24h)
    ImGui::InputText("Acknowledged because", forms.precautions_reason.data(),
                     forms.precautions_reason.size());
  ImGui::Spacing();
  ui::text("Patch test (P)");
  ImGui::RadioButton("not done", &forms.patch_test, 0);
  ImGui::RadioButton("negative", &forms.patch_test, 1);
  ImGui::RadioButton("positive", &forms.patch_test, 2);
  ImGui::Checkbox("Consent signed (C)", &s.consent_signed);
  ImGui::NextColumn();
  const auto verdict = station::evaluate(screening_answers(forms));
  ui::text("Verdict");
  for (const auto& stop : verdict.stops)
    ui::coloured_text(ui::colour::red, "STOP: " + stop);
  for (const auto& m : verdict.missing)
    ui::coloured_text(ui::colour::amber, "missing: " + m);
  for (const auto& p : verdict.precautions)
    ui::coloured_text(ui::colour::amber, "precaution: " + p);
  if (verdict.cleared()) ui::coloured_text(ui::colour::green, "cleared");
  if (view.snap.screening && !view.snap.screening->cleared())
    ui::coloured_text(ui::colour::amber, "recorded: " + view.snap.screening->summary());
  ImGui::Spacing();
  const bool stops = !verdict.stops.empty();
  const char* label = stops ? "Record: STOP the session (F2)" : "Record screening (F2)";
  if (ui::big_button(label, ImVec2(-1, 0), stops ? ui::colour::red : ui::colour::green,
                     view.snap.state == station::SessionState::screening))
    actions.record_screening(screening_answers(forms));
  ImGui::Columns(1);
}

}  // namespace meso::gui
