// The application layer's vocabulary (meso/station/app.hpp): what every use case answers, a value or a
// refusal that says what to do, and the values a client shows. Plain values, no journal, device or simulator
// type: a client (the console, the headless runner, a CLI) draws or prints them and decides nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "meso/journal/staff.hpp"
#include "meso/station/course_schedule.hpp"
#include "meso/station/staff.hpp"
#include "meso/station/treatment_plan.hpp"
#include "meso/vision/grid_planner.hpp"
#include "meso/vision/zones.hpp"

namespace meso::station {

// Why a use case was refused. A client may act on the kind (the console keeps its lock screen up on
// `locked`); the sentence is for the person.
enum class Refused : std::uint8_t {
  locked,         // the console is locked: unlock it first (E-STOP, disarm and pause still work)
  not_logged_in,  // nobody is logged in
  role,           // this role may not do it
  state,          // not now: the session or the station is not where this can happen
  journaled,      // the station refused it and journaled why; its snapshot says so too
  input,          // what was given is wrong: a password, a file, a form
  failed,         // the journal, a file or a device failed; the sentence says which
};
const char* to_string(Refused why);

struct Refusal {
  Refused why = Refused::failed;
  std::string message;  // what was wrong and what to do
};

// A use case's answer: its value, or the refusal.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor): return a value
  Result(Refusal refusal) : value_(std::move(refusal)) {}  // NOLINT(google-explicit-constructor): or refuse
  bool ok() const { return std::holds_alternative<T>(value_); }
  const T& value() const { return std::get<T>(value_); }
  T& value() { return std::get<T>(value_); }
  const Refusal& refusal() const { return std::get<Refusal>(value_); }
  // The sentence to show either way: the refusal's, or what the caller makes of the value.
  std::string message() const { return ok() ? std::string() : refusal().message; }

 private:
  std::variant<T, Refusal> value_;
};

// A command the station took, with what it said (its snapshot's last message).
struct Done {
  std::string message;
};

// A use case's completion: called once, on the station thread or the journal worker, never on the caller's
// thread while the call is still running. A client hands what it needs to its own thread.
template <class T>
using Reply = std::function<void(Result<T>)>;

// Calls a use case and blocks the calling thread until its reply: for scripts and tests (the headless
// runner waits as a person waits for the screen), never on the render or the station thread.
template <class T, class Call>
Result<T> wait_for_reply(Call call) {
  std::promise<Result<T>> answered;
  auto answer = answered.get_future();
  call([&answered](Result<T> r) { answered.set_value(std::move(r)); });
  return answer.get();
}

// Staff.
struct StaffMember {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::clinician;
  bool must_change_password = false;  // after a reset or a new account: nothing else until it is changed
};
// An account as the Admin screen lists it.
using StaffAccount = journal::StaffAccount;
struct NewStaff {
  std::string name;
  Role role = Role::clinician;
  std::string password;  // the first one: its owner chooses their own at the first login
  std::string reason;
};
// One entry of the station log (staff and formulary acts, logins), for the Admin and audit screens.
struct StationLogEntry {
  std::int64_t seq = 0;
  std::string utc;
  std::string who;
  std::string kind;
  std::string why;
  std::string payload;
};
// Commissioning a journal: its kind, its key and its first administrator (StationApp::commission).
struct Commission {
  std::filesystem::path db;
  std::filesystem::path key;         // empty: DB.key
  std::filesystem::path public_key;  // where the auditors' copy goes; empty: DB.pub
  Tag kind = Tag::real;
  std::string admin;
  std::string password;
};
struct Commissioned {
  std::filesystem::path key;
  std::filesystem::path public_key;
  std::string fingerprint;
};

// Formulary and stock (docs/formulary.md), as the Formulary screen lists them: volumes in ml.
struct FormularyLotView {
  std::string lot;
  std::string expiry;      // YYYY-MM-DD, usable through that day
  std::int64_t vials = 0;  // received
  double received_ml = 0;  // vials x the product's vial volume
  double used_ml = 0;      // by the sessions ("lot.used" events)
  double remaining_ml = 0;
  bool retired = false;
  std::string retired_reason;
  bool expired = false;  // on the station's today
  // "usable", "expired", "retired" or "used up": why a plan naming it would be refused.
  std::string status;
  std::string added_utc;
};
struct FormularyEntry {
  std::string name;
  std::vector<std::string> ingredients;  // the allergy check's
  std::string concentration;             // as the label states it, with its units
  double vial_ml = 0;
  std::vector<FormularyLotView> lots;  // by expiry
  std::string added_utc;
};
struct NewProduct {
  std::string name;
  std::vector<std::string> ingredients;
  std::string concentration;
  double vial_ml = 0;
};
struct NewLot {
  std::string lot;
  std::string expiry;  // YYYY-MM-DD
  std::int64_t vials = 0;
};

// Patients and sessions.
struct PatientLookup {
  std::string pseudonym;
  bool known = false;
  int sessions = 0;  // earlier sessions in the journal
};

