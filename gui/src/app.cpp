// The render thread: the GLFW window, ImGui's frame, and the idle wait. It never blocks on the station, the
// camera or the journal: it takes what the runtime has ready once per frame and draws. When nothing
// changes it sleeps in glfwWaitEventsTimeout; the other threads wake it with glfwPostEmptyEvent.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "fonts.hpp"
#include "gl_frame.hpp"
#include "meso/gui/console.hpp"
#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"
#include "runtime.hpp"
#include "texture.hpp"

namespace meso::gui {

static_assert(keys::space == GLFW_KEY_SPACE && keys::a == GLFW_KEY_A && keys::t == GLFW_KEY_T);
static_assert(keys::enter == GLFW_KEY_ENTER && keys::pause == GLFW_KEY_PAUSE && keys::f2 == GLFW_KEY_F2);
static_assert(keys::f12 == GLFW_KEY_F12 && keys::escape == GLFW_KEY_ESCAPE && keys::l == GLFW_KEY_L);
static_assert(keys::f5 == GLFW_KEY_F5 && keys::f6 == GLFW_KEY_F6 && keys::f7 == GLFW_KEY_F7);

namespace {

using Clock = std::chrono::steady_clock;

// Input seen by GLFW's callbacks (installed before ImGui's backend, which calls them on): the time of the
// last input for the inactivity lock, and whether anything asks for a redraw.
struct InputState {
  Clock::time_point last_input = Clock::now();
  bool dirty = true;
  // ImGui 1.86 reads io.KeysDown once per frame; a press and its release in one batch of events (xdotool,
  // a quick tap while the loop slept) would never be seen. Such keys are held down for one frame.
  std::vector<std::pair<int, int>> pressed;  // key, mods
};

InputState& state_of(GLFWwindow* w) {
  return *static_cast<InputState*>(glfwGetWindowUserPointer(w));
}
void touched(GLFWwindow* w) {
  state_of(w).last_input = Clock::now();
  state_of(w).dirty = true;
}
void on_key(GLFWwindow* w, int key, int, int action, int mods) {
  touched(w);
  if (action == GLFW_PRESS && key >= 0) state_of(w).pressed.emplace_back(key, mods);
}

// Before the frame: every key pressed since the last frame is down, with its modifiers.
void hold_pressed_keys(const InputState& input) {
  ImGuiIO& io = ImGui::GetIO();
  for (const auto& [key, mods] : input.pressed) {
    if (key >= IM_ARRAYSIZE(io.KeysDown)) continue;
    io.KeysDown[key] = true;
    io.KeyCtrl = io.KeyCtrl || (mods & GLFW_MOD_CONTROL) != 0;
    io.KeyShift = io.KeyShift || (mods & GLFW_MOD_SHIFT) != 0;
  }
}

// After it: the keys are as the keyboard has them now.
void release_held_keys(GLFWwindow* window, InputState& input) {
  ImGuiIO& io = ImGui::GetIO();
  for (const auto& [key, mods] : input.pressed)
    if (key < IM_ARRAYSIZE(io.KeysDown)) io.KeysDown[key] = glfwGetKey(window, key) == GLFW_PRESS;
  input.pressed.clear();
  const auto down = [window](int k) { return glfwGetKey(window, k) == GLFW_PRESS; };
  io.KeyCtrl = down(GLFW_KEY_LEFT_CONTROL) || down(GLFW_KEY_RIGHT_CONTROL);
  io.KeyShift = down(GLFW_KEY_LEFT_SHIFT) || down(GLFW_KEY_RIGHT_SHIFT);
}
void on_char(GLFWwindow* w, unsigned int) {
  touched(w);
}
void on_button(GLFWwindow* w, int, int, int) {
  touched(w);
}
void on_cursor(GLFWwindow* w, double, double) {
  touched(w);
}
void on_scroll(GLFWwindow* w, double, double) {
  touched(w);
}
void on_resize(GLFWwindow* w, int, int) {
  state_of(w).dirty = true;
}

bool shows_camera(const ConsoleView& view) {
  if (view.locked) return false;
  const Screen s = screen_for(view);
  return s == Screen::assessment || s == Screen::planning || s == Screen::treatment;
}

void take_camera_frame(ConsoleRuntime& runtime, Texture& texture, ConsoleView& view, bool& changed) {
  auto frame = runtime.take_frame(view.camera.frame);
  if (!frame) return;
  texture.upload(frame->rgba);
  auto& cam = view.camera;
  cam.texture = texture.id();
  cam.width = texture.width();
  cam.height = texture.height();
  cam.frame = frame->index;
  const auto& reg = frame->result.registration;
  cam.registered = reg.ok;
  cam.why_not = reg.reason;
  for (std::size_t i = 0; i < cam.H_px_from_mm.size(); ++i)
    cam.H_px_from_mm[i] = reg.H_px_from_mm.val[i];  // both row-major
  cam.tip_mm = frame->result.tip_mm;
  changed = true;
}

// The assessment's photos, uploaded once per capture (render thread).
void take_assessment_photos(ConsoleView& view, Texture& now, Texture& before, std::uint64_t& shown) {
  auto& a = view.assessment;
  if (a.version == shown) return;
  shown = a.version;
  if (!a.now_rgba.empty()) now.upload(a.now_rgba);
  if (!a.before_rgba.empty()) before.upload(a.before_rgba);
  a.now_texture = a.now_rgba.empty() ? 0 : now.id();
  a.before_texture = a.before_rgba.empty() ? 0 : before.id();
}

void render(GLFWwindow* window, const ConsoleView& view, Forms& forms, Actions& actions) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  draw_console(view, forms, actions);
  draw_imgui_frame(window);
  glfwSwapBuffers(window);
}

// The window's title says where the console is, so a test driving it with xdotool can wait for a screen
// (xdotool getwindowname) instead of guessing how long a step takes.
std::string title_of(const ConsoleView& view) {
  std::string t = view.demo ? "MesoStation DEMO - " : "MesoStation - ";
  t += view.locked ? "locked" : to_string(screen_for(view));
  if (view.snap.session_open) t += " - " + std::string(station::to_string(view.snap.state));
  if (view.snap.armed) t += " - armed";
  if (view.busy) t += " - busy";
  if (!view.zones.empty()) t += " - zones";
  if (view.preview.ready) t += " - preview";
  if (!view.assessment.photo_file.empty()) t += " - photo";
  return t;
}

void run_loop(GLFWwindow* window, ConsoleRuntime& runtime, ConsoleView& view, Forms& forms) {
  InputState& input = state_of(window);
  Texture texture;
  Texture photo_now;
  Texture photo_before;
  std::uint64_t photos_shown = 0;
  int frames_left = 0;
  std::string title;
  while (glfwWindowShouldClose(window) == 0) {
    if (frames_left > 0)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(1.0);  // the timeout only checks the inactivity lock
    bool changed = runtime.refresh(view);
    take_camera_frame(runtime, texture, view, changed);
    take_assessment_photos(view, photo_now, photo_before, photos_shown);
    changed = changed || input.dirty;
    input.dirty = false;
    view.idle_s = std::chrono::duration<double>(Clock::now() - input.last_input).count();
    // Not while armed: the clinician's hands are on the handpiece, not on the keyboard.
    if (view.user && !view.locked && !view.snap.armed && view.idle_s > view.lock_after_s) {
      runtime.lock();  // the runtime refuses what a locked console must not do
      view.locked = true;
      changed = true;
    }
    if (changed) frames_left = 3;  // ImGui settles hover and focus over a frame or two after a change
    if (frames_left == 0) continue;
    --frames_left;
    hold_pressed_keys(input);
    render(window, view, forms, runtime);
    release_held_keys(window, input);
    runtime.set_camera_wanted(shows_camera(view));
    if (auto t = title_of(view); t != title) {
      title = std::move(t);
      glfwSetWindowTitle(window, title.c_str());
    }
  }
}

}  // namespace

