#include "gui_test_support.hpp"

#include <algorithm>
#include <cmath>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui::testing {

bool RecordingActions::called(const std::string& name) const {
  return count(name) > 0;
}

int RecordingActions::count(const std::string& name) const {
  return static_cast<int>(std::count_if(calls.begin(), calls.end(), [&](const std::string& c) {
    return c == name || c.rfind(name + " ", 0) == 0;
  }));
}

HeadlessImGui::HeadlessImGui() {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1280, 720);
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* pixels = nullptr;
  int w = 0;
  int h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  // Keys as the GLFW backend maps them (ImGui 1.86 looks named keys up through io.KeyMap).
  io.KeyMap[ImGuiKey_Enter] = 257;
  io.KeyMap[ImGuiKey_Tab] = 258;
  io.KeyMap[ImGuiKey_Backspace] = 259;
  io.KeyMap[ImGuiKey_Space] = 32;
  io.KeyMap[ImGuiKey_Escape] = 256;
  // Every text drawn goes to the "clipboard" at the end of a frame (ImGui's logging), for assertions.
  io.UserData = nullptr;
  io.ClipboardUserData = &texts_;
  io.SetClipboardTextFn = [](void* user, const char* text) {
    auto& texts = *static_cast<std::vector<std::string>*>(user);
    texts.clear();
    texts.emplace_back(text);
  };
}

HeadlessImGui::~HeadlessImGui() {
  ImGui::DestroyContext();
}

void HeadlessImGui::run(const std::function<void()>& draw) {
  ImGui::NewFrame();
  ImGui::LogToClipboard();
  draw();
  ImGui::LogFinish();
  ImGui::Render();
}

void HeadlessImGui::frame(const ConsoleView& view, Forms& forms, Actions& actions) {
  run([&] { draw_console(view, forms, actions); });
}

void HeadlessImGui::press(int key, const ConsoleView& view, Forms& forms, Actions& actions) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeysDown[key] = true;
  frame(view, forms, actions);
  io.KeysDown[key] = false;
  frame(view, forms, actions);
}

bool HeadlessImGui::click(const std::string& label, const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::WidgetProbe probe;
  ImGuiIO& io = ImGui::GetIO();
  io.UserData = &probe;
  frame(view, forms, actions);
  io.UserData = nullptr;
  const auto it = std::find_if(probe.buttons.begin(), probe.buttons.end(),
                               [&](const ui::ProbedButton& b) { return b.label.rfind(label, 0) == 0; });
  if (it == probe.buttons.end()) return false;
  io.MousePos = ImVec2((it->min.x + it->max.x) * 0.5f, (it->min.y + it->max.y) * 0.5f);
  frame(view, forms, actions);  // hover first: ImGui presses what is hovered
  io.MouseDown[0] = true;
  frame(view, forms, actions);
  io.MouseDown[0] = false;
  frame(view, forms, actions);
  return true;
}

bool HeadlessImGui::shows(const std::string& fragment) const {
  return std::any_of(texts_.begin(), texts_.end(),
                     [&](const std::string& t) { return t.find(fragment) != std::string::npos; });
}

ConsoleView session_view(station::SessionState state) {
  ConsoleView v;
  v.user = LoggedIn{2, "dr.test", station::Role::clinician};
  v.limits = station::default_limits();
  v.snap.session_open = true;
  v.snap.session_id = 1;
  v.snap.patient = "P-1";
  v.snap.tag = station::Tag::test;
  v.snap.state = state;
  station::TreatmentPlan plan;
  plan.product = "HairVital";
  plan.lot = "L1";
  plan.session_cap_nl = 2'000'000;
  station::PlanStep step;
  step.depth_um = 2000;
  step.dose_nl = 20000;
  step.spacing_mm = 10;
  step.points = {{0, 0, "crown"}, {10, 0, "crown"}, {20, 0, "crown"}};
  plan.steps.push_back(step);
  v.snap.plan = plan;
  v.snap.points_done = {false, false, false};
  station::DeviceView gun;
  gun.state = hal::DeviceState::configured;
  v.snap.devices[hal::DeviceKind::mesogun] = gun;
  return v;
}

vision::PolygonMm circle(vision::PointMm c, double r) {
  vision::PolygonMm p;
  for (int i = 0; i < 36; ++i) {
    const double a = i * 10 * M_PI / 180;
    p.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
  }
  return p;
}

station::Catalog one_product_catalog() {
  station::Catalog c;
  c.products.push_back({"HairVital", {"biotin"}, {{"L1", station::parse_date("2099-12-31")}}});
  return c;
}

}  // namespace meso::gui::testing
