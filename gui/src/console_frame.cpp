// The console's one window: the status bar with E-STOP beside it, then the current screen (or the lock).
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

// What a screen needs when it is entered: the cursor in its first field; in demo mode, the screening
// ticked for a suitable patient so that a first-time user sees the whole session.
void on_enter(Screen screen, const ConsoleView& view, Forms& forms) {
  switch (screen) {
    case Screen::login:
      // Back at the login after someone logged out: the next person starts from the profile's name (the
      // demo's), not the last one's.
      if (forms.last_screen >= 0) {
        set(forms.user, view.defaults.user.c_str());
        clear(forms.password);
      }
      forms.focus_user = true;
      break;
    case Screen::change_password:
      forms.focus_user = true;
      break;
    case Screen::admin:
      forms.focus_admin = true;
      forms.chosen_account = -1;
      break;
    case Screen::patients:
      forms.focus_pseudonym = true;
      forms.test_session = false;  // each session is tagged test on purpose, never by a leftover tick
      break;
    case Screen::post_care:
      forms.focus_sign = true;
      break;
    case Screen::screening:
      forms.screening = {};
      forms.patch_test = 0;
      clear(forms.allergies);
      clear(forms.precautions_reason);
      if (view.defaults.screening) {  // the profile's (the demo's suitable patient)
        forms.screening = *view.defaults.screening;
        forms.patch_test = static_cast<int>(forms.screening.patch_test);
      }
      break;
    case Screen::assessment:
      if (forms.assessment_notes[0] == '\0')
        set(forms.assessment_notes, view.defaults.assessment_notes.c_str());
      break;
    default:
      break;
  }
}

void draw_screen(Screen screen, const ConsoleView& view, Forms& forms, Actions& actions) {
  switch (screen) {
    case Screen::login:
      draw_login(view, forms, actions);
      break;
    case Screen::patients:
      draw_patients(view, forms, actions);
      break;
    case Screen::screening:
      draw_screening(view, forms, actions);
      break;
    case Screen::assessment:
      draw_assessment(view, forms, actions);
      break;
    case Screen::planning:
      draw_planning(view, forms, actions);
      break;
    case Screen::treatment:
      draw_treatment(view, forms, actions);
      break;
    case Screen::post_care:
      draw_post_care(view, forms, actions);
      break;
    case Screen::closed:
      draw_closed(view, actions);
      break;
    case Screen::audit:
      draw_audit(view, forms, actions);
      break;
    case Screen::qa:
      draw_qa(view, forms, actions);
      break;
    case Screen::admin:
      draw_admin(view, forms, actions);
      break;
    case Screen::change_password:
      draw_change_password(view, forms, actions);
      break;
  }
}

}  // namespace

void draw_console(const ConsoleView& view, Forms& forms, Actions& actions) {
  const Screen screen = screen_for(view);
  if (static_cast<int>(screen) != forms.last_screen) {
    on_enter(screen, view, forms);
    forms.last_screen = static_cast<int>(screen);
  }
  handle_shortcuts(view, forms, actions);
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("MesoStation", nullptr, flags);
  const float font = ImGui::GetFontSize();
  ImGui::PushFont(ui::big_font());
  const float label_w = ImGui::CalcTextSize("E-STOP (Space)").x + ImGui::GetStyle().FramePadding.x * 4;
  ImGui::PopFont();
  const ImVec2 estop(label_w, font * 2.8f);
  const bool session = in_session(view);
  const float bar_w =
      ImGui::GetContentRegionAvail().x - (session ? estop.x + ImGui::GetStyle().ItemSpacing.x : 0);
  ImGui::BeginChild("status_bar", ImVec2(bar_w, estop.y));
  draw_status_bar(view, forms, actions);
  ImGui::EndChild();
  if (session) {
    ImGui::SameLine();
    draw_estop_button(view, actions, estop);
  }
  ImGui::Separator();
  ImGui::BeginChild("screen");
  if (view.user && view.locked)
    draw_lock(view, forms, actions);
  else
    draw_screen(screen, view, forms, actions);
  ImGui::EndChild();
  // Last, so that it lies over the screen. Begun before the console's window ends, because ImGui's log
  // (what the panel tests read) stops at the first top-level window's End.
  draw_about(view, forms);
  ImGui::End();
}

}  // namespace meso::gui
