#include "runtime.hpp"

#include <filesystem>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "closeup_density.hpp"
#include "demo_plan.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "meso/station/course_schedule.hpp"
#include "meso/station/photo_store.hpp"
#include "meso/station/recovery_inputs.hpp"

namespace meso::gui {

namespace {

constexpr std::size_t kTrendSamples = 600;

template <class T>
void keep_last(std::vector<T>& v, std::size_t n) {
  if (v.size() > n) v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() - n));
}

}  // namespace

void ViewQueue::push(Update update) {
  const std::lock_guard lock(mutex_);
  updates_.push_back(std::move(update));
}

bool ViewQueue::drain(ConsoleView& view) {
  std::vector<Update> updates;
  {
    const std::lock_guard lock(mutex_);
    updates.swap(updates_);
  }
  for (auto& u : updates)
    u(view);
  return !updates.empty();
}

Worker::Worker() : guard_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}

Worker::~Worker() {
  guard_.reset();
  thread_.join();
}

ConsoleRuntime::ConsoleRuntime(const ConsoleOptions& options, std::function<void()> wake)
    : options_(options),
      wake_(std::move(wake)),
      layout_(vision::default_layout()),
      guard_(asio::make_work_guard(io_)),
      writer_({options.db,
               options.key.empty() ? std::filesystem::path(options.db.string() + ".key") : options.key, 256}),
      port_(io_, writer_),
      worker_(std::make_unique<Worker>()) {
  find_left_open();
  if (options_.demo)
    setup_demo();
  else
    setup_real();
  station_ = std::make_unique<station::Station>(io_, port_, config_);
  station_->set_observer([this](const station::StationSnapshot& snap) {
    {
      const std::lock_guard lock(snapshot_mutex_);
      latest_ = snap;
    }
    if (wake_) wake_();
  });
  if (gun_) {
    station_->add_device(*gun_);
    gun_->configure();
  }
  // A real pen is connected beside a real mesogun; the simulated one only when QA picks it.
  if (pen_ && !sim_pen_) {
    station_->add_device(*pen_);
    pen_->configure();
  }
}

ConsoleRuntime::~ConsoleRuntime() {
  camera_.reset();
  worker_.reset();  // its last jobs may still post to the station thread, which is still running
  asio::post(io_, [this] {
    station_->set_observer({});
    station_->disarm("console closed");
    if (gun_) gun_->cleanup();
    if (pen_) pen_->cleanup();
    if (sim_) sim_->stop();
    if (sim_pen_) sim_pen_->stop();
  });
  guard_.reset();
  // Drain; a device that keeps a timer alive past its cleanup must not hold the console open.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!io_.stopped() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  io_.stop();
  if (station_thread_.joinable()) station_thread_.join();
}

void ConsoleRuntime::start() {
  station_thread_ = std::thread([this] { io_.run(); });
  if (camera_) camera_->start();
}

void ConsoleRuntime::init_view(ConsoleView& view) const {
  view.demo = options_.demo;
  if (options_.demo)
    view.demo_login_hint =
        "Log in as user demo, password demo (clinician); auditor/auditor for the audit (F5), qa/qa for "
        "fault injection (F6).";
  view.catalog = config_.catalog;
  view.limits = config_.limits;
  view.lock_after_s = options_.lock_minutes * 60.0;
  view.camera.source = camera_ ? (options_.demo ? "synthetic camera" : options_.camera) : "";
  if (left_open_)
    view.left_open = LeftOpenSession{left_open_->id, left_open_->patient_pseudonym, left_open_->opened_utc,
                                     left_open_->user_name};
}

namespace {

// Telemetry (the device's status, every 100 ms) changes the picture only where it is drawn: the treatment
// and QA screens. Elsewhere a snapshot that differs from the last only in telemetry is taken (the trends
// keep their samples) without a redraw, so an idle console sleeps.
bool shows_telemetry(Screen screen) {
  return screen == Screen::treatment || screen == Screen::qa;
}

bool same_but_telemetry(const station::StationSnapshot& a, const station::StationSnapshot& b) {
  if (a.session_id != b.session_id || a.session_open != b.session_open || a.state != b.state ||
      a.armed != b.armed || a.shots != b.shots || a.delivered_nl != b.delivered_nl || a.step != b.step ||
      a.next_point != b.next_point || a.dosing_locked != b.dosing_locked ||
      a.last_message != b.last_message || a.alarms.size() != b.alarms.size() ||
      a.devices.size() != b.devices.size() || a.guidance.registered != b.guidance.registered ||
      a.guidance.done != b.guidance.done)
    return false;
  for (std::size_t i = 0; i < a.alarms.size(); ++i)
    if (a.alarms[i].id != b.alarms[i].id || a.alarms[i].acknowledged != b.alarms[i].acknowledged ||
        a.alarms[i].condition_active != b.alarms[i].condition_active)
      return false;
  for (const auto& [kind, device] : a.devices) {
    const auto it = b.devices.find(kind);
    if (it == b.devices.end() || it->second.state != device.state ||
        it->second.state_reason != device.state_reason ||
        it->second.identity.has_value() != device.identity.has_value())
      return false;
  }
  return true;
}

}  // namespace

