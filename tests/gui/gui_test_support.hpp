// Panels without a window: an ImGui context with no backend (as Dear ImGui's example_null), frames driven
// by hand, and an Actions that records what the panels asked for.
#pragma once

#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

#include "meso/gui/actions.hpp"
#include "meso/gui/console_view.hpp"
#include "meso/gui/forms.hpp"
#include "meso/station/formulation.hpp"
#include "meso/vision/geometry.hpp"

namespace meso::gui::testing {

class RecordingActions final : public Actions {
 public:
  std::vector<std::string> calls;
  bool called(const std::string& name) const;
  int count(const std::string& name) const;

  void login(const std::string& user, const std::string& password) override {
    calls.push_back("login " + user + " " + password);
  }
  void logout() override { calls.emplace_back("logout"); }
  void lock() override { calls.emplace_back("lock"); }
  void unlock(const std::string&) override { calls.emplace_back("unlock"); }
  void find_patient(const std::string& p) override { calls.push_back("find_patient " + p); }
  void open_session(const std::string& p, bool test_tagged) override {
    calls.push_back("open_session " + p + (test_tagged ? " test" : ""));
  }
  void change_password(const std::string&, const std::string&) override {
    calls.emplace_back("change_password");
  }
  void list_staff() override { calls.emplace_back("list_staff"); }
  void add_staff(const station::NewStaff& s) override { calls.push_back("add_staff " + s.name); }
  void disable_staff(const std::string& name, const std::string&) override {
    calls.push_back("disable_staff " + name);
  }
  void reset_password(const std::string& name, const std::string&, const std::string&) override {
    calls.push_back("reset_password " + name);
  }
  void set_role(const std::string& name, station::Role, const std::string&) override {
    calls.push_back("set_role " + name);
  }
  void import_formulary(const std::string& path, const std::string&) override {
    calls.push_back("import_formulary " + path);
  }
  void add_lot(const std::string& product, const station::NewLot& lot, const std::string&) override {
    calls.push_back("add_lot " + product + " " + lot.lot + " " + lot.expiry + " " +
                    std::to_string(lot.vials));
  }
  void retire_lot(const std::string& product, const std::string& lot, const std::string&) override {
    calls.push_back("retire_lot " + product + " " + lot);
  }
  void recover_session() override { calls.emplace_back("recover_session"); }
  void record_screening(const station::ScreeningAnswers& a) override {
    screening = a;
    calls.emplace_back("record_screening");
  }
  void record_assessment(const nlohmann::json& f) override {
    findings = f.dump();
    calls.emplace_back("record_assessment");
  }
  void capture_assessment_photo() override { calls.emplace_back("capture_assessment_photo"); }
  void estimate_density_from_file(const std::string& path, double px_per_mm) override {
    calls.push_back("estimate_density_from_file " + path + " " + std::to_string(px_per_mm));
  }
  void suggest_zones() override { calls.emplace_back("suggest_zones"); }
  void set_zones(const std::vector<vision::Zone>& z) override {
    zones = z;
    calls.emplace_back("set_zones");
  }
  void preview_plan(const PlanForm&) override { calls.emplace_back("preview_plan"); }
  void accept_plan() override { calls.emplace_back("accept_plan"); }
  void start_treatment() override { calls.emplace_back("start_treatment"); }
  void arm() override { calls.emplace_back("arm"); }
  void disarm() override { calls.emplace_back("disarm"); }
  void fire_next() override { calls.emplace_back("fire_next"); }
  void pull_trigger() override { calls.emplace_back("pull_trigger"); }
  void set_demo_hand(bool on) override { calls.emplace_back(on ? "demo_hand on" : "demo_hand off"); }
  void pause() override { calls.emplace_back("pause"); }
  void resume() override { calls.emplace_back("resume"); }
  void next_step() override { calls.emplace_back("next_step"); }
  void finish_treatment() override { calls.emplace_back("finish_treatment"); }
  void acknowledge_alarm(std::uint32_t id) override {
    calls.push_back("acknowledge_alarm " + std::to_string(id));
  }
  void estop(const std::string& source) override { calls.push_back("estop " + source); }
  void sign_and_close(const std::string& password) override { calls.push_back("sign_and_close " + password); }
  void abort_session(const std::string& reason) override { calls.push_back("abort_session " + reason); }
  void attest(std::uint32_t id, bool delivered, const std::string& reason) override {
    calls.push_back("attest " + std::to_string(id) + (delivered ? " delivered " : " not_delivered ") +
                    reason);
  }
  void dismiss_session() override { calls.emplace_back("dismiss_session"); }
  void open_tool(Tool tool) override {
    calls.push_back("open_tool " + std::to_string(static_cast<int>(tool)));
  }
  void list_sessions(const AuditFilter& filter) override {
    calls.push_back("list_sessions " + (filter.patient.empty() ? "*" : filter.patient));
  }
  void show_session(std::int64_t id) override { calls.push_back("show_session " + std::to_string(id)); }
  void verify_session(std::int64_t id) override { calls.push_back("verify_session " + std::to_string(id)); }
  void export_session(std::int64_t id, ExportFormat format, const std::string& path) override {
    calls.push_back("export_session " + std::to_string(id) + " " + std::to_string(static_cast<int>(format)) +
                    " " + path);
  }
  void inject_fault(const QaFault& fault) override {
    faults.push_back(fault);
    calls.push_back("inject_fault " + std::to_string(static_cast<int>(fault.kind)));
  }
  void choose_simulated_device(hal::DeviceKind kind) override {
    calls.push_back(std::string("choose_simulated_device ") +
                    (kind == hal::DeviceKind::pen ? "pen" : "mesogun"));
  }

  station::ScreeningAnswers screening;
  std::vector<QaFault> faults;
  std::vector<vision::Zone> zones;  // the last set_zones
  std::string findings;             // the last record_assessment, as JSON text
};

// An ImGui context with no backend, 1280x720, its font atlas built; destroyed with the fixture.
class HeadlessImGui {
 public:
  HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;
  HeadlessImGui(HeadlessImGui&&) = delete;
  HeadlessImGui& operator=(HeadlessImGui&&) = delete;
  ~HeadlessImGui();

  // One frame of the whole console.
  void frame(const ConsoleView& view, Forms& forms, Actions& actions);
  // A key pressed during one frame and released in the next (ImGui 1.86 reads io.KeysDown).
  void press(int key, const ConsoleView& view, Forms& forms, Actions& actions);
  // Clicks the item ImGui registered with `label` (in the last frame) at its centre, over two frames.
  bool click(const std::string& label, const ConsoleView& view, Forms& forms, Actions& actions);
  // Labels drawn in the last frame (every widget's and every text's), for assertions.
  const std::vector<std::string>& texts() const { return texts_; }
  bool shows(const std::string& fragment) const;

 private:
  void run(const std::function<void()>& draw);
  std::vector<std::string> texts_;
};

// A view of an open session in `state` on a cleared patient with a 3-point plan, the mesogun connected.
ConsoleView session_view(station::SessionState state);

// A 36-sided circle of radius `r` mm around `c`, for a zone.
vision::PolygonMm circle(vision::PointMm c, double r);
// One product, HairVital (biotin), with one lot that expires in 2099.
station::Catalog one_product_catalog();

}  // namespace meso::gui::testing
