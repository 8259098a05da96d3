// Keyboard shortcuts: every step of a session has one, so a clinician (or an xdotool script) never needs
// the pointer. Letters act only while no text field has the keyboard; function keys always do.
#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"

namespace meso::gui {

namespace {

bool pressed(int key) {
  return ImGui::IsKeyPressed(key, false);
}

void treatment_keys(const ConsoleView& view, Actions& actions) {
  const auto& s = view.snap;
  if (pressed(keys::a)) actions.arm();
  if (pressed(keys::d)) actions.disarm();
  if (pressed(keys::f)) actions.fire_next();
  if (pressed(keys::p)) actions.pause();
  if (pressed(keys::r)) actions.resume();
  if (pressed(keys::n)) actions.next_step();
  if (pressed(keys::k))
    for (const auto& a : s.alarms)
      if (!a.acknowledged) actions.acknowledge_alarm(a.id);
  if (view.demo && pressed(keys::t)) actions.pull_trigger();
  if (view.demo && pressed(keys::h)) actions.set_demo_hand(!view.demo_hand);
}

// F5, F6 and F7 open the audit, QA and Admin screens from the patients screen, for the roles that may see
// them.
void tool_keys(const ConsoleView& view, Actions& actions) {
  if (pressed(keys::f5) && station::may_audit(view.user->role)) actions.open_tool(Tool::audit);
  if (pressed(keys::f6) && station::may_inject_faults(view.user->role, view.demo))
    actions.open_tool(Tool::qa);
  if (pressed(keys::f7) && station::may_administer(view.user->role)) actions.open_tool(Tool::admin);
}

}  // namespace

void handle_shortcuts(const ConsoleView& view, Forms& forms, Actions& actions) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool typing = io.WantTextInput;
  // E-STOP before anything else, on every screen of a session, the lock screen included.
  if (in_session(view) && (pressed(keys::pause) || (!typing && pressed(keys::space))))
    actions.estop("keyboard");
  if (!view.user) return;  // the login form answers Enter itself
  if (io.KeyCtrl && pressed(keys::l)) {
    actions.lock();
    return;
  }
  if (view.locked) return;  // the lock form answers Enter itself
  const bool f2 = pressed(keys::f2);
  const auto state = view.snap.state;
  switch (screen_for(view)) {
    case Screen::login:
      break;
    case Screen::patients:
      tool_keys(view, actions);
      if (pressed(keys::f12)) actions.logout();
      if (forms.pseudonym[0] != '\0' && !view.busy && !view.left_open) {
        if (f2) actions.open_session(forms.pseudonym.data(), forms.test_session);
        if (pressed(keys::f4)) forms.test_session = !forms.test_session;
        if (pressed(keys::f3)) actions.find_patient(forms.pseudonym.data());
      }
      break;
    case Screen::screening:
      // The checklist's two answers every session needs, from the keyboard too; F2 still records it.
      if (!typing && pressed(keys::p)) forms.patch_test = (forms.patch_test + 1) % 3;
      if (!typing && pressed(keys::c)) forms.screening.consent_signed = !forms.screening.consent_signed;
      if (f2 && state == station::SessionState::screening) actions.record_screening(screening_answers(forms));
      break;
    case Screen::assessment:
      if (pressed(keys::f3) && !view.busy) actions.capture_assessment_photo();
      if (f2) actions.record_assessment(assessment_findings(forms, view.assessment));
      break;
    case Screen::planning:
      if (state == station::SessionState::planning && !view.busy) {
        if (pressed(keys::f3)) actions.suggest_zones();
        if (pressed(keys::f4) && !view.zones.empty()) actions.preview_plan(forms.plan);
        if (f2 && view.preview.ready) actions.accept_plan();
      } else if (f2 && state == station::SessionState::ready) {
        actions.start_treatment();
      }
      break;
    case Screen::treatment:
      if (!typing) treatment_keys(view, actions);
      if (f2 && !(view.snap.plan && view.snap.step + 1 < view.snap.plan->steps.size()))
        actions.finish_treatment();
      break;
    case Screen::post_care:
      if (f2 && forms.sign_password[0] != '\0' && !view.busy) {
        actions.sign_and_close(forms.sign_password.data());
        clear(forms.sign_password);
      }
      break;
    case Screen::closed:
      if (f2) actions.dismiss_session();
      break;
    case Screen::change_password:
      break;  // its form answers Enter itself
    case Screen::admin:
    case Screen::audit:
    case Screen::qa:
      // Read-only keys only: the auditor has no way from here to a screen that changes anything.
      if (pressed(keys::f12)) actions.logout();
      if (pressed(keys::escape) && station::may_command_station(view.user->role))
        actions.open_tool(Tool::none);
      break;
  }
}

}  // namespace meso::gui