bool ConsoleRuntime::refresh(ConsoleView& view) {
  std::optional<station::StationSnapshot> snap;
  {
    const std::lock_guard lock(snapshot_mutex_);
    snap.swap(latest_);
  }
  bool changed = false;
  if (snap) {
    changed = shows_telemetry(screen_for(view)) || !same_but_telemetry(last_, *snap);
    if (const auto it = snap->devices.find(hal::DeviceKind::mesogun);
        it != snap->devices.end() && it->second.state != hal::DeviceState::disconnected) {
      view.trends.pressure_mbar.push_back(static_cast<float>(it->second.status.line_pressure_mbar));
      view.trends.reservoir_ul.push_back(static_cast<float>(it->second.status.reservoir_nl) / 1000.0f);
      keep_last(view.trends.pressure_mbar, kTrendSamples);
      keep_last(view.trends.reservoir_ul, kTrendSamples);
    }
    if (snap->session_id != last_session_id_) {  // a new session: nothing of the last one carries over
      last_session_id_ = snap->session_id;
      view.session_dismissed = false;
      zones_.clear();
      preview_.reset();
      view.zones.clear();
      view.zones_message.clear();
      view.preview = {};
      view.appointments.clear();
      const auto version = view.assessment.version;
      view.assessment = {};
      view.assessment.version = version + 1;  // the render thread drops the last session's photos
    }
    if (snap->state == station::SessionState::post_care && last_state_ != station::SessionState::post_care) {
      try {
        view.appointments = station::propose_next(config_.course, course_session_, config_.today());
      } catch (const std::invalid_argument& e) {
        view.notice = std::string("no appointments proposed: ") + e.what();
      }
      view.instructions = station::post_care_instructions();
    }
    if (station::is_final(snap->state)) demo_hand_ = false;
    last_state_ = snap->state;
    last_ = *snap;
    view.snap = std::move(*snap);
  }
  changed = queue_.drain(view) || changed;
  if (view.demo_hand != demo_hand_) {
    view.demo_hand = demo_hand_;
    changed = true;
  }
  return changed;
}

std::optional<CameraFrame> ConsoleRuntime::take_frame(std::uint64_t after) {
  return camera_ ? camera_->take(after) : std::nullopt;
}

