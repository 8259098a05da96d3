// Alarms by priority colour (IEC 60601-1-8: high red, medium amber, low cyan), latched until a person
// acknowledges them; the highest first.
#include <algorithm>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

ImU32 priority_colour(station::AlarmPriority p) {
  switch (p) {
    case station::AlarmPriority::high:
      return ui::colour::red;
    case station::AlarmPriority::medium:
      return ui::colour::amber;
    case station::AlarmPriority::low:
      return ui::colour::cyan;
  }
  return ui::colour::grey;
}

}  // namespace

void draw_alarm_list(const ConsoleView& view, Actions& actions) {
  auto alarms = view.snap.alarms;
  if (alarms.empty()) {
    ui::coloured_text(ui::colour::grey, "No alarms");
    return;
  }
  std::stable_sort(alarms.begin(), alarms.end(),
                   [](const auto& a, const auto& b) { return a.priority > b.priority; });
  ui::text("Alarms (K acknowledges all)");
  for (const auto& a : alarms) {
    ImGui::PushID(static_cast<int>(a.id));
    const ImU32 col = priority_colour(a.priority);
    if (!a.acknowledged) {
      if (ui::big_button("Ack", ImVec2(ImGui::GetFontSize() * 3, 0), col)) actions.acknowledge_alarm(a.id);
      ImGui::SameLine();
    }
    const std::string line = std::string(station::to_string(a.priority)) + " " + a.code + ": " + a.message +
                             (a.acknowledged ? " (acknowledged)" : "") +
                             (a.condition_active ? "" : " (cleared)");
    ui::coloured_text(a.acknowledged ? ui::colour::grey : col, line);
    ImGui::PopID();
  }
}

}  // namespace meso::gui
