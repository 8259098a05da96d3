// The live image with its overlays. Overlays are drawn with ImGui's draw list in plane millimetres,
// mapped to image pixels by the frame's registration (H, plane mm -> px) and then to the screen by the
// image's placement and zoom (camera_mapping.hpp): they stay on the scalp as the head moves and at any zoom.
#include <algorithm>
#include <cmath>
#include <optional>

#include "camera_mapping.hpp"
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"
#include "zone_edits.hpp"

namespace meso::gui {

namespace {

using Mapping = CameraMapping;

float distance2(ImVec2 a, ImVec2 b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

float grip_radius() {
  return std::max(7.0f, ImGui::GetFontSize() * 0.4f);
}

// The vertices that get a grip: a traced outline has corners closer than a finger, so a vertex gets one only
// when it lies three grips from the last one that did (the others move with their zone's next edit).
std::vector<std::size_t> gripped(const vision::PolygonMm& poly, const Mapping& map) {
  const float spacing = 3 * grip_radius();
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < poly.size(); ++i) {
    const ImVec2 v = map(poly[i]);
    if (!out.empty() && distance2(v, map(poly[out.back()])) < spacing * spacing) continue;
    if (!out.empty() && i + 1 == poly.size() && distance2(v, map(poly[out.front()])) < spacing * spacing)
      continue;
    out.push_back(i);
  }
  return out;
}

// The gripped vertex (or, with `midpoints`, the edge whose midpoint) under the pointer, within `reach` px.
std::optional<ZoneGrip> grip_at(const std::vector<vision::Zone>& zones, const Mapping& map, ImVec2 at,
                                float reach, bool midpoints) {
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const auto& poly = zones[z].polygon_mm;
    for (const std::size_t i : gripped(poly, map)) {
      const auto& b = poly[(i + 1) % poly.size()];
      const vision::PointMm p =
          midpoints ? vision::PointMm{(poly[i].x + b.x) / 2, (poly[i].y + b.y) / 2} : poly[i];
      if (midpoints && distance2(map(poly[i]), map(b)) < 16 * grip_radius() * grip_radius()) continue;
      if (distance2(map(p), at) <= reach * reach) return ZoneGrip{z, i};
    }
  }
  return std::nullopt;
}

// Grips big enough for a gloved finger on a touch screen; the dragged zones are a draft until the drop.
void edit_zones(const ConsoleView& view, const Mapping& map, Forms& forms, Actions& actions) {
  const ImGuiIO& io = ImGui::GetIO();
  const float reach = 2 * grip_radius();
  auto& draft = forms.zone_draft;
  if (forms.drag_zone >= 0) {
    const ZoneGrip grip{static_cast<std::size_t>(forms.drag_zone),
                        static_cast<std::size_t>(forms.drag_vertex)};
    if (io.MouseDown[0]) {
      move_vertex(draft, grip, map.to_mm(io.MousePos));
    } else {
      forms.drag_zone = forms.drag_vertex = -1;
      actions.set_zones(draft);
    }
    return;
  }
  draft = view.zones;
  if (!ImGui::IsItemHovered()) return;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    auto grip = grip_at(draft, map, io.MousePos, reach, false);
    if (!grip) {
      grip = grip_at(draft, map, io.MousePos, reach, true);
      if (grip) grip = split_edge(draft, *grip);
    }
    if (grip) {
      forms.drag_zone = static_cast<int>(grip->zone);
      forms.drag_vertex = static_cast<int>(grip->vertex);
    }
  } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
    if (const auto grip = grip_at(draft, map, io.MousePos, reach, false); grip && remove_vertex(draft, *grip))
      actions.set_zones(draft);
  }
}

// Hollow grips, so the scalp under them stays visible; an edge's midpoint only where the edge is long.
void draw_grips(ImDrawList& dl, const Mapping& map, const std::vector<vision::Zone>& zones) {
  const float r = grip_radius();
  for (const auto& z : zones)
    for (const std::size_t i : gripped(z.polygon_mm, map)) {
      const ImVec2 v = map(z.polygon_mm[i]);
      const ImVec2 w = map(z.polygon_mm[(i + 1) % z.polygon_mm.size()]);
      dl.AddRect(ImVec2(v.x - r, v.y - r), ImVec2(v.x + r, v.y + r), ui::colour::amber, 0, 0, 3.0f);
      if (distance2(v, w) >= 16 * r * r)
        dl.AddCircle(ImVec2((v.x + w.x) / 2, (v.y + w.y) / 2), r * 0.6f, ui::colour::amber, 0, 2.0f);
    }
}

