// About this station: which journal it writes and the fingerprint of the key that signs its seals. An auditor
// compares that fingerprint with the one in an export or printed by `mesostation key export`: a seal only
// proves that it matches the key stored beside it. A window, not a modal, so that E-STOP stays reachable.
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

void draw_about(const ConsoleView& view, Forms& forms) {
  if (!forms.about) return;
  const float font = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(font * 34, 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(font * 4, font * 5), ImGuiCond_Appearing);
  if (ImGui::Begin("About MesoStation", &forms.about,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::TextUnformatted("MesoStation: hair mesotherapy and scalp microneedling station");
    if (view.demo) ui::coloured_text(ui::colour::amber, "Demo: simulated devices, demo journal");
    ImGui::Separator();
    ImGui::TextUnformatted(("Journal: " + (view.journal_path.empty() ? "-" : view.journal_path)).c_str());
    ImGui::TextUnformatted("Station signing key (fingerprint):");
    ImGui::PushFont(ui::big_font());
    ImGui::TextUnformatted(view.key_fingerprint.empty() ? "unknown" : view.key_fingerprint.c_str());
    ImGui::PopFont();
    ImGui::TextWrapped(
        "Auditors: compare this fingerprint with the one in an export or printed by `mesostation key "
        "export --out station.pub`, and verify with `mesoaudit verify --public-key station.pub`.");
    if (ui::big_button("Close", ImVec2(0, 0), ui::colour::grey)) forms.about = false;
  }
  ImGui::End();
}

}  // namespace meso::gui
