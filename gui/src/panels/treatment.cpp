// Treatment, the screen used most, read at arm's length: the live image with the planned, done and next
// points and the tip (left), and everything the hand needs to know at a glance (right): guidance, dose,
// shots, the device, alarms and the big buttons. E-STOP is drawn by the console on every session screen.
#include <cmath>

#include "camera_mapping.hpp"
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

// The current step's, when it is a microneedling pass: the pen runs from arm to disarm.
const station::PlanStep* pen_step(const ConsoleView& view) {
  const auto& s = view.snap;
  if (!s.plan || s.step >= s.plan->steps.size()) return nullptr;
  const auto& step = s.plan->steps[s.step];
  return step.device() == hal::DeviceKind::pen ? &step : nullptr;
}

// What the pen's pass is set to and what it has done, where the mesogun's dose meter would be.
void pen_pass(const ConsoleView& view, const station::PlanStep& step) {
  const auto it = view.snap.devices.find(hal::DeviceKind::pen);
  const bool running = view.snap.armed;
  ImGui::PushFont(ui::big_font());
  ui::coloured_text(running ? ui::colour::amber : ui::colour::white, running ? "PEN RUNNING" : "Pen stopped");
  ImGui::PopFont();
  ui::text("Pass set: " + std::to_string(step.depth_um) + " um deep, " + std::to_string(step.speed_sps) +
           " stamps/s, " + std::to_string(step.passes) + " pass" + (step.passes == 1 ? "" : "es") +
           " over each zone; no injection");
  if (it != view.snap.devices.end())
    ui::text("Stamps since power-on " + std::to_string(it->second.status.stamps_total));
}

void buttons(const ConsoleView& view, Actions& actions) {
  const auto& s = view.snap;
  const bool treating = s.state == station::SessionState::treating;
  const bool paused = s.state == station::SessionState::paused;
  const bool pen = pen_step(view) != nullptr;
  const float w = ImGui::GetContentRegionAvail().x;
  const float half = (w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  const ImVec2 big(half, ImGui::GetFontSize() * 2.4f);
  if (!s.armed) {
    if (ui::big_button(pen ? "START PASS (A)" : "ARM (A)", big, ui::colour::amber,
                       treating && s.dosing_locked.empty()))
      actions.arm();
  } else if (ui::big_button(pen ? "STOP PASS (D)" : "DISARM (D)", big, ui::colour::grey)) {
    actions.disarm();
  }
  if (!pen) {
    ImGui::SameLine();
    if (ui::big_button("FIRE NEXT (F)", big, ui::colour::red, treating && s.armed && s.dosing_locked.empty()))
      actions.fire_next();
  }
  if (view.demo && !pen) {
    if (ui::big_button("TRIGGER (T)", big, ui::colour::red, treating && s.armed)) actions.pull_trigger();
    ImGui::SameLine();
    if (ui::big_button(view.demo_hand ? "DEMO HAND ON (H)" : "DEMO HAND OFF (H)", big,
                       view.demo_hand ? ui::colour::green : ui::colour::grey))
      actions.set_demo_hand(!view.demo_hand);
  }
  if (paused) {
    if (ui::big_button("RESUME (R)", big, ui::colour::green)) actions.resume();
  } else if (ui::big_button("PAUSE (P)", big, ui::colour::cyan, treating)) {
    actions.pause();
  }
  ImGui::SameLine();
  const bool more_steps = s.plan && s.step + 1 < s.plan->steps.size();
  if (more_steps) {
    if (ui::big_button("NEXT STEP (N)", big, ui::colour::cyan)) actions.next_step();
  } else if (ui::big_button("FINISH (F2)", big, ui::colour::green, treating || paused)) {
    actions.finish_treatment();
  }
  if (!s.dosing_locked.empty() && treating)
    ui::coloured_text(ui::colour::amber, "Dosing locked: " + s.dosing_locked);
}

// A fire the device's records could not settle: the clinician says what happened and how they know (the
// journal keeps both under their name); until then dosing stays locked.
void uncertain_fires(const ConsoleView& view, Forms& forms, Actions& actions) {
  const auto& s = view.snap;
  if (s.uncertain.empty()) return;
  ImGui::Separator();
  for (const auto& u : s.uncertain)
    ui::coloured_text(ui::colour::red, "Fire " + std::to_string(u.command_id) + " outcome unknown: " + u.why);
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##attest_reason", "how you know (e.g. drop seen on the scalp)",
                           forms.attest_reason.data(), forms.attest_reason.size());
  const bool reason = forms.attest_reason[0] != '\0';
  const auto& u = s.uncertain.front();
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  const ImVec2 size(half, ImGui::GetFontSize() * 1.8f);
  const std::string id = std::to_string(u.command_id);
  if (ui::big_button(("Fire " + id + " DELIVERED").c_str(), size, ui::colour::amber, reason)) {
    actions.attest(u.command_id, true, forms.attest_reason.data());
    clear(forms.attest_reason);
  }
  ImGui::SameLine();
  if (ui::big_button(("Fire " + id + " NOT delivered").c_str(), size, ui::colour::grey, reason)) {
    actions.attest(u.command_id, false, forms.attest_reason.data());
    clear(forms.attest_reason);
  }
}