void draw_zones(ImDrawList& dl, const Mapping& map, const std::vector<vision::Zone>& zones) {
  for (const auto& z : zones) {
    std::vector<ImVec2> pts;
    for (const auto& p : z.polygon_mm)
      pts.push_back(map(p));
    if (pts.size() < 3) continue;
    dl.AddPolyline(pts.data(), static_cast<int>(pts.size()), ui::colour::amber, ImDrawFlags_Closed, 3.0f);
    dl.AddText(pts.front(), ui::colour::amber, z.name.c_str());
  }
}

// Planned points grey, done green, the next target a large ring: readable from the chair.
void draw_points(ImDrawList& dl, const Mapping& map, const ConsoleView& view) {
  const float r = std::max(5.0f, ImGui::GetFontSize() * 0.3f);
  const auto& snap = view.snap;
  const station::PlanStep* step = nullptr;
  if (snap.plan && snap.step < snap.plan->steps.size()) step = &snap.plan->steps[snap.step];
  if (step == nullptr && view.preview.ready && !view.preview.plan.steps.empty())
    step = &view.preview.plan.steps.front();
  if (step == nullptr) return;
  for (std::size_t i = 0; i < step->points.size(); ++i) {
    const auto& p = step->points[i];
    const ImVec2 c = map({p.x_mm, p.y_mm});
    const bool done = i < snap.points_done.size() && snap.points_done[i] && snap.plan;
    if (done)
      dl.AddCircleFilled(c, r, ui::colour::green);
    else
      dl.AddCircle(c, r, ui::colour::grey, 0, 2.0f);
  }
  if (snap.plan && snap.next_point < step->points.size() &&
      (snap.state == station::SessionState::treating || snap.state == station::SessionState::paused)) {
    const auto& p = step->points[snap.next_point];
    const ImVec2 c = map({p.x_mm, p.y_mm});
    dl.AddCircle(c, r * 3.0f, ui::colour::cyan, 0, 4.0f);
    dl.AddText(ImVec2(c.x + r * 3.2f, c.y - r * 3.2f), ui::colour::cyan, "next");
  }
  if (const auto& shot = snap.guidance.last_shot; shot && shot->at_mm) {
    const ImVec2 c = map(*shot->at_mm);
    const ImU32 col = shot->outcome == vision::ShotOutcome::on_plan ? ui::colour::green : ui::colour::red;
    dl.AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), col, 3.0f);
    dl.AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), col, 3.0f);
  }
}

// A pen step's path: each stroke a line, the pen lifted between strokes. The path guides the hand only;
// the station runs the pen, it does not target points.
void draw_passes(ImDrawList& dl, const Mapping& map, const ConsoleView& view) {
  const auto& snap = view.snap;
  const bool pen_step = snap.plan ? snap.step < snap.plan->steps.size() &&
                                        snap.plan->steps[snap.step].device() == hal::DeviceKind::pen
                                  : view.preview.ready;
  if (!pen_step) return;
  for (const auto& pass : view.preview.passes)
    for (std::size_t i = 1; i < pass.path.size(); i += 2)
      dl.AddLine(map(pass.path[i - 1]), map(pass.path[i]), ui::colour::cyan, 2.0f);
}

void draw_tip(ImDrawList& dl, const Mapping& map, vision::PointMm tip) {
  const ImVec2 c = map(tip);
  const float arm = ImGui::GetFontSize() * 1.5f;
  for (const ImU32 col : {IM_COL32(0, 0, 0, 200), ui::colour::white}) {
    const float w = col == ui::colour::white ? 2.0f : 5.0f;
    dl.AddLine(ImVec2(c.x - arm, c.y), ImVec2(c.x + arm, c.y), col, w);
    dl.AddLine(ImVec2(c.x, c.y - arm), ImVec2(c.x, c.y + arm), col, w);
  }
  dl.AddCircle(c, arm * 0.4f, ui::colour::white, 0, 2.0f);
}

}  // namespace

