// Planning: zones over the live image (suggested from hair density), the technique, depth, dose, spacing,
// formulation and lot; the preview with its point count, total volume and the session cap. Accepting
// sends the previewed plan to the station, which validates it against the clinical limits again.
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"
#include "zone_edits.hpp"

namespace meso::gui {

namespace {

// The pen is offered when it is the device connected (the mesogun's techniques when that one is): a plan
// for a device the station does not have could not be armed.
bool pen_connected(const ConsoleView& view) {
  return view.snap.devices.contains(hal::DeviceKind::pen) &&
         !view.snap.devices.contains(hal::DeviceKind::mesogun);
}

const station::TechniqueLimits& limits_of(const ConsoleView& view, int technique) {
  return technique == 2   ? view.limits.microneedling
         : technique == 1 ? view.limits.nappage
                          : view.limits.point_by_point;
}

}  // namespace

int offered_technique(const ConsoleView& view, int technique) {
  if (pen_connected(view)) return 2;
  return technique == 2 ? 0 : technique;
}

namespace {

void form_fields(const ConsoleView& view, PlanForm& form) {
  const int offered = offered_technique(view, form.technique);
  if (offered == 2 && form.technique != 2) {
    // The mesogun's 2 mm would be deep for a pen: scalp microneedling studies use 0.5 to 1.5 mm (DOMAIN.md),
    // and the planner's pen rows default to 8 mm apart.
    form.depth_um = 1000;
    form.spacing_mm = 8;
  }
  form.technique = offered;
  if (form.technique == 2) {
    ui::text("Technique: microneedling (pen connected)");
  } else {
    const char* techniques[] = {"point by point", "nappage"};
    ImGui::Combo("Technique", &form.technique, techniques, 2);
  }
  const auto& lim = limits_of(view, form.technique);
  // The planner keeps pen rows at least 2 mm apart whatever the clinical limit says.
  const float spacing_min = form.technique == 2 ? std::max(2.0f, static_cast<float>(lim.spacing_min_mm))
                                                : static_cast<float>(lim.spacing_min_mm);
  ImGui::SliderFloat("Spacing mm", &form.spacing_mm, spacing_min, static_cast<float>(lim.spacing_max_mm),
                     "%.1f");
  ImGui::SliderInt("Depth um", &form.depth_um, lim.depth_min_um, lim.depth_max_um);
  if (form.technique == 2) {
    ImGui::SliderInt("Speed stamps/s", &form.speed_sps, 1, view.limits.pen_speed_max_sps);
    ImGui::SliderInt("Passes per zone", &form.passes, 1, 4);
  } else {
    ImGui::SliderInt("Dose nl", &form.dose_nl, static_cast<int>(lim.dose_min_nl),
                     static_cast<int>(lim.dose_max_nl));
  }
  ImGui::SliderFloat("Margin mm", &form.margin_mm, 0.0f, 10.0f, "%.1f");
  const auto& products = view.catalog.products;
  if (products.empty()) {
    ui::coloured_text(ui::colour::red, "no formulation in the catalog");
    return;
  }
  form.product = std::clamp(form.product, 0, static_cast<int>(products.size()) - 1);
  if (ImGui::BeginCombo("Formulation", products[static_cast<std::size_t>(form.product)].name.c_str())) {
    for (std::size_t i = 0; i < products.size(); ++i)
      if (ImGui::Selectable(products[i].name.c_str(), static_cast<int>(i) == form.product))
        form.product = static_cast<int>(i);
    ImGui::EndCombo();
  }
  const auto& lots = products[static_cast<std::size_t>(form.product)].lots;
  if (lots.empty()) return;
  form.lot = std::clamp(form.lot, 0, static_cast<int>(lots.size()) - 1);
  const auto& lot = lots[static_cast<std::size_t>(form.lot)];
  const std::string shown = lot.id + " (exp. " + station::to_string(lot.expiry) + ")";
  if (ImGui::BeginCombo("Lot", shown.c_str())) {
    for (std::size_t i = 0; i < lots.size(); ++i) {
      const std::string item = lots[i].id + " (exp. " + station::to_string(lots[i].expiry) + ")";
      if (ImGui::Selectable(item.c_str(), static_cast<int>(i) == form.lot)) form.lot = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
}

std::string one_decimal(double value) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1f", value);
  return text.data();
}

void preview_summary(const ConsoleView& view) {
  const auto& p = view.preview;
  if (!p.error.empty()) ui::coloured_text(ui::colour::red, p.error);
  if (!p.ready) return;
  if (!p.passes.empty()) {
    const auto& step = p.plan.steps.front();
    ImGui::PushFont(ui::big_font());
    ui::text(std::to_string(step.passes) + " x " + std::to_string(p.passes.size()) + " zone pass" +
             (p.passes.size() * step.passes == 1 ? "" : "es"));
    ImGui::PopFont();
    ui::text("path " + std::to_string(static_cast<int>(p.path_mm)) + " mm per pass; no injection");
    return;
  }
  ImGui::PushFont(ui::big_font());
  ImGui::Text("%zu points", p.points);
  ImGui::PopFont();
  const bool over = p.volume_nl > p.cap_nl;
  ui::coloured_text(
      over ? ui::colour::red : ui::colour::white,
      "total " + ui::millilitres(p.volume_nl) + " of the " + ui::millilitres(p.cap_nl) + " cap");
  for (const auto& z : p.zones) {
    ui::text("  " + z.name + ": " + std::to_string(z.points) + " points, " +
             ui::millilitres(static_cast<std::uint64_t>(z.volume_nl)));
    // A plan short of the coverage goal is refused (the error above), so a preview always meets it.
    if (z.coverage_mm > 0)
      ui::text("    every point within " + one_decimal(z.coverage_mm) + " mm of a point");
    if (z.border_fills > 0)
      ui::coloured_text(ui::colour::amber, "    " + std::to_string(z.border_fills) +
                                               " along the border nearer than 0.9 x spacing (nearest " +
                                               one_decimal(z.border_fill_gap_mm) + " mm), to cover it");
  }
}

// Each zone with its area and a Remove button; a new square zone to drag into shape. The image shows how:
// drag a corner, drag an edge's midpoint for a new corner, right-click a corner to remove it.
void zone_list(const ConsoleView& view, Actions& actions, bool editable) {
  for (std::size_t i = 0; i < view.zones.size(); ++i) {
    const auto& z = view.zones[i];
    ui::text("  zone " + z.name + ": " + std::to_string(static_cast<int>(vision::area_mm2(z.polygon_mm))) +
             " mm2");
    if (!editable) continue;
    ImGui::SameLine();
    if (ImGui::SmallButton(("Remove##zone" + std::to_string(i)).c_str())) {
      auto zones = view.zones;
      remove_zone(zones, i);
      actions.set_zones(zones);
    }
  }
  if (!editable || !view.camera.registered) return;
  if (ImGui::Button("Add a zone")) {
    auto zones = view.zones;
    add_zone(zones, {0, 40}, 30);  // over the crown, the commonest thinning area; then dragged into shape
    actions.set_zones(zones);
  }
  ImGui::SameLine();
  ui::text("drag corners; right-click removes one");
}

}  // namespace

void draw_planning(const ConsoleView& view, Forms& forms, Actions& actions) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool planning = view.snap.state == station::SessionState::planning;
  CameraOverlay overlay{true, true, false};
  if (planning && !view.busy) overlay.edit_forms = &forms, overlay.edit_actions = &actions;
  draw_camera_view(view, ImVec2(avail.x * 0.6f, avail.y), overlay);
  ImGui::SameLine();
  ImGui::BeginChild("plan_form", ImVec2(0, avail.y));
  ui::heading("Plan - " + view.snap.patient);
  if (ui::big_button("Suggest zones from the image (F3)", ImVec2(-1, 0), ui::colour::cyan,
                     planning && !view.busy))
    actions.suggest_zones();
  if (!view.zones_message.empty()) ui::text(view.zones_message);
  zone_list(view, actions, planning && !view.busy);
  ImGui::Separator();
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  ImGui::BeginDisabled(!planning);
  form_fields(view, forms.plan);
  ImGui::EndDisabled();
  ImGui::PopItemWidth();
  if (ui::big_button("Preview plan (F4)", ImVec2(-1, 0), ui::colour::cyan,
                     planning && !view.zones.empty() && !view.busy))
    actions.preview_plan(forms.plan);
  preview_summary(view);
  ImGui::Separator();
  if (planning) {
    if (ui::big_button("Accept plan (F2)", ImVec2(-1, 0), ui::colour::green,
                       view.preview.ready && !view.busy))
      actions.accept_plan();
  } else if (ui::big_button("Start treatment (F2)", ImVec2(-1, 0), ui::colour::green,
                            view.snap.state == station::SessionState::ready)) {
    actions.start_treatment();
  }
  ImGui::EndChild();
}

}  // namespace meso::gui
