// mesostation run: a whole session, headless, for QA: a scenario player on the station's application layer
// (meso/station/app.hpp). It reads the scenario, calls the layer's use cases in order as a clinician at the
// console would (log in, recover what a killed station left open, open the session, screen, assess, accept
// the plan, treat, sign), prints progress to stderr and a JSON summary to stdout, and exits 0 only when the
// outcome is the one the scenario expects. The device is a serial port, a TCP device or the demo profile's
// simulated mesogun; everything is journaled in the SQLite journal.
#include "run_command.hpp"

#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "meso/hal/tcp_endpoint.hpp"
#include "meso/station/app.hpp"
#include "meso/station/station_file.hpp"
#include "run_scenario.hpp"
#include "tcp_option.hpp"

namespace meso::station {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct RunOptions {
  std::string scenario;
  std::string port;
  std::string tcp;
  bool sim = false;
  std::uint32_t baud = 115200;
  std::string db;  // empty: the station file's, else mesostation.db
  std::string config;
  std::string key;
  std::string shot_log;
  bool recover_only = false;
};

void progress(const std::string& line) {
  std::cerr << "run: " << line << '\n';
}

[[noreturn]] void fail(const std::string& why) {
  throw std::runtime_error(why);
}

// The layer's configuration for this run: the demo profile's simulated mesogun (--sim) or the device given,
// the scenario's catalog, its user as the account a fresh journal is given, and no camera.
AppConfig config_for(const RunOptions& o, const RunScenario& s) {
  const auto tag = journal::parse_tag(s.tag);
  if (!tag) fail("tag '" + s.tag + "' is not one of real, test, demo");
  const auto role = journal::parse_role(s.role);
  if (!role) fail("role '" + s.role + "' is not one of clinician, qa, auditor, admin");
  AppConfig c;
  if (o.sim) {
    c = demo_profile(o.db, o.key);
    c.mesogun.seed = s.seed;
    c.mesogun.faults = s.faults;
    c.mesogun.scenario = s.sim_scenario.is_null() ? std::string() : s.sim_scenario.dump();
    c.mesogun.auto_trigger_hz = s.mode == "trigger" ? s.auto_trigger_hz : 0.0;
    c.mesogun.shot_log = o.shot_log;
  } else if (!o.tcp.empty()) {
    const auto endpoint = hal::parse_tcp_endpoint(o.tcp);
    c.mesogun.kind = DeviceSpec::Kind::tcp;
    c.mesogun.host = endpoint.host;
    c.mesogun.port = endpoint.port;
  } else {
    c.mesogun.kind = DeviceSpec::Kind::serial;
    c.mesogun.path = o.port;
    c.mesogun.baud = o.baud;
  }
  c.db = o.db;
  c.key = o.key;
  c.pen = {};  // headless runs drive the mesogun
  c.camera = {};
  c.simulated_closeup_per_cm2 = 0;
  c.tag = *tag;
  c.station.catalog = s.catalog;
  c.accounts = {{s.user, *role, s.password}};
  // A run opens any station's journal for its test or demo session (a real station's staff are its own:
  // the scenario's user must be one of them); a journal nobody commissioned becomes a test (or demo) one.
  c.journal_kinds = {Tag::real, Tag::test, Tag::demo};
  c.fresh_journal_kind = *tag == Tag::demo ? Tag::demo : Tag::test;
  return c;
}

// The station file's journal, limits and paired devices under the run's configuration, and its mesogun when
// no device is given on the command line; its pen and camera stay out (a headless run drives the mesogun).
// Read before anything is opened: a bad file stops the run with exit 2 and no journal touched.
AppConfig with_station_file(AppConfig c, const RunOptions& o) {
  if (o.config.empty()) {
    if (c.db.empty()) c.db = "mesostation.db";
    return c;
  }
  const AppConfig file = load_station_file(o.config);
  if (o.port.empty() && o.tcp.empty() && !o.sim) {
    if (file.mesogun.kind == DeviceSpec::Kind::none)
      fail(o.config +
           ": devices.mesogun: missing; a headless run drives the mesogun: name it there, or give "
           "--port, --tcp or --sim");
    c.mesogun = file.mesogun;
  }
  if (o.db.empty()) c.db = file.db;
  if (o.key.empty()) c.key = file.key;
  c.station.limits = file.station.limits;
  c.station.limits_sha256 = file.station.limits_sha256;
  c.station.paired_devices = file.station.paired_devices;
  return c;
}

template <class T>
T must(Result<T> result, const std::string& what) {
  if (!result.ok()) fail(what + ": " + result.refusal().message);
  return std::move(result.value());
}

// The scripted clinician: watches the snapshots the layer publishes and acts on them through its use cases.
// It owns the layer, declared last so that it stops (its threads joined) before what its observer writes
// to is destroyed.
class Player {
 public:
  Player(AppConfig config, const RunScenario& s) : s_(s), app_(std::move(config)) {
    app_.on_snapshot([this](const StationSnapshot& snap) {
      const std::lock_guard lock(mutex_);
      for (const auto& a : snap.alarms)
        alarms_seen_.insert(a.code);
      if (snap.last_message != last_message_) {
        last_message_ = snap.last_message;
        progress(last_message_);
      }
      snap_ = snap;
    });
  }

