// The live image with its overlays. Overlays are drawn with ImGui's draw list in plane millimetres,
// mapped to image pixels by the frame's registration (H, plane mm -> px) and then to the screen by the
// image's placement: they stay on the scalp as the head moves.
#include <algorithm>
#include <cmath>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

struct Mapping {
  ImVec2 origin;
  float scale = 1;
  std::array<double, 9> H{};
  ImVec2 operator()(vision::PointMm p) const {
    const double w = H[6] * p.x + H[7] * p.y + H[8];
    const double x = (H[0] * p.x + H[1] * p.y + H[2]) / w;
    const double y = (H[3] * p.x + H[4] * p.y + H[5]) / w;
    return {origin.x + static_cast<float>(x) * scale, origin.y + static_cast<float>(y) * scale};
  }
};

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
  ImGui::SetCursorScreenPos(origin);
  // ImTextureID is a pointer in 1.86; the GL texture name travels in it as an integer.
  ImGui::Image(reinterpret_cast<ImTextureID>(cam.texture), image);  // NOLINT(performance-no-int-to-ptr)
  const Mapping map{origin, scale, cam.H_px_from_mm};
  dl.PushClipRect(origin, ImVec2(origin.x + image.x, origin.y + image.y), true);
  if (cam.registered) {
    if (overlay.zones) draw_zones(dl, map, view.zones);
    if (overlay.plan) draw_points(dl, map, view);
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
