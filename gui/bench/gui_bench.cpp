// Frame time of the operator console's treatment screen at 1280x720 with a live 1280x720 camera image, next
// to a bare ImGui frame that only uploads and shows the same camera texture, interleaved in the same run.
// Goal (issue 6): the treatment frame at most 1.5x the bare frame. Needs a display: run it under
// `xvfb-run -a -s "-screen 0 1600x1000x24"` (Mesa's software rasterizer, llvmpipe, draws there).
// Each timed frame: glTexSubImage2D of the frame's RGBA pixels, ImGui's frame (the bare window with the
// image, or draw_console over a treating ConsoleView), Render, the OpenGL3 backend's draw, glFinish. The
// swap (glfwSwapBuffers + glFinish) is timed separately and reported as its own column.
// Usage: gui_bench [--frames N] [--shot PNG]   (--shot: the treatment screen as drawn; prints a Markdown
// table; docs/performance.md records it)
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fonts.hpp"
#include "gl_frame.hpp"
#include "meso/gui/panels.hpp"
#include "meso/sim/synthetic_camera.hpp"
#include "meso/station/clinical_limits.hpp"
#include "percentile.hpp"

namespace {

using namespace meso;  // NOLINT(google-build-using-namespace): a benchmark's main file
using Clock = std::chrono::steady_clock;

constexpr int kWidth = 1280;
constexpr int kHeight = 720;
constexpr int kWarmup = 20;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A camera frame as the render thread receives it: RGBA pixels and the registration (here the synthetic
// camera's ground truth, which the pipeline reproduces to a fraction of a pixel).
struct CameraFrame {
  cv::Mat rgba;
  std::uint64_t index = 0;
  std::array<double, 9> H{};
  std::optional<vision::PointMm> tip_mm;
};

std::vector<CameraFrame> render_frames(int count) {
  sim::SyntheticCameraOptions options;
  options.size = {kWidth, kHeight};
  options.seed = 11;
  options.noise_sigma = 6;
  sim::HandpiecePath path;
  path.waypoints_mm = {{-30, 20}, {0, 40}, {30, 20}, {0, -20}};
  path.loop = true;
  options.handpiece = path;
  sim::SyntheticCamera camera(options);
  std::vector<CameraFrame> frames(static_cast<std::size_t>(count));
  vision::Frame f;
  for (auto& out : frames) {
    camera.next(f);
    cv::cvtColor(f.image, out.rgba, cv::COLOR_BGR2RGBA);  // as the console's camera worker does
    out.index = f.index;
    const auto& t = camera.truth();
    for (std::size_t i = 0; i < out.H.size(); ++i)
      out.H[i] = t.H_px_from_mm.val[i];
    out.tip_mm = t.tip_mm;
  }
  return frames;
}

// A treating session as the console shows it mid-way: 40 planned points over the crown, 17 done, the next
// target, a latched and an active alarm, the mesogun connected with its status, 600 trend samples.
gui::ConsoleView treating_view() {
  gui::ConsoleView v;
  v.user = gui::LoggedIn{2, "dr.bench", station::Role::clinician};
  v.limits = station::default_limits();
  auto& s = v.snap;
  s.version = 1234;
  s.session_open = true;
  s.session_id = 7;
  s.patient = "P-0042";
  s.tag = station::Tag::test;
  s.user = "dr.bench";
  s.role = station::Role::clinician;
  s.state = station::SessionState::treating;
  s.armed = true;
  station::TreatmentPlan plan;
  plan.product = "HairVital";
  plan.lot = "L1";
  plan.session_cap_nl = 2'000'000;
  station::PlanStep step;
  step.name = "crown";
  step.depth_um = 2000;
  step.dose_nl = 20000;
  step.spacing_mm = 12;
  step.zones = {"crown"};
  for (int row = 0; row < 5; ++row)
    for (int col = 0; col < 8; ++col) {
      const int c = row % 2 == 0 ? col : 7 - col;  // boustrophedon, as the planner orders them
      step.points.push_back({-42.0 + 12.0 * c, -12.0 + 12.0 * row, "crown"});
    }
  plan.steps.push_back(step);
  s.plan = plan;
  s.points_done.assign(step.points.size(), false);
  for (std::size_t i = 0; i < 17; ++i)
    s.points_done[i] = true;
  s.next_point = 17;
  s.delivered_nl = std::uint64_t{17} * 20000;
  s.shots = 17;
  station::DeviceView gun;
  gun.state = hal::DeviceState::active;
  gun.identity = hal::DeviceIdentity{};
  gun.identity->model = "MG-200 (simulated)";
  gun.identity->serial_number = "SIM-0001";
  gun.identity->firmware = "2.3.1";
  gun.status.state = hal::DeviceState::active;
  gun.status.armed = true;
  gun.status.shot_counter = 1017;
  gun.status.reservoir_nl = 1'660'000;
  gun.status.line_pressure_mbar = 1480;
  gun.status.battery_pct = 87;
  gun.status.temperature_dc = 312;
  gun.status.depth_actual_um = 2000;
  gun.link.frames_received = 5211;
  gun.link.frames_sent = 1034;
  gun.link.bytes_received = 161'000;
  s.devices[hal::DeviceKind::mesogun] = gun;
  s.alarms.push_back({1, "registration_lost", station::AlarmPriority::medium,
                      station::AlarmCategory::clinical, "Guidance stopped: headband markers not found (2 s)",
                      false, false});
  s.alarms.push_back({2, "reservoir_low", station::AlarmPriority::low, station::AlarmCategory::technical,
                      "Reservoir below 20 %", true, false});
  auto& g = s.guidance;
  g.camera = true;
  g.registered = true;
  g.done = 16;
  g.planned = 40;
  g.missed = {9};
  g.off_plan = 1;
  g.next_target =
      vision::PlannedPoint{18, {step.points[17].x_mm, step.points[17].y_mm}, "crown", 2000, 20000};
  g.last_shot =
      vision::PlacedShot{vision::ShotOutcome::on_plan,
                         vision::PointMm{step.points[16].x_mm + 0.6, step.points[16].y_mm - 0.4}, 17, 0.7};
  for (int i = 0; i < 600; ++i) {
    v.trends.pressure_mbar.push_back(1450.0f + static_cast<float>((i * 37) % 60));
    v.trends.reservoir_ul.push_back(2000.0f - static_cast<float>(i) * 0.55f);
  }
  v.camera.width = kWidth;
  v.camera.height = kHeight;
  v.camera.registered = true;
  v.camera.source = "synthetic camera (bench)";
  return v;
}

// The console's own fonts and sizes at 720 rows: 22 px, styles scaled by 22 / 16 (as gui/src/app.cpp).
void setup_context(GLFWwindow* window) {
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  constexpr float px = 22.0f;
  meso::gui::load_fonts(px);
  ImGui::GetStyle().ScaleAllSizes(px / 16.0f);
  ImGui_ImplGlfw_InitForOpenGL(window, false);  // no input wanted
  ImGui_ImplOpenGL3_Init("#version 130");
}

// The camera texture, as gui/src/texture.cpp makes it: allocated once, updated in place.
GLuint make_texture() {
  GLuint name = 0;
  glGenTextures(1, &name);
  glBindTexture(GL_TEXTURE_2D, name);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, kWidth, kHeight, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  return name;
}

void upload(GLuint texture, const cv::Mat& rgba) {
  glBindTexture(GL_TEXTURE_2D, texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, kWidth, kHeight, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
}

void draw_and_finish(GLFWwindow* window) {
  gui::draw_imgui_frame(window);
  glFinish();
}

ImTextureID as_imgui(GLuint texture) {
  // NOLINTNEXTLINE(performance-no-int-to-ptr): ImGui 1.86's texture id is a pointer; GL's is an integer
  return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture));
}

// Bare: the image alone in a full-window ImGui window, nothing else.
void bare_frame(GLFWwindow* window, GLuint texture) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("bare", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
  ImGui::Image(as_imgui(texture), ImGui::GetContentRegionAvail());
  ImGui::End();
  ImGui::PopStyleVar();
  draw_and_finish(window);
}

class NoActions final : public gui::Actions {
 public:
  void login(const std::string&, const std::string&) override {}
  void logout() override {}
  void lock() override {}
  void unlock(const std::string&) override {}
  void find_patient(const std::string&) override {}
  void open_session(const std::string&, bool) override {}
  void change_password(const std::string&, const std::string&) override {}
  void list_staff() override {}
  void add_staff(const station::NewStaff&) override {}
  void disable_staff(const std::string&, const std::string&) override {}
  void reset_password(const std::string&, const std::string&, const std::string&) override {}
  void set_role(const std::string&, station::Role, const std::string&) override {}
  void import_formulary(const std::string&, const std::string&) override {}
  void add_lot(const std::string&, const station::NewLot&, const std::string&) override {}
  void retire_lot(const std::string&, const std::string&, const std::string&) override {}
  void recover_session() override {}
  void record_screening(const station::ScreeningAnswers&) override {}
  void record_assessment(const nlohmann::json&) override {}
  void capture_assessment_photo() override {}
  void estimate_density_from_file(const std::string&, double) override {}
  void suggest_zones() override {}
  void set_zones(const std::vector<meso::vision::Zone>&) override {}
  void attest(std::uint32_t, bool, const std::string&) override {}
  void preview_plan(const gui::PlanForm&) override {}
  void accept_plan() override {}
  void start_treatment() override {}
  void arm() override {}
  void disarm() override {}
  void fire_next() override {}
  void pull_trigger() override {}
  void set_demo_hand(bool) override {}
  void pause() override {}
  void resume() override {}
  void next_step() override {}
  void finish_treatment() override {}
  void acknowledge_alarm(std::uint32_t) override {}
  void estop(const std::string&) override {}
  void sign_and_close(const std::string&) override {}
  void abort_session(const std::string&) override {}
  void dismiss_session() override {}
  void open_tool(gui::Tool) override {}
  void list_sessions(const gui::AuditFilter&) override {}
  void show_session(std::int64_t) override {}
  void verify_session(std::int64_t) override {}
  void export_session(std::int64_t, gui::ExportFormat, const std::string&) override {}
  void inject_fault(const gui::QaFault&) override {}
  void choose_simulated_device(hal::DeviceKind) override {}
};

void treatment_frame(GLFWwindow* window, const gui::ConsoleView& view, gui::Forms& forms,
                     gui::Actions& actions) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  gui::draw_console(view, forms, actions);
  draw_and_finish(window);
}

