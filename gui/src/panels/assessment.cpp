// Assessment: the examination's findings before planning. The scalp photo of this session, registered to
// the headband and shown beside the patient's previous one at the same scale and place (before and after
// line up), or blended over it with a slider; the close-up's hair density, and the clinician's notes.
#include <algorithm>
#include <cmath>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"
#include "photo_blend.hpp"

namespace meso::gui {

nlohmann::json assessment_findings(const Forms& forms, const AssessmentView& taken) {
  nlohmann::json j{{"notes", forms.assessment_notes.data()}};
  if (forms.assessment_density > 0) j["density_per_cm2"] = forms.assessment_density;
  if (taken.density_per_cm2 > 0 &&
      forms.assessment_density == static_cast<int>(std::lround(taken.density_per_cm2))) {
    j["density_method"] = taken.density_method;  // measured, not typed over
    if (!taken.density_file.empty())
      j["density_closeup"] = {{"file", taken.density_file},
                              {"sha256", taken.density_sha256},
                              {"px_per_mm", taken.density_px_per_mm}};
  }
  if (!taken.photo_file.empty()) j["photo"] = {{"file", taken.photo_file}, {"sha256", taken.photo_sha256}};
  return j;
}

namespace {

ImTextureID texture_id(std::uintptr_t texture) {
  // ImTextureID is a pointer in 1.86; the GL texture name travels in it as an integer.
  return reinterpret_cast<ImTextureID>(texture);  // NOLINT(performance-no-int-to-ptr)
}

// One photo fitted into `size`, with its caption above.
void photo(std::uintptr_t texture, const cv::Mat& image, const std::string& caption, ImVec2 size) {
  ImGui::BeginGroup();
  ui::text(caption);
  if (texture != 0 && !image.empty()) {
    const float scale =
        std::min(size.x / static_cast<float>(image.cols),
                 (size.y - ImGui::GetTextLineHeightWithSpacing()) / static_cast<float>(image.rows));
    ImGui::Image(texture_id(texture),
                 ImVec2(static_cast<float>(image.cols) * scale, static_cast<float>(image.rows) * scale));
  } else {
    ImGui::Dummy(ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()));
  }
  ImGui::EndGroup();
}

// The earlier photo, and today's over it at the slider's opacity: what changed shows as the slider moves.
void blended(const ConsoleView& view, Forms& forms, ImVec2 avail) {
  const auto& a = view.assessment;
  // "before" at the slider's left end, "now" at its right, as it moves; a tall grab for a gloved finger.
  const std::string left = "before: " + a.before_label;
  const std::string right = "now: session " + std::to_string(view.snap.session_id);
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(left.c_str());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(
      ImGui::GetFontSize() * 4,
      avail.x - ImGui::CalcTextSize(left.c_str()).x - ImGui::CalcTextSize(right.c_str()).x - 2 * spacing));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4, ImGui::GetFontSize() * 0.5f));
  ImGui::PushStyleVar(ImGuiStyleVar_GrabMinSize, ImGui::GetFontSize() * 1.5f);
  ImGui::SliderFloat("##mix", &forms.assessment_mix, 0.0f, 1.0f, "");
  ImGui::PopStyleVar(2);
  ImGui::SameLine();
  ImGui::TextUnformatted(right.c_str());
  const ImVec2 area = ImGui::GetContentRegionAvail();
  const auto layout = blend_layout(a.before_rgba.cols, a.before_rgba.rows, a.now_rgba.cols, a.now_rgba.rows,
                                   area.x, area.y, forms.assessment_mix);
  if (!layout.ok || a.before_texture == 0 || a.now_texture == 0) {
    ui::coloured_text(ui::colour::amber, layout.ok ? "the photos are not uploaded yet" : layout.why_not);
    return;
  }
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 min(at.x + layout.x, at.y + layout.y);
  const ImVec2 max(min.x + layout.width, min.y + layout.height);
  ImDrawList& dl = *ImGui::GetWindowDrawList();
  dl.AddImage(texture_id(a.before_texture), min, max, ImVec2(0, 0), ImVec2(1, 1),
              IM_COL32(255, 255, 255, layout.before_alpha));
  dl.AddImage(texture_id(a.now_texture), min, max, ImVec2(0, 0), ImVec2(1, 1),
              IM_COL32(255, 255, 255, layout.now_alpha));
  ImGui::Dummy(ImVec2(layout.x + layout.width, layout.height));
}

void photos(const ConsoleView& view, Forms& forms, ImVec2 avail) {
  const auto& a = view.assessment;
  if (a.now_rgba.empty()) {
    draw_camera_view(view, avail, CameraOverlay{});
    return;
  }
  if (!a.before_rgba.empty()) {
    // The two views as two big buttons (gloved hands), the one shown green.
    const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const ImVec2 size(half, 0);
    if (ui::big_button("Side by side", size, forms.assessment_blend ? ui::colour::grey : ui::colour::green))
      forms.assessment_blend = false;
    ImGui::SameLine();
    if (ui::big_button("Blend before/now", size,
                       forms.assessment_blend ? ui::colour::green : ui::colour::grey))
      forms.assessment_blend = true;
    avail = ImGui::GetContentRegionAvail();
    if (forms.assessment_blend) {
      blended(view, forms, avail);
      return;
    }
  }
  const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  photo(a.before_texture, a.before_rgba,
        a.before_label.empty() ? "no earlier photo" : "before: " + a.before_label, ImVec2(half, avail.y));
  ImGui::SameLine();
  photo(a.now_texture, a.now_rgba, "now: session " + std::to_string(view.snap.session_id),
        ImVec2(half, avail.y));
}

// A station without a close-up camera counts the hairs of a close-up image file; its lens's calibration
// gives the scale. Open on such a station; folded in demo mode, whose simulated close-up is counted already.
void closeup_file(const ConsoleView& view, Forms& forms, Actions& actions) {
  ImGui::SetNextItemOpen(!view.demo, ImGuiCond_Once);
  if (!ImGui::CollapsingHeader("Density from a close-up file")) return;
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##closeup_path", "close-up image file (clipped hair, calibrated lens)",
                           forms.closeup_path.data(), forms.closeup_path.size());
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  ImGui::InputFloat("px per mm (the lens's calibration)", &forms.closeup_px_per_mm, 0, 0, "%.1f");
  const bool ready = forms.closeup_path[0] != '\0' && forms.closeup_px_per_mm > 0 && !view.busy;
  if (ui::big_button("Count the close-up's hairs", ImVec2(-1, 0), ui::colour::cyan, ready))
    actions.estimate_density_from_file(forms.closeup_path.data(), forms.closeup_px_per_mm);
  const auto& a = view.assessment;
  if (!a.closeup_message.empty())
    ui::coloured_text(a.closeup_ok ? ui::colour::grey : ui::colour::amber, a.closeup_message);
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
    if (!a.density_file.empty())
      ui::text("from " + a.density_file + " (sha256 " + a.density_sha256.substr(0, 12) + "...)");
  }
  closeup_file(view, forms, actions);
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
  // One group: the photos' lines start at the right column, not under the form.
  ImGui::BeginGroup();
  photos(view, forms, ImGui::GetContentRegionAvail());
  ImGui::EndGroup();
}

}  // namespace meso::gui
