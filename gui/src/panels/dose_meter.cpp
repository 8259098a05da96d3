// The dose meter: delivered against planned against the session cap, one bar, numbers in the large font.
#include <algorithm>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_dose_meter(const ConsoleView& view) {
  const auto& s = view.snap;
  const std::uint64_t planned = s.plan ? s.plan->planned_volume_nl() : 0;
  const std::uint64_t cap = s.plan ? s.plan->session_cap_nl : view.limits.session_volume_cap_nl;
  ImGui::PushFont(ui::big_font());
  ui::text(ui::millilitres(s.delivered_nl));
  ImGui::PopFont();
  ui::text("delivered of " + ui::millilitres(planned) + " planned, cap " + ui::millilitres(cap));
  // The bar's full scale is the cap, so the planned mark and the cap are where the eye expects them.
  const float full = static_cast<float>(std::max<std::uint64_t>(cap, 1));
  const float frac = std::min(1.0f, static_cast<float>(s.delivered_nl) / full);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = ImGui::GetFontSize() * 1.2f;
  ImDrawList& dl = *ImGui::GetWindowDrawList();
  dl.AddRectFilled(at, ImVec2(at.x + w, at.y + h), IM_COL32(50, 50, 50, 255));
  const ImU32 fill = s.delivered_nl >= cap ? ui::colour::red : ui::colour::green;
  dl.AddRectFilled(at, ImVec2(at.x + w * frac, at.y + h), fill);
  const float plan_x = at.x + w * std::min(1.0f, static_cast<float>(planned) / full);
  dl.AddLine(ImVec2(plan_x, at.y - 3), ImVec2(plan_x, at.y + h + 3), ui::colour::white, 3.0f);
  dl.AddRect(at, ImVec2(at.x + w, at.y + h), ui::colour::red, 0.0f, 0, 2.0f);
  ImGui::Dummy(ImVec2(w, h));
}

void draw_shot_counter(const ConsoleView& view) {
  const auto& s = view.snap;
  std::size_t planned = 0;
  std::size_t done = 0;
  if (s.plan && s.step < s.plan->steps.size()) planned = s.plan->steps[s.step].points.size();
  for (const bool d : s.points_done)
    done += d ? 1 : 0;
  ImGui::PushFont(ui::big_font());
  ImGui::Text("Shots %llu", static_cast<unsigned long long>(s.shots));
  ImGui::Text("Points %zu/%zu", done, planned);
  ImGui::PopFont();
  if (s.plan && s.plan->steps.size() > 1)
    ui::text("Step " + std::to_string(s.step + 1) + " of " + std::to_string(s.plan->steps.size()) + ": " +
             s.plan->steps[s.step].name);
}

}  // namespace meso::gui
