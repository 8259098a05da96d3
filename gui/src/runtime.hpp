// The console's runtime: the station thread (one io_context running the Station, the device driver, the
// in-process simulators in demo mode and the journal's answers), the camera thread, and a worker for the
// journal queries that block (password checks, patients, new sessions). It implements Actions for the
// panels: every call posts work and returns. What comes back reaches the render thread through two
// one-way channels drained once per frame: the latest station snapshot, and a queue of view updates.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "camera_worker.hpp"
#include "meso/gui/actions.hpp"
#include "meso/gui/console.hpp"
#include "meso/gui/console_view.hpp"
#include "meso/hal/asio.hpp"
#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/pen_driver.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/writer.hpp"
#include "meso/sim/scenario.hpp"
#include "meso/sim/synthetic_camera.hpp"
#include "meso/station/sqlite_journal_port.hpp"
#include "meso/station/station.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::sim {
class SimulatedMesogun;
class SimulatedPen;
}  // namespace meso::sim

namespace meso::gui {

// Updates for the render thread's view, queued from any thread, run there once per frame (swap the queue
// out under the lock, run it unlocked).
class ViewQueue {
 public:
  using Update = std::function<void(ConsoleView&)>;
  void push(Update update);
  bool drain(ConsoleView& view);

 private:
  std::mutex mutex_;
  std::vector<Update> updates_;
};

// A thread that owns its jobs' resources (the journal reader): callers post, the destructor drains and joins.
class Worker {
 public:
  Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  Worker(Worker&&) = delete;
  Worker& operator=(Worker&&) = delete;
  ~Worker();
  template <class F>
  void post(F fn) {
    asio::post(io_, std::move(fn));
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

class ConsoleRuntime final : public Actions {
 public:
  ConsoleRuntime(const ConsoleOptions& options, std::function<void()> wake);
  ConsoleRuntime(const ConsoleRuntime&) = delete;
  ConsoleRuntime& operator=(const ConsoleRuntime&) = delete;
  ConsoleRuntime(ConsoleRuntime&&) = delete;
  ConsoleRuntime& operator=(ConsoleRuntime&&) = delete;
  ~ConsoleRuntime() override;

  void start();
  // The view as it starts (demo hints, catalog, limits).
  void init_view(ConsoleView& view) const;
  // Render thread, once per frame: the latest snapshot and the queued updates. True when anything changed.
  bool refresh(ConsoleView& view);
  std::optional<CameraFrame> take_frame(std::uint64_t after);
  void set_camera_wanted(bool wanted);

  // Actions (render thread).
  void login(const std::string& user, const std::string& password) override;
  void logout() override;
  void lock() override;
  void unlock(const std::string& password) override;
  void find_patient(const std::string& pseudonym) override;
  void open_session(const std::string& pseudonym) override;
  void recover_session() override;
  void record_screening(const station::ScreeningAnswers& answers) override;
  void record_assessment(const nlohmann::json& findings) override;
  void capture_assessment_photo() override;
  void estimate_density_from_file(const std::string& path, double px_per_mm) override;
  void suggest_zones() override;
  void set_zones(const std::vector<vision::Zone>& zones) override;
  void preview_plan(const PlanForm& form) override;
  void accept_plan() override;
  void start_treatment() override;
  void arm() override;
  void disarm() override;
  void fire_next() override;
  void pull_trigger() override;
  void set_demo_hand(bool on) override;
  void pause() override;
  void resume() override;
  void next_step() override;
  void finish_treatment() override;
  void acknowledge_alarm(std::uint32_t id) override;
  void estop(const std::string& source) override;
  void sign_and_close(const std::string& password) override;
  void abort_session(const std::string& reason) override;
  void attest(std::uint32_t command_id, bool delivered, const std::string& reason) override;
  void dismiss_session() override;
  void open_tool(Tool tool) override;
  void list_sessions(const AuditFilter& filter) override;
  void show_session(std::int64_t id) override;
  void verify_session(std::int64_t id) override;
  void export_session(std::int64_t id, ExportFormat format, const std::string& path) override;
  void inject_fault(const QaFault& fault) override;
  void choose_simulated_device(hal::DeviceKind kind) override;

 private:
  // Runs on the station thread; the result's message shows in the snapshot.
  template <class F>
  void on_station(F fn) {
    asio::post(io_, std::move(fn));
  }
  // An operator's command for the station (render thread): refused, said in the view, unless someone is
  // logged in with a role that may change things. The auditor's console stops here whatever a panel does.
  template <class F>
  void command(F fn) {
    if (may_command()) on_station(std::move(fn));
  }
  bool may_command();
  // Refused, and said in the view, while the console is locked (render thread).
  bool unlocked();
  // Disarm and pause: what treatment safety needs stays allowed while the console is locked.
  template <class F>
  void safety_command(F fn) {
    if (user_ && station::may_command_station(user_->role)) on_station(std::move(fn));
  }
  bool may_read_audit();                   // the same, for the audit's queries: auditor or admin
  void apply_fault(const QaFault& fault);  // station thread
  // Station thread: `action` into the simulator the station is connected to; false (and said in the view)
  // when it does not fit that device (an occlusion for the pen, a pen alarm for the mesogun).
  bool apply_to_sim(const sim::ScenarioAction& action, bool for_pen, const std::string& what);
  void switch_simulated_device(hal::DeviceKind kind);  // station thread
  void busy(const std::string& what);
  void notify(ViewQueue::Update update);
  journal::JournalReader& reader();                               // worker thread only
  void migrate_photos_once(const std::filesystem::path& dir);     // worker thread only
  std::uint32_t course_session_of(const std::string& pseudonym);  // worker thread: its place in the course
  void find_left_open();  // constructor: the journal's open session, before the driver is built
  hal::MesogunDriverOptions driver_options() const;
  void setup_demo();
  void setup_real();
  cv::Mat planning_photo();  // worker thread: an image of the scalp without the handpiece
  // Worker thread, demo only: a simulated phototrichogram close-up and its counted density. A real station
  // has no close-up camera: it says to load a close-up file (estimate_density_from_file) or type the count.
  void measure_demo_density(AssessmentView& a);
  void setup_camera();
  void demo_hand_path();  // demo: the synthetic hand visits the points still to do
  void on_frame(const vision::FrameResult& result, std::chrono::steady_clock::time_point at,
                vision::FrameSource& source);

  ConsoleOptions options_;
  std::function<void()> wake_;
  station::StationConfig config_;
  vision::HeadbandLayout layout_;

  // Declared first so that it is destroyed last: the journal writer's last answers are posted onto it.
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  journal::JournalWriter writer_;
  station::SqliteJournalPort port_;
  std::unique_ptr<sim::SimulatedMesogun> sim_;  // demo only; station thread
  bool sim_unplugged_ = false;  // QA pulled the simulated cable: the driver's reconnects fail; station thread
  std::unique_ptr<hal::MesogunDriver> gun_;
  // Demo only: the simulated pen and its driver, built with the mesogun's and kept for the runtime's life
  // (a driver with I/O under way is not destroyed mid-run); the station is given the one QA chose.
  std::unique_ptr<sim::SimulatedPen> sim_pen_;
  std::unique_ptr<hal::PenDriver> pen_;
  hal::DeviceKind sim_device_ = hal::DeviceKind::mesogun;  // the one the station has; station thread
  std::unique_ptr<station::Station> station_;
  std::thread station_thread_;

  std::mutex snapshot_mutex_;  // guards latest_
  std::optional<station::StationSnapshot> latest_;
  ViewQueue queue_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<journal::JournalReader> reader_;  // worker thread only
  bool photos_migrated_ = false;                    // worker thread only
  std::unique_ptr<CameraWorker> camera_;
  std::optional<sim::SyntheticCameraOptions> demo_camera_;  // demo: the scene the camera renders
  std::atomic<bool> demo_hand_{false};
  std::atomic<int> hand_fires_to_skip_{0};  // the hand's lead-in stop is not a planned point

  // From the journal at start-up (find_left_open); left_open_ is the render thread's afterwards.
  std::optional<journal::SessionInfo> left_open_;
  std::optional<std::uint32_t> accounted_counter_;
  std::vector<std::uint32_t> unsettled_fires_;

  // Render thread only.
  std::optional<LoggedIn> user_;
  // While locked, every action but unlock, E-STOP, disarm and pause is refused here, whatever the screen
  // draws or a key sends.
  bool locked_ = false;
  std::optional<PlanPreview> preview_;
  std::vector<vision::Zone> zones_;
  station::StationSnapshot last_;
  std::uint32_t course_session_ = 1;
  std::int64_t last_session_id_ = 0;
  station::SessionState last_state_ = station::SessionState::check_in;
};

}  // namespace meso::gui