void set_camera(gui::ConsoleView& view, const CameraFrame& f, GLuint texture) {
  view.camera.texture = texture;
  view.camera.frame = f.index;
  view.camera.H_px_from_mm = f.H;
  view.camera.tip_mm = f.tip_mm;
  view.snap.guidance.tip_mm = f.tip_mm;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 200;
  std::string shot;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--frames") == 0) count = std::max(20, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--shot") == 0) shot = argv[i + 1];
  }
  const std::vector<CameraFrame> frames = render_frames(count);

  if (glfwInit() == GLFW_FALSE) {
    std::fprintf(stderr, "gui_bench: no display: run under xvfb-run\n");
    return 2;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(kWidth, kHeight, "gui_bench", nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "gui_bench: cannot open a window with OpenGL 3\n");
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(0);
  int fb_w = 0;
  int fb_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);

  // One ImGui context each, so that neither frame sees the other's windows appear and disappear.
  ImGuiContext* bare_ctx = ImGui::CreateContext();
  setup_context(window);
  ImGuiContext* treat_ctx = ImGui::CreateContext();
  ImGui::SetCurrentContext(treat_ctx);  // CreateContext makes only the first one current
  setup_context(window);
  const GLuint bare_tex = make_texture();
  const GLuint treat_tex = make_texture();

  gui::ConsoleView view = treating_view();
  gui::Forms forms;
  NoActions actions;

  std::vector<double> bare_ms, treat_ms, bare_swap_ms, treat_swap_ms;
  const int total = kWarmup + count;
  for (int i = 0; i < total; ++i) {
    const CameraFrame& f = frames[static_cast<std::size_t>(i % count)];
    glfwPollEvents();
    // Alternate which goes first, so that neither always follows the other.
    for (int k = 0; k < 2; ++k) {
      const bool bare = (k == 0) == (i % 2 == 0);
      if (bare) {
        ImGui::SetCurrentContext(bare_ctx);
        const auto t0 = Clock::now();
        upload(bare_tex, f.rgba);
        bare_frame(window, bare_tex);
        const auto t1 = Clock::now();
        glfwSwapBuffers(window);
        glFinish();
        const auto t2 = Clock::now();
        if (i >= kWarmup) {
          bare_ms.push_back(ms_between(t0, t1));
          bare_swap_ms.push_back(ms_between(t1, t2));
        }
      } else {
        ImGui::SetCurrentContext(treat_ctx);
        set_camera(view, f, treat_tex);
        const auto t0 = Clock::now();
        upload(treat_tex, f.rgba);
        treatment_frame(window, view, forms, actions);
        const auto t1 = Clock::now();
        glfwSwapBuffers(window);
        glFinish();
        const auto t2 = Clock::now();
        if (i >= kWarmup) {
          treat_ms.push_back(ms_between(t0, t1));
          treat_swap_ms.push_back(ms_between(t1, t2));
        }
      }
    }
  }
  ImGui::SetCurrentContext(treat_ctx);
  const ImDrawData* dd = ImGui::GetDrawData();  // the treatment screen's last frame
  const int vertices = dd != nullptr ? dd->TotalVtxCount : 0;
  const int lists = dd != nullptr ? dd->CmdListsCount : 0;
  if (!shot.empty()) {  // the treatment screen as drawn, to check what was measured
    treatment_frame(window, view, forms, actions);
    cv::Mat rgba(fb_h, fb_w, CV_8UC4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, fb_w, fb_h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    cv::flip(bgr, bgr, 0);
    cv::imwrite(shot, bgr);
  }

  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  std::printf("%d frames %dx%d (after %d warm-up), window %dx%d, GL_RENDERER \"%s\", GL_VERSION \"%s\"\n",
              count, frames[0].rgba.cols, frames[0].rgba.rows, kWarmup, fb_w, fb_h,
              renderer != nullptr ? renderer : "?", version != nullptr ? version : "?");
  std::printf("treatment frame: %d vertices in %d draw lists\n\n", vertices, lists);
  const meso::bench::Spread b = meso::bench::p50_p95(bare_ms);
  const meso::bench::Spread t = meso::bench::p50_p95(treat_ms);
  const meso::bench::Spread bs = meso::bench::p50_p95(bare_swap_ms);
  const meso::bench::Spread ts = meso::bench::p50_p95(treat_swap_ms);
  std::printf("| measure | p50 ms | p95 ms | swap p50 ms | swap p95 ms |\n|---|---:|---:|---:|---:|\n");
  std::printf("| treatment screen (`draw_console`, treating) | %.2f | %.2f | %.2f | %.2f |\n", t.p50_ms,
              t.p95_ms, ts.p50_ms, ts.p95_ms);
  std::printf("| bare frame (upload + `ImGui::Image`) | %.2f | %.2f | %.2f | %.2f |\n", b.p50_ms, b.p95_ms,
              bs.p50_ms, bs.p95_ms);
  std::printf("| ratio treatment / bare | %.2f | %.2f | | |\n", t.p50_ms / b.p50_ms, t.p95_ms / b.p95_ms);

  ImGui::SetCurrentContext(treat_ctx);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext(treat_ctx);
  ImGui::SetCurrentContext(bare_ctx);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext(bare_ctx);
  glDeleteTextures(1, &bare_tex);
  glDeleteTextures(1, &treat_tex);
  glfwDestroyWindow(window);
  glfwTerminate();
  return 0;
}
