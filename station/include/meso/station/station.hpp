// The station: one io_context thread owns the session, the devices and the safety logic. Other threads talk
// to it only by posting calls onto that io_context (post()) and by receiving immutable snapshots.
//
// Safety, in the order it is applied:
//  - the plan is validated against the clinical limits before it can be accepted (first layer);
//  - arm and every host-commanded fire are checked again here (second layer), and the driver is given an
//    envelope of exactly the step's depth and dose, which it checks just before the bytes go out (last);
//  - a fire's intent is durable in the journal before its first byte is sent; a fire whose outcome is
//    unknown locks dosing until the driver's reconciliation settles it or a clinician attests;
//  - E-STOP works from any state: it disarms first and journals second;
//  - every refusal, clamp and interlock is journaled with its reason; nothing resumes by itself.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "meso/hal/asio.hpp"
#include "meso/hal/device.hpp"
#include "meso/station/alarm_board.hpp"
#include "meso/station/course_schedule.hpp"
#include "meso/station/formulation.hpp"
#include "meso/station/journal_port.hpp"
#include "meso/station/station_snapshot.hpp"
#include "meso/vision/coverage.hpp"

namespace meso::station {

struct StationConfig {
  ClinicalLimits limits = default_limits();
  // The SHA-256 (hex) of the limits file the limits came from, journaled with each session; empty: the
  // defaults in code.
  std::string limits_sha256;
  // The serial numbers of the devices paired with this station (the configuration's devices.paired). When
  // any are named, a real-tagged session arms only a device whose identity gives one of them.
  std::vector<std::string> paired_devices;
  Catalog catalog;
  CourseRules course;
  std::function<Date()> today = today_utc;
};

struct SessionStart {
  std::int64_t session_id = 0;  // the journal's id for the session
  std::string patient;          // pseudonymous id
  Tag tag = Tag::real;
  std::string user;
  std::int64_t user_id = 0;  // the journal's id of the user
  Role role = Role::clinician;
  std::uint32_t course_session = 1;  // this session's number in the patient's course
};

// The answer to a command: accepted, or refused with a sentence saying what was wrong and what to do.
struct Outcome {
  bool ok = true;
  std::string message;
  static Outcome accepted(std::string m = {}) { return {true, std::move(m)}; }
  static Outcome refused(std::string m) { return {false, std::move(m)}; }
};

class Station {
 public:
  using Observer = std::function<void(const StationSnapshot&)>;

  Station(asio::io_context& io, JournalPort& journal, StationConfig config);
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;
  Station(Station&&) = delete;
  Station& operator=(Station&&) = delete;
  ~Station();

  // Runs `fn` on the station thread: the one way in from another thread.
  template <class F>
  void post(F fn) {
    asio::post(io_, std::move(fn));
  }

  // The station drives the device and takes its events (on this thread); the caller keeps it alive for the
  // station's lifetime.
  void add_device(hal::Device& device);
  // Disarms the device and lets it go (before it is destroyed, or to swap it).
  void remove_device(hal::DeviceKind kind);
  hal::Device* device(hal::DeviceKind kind);
  void set_observer(Observer observer);
  const StationSnapshot& snapshot() const { return snap_; }
  // The formulary as the journal holds it now (after an admin changed it): plans and arming check their lot
  // against it. The station deducts its own sessions' use itself (lot.used, below).
  void set_catalog(Catalog catalog) { config_.catalog = std::move(catalog); }
  const Catalog& catalog() const { return config_.catalog; }

  // The workflow (DOMAIN.md §2). Each step is journaled with user, time and reason, or refused.
  Outcome open_session(const SessionStart& start);
  Outcome begin_screening();
  Outcome record_screening(const ScreeningAnswers& answers);
  Outcome record_assessment(const nlohmann::json& findings);
  Outcome set_plan(const TreatmentPlan& plan);
  Outcome accept_plan();
  Outcome start_treatment();
  Outcome arm();
  Outcome disarm(const std::string& reason);
  Outcome fire_next();
  Outcome next_step();
  Outcome pause(const std::string& reason);
  Outcome resume();
  Outcome finish_treatment(const std::string& reason);
  Outcome close_session(bool signature_verified);
  Outcome abort(const std::string& reason);
  void estop(const std::string& source);
  // One camera frame's result, posted by the camera thread: `time` is when the frame was captured, on the
  // steady clock the station stamps shots with. Guidance never gates dosing; it shows where shots land.
  void camera_frame(hal::TimePoint time, bool registered, std::string why_not,
                    std::optional<vision::PointMm> tip);
  // The camera's calibration problem (vision::calibration_problem), or empty when there is none: shown with
  // guidance and journaled once per session as camera.uncalibrated.
  void camera_calibration(std::string warning);
  Outcome acknowledge_alarm(std::uint32_t alarm_id);
  Outcome attest(std::uint32_t command_id, hal::FireOutcome outcome, const std::string& reason);

