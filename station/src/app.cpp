// StationApp's life (the journal, the devices, the threads) and its gates and staff use cases.
#include "meso/station/app.hpp"

#include <iostream>

#include "accounts.hpp"
#include "app_impl.hpp"
#include "meso/station/device_envelope.hpp"
#include "meso/station/recovery_inputs.hpp"
#include "meso/vision/frame_source.hpp"

namespace meso::station {

namespace {

std::filesystem::path key_of(const AppConfig& c) {
  return c.key.empty() ? std::filesystem::path(c.db.string() + ".key") : c.key;
}

}  // namespace

const char* to_string(Refused why) {
  switch (why) {
    case Refused::locked:
      return "locked";
    case Refused::not_logged_in:
      return "not logged in";
    case Refused::role:
      return "role";
    case Refused::state:
      return "state";
    case Refused::journaled:
      return "journaled";
    case Refused::input:
      return "input";
    case Refused::failed:
      return "failed";
  }
  return "?";
}

StationApp::Impl::Impl(AppConfig c)
    : config(std::move(c)),
      layout(config.camera.headband ? *config.camera.headband : vision::default_layout()),
      guard(asio::make_work_guard(io)),
      writer({config.db, key_of(config), 256}),
      port(io, writer),
      worker(std::make_unique<JournalWorker>()) {
  journal_kind = open_journal(writer, config);
  config.station.catalog = formulary_at_start(writer, config, journal_kind);
  // A test station's sessions are test-tagged, whatever the profile's default.
  if (journal_kind == Tag::test && config.tag == Tag::real) config.tag = Tag::test;
  {
    // The journal's open session, before the driver is built: its unsettled fires are the driver's to
    // reconcile from the device's records.
    const journal::JournalReader r(config.db);
    accounted_counter = accounted_shot_counter(r);
    if (const auto open = r.open_sessions(); !open.empty()) {
      left_open = open.front();
      left_open_at_start = LeftOpenSession{left_open->id, left_open->patient_pseudonym, left_open->opened_utc,
                                           left_open->user_name};
      unsettled_fires = unsettled_intents(session_events(r, left_open->id));
    }
  }
  hal::MesogunDriverOptions gun;
  gun.limits = mesogun_envelope(config.station.limits);
  gun.known_last_counter = accounted_counter;
  gun.uncertain_fires = unsettled_fires;
  devices = std::make_unique<DeviceSet>(io, config, gun);
  station = std::make_unique<Station>(io, port, config.station);
  // Two simulated handpieces: the station has the mesogun until QA picks the pen. Real ones: both.
  const bool both_simulated =
      devices->simulated(hal::DeviceKind::mesogun) && devices->simulated(hal::DeviceKind::pen);
  if (both_simulated) sim_choice = hal::DeviceKind::mesogun;
  for (const auto kind : {hal::DeviceKind::mesogun, hal::DeviceKind::pen}) {
    hal::Device* device = devices->device(kind);
    if (device == nullptr || (sim_choice && *sim_choice != kind)) continue;
    station->add_device(*device);
    // A session left open is recovered before its device connects: the shots the device reports on
    // connecting (its records since the journal's last) then land in that session, not in no session.
    if (left_open)
      held_devices.push_back(device);
    else
      device->configure();
  }
  if (!devices->gun() && !devices->pen() && config.profile != "administration")
    std::cerr << "mesostation: no device configured (--port PATH for the mesogun, --pen-port PATH for the "
                 "pen): the station runs without a device\n";
  const auto on_result = [this](const vision::FrameResult& r, std::chrono::steady_clock::time_point at,
                                vision::FrameSource& s) { on_frame(r, at, s); };
  const auto wake = [this] {
    if (frame_wake) frame_wake();
  };
  if (config.camera.synthetic)
    camera = std::make_unique<CameraFeed>(std::make_unique<sim::SyntheticCamera>(*config.camera.synthetic),
                                          layout, config.camera.fps, on_result, wake);
  else if (!config.camera.source.empty()) {
    // The calibration's own size is asked of the camera: a calibration fits only the mode it was made in.
    const cv::Size wanted =
        config.camera.calibration ? config.camera.calibration->image_size : cv::Size(1280, 720);
    camera = std::make_unique<CameraFeed>(vision::open_frame_source(config.camera.source, wanted), layout,
                                          config.camera.fps, on_result, wake, config.camera.calibration);
    // Known before the first frame: no calibration, or a poor one (another resolution shows with frames).
    camera_warning = vision::calibration_problem(config.camera.calibration);
    station->camera_calibration(camera_warning);
  }
}

StationApp::StationApp(AppConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

void StationApp::Impl::shut_down() {
  // Order matters: the camera thread stops posting frames; the station thread disarms and stops, so that
  // nothing posts to the worker any more; then the worker drains (its jobs may use the camera, and what
  // they post back to the stopped station thread is dropped); the camera goes last.
  if (camera) camera->stop();
  asio::post(io, [this] {
    station->set_observer({});
    station->disarm("station closed");
    devices->stop();
  });
  guard.reset();
  if (!station_thread.joinable()) {
    io.restart();
    io.run_for(std::chrono::seconds(2));
  } else {
    // Drain; a device that keeps a timer alive past its cleanup must not hold the station open.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!io.stopped() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    io.stop();
    station_thread.join();
  }
  worker.reset();
  camera.reset();
}

StationApp::~StationApp() {
  try {
    impl_->shut_down();
  } catch (const std::exception& e) {  // a thread that cannot be joined: say so, and end anyway
    std::cerr << "mesostation: stopping the station: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "mesostation: stopping the station failed\n";
  }
}

void StationApp::on_snapshot(std::function<void(const StationSnapshot&)> observer) {
  impl_->snapshot_observer = std::move(observer);
}

void StationApp::on_frame(std::function<void()> wake) {
  impl_->frame_wake = std::move(wake);
}

void StationApp::start() {
  auto& s = *impl_;
  s.station->set_observer([&s](const StationSnapshot& snap) {
    if (is_final(snap.state)) s.demo_hand = false;
    if (s.snapshot_observer) s.snapshot_observer(snap);
  });
  s.station_thread = std::thread([&s] { s.io.run(); });
  if (s.camera) s.camera->start();
}

const AppConfig& StationApp::config() const {
  return impl_->config;
}

std::optional<LeftOpenSession> StationApp::left_open_at_start() const {
  return impl_->left_open_at_start;
}

std::optional<CameraFrame> StationApp::take_frame(std::uint64_t after) {
  return impl_->camera ? impl_->camera->take(after) : std::nullopt;
}

void StationApp::set_camera_wanted(bool wanted) {
  if (impl_->camera) impl_->camera->set_wanted(wanted);
}

std::string StationApp::camera_source() const {
  if (!impl_->camera) return "";
  return impl_->config.camera.synthetic ? "synthetic camera" : impl_->config.camera.source;
}

bool StationApp::demo_hand() const {
  return impl_->demo_hand;
}

// The writer loaded the key before any thread started and never changes it: safe from any thread.
std::string StationApp::key_fingerprint() const {
  return journal::key_fingerprint(impl_->writer.public_key());
}

// Gates.

std::optional<Refusal> StationApp::Impl::unlocked() const {
  if (!locked) return std::nullopt;
  return refusal(Refused::locked, "refused: the console is locked; unlock it first (E-STOP still works)");
}

std::optional<Refusal> StationApp::Impl::password_current() const {
  if (!user || !user->must_change_password) return std::nullopt;
  return refusal(Refused::state, "refused: " + user->name + " must choose a new password first");
}

std::optional<Refusal> StationApp::Impl::may_command() const {
  if (auto r = unlocked()) return r;
  if (!user)
    return refusal(Refused::not_logged_in, "refused: nobody is logged in, nothing was sent to the station");
  if (auto r = password_current()) return r;
  if (!may_command_station(user->role))
    return refusal(Refused::role, "refused: the " + std::string(journal::to_string(user->role)) +
                                      " role is read-only, nothing was sent to the station");
  return std::nullopt;
}

std::optional<Refusal> StationApp::Impl::may_audit() const {
  if (auto r = unlocked()) return r;
  if (!user) return refusal(Refused::not_logged_in, "refused: nobody is logged in");
  if (auto r = password_current()) return r;
  if (!station::may_audit(user->role))
    return refusal(Refused::role, "refused: the audit is for auditors and admins");
  return std::nullopt;
}

std::optional<Refusal> StationApp::Impl::may_administer() const {
  if (auto r = unlocked()) return r;
  if (!user) return refusal(Refused::not_logged_in, "refused: nobody is logged in");
  if (auto r = password_current()) return r;
  if (!station::may_administer(user->role))
    return refusal(Refused::role, "refused: the staff and the formulary are managed by an admin");
  return std::nullopt;
}

std::optional<Refusal> StationApp::Impl::may_qa() const {
  if (auto r = unlocked()) return r;
  if (auto r = password_current()) return r;
  if (!user || !station::may_inject_faults(user->role, devices->any_simulated()))
    return refusal(Refused::role, "refused: faults are for the QA role on a simulated device");
  return std::nullopt;
}

bool StationApp::Impl::in_session() const {
  const auto& snap = station->snapshot();
  return snap.session_open && !is_final(snap.state);
}

Result<Done> StationApp::Impl::done(const Outcome& outcome) const {
  const std::string said = outcome.message.empty() ? station->snapshot().last_message : outcome.message;
  if (outcome.ok) return Done{said};
  return refusal(Refused::journaled, said);
}

std::optional<Refusal> StationApp::Impl::may_keep_safe() const {
  if (!user || !may_command_station(user->role))
    return refusal(Refused::role, "refused: nobody who may command is logged in");
  return std::nullopt;
}

bool StationApp::Impl::password_ok(const std::string& name, const std::string& password) {
  try {
    return reader().authenticate(name, password).has_value();
  } catch (const std::exception&) {
    return false;
  }
}

journal::JournalReader& StationApp::Impl::reader() {
  if (!reader_) reader_ = std::make_unique<journal::JournalReader>(config.db);
  return *reader_;
}

// Staff.

void StationApp::login(const std::string& name, const std::string& password, Reply<StaffMember> reply) {
  auto& s = *impl_;
  s.worker->post([&s, name, password, reply = std::move(reply)] {
    // The password is checked here, off the station thread (Argon2id takes a tenth of a second); the
    // journal then counts a failure, makes the account wait after too many, and logs the attempt.
    std::optional<journal::UserInfo> info;
    std::string error;
    try {
      info = s.reader().authenticate(name, password);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) return answer(reply, Result<StaffMember>(refusal(Refused::failed, error)));
    const auto record = s.writer.record_login(name, info.has_value());
    if (!record) return answer(reply, Result<StaffMember>(refusal(Refused::failed, record.error().message)));
    if (!record.value().succeeded)
      return answer(reply, Result<StaffMember>(refusal(Refused::input, record.value().message)));
    const StaffMember member{info->id, info->name, info->role, record.value().must_change_password};
    s.post([&s, member, reply] {
      // Nobody logs in past the lock, and a session in progress keeps its clinician.
      if (auto r = s.unlocked()) return answer(reply, Result<StaffMember>(*r));
      if (s.in_session() && s.user && s.user->id != member.id)
        return answer(reply, Result<StaffMember>(
                                 refusal(Refused::state, "a session is in progress with " + s.user->name +
                                                             ": it keeps its clinician until it has ended")));
      s.user = member;
      s.locked = false;
      answer(reply, Result<StaffMember>(member));
    });
  });
}

void StationApp::logout(Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    // Another user would otherwise log in past the lock.
    if (auto r = s.unlocked()) return answer(reply, Result<Done>(*r));
    if (s.in_session())
      return answer(reply,
                    Result<Done>(refusal(Refused::state, "a session in progress keeps its clinician")));
    s.user.reset();
    answer(reply, Result<Done>(Done{"logged out"}));
  });
}

void StationApp::lock(Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (!s.user) return answer(reply, Result<Done>(refusal(Refused::not_logged_in, "nobody is logged in")));
    s.locked = true;
    answer(reply, Result<Done>(Done{"locked"}));
  });
}

void StationApp::unlock(const std::string& password, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, password, reply = std::move(reply)] {
    if (!s.user) return answer(reply, Result<Done>(refusal(Refused::not_logged_in, "nobody is logged in")));
    s.worker->post([&s, name = s.user->name, password, reply] {
      if (!s.password_ok(name, password))
        return answer(reply, Result<Done>(refusal(Refused::input, "wrong password")));
      s.post([&s, reply] {
        s.locked = false;
        answer(reply, Result<Done>(Done{"unlocked"}));
      });
    });
  });
}

}  // namespace meso::station
