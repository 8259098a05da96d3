#include "runtime.hpp"

#include "snapshot_view.hpp"
#include "view_answers.hpp"

namespace meso::gui {

namespace {

station::AppConfig config_of(const ConsoleOptions& o) {
  return station::profile_for({o.demo, o.db, o.key, o.port, o.pen_port, o.camera, o.config, o.lock_minutes,
                               o.calibration, o.headband});
}

// For answers whose value changes nothing in the view: the snapshot that follows shows it.
template <class T>
void nothing(ConsoleView&, const T&) {}

}  // namespace

ConsoleRuntime::ConsoleRuntime(const ConsoleOptions& options, std::function<void()> wake)
    : options_(options), wake_(std::move(wake)), app_(config_of(options)) {
  app_.on_snapshot([this](const station::StationSnapshot& snap) {
    {
      const std::lock_guard lock(snapshot_mutex_);
      latest_ = snap;
    }
    if (wake_) wake_();
  });
  app_.on_frame(wake_);
}

void ConsoleRuntime::init_view(ConsoleView& view) const {
  show_profile(view, app_.config(), options_.demo);
  view.camera.source = app_.camera_source();
  view.left_open = app_.left_open_at_start();
  view.journal_path = app_.config().db.string();
  view.key_fingerprint = app_.key_fingerprint();
}

bool ConsoleRuntime::refresh(ConsoleView& view) {
  std::optional<station::StationSnapshot> snap;
  {
    const std::lock_guard lock(snapshot_mutex_);
    snap.swap(latest_);
  }
  bool changed = false;
  if (snap) {
    changed = shows_telemetry(screen_for(view)) || !same_but_telemetry(last_, *snap);
    add_trend_samples(*snap, view.trends);
    if (snap->session_id != last_session_id_) {
      last_session_id_ = snap->session_id;
      forget_last_session(view);
    }
    if (snap->state == station::SessionState::post_care && last_state_ != station::SessionState::post_care)
      app_.post_care_plan(to_view<station::PostCarePlan>(show_post_care));
    last_state_ = snap->state;
    last_ = *snap;
    view.snap = std::move(*snap);
  }
  changed = queue_.drain(view) || changed;
  if (view.demo_hand != app_.demo_hand()) {
    view.demo_hand = app_.demo_hand();
    changed = true;
  }
  return changed;
}

template <class T, class Shown>
station::Reply<T> ConsoleRuntime::to_view(Shown shown,
                                          std::string& (*refused)(ConsoleView&, station::Refused)) {
  return [this, shown = std::move(shown), refused](station::Result<T> result) {
    notify([result = std::move(result), shown, refused](ConsoleView& v) {
      v.busy = false;
      if (result.ok()) return shown(v, result.value());
      // The station's own refusals are journaled and in its snapshot already.
      if (result.refusal().why != station::Refused::journaled)
        refused(v, result.refusal().why) = result.refusal().message;
    });
  };
}

station::Reply<station::Done> ConsoleRuntime::said() {
  return to_view<station::Done>(nothing<station::Done>);
}

void ConsoleRuntime::notify(ViewQueue::Update update) {
  queue_.push(std::move(update));
  if (wake_) wake_();
}

void ConsoleRuntime::busy(const std::string& what) {
  notify([what](ConsoleView& v) {
    v.busy = true;
    v.busy_what = what;
  });
}

// Staff.

void ConsoleRuntime::login(const std::string& user, const std::string& password) {
  busy("checking the password");
  const auto shown = [this](ConsoleView& v, const station::StaffMember& m) {
    show_login(v, m);
    if (!station::may_command_station(m.role)) list_sessions({});  // the auditor's only screen
  };
  app_.login(user, password, to_view<station::StaffMember>(shown, login_error_of));
}

void ConsoleRuntime::logout() {
  app_.logout(to_view<station::Done>(show_logout));
}

void ConsoleRuntime::lock() {
  app_.lock(to_view<station::Done>(show_locked));
}

void ConsoleRuntime::unlock(const std::string& password) {
  busy("checking the password");
  app_.unlock(password, to_view<station::Done>(show_unlocked, unlock_error_of));
}

// Patients and the session.

void ConsoleRuntime::find_patient(const std::string& pseudonym) {
  busy("looking up the patient");
  app_.find_patient(pseudonym, to_view<PatientLookup>(show_lookup));
}

void ConsoleRuntime::open_session(const std::string& pseudonym, bool test_tagged) {
  busy("opening the session");
  app_.open_session(pseudonym, to_view<station::OpenedSession>(show_opened),
                    test_tagged ? std::optional<station::Tag>(station::Tag::test) : std::nullopt);
}

void ConsoleRuntime::recover_session() {
  busy("recovering the session left open");
  app_.recover_session(to_view<station::OpenedSession>(show_recovered));
}

void ConsoleRuntime::capture_assessment_photo() {
  busy("taking the assessment photo");
  app_.capture_assessment_photo(to_view<station::AssessmentCapture>(show_capture));
}

void ConsoleRuntime::estimate_density_from_file(const std::string& path, double px_per_mm) {
  busy("counting the close-up's hairs");
  const auto shown = [path, px_per_mm](ConsoleView& v, const station::CloseupDensity& measured) {
    show_closeup(v, measured, path, px_per_mm);
  };
  app_.estimate_density_from_file(path, px_per_mm, to_view<station::CloseupDensity>(shown));
}

// Planning.

void ConsoleRuntime::suggest_zones() {
  busy("suggesting zones");
  app_.suggest_zones(to_view<station::ZoneSuggestion>(show_zones));
}

void ConsoleRuntime::set_zones(const std::vector<vision::Zone>& zones) {
  app_.set_zones(zones, to_view<station::Done>([zones](ConsoleView& v, const station::Done& done) {
                   show_zones(v, {zones, done.message});
                 }));
}

void ConsoleRuntime::preview_plan(const PlanForm& form) {
  busy("planning");
  app_.preview_plan(form, to_view<PlanPreview>(show_preview));
}

// Sign-off.

void ConsoleRuntime::sign_and_close(const std::string& password) {
  busy("checking the signature");
  app_.sign_and_close(password, to_view<station::Done>(show_signed, sign_error_of));
}

void ConsoleRuntime::dismiss_session() {
  notify([](ConsoleView& v) {
    if (v.locked) return;  // the lock screen stays over what was last shown
    v.session_dismissed = true;
    v.lookup.reset();
  });
}

// The audit and QA screens: opened when the layer lets this user see them.

void ConsoleRuntime::open_tool(Tool tool) {
  const auto open = [tool](ConsoleView& v) {
    if (!in_session(v)) v.tool = tool;  // a session in progress keeps its screens
  };
  if (tool == Tool::audit) {
    busy("listing sessions");
    app_.list_sessions({}, to_view<std::vector<AuditSession>>([open](ConsoleView& v, const auto& sessions) {
                         open(v);
                         show_sessions(v, sessions);
                       }));
  } else if (tool == Tool::qa) {
    app_.may_inject_faults(to_view<station::Done>([open](ConsoleView& v, const auto&) { open(v); }));
  } else if (tool == Tool::admin) {
    app_.list_staff(to_view<std::vector<station::StaffAccount>>([open](ConsoleView& v, const auto& staff) {
      open(v);
      show_staff(v, staff);
    }));
    app_.station_log(to_view<std::vector<station::StationLogEntry>>(show_station_log, admin_error_of));
    app_.list_formulary(to_view<std::vector<station::FormularyEntry>>(show_formulary, admin_error_of));
  } else {
    notify(open);
  }
}

void ConsoleRuntime::list_sessions(const AuditFilter& filter) {
  busy("listing sessions");
  app_.list_sessions(filter, to_view<std::vector<AuditSession>>(show_sessions, audit_error_of));
}

void ConsoleRuntime::show_session(std::int64_t id) {
  busy("reading the session");
  app_.read_session(id, to_view<station::SessionReading>(show_reading, audit_error_of));
}

void ConsoleRuntime::verify_session(std::int64_t id) {
  busy("verifying");
  app_.verify_session(id, to_view<station::Integrity>(show_integrity, audit_error_of));
}

void ConsoleRuntime::export_session(std::int64_t id, ExportFormat format, const std::string& path) {
  busy("exporting");
  app_.export_session(id, format, path, to_view<station::Exported>(show_export, export_result_of));
}

void ConsoleRuntime::inject_fault(const QaFault& fault) {
  app_.inject_fault(fault, to_view<station::Done>(show_qa, qa_of));
}

void ConsoleRuntime::choose_simulated_device(hal::DeviceKind kind) {
  app_.choose_simulated_device(kind, to_view<station::Done>(show_qa, qa_of));
}

// One's own password, and the admin's screen.

void ConsoleRuntime::change_password(const std::string& old_password, const std::string& new_password) {
  busy("changing the password");
  app_.change_password(old_password, new_password,
                       to_view<station::Done>(show_password_changed, password_error_of));
}

void ConsoleRuntime::list_staff() {
  app_.list_staff(to_view<std::vector<station::StaffAccount>>(show_staff, admin_error_of));
  app_.station_log(to_view<std::vector<station::StationLogEntry>>(show_station_log, admin_error_of));
  app_.list_formulary(to_view<std::vector<station::FormularyEntry>>(show_formulary, admin_error_of));
}

void ConsoleRuntime::import_formulary(const std::string& path, const std::string& reason) {
  busy("importing the formulary");
  app_.import_formulary(path, reason, administered());
}

void ConsoleRuntime::add_lot(const std::string& product, const station::NewLot& lot,
                             const std::string& reason) {
  app_.add_lot(product, lot, reason, administered());
}

void ConsoleRuntime::retire_lot(const std::string& product, const std::string& lot,
                                const std::string& reason) {
  app_.retire_lot(product, lot, reason, administered());
}

station::Reply<station::Done> ConsoleRuntime::administered() {
  return [this](const station::Result<station::Done>& r) {
    notify([r](ConsoleView& v) { show_admin_act(v, r.ok() ? r.value().message : "", r.message()); });
    if (r.ok()) list_staff();
  };
}

void ConsoleRuntime::add_staff(const station::NewStaff& staff) {
  app_.add_staff(staff, administered());
}

void ConsoleRuntime::disable_staff(const std::string& name, const std::string& reason) {
  app_.disable_staff(name, reason, administered());
}

void ConsoleRuntime::reset_password(const std::string& name, const std::string& password,
                                    const std::string& reason) {
  app_.reset_password(name, password, reason, administered());
}

void ConsoleRuntime::set_role(const std::string& name, station::Role role, const std::string& reason) {
  app_.set_role(name, role, reason, administered());
}

}  // namespace meso::gui