// A session the journal still holds open: the station stopped during it. It is recovered, never left
// behind: nothing else opens until it has been recovered and ended properly.
struct LeftOpenSession {
  std::int64_t id = 0;
  std::string patient;
  std::string opened_utc;
  std::string opened_by;
};

struct OpenedSession {
  std::int64_t id = 0;
  std::uint32_t course_session = 1;  // its place in the patient's course
};

// The assessment photo of this session and the patient's previous one, both in the headband's plane frame
// at the same scale, and the density measured from a close-up when the station has one.
struct AssessmentCapture {
  std::string message;  // what the capture did, or why it failed
  std::string photo_file;
  std::string photo_sha256;
  cv::Mat now_bgr;
  cv::Mat before_bgr;
  std::string before_label;    // "session-12", or empty when the patient has no earlier photo
  double density_per_cm2 = 0;  // 0: not measured
  std::string density_method;
};

// Hair density from a close-up image file (a dermatoscope's phototrichogram of clipped hair).
struct CloseupDensity {
  bool ok = false;
  std::string message;  // what was measured, or why nothing was
  double hairs_per_cm2 = 0;
  std::string method;  // the estimate's own statement of what it counted and how
  std::string sha256;  // of the file's bytes, hex: the findings cite it, so an auditor can check the file
};

// Planning: what the clinician chose on the planning screen (or a profile's defaults).
struct PlanChoice {
  int technique = 0;  // 0 point by point, 1 nappage, 2 microneedling with the pen
  float spacing_mm = 12;
  int depth_um = 2000;
  int dose_nl = 20000;  // mesotherapy only: the pen injects nothing
  int speed_sps = 100;  // pen
  int passes = 1;       // pen: passes over each zone
  float margin_mm = 2;
  int product = 0;  // index in the catalog
  int lot = 0;      // index in the product's lots
};

struct ZoneSuggestion {
  std::vector<vision::Zone> zones;
  std::string message;  // what was found, or why nothing was
};

struct PlanPreview {
  bool ready = false;
  std::string error;  // why no plan could be made (the planner's or the limits' sentence)
  TreatmentPlan plan;
  std::vector<vision::ZoneTotals> zones;
  std::size_t points = 0;
  std::uint64_t volume_nl = 0;
  std::uint64_t cap_nl = 0;
  // Microneedling: the planner's serpentine path over each zone, for the image (the station's pen step has
  // no points: it runs the pen, it does not target).
  std::vector<vision::PenPass> passes;
  double path_mm = 0;  // one pass over every zone
};

// Post-care: the next appointments in the course and the instructions the patient takes home.
struct PostCarePlan {
  std::vector<Appointment> appointments;
  std::vector<std::string> instructions;
  std::string note;  // why no appointments were proposed, when none were
};

// Audit: the journal's sessions and events as `mesoaudit list` and `show` print them.
struct AuditFilter {
  std::string patient;     // pseudonym; empty: any
  std::optional<Tag> tag;  // empty: any
  std::string from;        // opened at or after this ISO-8601 prefix; empty: any
  std::string to;          // opened at or before (a date includes that whole day); empty: any
};
struct AuditSession {
  std::int64_t id = 0;
  std::string patient;
  std::string opened_by;
  std::string tag;
  std::string state;
  std::string opened_utc;
  std::string closed_utc;  // "-" while open
  std::int64_t events = 0;
};
struct AuditEvent {
  std::int64_t seq = 0;
  std::string utc;
  std::string who;
  std::string role;
  std::string kind;
  std::optional<std::int64_t> corrects;
  std::string why;  // the payload's reason
  std::string payload;
};
struct Integrity {
  bool intact = false;
  std::string text;  // the verification's own description
};
struct SessionReading {
  AuditSession session;
  std::vector<AuditEvent> timeline;
  Integrity integrity;
};
enum class ExportFormat : std::uint8_t { json, csv, html };  // the journal's export formats, in its order
struct Exported {
  std::int64_t session = 0;
  std::string path;
  std::size_t bytes = 0;
};

// QA: something done to the simulated device or its line (sim/README.md's scenario actions). The reservoir,
// occlusion and trigger are the mesogun's; the pen alarms are the pen's; the rest fit both.
struct QaFault {
  enum class Kind : std::uint8_t {
    line,  // the rates and delay below, from now on (all zero: a clean line again)
    unplug,
    replug,
    occlusion,
    clear_occlusion,
    low_reservoir,
    refill,
    stuck_trigger,
    release_trigger,
    reboot,
    pen_alarm,  // pen_alarm_code below, raised
    clear_pen_alarm,
  };
  Kind kind = Kind::line;
  float bitflip = 0;  // per byte
  float drop = 0;     // per byte
  float garbage = 0;  // per frame
  float dup = 0;      // per frame
  int delay_ms = 0;
  int direction = 0;       // the fault's direction: 0 device's output, 1 its input, 2 both
  int pen_alarm_code = 0;  // the pen protocol's alarm code
};

}  // namespace meso::station