void ConsoleRuntime::set_camera_wanted(bool wanted) {
  if (camera_) camera_->set_wanted(wanted);
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

journal::JournalReader& ConsoleRuntime::reader() {
  if (!reader_) reader_ = std::make_unique<journal::JournalReader>(options_.db);
  return *reader_;
}

// Staff.

void ConsoleRuntime::login(const std::string& user, const std::string& password) {
  busy("checking the password");
  worker_->post([this, user, password] {
    std::optional<journal::UserInfo> info;
    std::string error;
    try {
      info = reader().authenticate(user, password);
    } catch (const std::exception& e) {
      error = e.what();
    }
    notify([this, info, error](ConsoleView& v) {
      v.busy = false;
      if (!info) {
        v.login_error = error.empty() ? "wrong user name or password" : error;
        return;
      }
      user_ = LoggedIn{info->id, info->name, info->role};
      v.user = user_;
      v.tool = Tool::none;
      v.audit = {};
      v.qa = {};
      locked_ = false;
      if (!station::may_command_station(user_->role))
        list_sessions({});  // the auditor's only screen: fill it
      v.login_error.clear();
      v.locked = false;
    });
  });
}

void ConsoleRuntime::logout() {
  if (!unlocked()) return;  // another user would otherwise log in past the lock
  notify([this](ConsoleView& v) {
    if (in_session(v)) return;  // a session in progress keeps its clinician
    user_.reset();
    v.user.reset();
    v.locked = false;
    v.lookup.reset();
    v.tool = Tool::none;
    v.audit = {};  // the next user does not see what this one read
    v.qa = {};
  });
}

void ConsoleRuntime::lock() {
  locked_ = user_.has_value();
  notify([locked = locked_](ConsoleView& v) { v.locked = locked; });
}

void ConsoleRuntime::unlock(const std::string& password) {
  if (!user_) return;
  busy("checking the password");
  worker_->post([this, name = user_->name, password] {
    bool ok = false;
    try {
      ok = reader().authenticate(name, password).has_value();
    } catch (const std::exception&) {
      ok = false;
    }
    notify([this, ok](ConsoleView& v) {
      if (ok) locked_ = false;
      v.busy = false;
      v.locked = !ok;
      v.unlock_error = ok ? "" : "wrong password";
    });
  });
}

// Patients and the session.

void ConsoleRuntime::find_patient(const std::string& pseudonym) {
  if (!unlocked()) return;
  busy("looking up the patient");
  worker_->post([this, pseudonym] {
    PatientLookup lookup{pseudonym, false, 0};
    std::string error;
    try {
      lookup.known = reader().patient_by_pseudonym(pseudonym).has_value();
      journal::SessionFilter filter;
      filter.patient = pseudonym;
      if (lookup.known) lookup.sessions = static_cast<int>(reader().list_sessions(filter).size());
    } catch (const std::exception& e) {
      error = e.what();
    }
    notify([lookup, error](ConsoleView& v) {
      v.busy = false;
      v.lookup = lookup;
      v.notice = error;
    });
  });
}

void ConsoleRuntime::open_session(const std::string& pseudonym) {
  if (!may_command()) return;
  if (left_open_) {
    notify([id = left_open_->id](ConsoleView& v) {
      v.notice = "session " + std::to_string(id) + " is still open in the journal: recover it first";
    });
    return;
  }
  busy("opening the session");
  const station::Tag tag = options_.demo ? station::Tag::demo : station::Tag::real;
  worker_->post([this, pseudonym, tag, user = *user_] {
    try {
      auto id = reader().patient_by_pseudonym(pseudonym);
      if (!id) {
        auto added = writer_.add_patient({pseudonym, tag}, user.id);
        if (!added) throw std::runtime_error(added.error().message);
        id = added.value();
      }
      const std::uint32_t course = course_session_of(pseudonym);
      const auto created = writer_.create_session_sync({*id, user.id, tag, std::nullopt});
      if (!created) throw std::runtime_error(created.error().message);
      const station::SessionStart start{created.value(), pseudonym, tag,   user.name,
                                        user.id,         user.role, course};
      on_station([this, start] {
        if (station_->open_session(start).ok) station_->begin_screening();
      });
      notify([this, course](ConsoleView& v) {
        v.busy = false;
        v.notice.clear();
        v.lookup.reset();
        course_session_ = course;
      });
    } catch (const std::exception& e) {
      notify([error = std::string(e.what())](ConsoleView& v) {
        v.busy = false;
        v.notice = "cannot open a session: " + error;
      });
    }
  });
}

std::uint32_t ConsoleRuntime::course_session_of(const std::string& pseudonym) {
  journal::SessionFilter filter;
  filter.patient = pseudonym;
  std::uint32_t course = 1;  // the patient's sealed sessions come before this one
  for (const auto& s : reader().list_sessions(filter))
    if (s.state == journal::SessionState::sealed) ++course;
  return course;
}

void ConsoleRuntime::recover_session() {
  if (!may_command() || !left_open_) return;
  busy("recovering session " + std::to_string(left_open_->id));
  worker_->post([this, info = *left_open_, user = *user_] {
    // Its chain first: a session whose journal was altered is an auditor's matter, not something to resume.
    journal::VerifyOptions only_this;
    only_this.session = info.id;
    if (const auto report = reader().verify(only_this); !report.ok()) {
      notify([id = info.id, why = journal::describe(report)](ConsoleView& v) {
        v.busy = false;
        v.notice = "session " + std::to_string(id) + " was left open and its journal does not verify (" +
                   why + "): nothing continues until an auditor has looked (mesoaudit verify)";
      });
      return;
    }
    const std::uint32_t course = course_session_of(info.patient_pseudonym);
    auto events = station::session_events(reader(), info.id);
    const station::SessionStart start{
        info.id, info.patient_pseudonym, info.tag, user.name, user.id, user.role, course};
    on_station([this, start, events = std::move(events)] { station_->recover(start, events); });
    notify([this, course](ConsoleView& v) {
      v.busy = false;
      v.left_open.reset();
      left_open_.reset();
      course_session_ = course;
    });
  });
}

void ConsoleRuntime::record_screening(const station::ScreeningAnswers& answers) {
  command([this, answers] { station_->record_screening(answers); });
}

void ConsoleRuntime::record_assessment(const nlohmann::json& findings) {
  command([this, findings] { station_->record_assessment(findings); });
}

void ConsoleRuntime::capture_assessment_photo() {
  if (!may_command() || !last_.session_open) return;
  busy("taking the assessment photo");
  const std::string patient = last_.patient;
  const std::int64_t session = last_.session_id;
  worker_->post([this, patient, session] {
    AssessmentView a;
    const std::filesystem::path dir = options_.db.string() + ".photos";
    try {
      migrate_photos_once(dir);
      const auto photo = station::save_assessment_photo(planning_photo(), layout_, dir, patient, session);
      a.photo_file = photo.file.string();
      a.photo_sha256 = photo.sha256;
      cv::cvtColor(photo.plane_bgr, a.now_rgba, cv::COLOR_BGR2RGBA);
      a.message = "photo saved: " + a.photo_file;
      if (const auto before = station::previous_photo(dir, patient, session, &reader())) {
        const cv::Mat earlier = cv::imread(before->string(), cv::IMREAD_COLOR);
        if (!earlier.empty()) {
          cv::cvtColor(earlier, a.before_rgba, cv::COLOR_BGR2RGBA);
          a.before_label = before->stem().string();
        }
      }
    } catch (const std::exception& e) {
      a.message = std::string("no photo: ") + e.what();
    }
    measure_demo_density(a);
    notify([a = std::move(a)](ConsoleView& v) mutable {
      v.busy = false;
      a.version = v.assessment.version + 1;
      // A density measured from a close-up file before this photo is not lost by it.
      if (a.density_per_cm2 <= 0 && v.assessment.density_per_cm2 > 0) {
        a.density_per_cm2 = v.assessment.density_per_cm2;
        a.density_method = v.assessment.density_method;
        a.density_file = v.assessment.density_file;
        a.density_sha256 = v.assessment.density_sha256;
        a.density_px_per_mm = v.assessment.density_px_per_mm;
      }
      a.closeup_message = v.assessment.closeup_message;
      a.closeup_ok = v.assessment.closeup_ok;
      v.assessment = std::move(a);
    });
  });
}

// Photo folders from before they were keyed injectively are sorted out by the journal once per run, before
// the first photo is saved or compared (worker thread).
void ConsoleRuntime::migrate_photos_once(const std::filesystem::path& dir) {
  if (photos_migrated_) return;
  const auto migration = station::migrate_photo_folders(dir, reader());
  photos_migrated_ = true;
  for (const auto& note : migration.notes)
    std::cerr << "mesostation: photo folders: " << note << "\n";
}

void ConsoleRuntime::estimate_density_from_file(const std::string& path, double px_per_mm) {
  if (!may_command() || !last_.session_open) return;
  busy("counting the close-up's hairs");
  worker_->post([this, path, px_per_mm] {
    auto measured = density_from_closeup(path, px_per_mm);
    notify([measured = std::move(measured), path, px_per_mm](ConsoleView& v) {
      v.busy = false;
      v.assessment.closeup_message = measured.message;
      v.assessment.closeup_ok = measured.ok;
      if (!measured.ok) return;  // the photo and any earlier density stay as they were
      v.assessment.density_per_cm2 = measured.hairs_per_cm2;
      v.assessment.density_method = measured.method;
      v.assessment.density_file = path;
      v.assessment.density_sha256 = measured.sha256;
      v.assessment.density_px_per_mm = px_per_mm;
      ++v.assessment.version;  // the count field takes the new measurement
    });
  });
}

// Planning.

void ConsoleRuntime::suggest_zones() {
  if (!may_command()) return;
  busy("suggesting zones");
  worker_->post([this] {
    auto suggestion = suggest_zones_from(planning_photo(), layout_);
    notify([this, suggestion](ConsoleView& v) {
      v.busy = false;
      zones_ = suggestion.zones;
      v.zones = suggestion.zones;
      v.zones_message = suggestion.message;
      preview_.reset();
      v.preview = {};
    });
  });
}

void ConsoleRuntime::set_zones(const std::vector<vision::Zone>& zones) {
  if (!may_command()) return;
  notify([this, zones](ConsoleView& v) {
    zones_ = zones;
    v.zones = zones;
    v.zones_message = "zones edited by hand: preview the plan again";
    preview_.reset();
    v.preview = {};
  });
}

void ConsoleRuntime::preview_plan(const PlanForm& form) {
  if (!may_command()) return;
  busy("planning");
  worker_->post([this, form, zones = zones_] {
    auto preview = make_preview(zones, form, config_.catalog, config_.limits);
    notify([this, preview](ConsoleView& v) {
      v.busy = false;
      preview_ = preview;
      v.preview = preview;
    });
  });
}

void ConsoleRuntime::accept_plan() {
  if (!preview_ || !preview_->ready) return;
  command([this, plan = preview_->plan] {
    if (station_->set_plan(plan).ok) station_->accept_plan();
  });
}

void ConsoleRuntime::start_treatment() {
  command([this] { station_->start_treatment(); });
}

// Treatment.

void ConsoleRuntime::arm() {
  if (!may_command()) return;
  on_station([this] { station_->arm(); });
  if (options_.demo) demo_hand_path();
}

void ConsoleRuntime::disarm() {
  safety_command([this] { station_->disarm("disarmed from the console"); });
}

void ConsoleRuntime::fire_next() {
  command([this] { station_->fire_next(); });
}

void ConsoleRuntime::pull_trigger() {
  if (!sim_) return;
  command([this] {
    if (sim_device_ == hal::DeviceKind::mesogun) sim_->apply(sim::action::Trigger{1});
  });
}

void ConsoleRuntime::set_demo_hand(bool on) {
  if (on && !unlocked()) return;
  demo_hand_ = on && options_.demo;
  if (wake_) wake_();
}

void ConsoleRuntime::pause() {
  safety_command([this] { station_->pause("paused from the console"); });
}

void ConsoleRuntime::resume() {
  command([this] { station_->resume(); });
}

void ConsoleRuntime::next_step() {
  command([this] { station_->next_step(); });
}

void ConsoleRuntime::finish_treatment() {
  const std::string who = user_ ? user_->name : "?";
  command([this, who] { station_->finish_treatment("finished from the console by " + who); });
}

void ConsoleRuntime::acknowledge_alarm(std::uint32_t id) {
  command([this, id] { station_->acknowledge_alarm(id); });
}

// Never refused, whoever asks: stopping is always safe, and a refusal here is the one that could hurt.
void ConsoleRuntime::estop(const std::string& source) {
  demo_hand_ = false;  // the simulated hand stops with everything else
  on_station([this, source] { station_->estop(source); });
}

// Sign-off.

void ConsoleRuntime::sign_and_close(const std::string& password) {
  if (!may_command()) return;
  busy("checking the signature");
  worker_->post([this, name = user_->name, password] {
    bool ok = false;
    try {
      ok = reader().authenticate(name, password).has_value();
    } catch (const std::exception&) {
      ok = false;
    }
    if (ok) on_station([this] { station_->close_session(true); });
    notify([ok](ConsoleView& v) {
      v.busy = false;
      v.sign_error = ok ? "" : "wrong password: the session is not signed";
    });
  });
}

void ConsoleRuntime::abort_session(const std::string& reason) {
  command([this, reason] { station_->abort(reason); });
}

void ConsoleRuntime::attest(std::uint32_t command_id, bool delivered, const std::string& reason) {
  command([this, command_id, delivered, reason] {
    station_->attest(command_id, delivered ? hal::FireOutcome::delivered : hal::FireOutcome::not_delivered,
                     reason);
  });
}

void ConsoleRuntime::dismiss_session() {
  if (!unlocked()) return;
  notify([](ConsoleView& v) {
    v.session_dismissed = true;
    v.lookup.reset();
  });
}

void ConsoleRuntime::on_frame(const vision::FrameResult& result, std::chrono::steady_clock::time_point at,
                              vision::FrameSource& source) {
  on_station([this, at, registered = result.registration.ok, why = result.registration.reason,
              tip = result.tip_mm] { station_->camera_frame(at, registered, why, tip); });
  if (!demo_hand_ || !sim_) return;
  const auto* synthetic = dynamic_cast<const sim::SyntheticCamera*>(&source);
  if (synthetic == nullptr || !synthetic->truth().fired) return;
  if (hand_fires_to_skip_ > 0) {
    --hand_fires_to_skip_;
    return;
  }
  on_station([this] { sim_->apply(sim::action::Trigger{1}); });
}

}  // namespace meso::gui
