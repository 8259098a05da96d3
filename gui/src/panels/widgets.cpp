#include "panels/widgets.hpp"

#include <cstdio>

#include "meso/gui/console_view.hpp"
#include "meso/gui/forms.hpp"

namespace meso::gui {

const char* to_string(Screen screen) {
  switch (screen) {
    case Screen::login:
      return "login";
    case Screen::patients:
      return "patients";
    case Screen::screening:
      return "screening";
    case Screen::assessment:
      return "assessment";
    case Screen::planning:
      return "planning";
    case Screen::treatment:
      return "treatment";
    case Screen::post_care:
      return "post-care";
    case Screen::closed:
      return "closed";
    case Screen::audit:
      return "audit";
    case Screen::qa:
      return "qa";
    case Screen::admin:
      return "admin";
    case Screen::change_password:
      return "change password";
  }
  return "?";
}

Screen screen_for(const ConsoleView& view) {
  using station::SessionState;
  if (!view.user) return Screen::login;
  if (view.user->must_change_password) return Screen::change_password;
  // The auditor reads and never changes anything: no other screen is reachable with that role.
  if (!station::may_command_station(view.user->role)) return Screen::audit;
  if (!view.snap.session_open || view.session_dismissed) {
    if (view.tool == Tool::audit && station::may_audit(view.user->role)) return Screen::audit;
    if (view.tool == Tool::qa && station::may_inject_faults(view.user->role, view.demo)) return Screen::qa;
    if (view.tool == Tool::admin && station::may_administer(view.user->role)) return Screen::admin;
    return Screen::patients;
  }
  switch (view.snap.state) {
    case SessionState::check_in:
    case SessionState::screening:
      return Screen::screening;
    case SessionState::assessment:
      return Screen::assessment;
    case SessionState::planning:
    case SessionState::ready:
      return Screen::planning;
    case SessionState::treating:
    case SessionState::paused:
      return Screen::treatment;
    case SessionState::post_care:
      return Screen::post_care;
    case SessionState::closed:
    case SessionState::aborted:
      return Screen::closed;
  }
  return Screen::patients;
}

bool in_session(const ConsoleView& view) {
  return view.snap.session_open && !station::is_final(view.snap.state);
}

void clear(TextField& field) {
  field.fill('\0');
}

void set(TextField& field, const char* text) {
  std::snprintf(field.data(), field.size(), "%s", text);
}

namespace ui {

ImVec4 to_vec4(ImU32 c) {
  return ImGui::ColorConvertU32ToFloat4(c);
}

ImFont* big_font() {
  const auto& fonts = ImGui::GetIO().Fonts->Fonts;
  return fonts.Size > 1 ? fonts[1] : ImGui::GetFont();
}

void coloured_text(ImU32 colour, const std::string& s) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

bool big_button(const char* label, ImVec2 size, ImU32 colour, bool enabled) {
  ImGui::BeginDisabled(!enabled);
  ImGui::PushStyleColor(ImGuiCol_Button, colour);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, (colour & 0x00FFFFFFU) | 0xD0000000U);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, colour::white);
  const bool clicked = ImGui::Button(label, size);
  if (auto* probe = static_cast<WidgetProbe*>(ImGui::GetIO().UserData))
    probe->buttons.push_back({label, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled});
  ImGui::PopStyleColor(3);
  ImGui::EndDisabled();
  return clicked && enabled;
}

bool small_button(const char* label) {
  const bool clicked = ImGui::SmallButton(label);
  if (auto* probe = static_cast<WidgetProbe*>(ImGui::GetIO().UserData))
    probe->buttons.push_back({label, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), true});
  return clicked;
}

void heading(const std::string& s) {
  ImGui::PushFont(big_font());
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopFont();
}

void text(const std::string& s) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopTextWrapPos();
}

std::string millilitres(std::uint64_t nl) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ml", static_cast<double>(nl) / 1e6);
  return buf;
}

}  // namespace ui
}  // namespace meso::gui