  StationSnapshot snapshot() {
    const std::lock_guard lock(mutex_);
    return snap_;
  }
  std::set<std::string> alarms_seen() {
    const std::lock_guard lock(mutex_);
    return alarms_seen_;
  }
  bool timed_out() const { return timed_out_; }
  StationApp& app() { return app_; }

  // Waits up to `within` for `done` to hold of the latest snapshot.
  template <class Done>
  bool wait_for(Done done, Clock::duration within) {
    const auto until = Clock::now() + within;
    while (Clock::now() < until) {
      if (done(snapshot())) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return done(snapshot());
  }
  static bool configured(const StationSnapshot& snap) {
    const auto it = snap.devices.find(hal::DeviceKind::mesogun);
    return it != snap.devices.end() && it->second.state == hal::DeviceState::configured;
  }
  static bool sealed(const StationSnapshot& snap) {
    return is_final(snap.state) &&
           (snap.last_message == "session sealed" || snap.last_message.rfind("seal failed", 0) == 0);
  }

  // The scripted clinician acknowledges alarms, resumes after E-STOP, arms again and signs by itself: acts
  // that only a clinician who sees the patient may do. They are for test and demo sessions only. run()
  // refuses a real-tagged scenario before the journal opens; this guard holds even so, e.g. for a real
  // session the console left open and a run recovered. It disarms and stops the run, leaving the session
  // open for the console.
  void may_script(const char* act) {
    const auto snap = snapshot();
    const bool real = app_.config().tag == Tag::real || (snap.session_open && snap.tag == Tag::real);
    if (!real) return;
    wait_for_reply<Done>([&](auto r) { app_.disarm(r); });
    fail(std::string("refused to ") + act +
         " by script: the session is tagged real, and a headless run never acts for a real patient (a "
         "clinician treats them at the console, which can recover this session); the device was disarmed");
  }

  void finish(const std::string& note) {
    may_script("sign off");
    wait_for_reply<Done>([&](auto r) { app_.finish_treatment(note, r); });
    wait_for_reply<Done>([&](auto r) { app_.sign_and_close(s_.password, r); });
  }

  // Treats until the session is final and sealed, or the scenario's time is up.
  void treat() {
    const auto deadline = Clock::now() + std::chrono::seconds(s_.timeout_s);
    for (;;) {
      const auto snap = snapshot();
      const auto now = Clock::now();
      if (is_final(snap.state)) {
        if (sealed(snap) || now > deadline + std::chrono::seconds(5)) return;
      } else if (now > deadline) {
        timed_out_ = true;
        wait_for_reply<Done>([&](auto r) {
          app_.abort_session("headless run timed out after " + std::to_string(s_.timeout_s) + " s", r);
        });
      } else {
        step(snap, now);
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
  }

 private:
  void step(const StationSnapshot& snap, Clock::time_point now) {
    if (snap.state != SessionState::treating && snap.state != SessionState::paused) return;
    const auto* step = snap.plan ? &snap.plan->steps[snap.step] : nullptr;
    if (step == nullptr) return;
    if (snap.next_point >= step->points.size() && snap.uncertain.empty()) {
      if (snap.step + 1 < snap.plan->steps.size())
        wait_for_reply<Done>([&](auto r) { app_.next_step(r); });
      else
        finish("");
      return;
    }
    if (snap.state == SessionState::paused) {
      if (!s_.rearm_after_fault || rearms_ >= s_.max_rearms)
        return finish("ended early: paused and not re-armed");
      may_script("resume");
      wait_for_reply<Done>([&](auto r) { app_.resume(r); });
      return;
    }
    if (!snap.armed) {
      if (!configured(snap)) return;  // connecting or reconciling: wait
      if (!snap.uncertain.empty())
        return finish("ended early: a fire's outcome is unknown and a headless run cannot attest");
      if (armed_once_) {
        if (!s_.rearm_after_fault || rearms_ >= s_.max_rearms)
          return finish("ended early: disarmed; no further re-arm");
        if (now < next_arm_at_) return;
        may_script("acknowledge alarms");
        for (const auto& a : snap.alarms)
          wait_for_reply<Done>([&](auto r) { app_.acknowledge_alarm(a.id, r); });
        ++rearms_;
      }
      may_script("arm");
      if (wait_for_reply<Done>([&](auto r) { app_.arm(r); }).ok()) {
        armed_once_ = true;
        next_fire_at_ = now + milliseconds(300);  // the depth actuator settles
      } else {
        next_arm_at_ = now + milliseconds(500);
      }
      return;
    }
    if (s_.mode == "fire" && now >= next_fire_at_ && snap.uncertain.empty()) {
      may_script("fire");
      wait_for_reply<Done>([&](auto r) { app_.fire_next(r); });
      next_fire_at_ = now + milliseconds(s_.fire_interval_ms);
    }
  }

  const RunScenario& s_;
  std::mutex mutex_;  // guards what the observer writes
  StationSnapshot snap_;
  std::set<std::string> alarms_seen_;
  std::string last_message_;
  Clock::time_point next_fire_at_;
  Clock::time_point next_arm_at_;
  std::uint32_t rearms_ = 0;
  bool armed_once_ = false;
  bool timed_out_ = false;
  StationApp app_;
};

// Recovers (and ends) the session a killed station left open, once the device's records have been read.
std::optional<std::int64_t> recover_left_open(StationApp& app, Player& player, const RunScenario& s) {
  const auto left = app.left_open_at_start();
  if (!left || left->patient != s.patient) return std::nullopt;
  const auto recovered =
      must(wait_for_reply<OpenedSession>([&](auto r) { app.recover_session(r); }), "cannot recover");
  progress("recovering session " + std::to_string(recovered.id) + ": " + player.snapshot().last_message);
  player.wait_for(
      [](const StationSnapshot& snap) { return Player::configured(snap) && snap.uncertain.empty(); },
      std::chrono::seconds(10));
  const auto snap = player.snapshot();
  const std::string why = snap.uncertain.empty()
                              ? "recovered after the station was killed; records reconciled"
                              : "recovered after the station was killed; a fire is still uncertain";
  if (snap.state == SessionState::paused || snap.state == SessionState::treating)
    player.finish(why);
  else
    wait_for_reply<Done>([&](auto r) { app.abort_session(why, r); });
  player.wait_for(Player::sealed, std::chrono::seconds(5));
  progress("recovered session " + std::to_string(recovered.id) + " ended and sealed");
  return recovered.id;
}

int run(const RunOptions& o) {
  const auto s = load_run_scenario(o.scenario);
  // Before anything opens the journal: a real-tagged scenario leaves no trace, on any device.
  if (journal::parse_tag(s.tag) == Tag::real) {
    fail(
        "the scenario is tagged real, and a headless run never treats a real patient (on any device: "
        "it acknowledges alarms, resumes, re-arms and signs by script). Tag it \"test\" to run it here; "
        "real patients are treated at the console by a clinician. Nothing was written");
  }
  for (const auto& step : s.plan.steps)
    if (step.device() != hal::DeviceKind::mesogun)
      fail("headless runs drive the mesogun; the plan's step '" + step.name + "' needs the pen");
  Player player(with_station_file(config_for(o, s), o), s);
  StationApp& app = player.app();
  app.start();
  must(wait_for_reply<StaffMember>([&](auto r) { app.login(s.user, s.password, r); }), "cannot log in");

  const auto recovered = recover_left_open(app, player, s);
  if (o.recover_only) {
    const auto snap = player.snapshot();
    const bool sealed = recovered && snap.last_message == "session sealed";
    nlohmann::json summary{
        {"recovered_session", recovered ? nlohmann::json(*recovered) : nlohmann::json(nullptr)},
        {"outcome", recovered ? nlohmann::json(to_string(snap.state)) : nlohmann::json(nullptr)},
        {"shots", snap.shots},
        {"uncertain_fires", snap.uncertain.size()},
        {"sealed", sealed}};
    std::cout << summary.dump(2) << std::endl;
    return !recovered || sealed ? 0 : 1;
  }

  must(wait_for_reply<OpenedSession>([&](auto r) { app.open_session(s.patient, r); }),
       "cannot open a session");
  // Connect first, then walk the workflow: a device that does not answer stops the run before any step.
  if (!player.wait_for(Player::configured, std::chrono::seconds(5))) {
    wait_for_reply<Done>([&](auto r) { app.abort_session("the device did not answer within 5 s", r); });
  } else {
    Result<Done> walked = wait_for_reply<Done>([&](auto r) { app.record_screening(s.screening, r); });
    if (walked.ok()) walked = wait_for_reply<Done>([&](auto r) { app.record_assessment(s.assessment, r); });
    if (walked.ok()) walked = wait_for_reply<Done>([&](auto r) { app.accept_plan(s.plan, r); });
    if (walked.ok()) walked = wait_for_reply<Done>([&](auto r) { app.start_treatment(r); });
    if (!walked.ok() && !is_final(player.snapshot().state))
      wait_for_reply<Done>([&](auto r) {
        app.abort_session("the session could not proceed: " + walked.refusal().message, r);
      });
  }
  player.treat();

  const auto snap = player.snapshot();
  const auto alarms = player.alarms_seen();
  std::uint64_t planned_points = 0;
  if (snap.plan)
    for (const auto& st : snap.plan->steps)
      planned_points += st.points.size();
  bool match = std::string(to_string(snap.state)) == s.expect_outcome;
  if (s.expect_shots && snap.shots != *s.expect_shots) match = false;
  for (const auto& a : s.expect_alarms)
    if (!alarms.contains(a)) match = false;
  nlohmann::json summary{
      {"scenario", s.name},
      {"session", snap.session_id},
      {"db", app.config().db.string()},
      {"outcome", to_string(snap.state)},
      {"expected_outcome", s.expect_outcome},
      {"match", match},
      {"shots", snap.shots},
      {"delivered_nl", snap.delivered_nl},
      {"planned_points", planned_points},
      {"uncertain_fires", snap.uncertain.size()},
      {"alarms", std::vector<std::string>(alarms.begin(), alarms.end())},
      {"timed_out", player.timed_out()},
      {"recovered_session", recovered ? nlohmann::json(*recovered) : nlohmann::json(nullptr)}};
  if (s.expect_shots) summary["expected_shots"] = *s.expect_shots;
  std::cout << summary.dump(2) << std::endl;
  return match ? 0 : 1;
}

}  // namespace
void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run a whole session headless from a scenario file (QA)");
  cmd->add_option("--scenario", options->scenario, "Scenario JSON (examples/scenarios/)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* port = cmd->add_option("--port", options->port, "Serial port or pty of the device");
  auto* tcp = cmd->add_option("--tcp", options->tcp, "HOST:PORT of a device server or mesosim --tcp")
                  ->check(tcp_endpoint_check());
  auto* sim = cmd->add_flag("--sim", options->sim, "Run the simulated mesogun in-process");
  port->excludes(tcp)->excludes(sim);
  tcp->excludes(sim);
  cmd->add_option("--baud", options->baud, "Serial baud rate")->capture_default_str();
  cmd->add_option(
         "--config", options->config,
         "The station's configuration file (docs/configuration.md): its journal, mesogun, limits and "
         "paired devices; the options here override it")
      ->check(CLI::ExistingFile);
  cmd->add_option("--db", options->db,
                  "Journal database, created when missing (default: the --config file's, "
                  "else mesostation.db)");
  cmd->add_option("--key", options->key, "Station signing key file (default: DB.key, outside the database)");
  cmd->add_flag("--recover-only", options->recover_only,
                "Recover and seal a session a killed station left open, then exit (no new session)");
  cmd->add_option("--shot-log", options->shot_log,
                  "With --sim: the simulator's ground truth, a JSON line per shot");
  cmd->callback([options] {
    if (options->port.empty() && options->tcp.empty() && !options->sim && options->config.empty())
      throw CLI::ValidationError("run",
                                 "give the device: --port PATH, --tcp HOST:PORT, --sim or --config FILE");
    int code = 0;
    try {
      code = run(*options);
    } catch (const std::exception& e) {
      std::cerr << "mesostation run: " << e.what() << '\n';
      throw CLI::RuntimeError(2);
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
