// What a panel draws from: an immutable picture of the station (its latest snapshot), of the camera (the
// texture of the latest frame and its registration) and of the console itself (who is logged in, the zones
// and plan preview, the trends). The render thread refreshes it between frames; panels only read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meso/gui/actions.hpp"
#include "meso/station/app_config.hpp"
#include "meso/station/course_schedule.hpp"
#include "meso/station/formulation.hpp"
#include "meso/station/staff.hpp"
#include "meso/station/station_snapshot.hpp"
#include "meso/vision/grid_planner.hpp"
#include "meso/vision/zones.hpp"

namespace meso::gui {

enum class Screen {
  login,
  patients,
  screening,
  assessment,
  planning,
  treatment,
  post_care,
  closed,
  audit,
  qa,
  admin,
  change_password,  // a new account's or a reset one's first login: nothing else until it is done
};
const char* to_string(Screen screen);

struct LoggedIn {
  std::int64_t id = 0;
  std::string name;
  station::Role role = station::Role::clinician;
  bool must_change_password = false;
};

// A session the journal still holds open, recovered before anything else opens (the layer's value).
using LeftOpenSession = station::LeftOpenSession;

// The latest camera frame as the GPU holds it, with what the vision pipeline made of it.
struct CameraView {
  std::uintptr_t texture = 0;  // 0: no frame yet
  int width = 0;
  int height = 0;
  std::uint64_t frame = 0;
  bool registered = false;
  std::string why_not;                                            // when not registered
  std::array<double, 9> H_px_from_mm{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major
  std::optional<vision::PointMm> tip_mm;
  std::string source;  // what the frames come from, for the status line
};

using PlanPreview = station::PlanPreview;

using PatientLookup = station::PatientLookup;

// Samples of the mesogun's line pressure and reservoir, one per device status, oldest first.
struct Trends {
  std::vector<float> pressure_mbar;
  std::vector<float> reservoir_ul;
};

// A journal session and event as the audit shows them (what `mesoaudit list` and `show` print).
using AuditSession = station::AuditSession;
using AuditEvent = station::AuditEvent;

// What the audit screen shows: the journal's answers, as the worker read them.
struct AuditView {
  bool listed = false;  // the sessions below answer the last list request
  std::vector<AuditSession> sessions;
  std::optional<AuditSession> shown;  // the session whose timeline is below
  std::vector<AuditEvent> timeline;
  bool verified = false;
  bool intact = false;
  std::string integrity;  // journal::describe of the shown session's verification
  bool export_ok = false;
  std::string export_result;  // "wrote ..." or why not
  std::string error;          // the last query's failure
};

// The assessment's photos: this session's and the latest earlier one of the patient, both in the headband's
// plane frame at the same scale (they line up), and the close-up's density estimate.
struct AssessmentView {
  std::uint64_t version = 0;  // bumped with each capture: the render thread uploads the images again
  std::string message;        // what the last capture did, or why it failed
  std::string photo_file;     // saved; cited in the findings with its hash
  std::string photo_sha256;
  cv::Mat now_rgba;  // render thread uploads these, then the textures below show them
  cv::Mat before_rgba;
  std::string before_label;  // "session 12", or empty when the patient has no earlier photo
  std::uintptr_t now_texture = 0;
  std::uintptr_t before_texture = 0;
  double density_per_cm2 = 0;  // 0: not measured
  std::string density_method;
  // The close-up file the density was counted from (empty: the demo's simulated close-up), its hash, its
  // scale.
  std::string density_file;
  std::string density_sha256;
  double density_px_per_mm = 0;
  std::string closeup_message;  // what the last close-up file gave, or why it gave nothing
  bool closeup_ok = false;      // that file was measured
};

// What the Admin screen shows: the staff and the station log as last read, and what the last act did.
struct AdminView {
  std::vector<station::StaffAccount> staff;
  std::vector<station::StationLogEntry> log;  // newest last
  std::vector<station::FormularyEntry> formulary;
  std::string message;  // the last act's result
  std::string error;    // or why it was refused
};

// What the QA screen shows beside the snapshot's link counters: the last fault injected.
struct QaView {
  std::string last;
};

struct ConsoleView {
  bool demo = false;
  // The About box: the journal and the fingerprint of the key that signs its seals, which an auditor
  // compares with the one `mesostation key export` prints and the exports show.
  std::string journal_path;
  std::string key_fingerprint;
  std::string demo_login_hint;
  station::FormDefaults defaults;  // what the forms start with (the profile's: the demo pre-fills them)  //
                                   // "user demo, password demo" in demo mode
  std::optional<LoggedIn> user;
  bool locked = false;
  bool busy = false;  // a journal query is running (a password check takes a while on purpose)
  std::string busy_what;
  std::string login_error;
  std::string unlock_error;
  std::string sign_error;
  std::string notice;  // the console's own last message (e.g. a journal error), beside the station's

  station::StationSnapshot snap;
  bool session_dismissed = false;  // the closed session was put away: back to the patients screen
  std::optional<PatientLookup> lookup;
  std::optional<LeftOpenSession> left_open;

  station::Catalog catalog;
  station::ClinicalLimits limits;
  std::vector<vision::Zone> zones;
  std::string zones_message;
  PlanPreview preview;
  CameraView camera;
  Trends trends;
  std::vector<station::Appointment> appointments;
  std::vector<std::string> instructions;

  AssessmentView assessment;
  AuditView audit;
  QaView qa;
  AdminView admin;
  std::string password_error;  // the change-password screen's refusal

  bool demo_hand = false;  // demo: the simulated hand pulls the trigger at each planned point
  Tool tool = Tool::none;  // the screen beside the session the user opened (the auditor's is always audit)
  double idle_s = 0;       // since the last input
  double lock_after_s = 300;
};

Screen screen_for(const ConsoleView& view);
// The session is open and not final: E-STOP stays on screen.
bool in_session(const ConsoleView& view);

}  // namespace meso::gui
