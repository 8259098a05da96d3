// Line pressure and reservoir over time, from the device's status reports.
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_trends(const ConsoleView& view, float height) {
  const auto& t = view.trends;
  const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  const ImVec2 size(w, height - ImGui::GetTextLineHeightWithSpacing());
  const std::string p =
      t.pressure_mbar.empty()
          ? "pressure mbar"
          : "pressure " + std::to_string(static_cast<int>(t.pressure_mbar.back())) + " mbar";
  const std::string r = t.reservoir_ul.empty()
                            ? "reservoir ul"
                            : "reservoir " + std::to_string(static_cast<int>(t.reservoir_ul.back())) + " ul";
  ImGui::BeginGroup();
  ui::text(p);
  ImGui::PlotLines("##pressure", t.pressure_mbar.data(), static_cast<int>(t.pressure_mbar.size()), 0, nullptr,
                   0.0f, FLT_MAX, size);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ui::text(r);
  ImGui::PlotLines("##reservoir", t.reservoir_ul.data(), static_cast<int>(t.reservoir_ul.size()), 0, nullptr,
                   0.0f, FLT_MAX, size);
  ImGui::EndGroup();
}

}  // namespace meso::gui
