// Assessment: the examination's findings before planning. The scalp photo of this session, registered to
// the headband and shown beside the patient's previous one at the same scale and place (before and after
// line up), the close-up's hair density, and the clinician's notes.
#include <algorithm>
#include <cmath>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

nlohmann::json assessment_findings(const Forms& forms, const AssessmentView& taken) {
  nlohmann::json j{{"notes", forms.assessment_notes.data()}};
  if (forms.assessment_density > 0) j["density_per_cm2"] = forms.assessment_density;
  if (taken.density_per_cm2 > 0 &&
      forms.assessment_density == static_cast<int>(std::lround(taken.density_per_cm2)))
    j["density_method"] = taken.density_method;  // measured, not typed over
  if (!taken.photo_file.empty()) j["photo"] = {{"file", taken.photo_file}, {"sha256", taken.photo_sha256}};
  return j;
}

namespace {

// One photo fitted into `size`, with its caption above.
void photo(std::uintptr_t texture, const cv::Mat& image, const std::string& caption, ImVec2 size) {
  ImGui::BeginGroup();
  ui::text(caption);
  if (texture != 0 && !image.empty()) {
    const float scale =
        std::min(size.x / static_cast<float>(image.cols),
                 (size.y - ImGui::GetTextLineHeightWithSpacing()) / static_cast<float>(image.rows));
    // ImTextureID is a pointer in 1.86; the GL texture name travels in it as an integer.
    ImGui::Image(reinterpret_cast<ImTextureID>(texture),  // NOLINT(performance-no-int-to-ptr)
                 ImVec2(static_cast<float>(image.cols) * scale, static_cast<float>(image.rows) * scale));
  } else {
    ImGui::Dummy(ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()));
  }
  ImGui::EndGroup();
}

void photos(const ConsoleView& view, ImVec2 avail) {
  const auto& a = view.assessment;
  if (a.now_rgba.empty()) {
    draw_camera_view(view, avail, CameraOverlay{});
    return;
  }
  const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  photo(a.before_texture, a.before_rgba,
        a.before_label.empty() ? "no earlier photo" : "before: " + a.before_label, ImVec2(half, avail.y));
  ImGui::SameLine();
  photo(a.now_texture, a.now_rgba, "now: session " + std::to_string(view.snap.session_id),
        ImVec2(half, avail.y));
}

}  // namespace

void draw_assessment(const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::heading("Assessment - " + view.snap.patient);
  const auto& a = view.assessment;
  // A measured density fills the field once per capture; the clinician may still type over it.
  if (a.version != forms.assessment_version) {
    forms.assessment_version = a.version;
    if (a.density_per_cm2 > 0) forms.assessment_density = static_cast<int>(std::lround(a.density_per_cm2));
  }
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("assessment_form", ImVec2(width * 0.4f, 0));
  if (ui::big_button("Take the scalp photo (F3)", ImVec2(-1, 0), ui::colour::cyan, !view.busy))
    actions.capture_assessment_photo();
  if (!a.message.empty())
    ui::coloured_text(a.photo_file.empty() ? ui::colour::amber : ui::colour::grey, a.message);
  if (a.density_per_cm2 > 0) {
    ImGui::PushFont(ui::big_font());
    ImGui::Text("%.0f hairs/cm2", a.density_per_cm2);
    ImGui::PopFont();
    ui::text("close-up, 1 cm2 field: " + a.density_method);
  }
  ImGui::Separator();
  ImGui::InputTextMultiline("Notes", forms.assessment_notes.data(), forms.assessment_notes.size(),
                            ImVec2(-1, ImGui::GetTextLineHeight() * 5));
  ImGui::InputInt("Hairs per cm2", &forms.assessment_density, 10, 50);
  if (forms.assessment_density < 0) forms.assessment_density = 0;
  ImGui::Spacing();
  if (ui::big_button("Record assessment (F2)", ImVec2(-1, 0), ui::colour::green))
    actions.record_assessment(assessment_findings(forms, a));
  ImGui::EndChild();
  ImGui::SameLine();
  photos(view, ImGui::GetContentRegionAvail());
}

}  // namespace meso::gui