// Zoom in, out and back to the full view: buttons a gloved finger can hit, and what the zoom is centred on.
void zoom_buttons(const ConsoleView& view, float& zoom) {
  const ImVec2 size(ImGui::GetFontSize() * 5.5f, ImGui::GetFontSize() * 1.8f);
  if (ui::big_button("ZOOM IN", size, ui::colour::cyan, zoom < kMaxZoom)) zoom = zoom_by(zoom, 1);
  ImGui::SameLine();
  if (ui::big_button("ZOOM OUT", size, ui::colour::cyan, zoom > 1)) zoom = zoom_by(zoom, -1);
  ImGui::SameLine();
  if (ui::big_button("FULL VIEW", size, ui::colour::grey, zoom > 1)) zoom = 1;
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  const std::string label = zoom > 1
                                ? "x" + std::to_string(static_cast<int>(std::lround(zoom * 10)) / 10) + "." +
                                      std::to_string(static_cast<int>(std::lround(zoom * 10)) % 10) + " on " +
                                      zoom_focus(view).what
                                : std::string("full view");
  ImGui::TextUnformatted(label.c_str());
}

}  // namespace

void draw_registration_status(const ConsoleView& view) {
  const auto& g = view.snap.guidance;
  if (!view.camera.texture && !g.camera) {
    ui::coloured_text(ui::colour::grey, "Guidance: no camera");
  } else if (view.camera.registered) {
    ui::coloured_text(ui::colour::green, "Guidance: registered");
  } else {
    const std::string why = view.camera.why_not.empty() ? g.why_stopped : view.camera.why_not;
    ui::coloured_text(ui::colour::red, "Guidance stopped: " + why);
  }
  // Guidance stays: a clinic may treat while it recalibrates, and is told why shots may land less exactly.
  if (!g.calibration_warning.empty())
    ui::coloured_text(ui::colour::amber, "Camera: " + g.calibration_warning);
  if (g.planned > 0)
    ui::text("Landed on plan " + std::to_string(g.done) + "/" + std::to_string(g.planned) + ", missed " +
             std::to_string(g.missed.size()) + ", off plan " + std::to_string(g.off_plan) + ", not seen " +
             std::to_string(g.not_seen));
}

void draw_treatment(const ConsoleView& view, Forms& forms, Actions& actions) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left = avail.x * 0.65f;
  // Line pressure and reservoir are the mesogun's: a pen step has no trend of its own to plot.
  const bool trends = pen_step(view) == nullptr;
  const float trends_h = trends ? avail.y * 0.2f : 0.0f;
  // Laid out to fit: no scrollbar, and the mouse wheel is the image's zoom, never a scroll.
  ImGui::BeginChild("treatment_left", ImVec2(left, avail.y), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  zoom_buttons(view, forms.treatment_zoom);
  CameraOverlay overlay{false, true, true};
  overlay.zoom = &forms.treatment_zoom;
  const float below = trends ? trends_h + ImGui::GetStyle().ItemSpacing.y : 0.0f;
  draw_camera_view(view, ImVec2(left, ImGui::GetContentRegionAvail().y - below), overlay);
  if (trends) draw_trends(view, trends_h);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("treatment_right", ImVec2(0, avail.y));
  const auto& s = view.snap;
  if (s.state == station::SessionState::paused)
    ui::coloured_text(ui::colour::amber, "PAUSED: the device is disarmed");
  draw_registration_status(view);
  if (const auto* step = pen_step(view)) {
    pen_pass(view, *step);
  } else {
    draw_dose_meter(view);
    draw_shot_counter(view);
  }
  buttons(view, actions);
  uncertain_fires(view, forms, actions);
  ImGui::Separator();
  draw_device_panel(view);
  ImGui::Separator();
  draw_alarm_list(view, actions);
  ImGui::EndChild();
}

}  // namespace meso::gui