  // After a crash: the events of the open session as journaled, oldest first. The station rebuilds its
  // state from them; any fire whose intent has no outcome is uncertain and locks dosing.
  Outcome recover(const SessionStart& start, const std::vector<JournalDraft>& events);
  // The first command id the station may use (from the journal: one above any it ever used).
  void set_next_command_id(std::uint32_t id) { next_command_id_ = id; }

 private:
  struct PendingFire {
    std::size_t step = 0;
    std::size_t point = 0;
    std::uint32_t dose_nl = 0;
    bool sent = false;       // its bytes went out (after the intent was durable)
    bool uncertain = false;  // the link went down before its outcome came back
  };

  void journal(const std::string& kind, nlohmann::json payload, JournalPort::Durable then = {});
  void seal(const std::string& reason);
  // Before the seal of a session that delivered a dose: "lot.used" (its product, lot and volume) in its
  // chain, which the journal deducts from the lot's stock; the station's catalog follows at once.
  void journal_lot_used();
  Outcome refuse(const std::string& command, const std::string& why);
  Outcome transition(SessionState to, const std::string& reason);
  std::string arm_blockers() const;
  std::string fire_blockers() const;
  const PlanStep* current_step() const;
  hal::Device* step_device();
  std::uint64_t committed_nl() const;
  void send_fire(std::uint32_t command_id);
  void on_device_event(hal::DeviceKind kind, const hal::DeviceEvent& event);
  void on_shot(const hal::device_event::Shot& shot);
  void on_fire_resolved(const hal::device_event::FireResolved& resolved);
  void on_device_state(hal::DeviceKind kind, const hal::device_event::StateChanged& changed);
  void on_device_alarm(const hal::device_event::Alarm& alarm);
  void interlock(const std::string& reason);
  void mark_point_done(std::size_t step, std::size_t point);
  void advance_target();
  void raise_alarm(const std::string& code, AlarmPriority priority, AlarmCategory category,
                   const std::string& message);
  void journal_failed(const std::string& error);
  void apply_event(const JournalDraft& event);
  void publish(const std::string& message = {});
  void start_guidance();
  void journal_camera_warning();
  nlohmann::json place_shot(hal::TimePoint at);

  asio::io_context& io_;
  JournalPort& journal_;
  StationConfig config_;
  std::map<hal::DeviceKind, hal::Device*> devices_;
  AlarmBoard alarms_;
  Observer observer_;
  StationSnapshot snap_;
  SessionStart start_;
  std::optional<ScreeningAnswers> screening_;
  std::map<std::uint32_t, PendingFire> pending_;  // host fires without an outcome yet
  std::set<std::uint32_t> recorded_counters_;     // shot counters journaled this session: each once
  std::uint32_t next_command_id_ = 1;
  std::optional<hal::TimePoint> last_fire_at_;
  std::map<hal::DeviceKind, bool> was_up_;  // the device's link has been up since it last went down
  std::string journal_error_;               // set once an append failed: dosing stays locked
  bool replaying_ = false;
  bool lot_used_ = false;   // this session's "lot.used" is journaled (once per session)
  bool estopping_ = false;  // inside estop(): the devices' stops are this station's own
  vision::TipHistory tips_;
  std::optional<vision::CoverageTracker> coverage_;  // the current step's, when it has planned points
  std::optional<hal::TimePoint> camera_epoch_;       // frame times are seconds from here
  std::string camera_warning_;                       // the calibration's problem, empty when none
  bool camera_warning_journaled_ = false;            // this session's camera.uncalibrated is written
};

}  // namespace meso::station