ZoomFocus zoom_focus(const ConsoleView& view) {
  const auto& s = view.snap;
  const bool treating =
      s.state == station::SessionState::treating || s.state == station::SessionState::paused;
  if (treating && s.plan && s.step < s.plan->steps.size() &&
      s.next_point < s.plan->steps[s.step].points.size()) {
    const auto& p = s.plan->steps[s.step].points[s.next_point];
    return {vision::PointMm{p.x_mm, p.y_mm}, "the next target"};
  }
  if (view.camera.tip_mm) return {*view.camera.tip_mm, "the tip"};
  return {};
}

void draw_camera_view(const ConsoleView& view, ImVec2 size, const CameraOverlay& overlay) {
  ImDrawList& dl = *ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const auto& cam = view.camera;
  if (cam.texture == 0 || cam.width <= 0 || cam.height <= 0 || size.x < 1 || size.y < 1) {
    dl.AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y), IM_COL32(30, 30, 30, 255));
    dl.AddText(ImVec2(at.x + 20, at.y + 20), ui::colour::grey, "no camera image");
    ImGui::Dummy(size);
    return;
  }
  const float scale =
      std::min(size.x / static_cast<float>(cam.width), size.y / static_cast<float>(cam.height));
  const ImVec2 image(static_cast<float>(cam.width) * scale, static_cast<float>(cam.height) * scale);
  const ImVec2 origin(at.x + (size.x - image.x) * 0.5f, at.y);
  const float zoom = overlay.zoom != nullptr ? *overlay.zoom : 1.0f;
  const Mapping full{origin, scale, ImVec2(0, 0), cam.H_px_from_mm};
  std::optional<ImVec2> centre;
  if (const auto focus = zoom_focus(view); focus.mm && cam.registered) centre = full.image_px(*focus.mm);
  const ZoomWindow window = zoom_window(cam.width, cam.height, zoom, centre);
  const auto w = static_cast<float>(cam.width);
  const auto h = static_cast<float>(cam.height);
  ImGui::SetCursorScreenPos(origin);
  // ImTextureID is a pointer in 1.86; the GL texture name travels in it as an integer.
  ImGui::Image(reinterpret_cast<ImTextureID>(cam.texture), image,  // NOLINT(performance-no-int-to-ptr)
               ImVec2(window.min.x / w, window.min.y / h),
               ImVec2((window.min.x + window.size.x) / w, (window.min.y + window.size.y) / h));
  if (overlay.zoom != nullptr && ImGui::IsItemHovered() && ImGui::GetIO().MouseWheel != 0)
    *overlay.zoom = zoom_by(*overlay.zoom, ImGui::GetIO().MouseWheel);
  const Mapping map{origin, image.x / window.size.x, window.min, cam.H_px_from_mm};
  dl.PushClipRect(origin, ImVec2(origin.x + image.x, origin.y + image.y), true);
  if (cam.registered) {
    const bool editing = overlay.zones && overlay.edit_forms != nullptr && overlay.edit_actions != nullptr;
    if (editing) {
      overlay.edit_forms->image_x = origin.x;
      overlay.edit_forms->image_y = origin.y;
      overlay.edit_forms->image_scale = scale;
      edit_zones(view, map, *overlay.edit_forms, *overlay.edit_actions);
    }
    const auto& zones = editing ? overlay.edit_forms->zone_draft : view.zones;
    if (overlay.zones) draw_zones(dl, map, zones);
    if (editing) draw_grips(dl, map, zones);
    if (overlay.plan) draw_points(dl, map, view);
    if (overlay.plan) draw_passes(dl, map, view);
    if (overlay.tip && cam.tip_mm) draw_tip(dl, map, *cam.tip_mm);
  } else {
    const std::string why =
        "NO REGISTRATION: " + (cam.why_not.empty() ? std::string("markers not found") : cam.why_not);
    dl.AddRectFilled(origin, ImVec2(origin.x + image.x, origin.y + ImGui::GetFontSize() * 1.6f),
                     IM_COL32(120, 0, 0, 220));
    dl.AddText(ImVec2(origin.x + 10, origin.y + 4), ui::colour::white, why.c_str());
  }
  dl.PopClipRect();
}

}  // namespace meso::gui
