// Assessment: the examination's findings before planning. A minimal form (notes and the close-up's hair
// density); the photos and density panel builds on it.
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

nlohmann::json assessment_findings(const Forms& forms) {
  nlohmann::json j{{"notes", forms.assessment_notes.data()}};
  if (forms.assessment_density > 0) j["density_per_cm2"] = forms.assessment_density;
  return j;
}

void draw_assessment(const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::heading("Assessment - " + view.snap.patient);
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("assessment_form", ImVec2(width * 0.4f, 0));
  ui::text("Examination findings (the camera's zones come in planning).");
  ImGui::InputTextMultiline("Notes", forms.assessment_notes.data(), forms.assessment_notes.size(),
                            ImVec2(-1, ImGui::GetTextLineHeight() * 5));
  ImGui::InputInt("Hairs per cm2", &forms.assessment_density, 10, 50);
  if (forms.assessment_density < 0) forms.assessment_density = 0;
  ImGui::Spacing();
  if (ui::big_button("Record assessment (F2)", ImVec2(-1, 0), ui::colour::green))
    actions.record_assessment(assessment_findings(forms));
  ImGui::EndChild();
  ImGui::SameLine();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  draw_camera_view(view, avail, CameraOverlay{});
}

}  // namespace meso::gui
