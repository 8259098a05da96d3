// StationApp's state. Station thread unless marked: the io_context's one thread owns it, as the Station's.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "device_set.hpp"
#include "meso/hal/asio.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/writer.hpp"
#include "meso/station/app.hpp"
#include "meso/station/sqlite_journal_port.hpp"
#include "meso/station/station.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::station {

// A thread that owns its jobs' resources (the journal reader): callers post, the destructor drains and joins.
class JournalWorker {
 public:
  JournalWorker() : guard_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  JournalWorker(const JournalWorker&) = delete;
  JournalWorker& operator=(const JournalWorker&) = delete;
  JournalWorker(JournalWorker&&) = delete;
  JournalWorker& operator=(JournalWorker&&) = delete;
  ~JournalWorker() {
    guard_.reset();
    thread_.join();
  }
  template <class F>
  void post(F fn) {
    asio::post(io_, std::move(fn));
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// At start: the journal's formulary as the station's catalog. A test or demo journal is first given what of
// the profile's catalog (the demo's, a scenario's) it lacks, by its administrator; a real station's
// formulary is its admin's alone (app_formulary.cpp).
Catalog formulary_at_start(journal::JournalWriter& writer, const AppConfig& config, Tag journal_kind);

template <class T>
void answer(const Reply<T>& reply, Result<T> result) {
  if (reply) reply(std::move(result));
}

inline Refusal refusal(Refused why, std::string message) {
  return {why, std::move(message)};
}

struct StationApp::Impl {
  explicit Impl(AppConfig c);

  // Posts onto the station thread.
  template <class F>
  void post(F fn) {
    asio::post(io, std::move(fn));
  }
  // Gates (station thread): empty when the act may go ahead.
  std::optional<Refusal> unlocked() const;
  std::optional<Refusal> may_command() const;
  // What treatment safety needs (disarm, pause): taken while locked, from anyone who may command.
  std::optional<Refusal> may_keep_safe() const;
  std::optional<Refusal> may_audit() const;
  std::optional<Refusal> may_qa() const;
  std::optional<Refusal> may_administer() const;
  std::optional<Refusal> password_current() const;  // refused until a reset password is changed
  bool in_session() const;
  // The station's answer to a command, as a use case's.
  Result<Done> done(const Outcome& outcome) const;
  // A station command behind the command gate, or the safety gate (taken while locked).
  enum class Gate : std::uint8_t { command, safety };
  template <class F>
  void command(Reply<Done> reply, F fn, Gate gate = Gate::command) {
    post([this, reply = std::move(reply), fn = std::move(fn), gate] {
      if (auto refused = gate == Gate::safety ? may_keep_safe() : may_command())
        return answer(reply, Result<Done>(*refused));
      if constexpr (std::is_same_v<decltype(fn()), Outcome>)
        answer(reply, done(fn()));
      else
        answer(reply, fn());
    });
  }
  journal::JournalReader& reader();  // worker thread only
  // Worker thread: `password` is `name`'s; a journal that cannot answer counts as no.
  bool password_ok(const std::string& name, const std::string& password);
  std::uint32_t course_session_of(const std::string& pseudonym);  // worker: its place in the course
  cv::Mat planning_photo();                                       // worker: the scalp without the handpiece
  void migrate_photos_once(const std::filesystem::path& dir);     // worker
  void start_demo_hand();                                         // station thread
  void on_frame(const vision::FrameResult& result, std::chrono::steady_clock::time_point at,
                vision::FrameSource& source);  // camera thread
  void apply_fault(const QaFault& fault, const Reply<Done>& reply) const;
  void switch_simulated_device(hal::DeviceKind kind, const Reply<Done>& reply);
  void shut_down();
  // Worker: the journal's formulary read again and handed to the station (after a change to it).
  void reload_catalog();
  // Worker: an admin's act on the formulary (`act` returns the journal's result), then the catalog again.
  void formulary_act(Reply<Done> reply, std::function<journal::Result<journal::Seq>(journal::UserId)> act,
                     std::function<std::string()> said);

  AppConfig config;
  vision::HeadbandLayout layout;
  std::optional<LeftOpenSession> left_open_at_start;  // const after construction

  // Declared before what posts onto it: destroyed last.
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  journal::JournalWriter writer;
  SqliteJournalPort port;
  std::optional<journal::SessionInfo> left_open;
  std::optional<std::uint32_t> accounted_counter;
  std::vector<std::uint32_t> unsettled_fires;
  std::unique_ptr<DeviceSet> devices;
  // With both handpieces simulated, the station has one of them at a time: QA's choice.
  std::optional<hal::DeviceKind> sim_choice;
  std::vector<hal::Device*> held_devices;  // not connected until the session left open is recovered
  std::unique_ptr<Station> station;
  std::thread station_thread;
  std::function<void(const StationSnapshot&)> snapshot_observer;
  std::function<void()> frame_wake;

  std::unique_ptr<JournalWorker> worker;
  std::unique_ptr<journal::JournalReader> reader_;  // worker thread only
  std::unique_ptr<CameraFeed> camera;
  std::string camera_warning;  // camera thread (the constructor before): the calibration's, as last told
  std::atomic<bool> demo_hand{false};
  bool photos_migrated = false;            // worker thread only
  std::atomic<int> hand_fires_to_skip{0};  // the hand's lead-in stop is not a planned point

  std::optional<StaffMember> user;
  std::vector<vision::Zone> zones;
  std::optional<PlanPreview> preview;
  std::uint32_t course_session = 1;
  bool locked = false;
  Tag journal_kind = Tag::real;  // const after construction
};

}  // namespace meso::station
