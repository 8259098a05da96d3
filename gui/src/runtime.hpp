// The console's adapter onto the station's application layer (meso/station/app.hpp): it implements Actions
// for the panels by calling the layer's use cases, and turns their answers into view updates. Nothing here
// decides: the layer checks roles, the lock and the workflow. What comes back reaches the render thread
// through two one-way channels drained once per frame: the latest station snapshot, and a queue of view
// updates.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "meso/gui/actions.hpp"
#include "meso/gui/console.hpp"
#include "meso/gui/console_view.hpp"
#include "meso/station/app.hpp"
#include "view_queue.hpp"

namespace meso::gui {

using station::CameraFrame;

class ConsoleRuntime final : public Actions {
 public:
  // Throws std::runtime_error (from the layer) when the journal or a device cannot be set up.
  ConsoleRuntime(const ConsoleOptions& options, std::function<void()> wake);
  ConsoleRuntime(const ConsoleRuntime&) = delete;
  ConsoleRuntime& operator=(const ConsoleRuntime&) = delete;
  ConsoleRuntime(ConsoleRuntime&&) = delete;
  ConsoleRuntime& operator=(ConsoleRuntime&&) = delete;
  ~ConsoleRuntime() override = default;

  void start() { app_.start(); }
  // The view as it starts (demo hints, catalog, limits, a session left open).
  void init_view(ConsoleView& view) const;
  // Render thread, once per frame: the latest snapshot and the queued updates. True when anything changed.
  bool refresh(ConsoleView& view);
  std::optional<CameraFrame> take_frame(std::uint64_t after) { return app_.take_frame(after); }
  void set_camera_wanted(bool wanted) { app_.set_camera_wanted(wanted); }

  // Actions (render thread). The station's commands: their answers show in its snapshot, a refusal here.
  void login(const std::string& user, const std::string& password) override;
  void logout() override;
  void lock() override;
  void unlock(const std::string& password) override;
  void change_password(const std::string& old_password, const std::string& new_password) override;
  void find_patient(const std::string& pseudonym) override;
  void open_session(const std::string& pseudonym, bool test_tagged) override;
  void recover_session() override;
  void record_screening(const station::ScreeningAnswers& answers) override {
    app_.record_screening(answers, said());
  }
  void record_assessment(const nlohmann::json& findings) override {
    app_.record_assessment(findings, said());
  }
  void capture_assessment_photo() override;
  void estimate_density_from_file(const std::string& path, double px_per_mm) override;
  void suggest_zones() override;
  void set_zones(const std::vector<vision::Zone>& zones) override;
  void preview_plan(const PlanForm& form) override;
  void accept_plan() override { app_.accept_plan(said()); }
  void start_treatment() override { app_.start_treatment(said()); }
  void arm() override { app_.arm(said()); }
  void disarm() override { app_.disarm(said()); }
  void fire_next() override { app_.fire_next(said()); }
  void pull_trigger() override { app_.pull_trigger(said()); }
  void set_demo_hand(bool on) override { app_.set_demo_hand(on, said()); }
  void pause() override { app_.pause(said()); }
  void resume() override { app_.resume(said()); }
  void next_step() override { app_.next_step(said()); }
  void finish_treatment() override { app_.finish_treatment("", said()); }
  void acknowledge_alarm(std::uint32_t id) override { app_.acknowledge_alarm(id, said()); }
  void estop(const std::string& source) override { app_.estop(source); }
  void sign_and_close(const std::string& password) override;
  void abort_session(const std::string& reason) override { app_.abort_session(reason, said()); }
  void attest(std::uint32_t command_id, bool delivered, const std::string& reason) override {
    app_.attest(command_id, delivered, reason, said());
  }
  void dismiss_session() override;
  void open_tool(Tool tool) override;
  void list_sessions(const AuditFilter& filter) override;
  void show_session(std::int64_t id) override;
  void verify_session(std::int64_t id) override;
  void export_session(std::int64_t id, ExportFormat format, const std::string& path) override;
  void inject_fault(const QaFault& fault) override;
  void choose_simulated_device(hal::DeviceKind kind) override;
  void list_staff() override;
  void add_staff(const station::NewStaff& staff) override;
  void disable_staff(const std::string& name, const std::string& reason) override;
  void reset_password(const std::string& name, const std::string& password,
                      const std::string& reason) override;
  void set_role(const std::string& name, station::Role role, const std::string& reason) override;
  void import_formulary(const std::string& path, const std::string& reason) override;
  void add_lot(const std::string& product, const station::NewLot& lot, const std::string& reason) override;
  void retire_lot(const std::string& product, const std::string& lot, const std::string& reason) override;

 private:
  // A reply that lands in the view: `shown(view, value)` on success; a refusal's sentence goes to
  // `refused(view)` (the notice unless said otherwise), except the station's own, which its snapshot shows.
  template <class T, class Shown>
  station::Reply<T> to_view(Shown shown,
                            std::string& (*refused)(ConsoleView&, station::Refused) = default_refused);
  static std::string& default_refused(ConsoleView& v, station::Refused) { return v.notice; }
  station::Reply<station::Done> said();          // a station command: only a refusal changes the view
  station::Reply<station::Done> administered();  // an admin act: its answer, then the staff and log again
  void notify(ViewQueue::Update update);
  void busy(const std::string& what);

  ConsoleOptions options_;
  std::function<void()> wake_;
  ViewQueue queue_;
  std::mutex snapshot_mutex_;  // guards latest_
  std::optional<station::StationSnapshot> latest_;
  // Render thread only.
  station::StationSnapshot last_;
  std::int64_t last_session_id_ = 0;
  station::SessionState last_state_ = station::SessionState::check_in;
  // Declared last, destroyed first: its threads reply into the queue above until they are joined.
  station::StationApp app_;
};

}  // namespace meso::gui