int run_console(const ConsoleOptions& options) {
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((x11 == nullptr || *x11 == '\0') && (wayland == nullptr || *wayland == '\0')) {
    std::cerr << "mesostation: no display: set DISPLAY or run under xvfb-run\n";
    return 2;
  }
  glfwSetErrorCallback(
      [](int code, const char* what) { std::cerr << "mesostation: GLFW " << code << ": " << what << '\n'; });
  if (glfwInit() == GLFW_FALSE) {
    std::cerr << "mesostation: no display: set DISPLAY or run under xvfb-run\n";
    return 2;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWmonitor* monitor = options.fullscreen ? glfwGetPrimaryMonitor() : nullptr;
  GLFWwindow* window = glfwCreateWindow(
      options.width, options.height, options.demo ? "MesoStation (DEMO)" : "MesoStation", monitor, nullptr);
  if (window == nullptr) {
    std::cerr << "mesostation: cannot open a window with OpenGL 3 on this display\n";
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  InputState input;
  glfwSetWindowUserPointer(window, &input);
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetCursorPosCallback(window, on_cursor);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetFramebufferSizeCallback(window, on_resize);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed: nothing to remember
  ImGui::StyleColorsDark();
  int fb_w = 0;
  int fb_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  // 22 px at 720 rows, growing with the screen: readable from the chair at 1080 too.
  const float px = std::clamp(22.0f * static_cast<float>(fb_h) / 720.0f, 20.0f, 40.0f);
  load_fonts(px);
  ImGui::GetStyle().ScaleAllSizes(px / 16.0f);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  int code = 0;
  try {
    ConsoleRuntime runtime(options, [] { glfwPostEmptyEvent(); });
    ConsoleView view;
    runtime.init_view(view);
    Forms forms;
    set(forms.user, view.defaults.user.c_str());
    forms.plan = view.defaults.plan;
    runtime.start();
    run_loop(window, runtime, view, forms);
  } catch (const std::exception& e) {
    std::cerr << "mesostation: " << e.what() << '\n';
    code = 2;
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return code;
}

}  // namespace meso::gui
