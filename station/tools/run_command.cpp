// mesostation run: a whole session, headless, for QA. The scenario gives the patient, screening, plan and
// how treatment is driven; the station runs it against a serial port, a TCP device or the in-process
// simulator, journals everything in the SQLite journal, prints progress to stderr and a JSON summary to
// stdout, and exits 0 only when the outcome is the one the scenario expects.
#include "run_command.hpp"

#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/stream_openers.hpp"
#include "meso/hal/tcp_endpoint.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/verify_report.hpp"
#include "meso/journal/writer.hpp"
#include "meso/sim/fault_spec.hpp"
#include "meso/sim/scenario.hpp"
#include "meso/sim/shot_log.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/station/device_envelope.hpp"
#include "meso/station/recovery_inputs.hpp"
#include "meso/station/sqlite_journal_port.hpp"
#include "meso/station/station.hpp"
#include "run_scenario.hpp"
#include "tcp_option.hpp"

namespace meso::station {
namespace {

using std::chrono::milliseconds;

struct RunOptions {
  std::string scenario;
  std::string port;
  std::string tcp;
  bool sim = false;
  std::uint32_t baud = 115200;
  std::string db = "mesostation.db";
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

journal::Tag tag_of(const std::string& tag) {
  const auto t = journal::parse_tag(tag);
  if (!t) fail("tag '" + tag + "' is not one of real, test, demo");
  return *t;
}

// The scenario's user, authenticated. On a journal with no user at all (a fresh QA database) an admin
// account with a random password is made first, and then the scenario's user by that admin.
journal::UserInfo authenticate(journal::JournalWriter& writer, const std::filesystem::path& db,
                               const RunScenario& s) {
  if (auto user = journal::JournalReader(db).authenticate(s.user, s.password)) return *user;
  std::random_device rd;
  const auto admin = writer.add_user(
      {"admin", journal::Role::admin, std::to_string(rd()) + std::to_string(rd())}, std::nullopt);
  if (!admin) fail("user '" + s.user + "' is not in the journal or the password is wrong");
  const auto role = journal::parse_role(s.role);
  if (!role) fail("role '" + s.role + "' is not one of clinician, qa, auditor, admin");
  if (auto added = writer.add_user({s.user, *role, s.password}, admin.value()); !added)
    fail("cannot add user '" + s.user + "': " + added.error().message);
  progress("new journal: made an admin account and user " + s.user);
  auto user = journal::JournalReader(db).authenticate(s.user, s.password);
  if (!user) fail("user '" + s.user + "' cannot be authenticated");
  return *user;
}

journal::PatientId patient_id(journal::JournalWriter& writer, const std::filesystem::path& db,
                              const RunScenario& s, journal::UserId by) {
  auto added = writer.add_patient({s.patient, tag_of(s.tag)}, by);
  if (added) return added.value();
  if (added.error().code != journal::Errc::duplicate)
    fail("patient " + s.patient + ": " + added.error().message);
  const auto id = journal::JournalReader(db).patient_by_pseudonym(s.patient);
  if (!id) fail("patient " + s.patient + " is said to exist but cannot be found");
  return *id;
}

// The last shot counter the journal holds (every session), so that the driver recovers only what is new.
// Drives one station through a session and watches its snapshots; the clinician's acts are scripted.
class Runner {
 public:
  Runner(asio::io_context& io, Station& station, hal::Device& gun, const RunScenario& s)
      : io_(io), station_(station), gun_(gun), s_(s), timer_(io) {
    station_.set_observer([this](const StationSnapshot& snap) {
      for (const auto& a : snap.alarms)
        alarms_seen_.insert(a.code);
      if (snap.last_message != last_message_) {
        last_message_ = snap.last_message;
        progress(last_message_);
      }
    });
  }

  void start() {
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(s_.timeout_s);
    tick();
  }
  const std::set<std::string>& alarms_seen() const { return alarms_seen_; }
  bool timed_out() const { return timed_out_; }

 private:
  void tick() {
    step();
    if (done_) return;
    timer_.expires_after(milliseconds(10));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }

  void step() {
    const auto& snap = station_.snapshot();
    const auto now = std::chrono::steady_clock::now();
    if (is_final(snap.state)) {
      // Wait for the seal to be durable (the station says so), then stop.
      if (snap.last_message == "session sealed" || snap.last_message.rfind("seal failed", 0) == 0 ||
          now > deadline_ + std::chrono::seconds(5)) {
        done_ = true;
        io_.stop();
      }
      return;
    }
    if (now > deadline_) {
      timed_out_ = true;
      station_.abort("headless run timed out after " + std::to_string(s_.timeout_s) + " s");
      return;
    }
    if (snap.state != SessionState::treating && snap.state != SessionState::paused) return;
    const auto* step = snap.plan ? &snap.plan->steps[snap.step] : nullptr;
    if (step == nullptr) return;
    const bool step_done = snap.next_point >= step->points.size();
    if (step_done && snap.uncertain.empty()) {
      if (snap.step + 1 < snap.plan->steps.size()) {
        station_.next_step();
      } else {
        station_.finish_treatment("every planned point done");
        station_.close_session(true);  // the scenario's user was authenticated with its password
      }
      return;
    }
    if (snap.state == SessionState::paused) {
      if (!s_.rearm_after_fault || rearms_ >= s_.max_rearms) return finish_early("paused and not re-armed");
      station_.resume();
      return;
    }
    if (!snap.armed) {
      if (gun_.state() != hal::DeviceState::configured) return;  // connecting or reconciling: wait
      if (!snap.uncertain.empty())
        return finish_early("a fire's outcome is unknown and a headless run cannot attest");
      if (armed_once_) {
        if (!s_.rearm_after_fault || rearms_ >= s_.max_rearms)
          return finish_early("disarmed; no further re-arm");
        if (now < next_arm_at_) return;
        for (const auto& a : snap.alarms)
          station_.acknowledge_alarm(a.id);
        ++rearms_;
      }
      if (station_.arm().ok) {
        armed_once_ = true;
        next_fire_at_ = now + milliseconds(300);  // the depth actuator settles
      } else {
        next_arm_at_ = now + milliseconds(500);
      }
      return;
    }
    if (s_.mode == "fire" && now >= next_fire_at_ && snap.uncertain.empty()) {
      station_.fire_next();
      next_fire_at_ = now + milliseconds(s_.fire_interval_ms);
    }
  }

  void finish_early(const std::string& why) {
    if (station_.snapshot().state == SessionState::paused ||
        station_.snapshot().state == SessionState::treating) {
      station_.finish_treatment("ended early: " + why);
      station_.close_session(true);
    }
  }

  asio::io_context& io_;
  Station& station_;
  hal::Device& gun_;
  const RunScenario& s_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point next_fire_at_;
  std::chrono::steady_clock::time_point next_arm_at_;
  std::set<std::string> alarms_seen_;
  std::string last_message_;
  std::uint32_t rearms_ = 0;
  bool armed_once_ = false;
  bool done_ = false;
  bool timed_out_ = false;
};

int run(const RunOptions& o) {
  const auto s = load_run_scenario(o.scenario);
  for (const auto& step : s.plan.steps)
    if (step.device() != hal::DeviceKind::mesogun)
      fail("headless runs drive the mesogun; the plan's step '" + step.name + "' needs the pen");
  if (tag_of(s.tag) == journal::Tag::real && o.sim) fail("--sim runs are tagged test or demo, never real");
  const std::filesystem::path db = o.db;
  journal::JournalWriter writer({db, o.key.empty() ? db.string() + ".key" : o.key, 256});
  const auto user = authenticate(writer, db, s);

  asio::io_context io;
  SqliteJournalPort port(io, writer);
  // Crash recovery: a session left open by a killed station is rebuilt from its journal first.
  journal::JournalReader reader(db);
  hal::MesogunDriverOptions driver_options;
  driver_options.limits = mesogun_envelope(StationConfig{}.limits);  // the station's limits below
  driver_options.known_last_counter = accounted_shot_counter(reader);
  std::optional<journal::SessionInfo> recovered;
  std::vector<JournalDraft> recovered_events;
  for (const auto& open : reader.open_sessions()) {
    if (open.patient_pseudonym != s.patient) continue;
    // Its chain first: a session whose journal was altered is an auditor's matter, not something to resume.
    journal::VerifyOptions only_this;
    only_this.session = open.id;
    if (const auto report = reader.verify(only_this); !report.ok())
      fail("session " + std::to_string(open.id) + " was left open and its journal does not verify (" +
           journal::describe(report) + "): nothing continues until an auditor has looked (mesoaudit verify)");
    progress("session " + std::to_string(open.id) + " was left open; its chain verifies");
    recovered = open;
    recovered_events = session_events(reader, open.id);
    driver_options.uncertain_fires = unsettled_intents(recovered_events);
    break;
  }

  // The device.
  std::unique_ptr<sim::SimulatedMesogun> gun_sim;
  hal::StreamOpener opener;
  if (o.sim) {
    sim::SimulatedMesogun::Config sc;
    sc.line.seed = s.seed;
    sc.line.baud = 0;
    if (!s.faults.empty()) sc.line.faults = sim::parse_fault_spec(s.faults);
    if (!s.sim_scenario.is_null()) sc.line.scenario = sim::parse_scenario(s.sim_scenario);
    sc.device.auto_trigger_hz = s.mode == "trigger" ? s.auto_trigger_hz : 0.0;
    auto plugged_at = std::make_shared<std::chrono::steady_clock::time_point>();
    sc.line.on_unplug = [plugged_at](milliseconds for_ms) {
      *plugged_at = std::chrono::steady_clock::now() + for_ms;
    };
    if (!o.shot_log.empty()) sc.shot_log = o.shot_log;
    gun_sim = std::make_unique<sim::SimulatedMesogun>(io, nullptr, sc);
    opener = [&io, g = gun_sim.get(), plugged_at](const hal::StreamReady& ready) {
      if (std::chrono::steady_clock::now() < *plugged_at)
        return ready(nullptr, "the simulated device is unplugged");
      auto [station_end, device_end] = hal::make_memory_pair(io);
      g->attach(std::move(device_end));
      ready(std::move(station_end), "");
    };
  } else if (!o.tcp.empty()) {
    const auto endpoint = hal::parse_tcp_endpoint(o.tcp);
    opener = hal::tcp_opener(io, endpoint.host, endpoint.port);
  } else {
    hal::SerialSettings serial;
    serial.path = o.port;
    serial.baud = o.baud;
    opener = hal::serial_opener(io, serial);
  }
  hal::MesogunDriver gun(io, opener, driver_options);
  StationConfig config;
  config.catalog = s.catalog;
  Station station(io, port, config);  // after the device: it goes first, leaving the device disarmed
  station.add_device(gun);
  gun.configure();

  // Recover (and end) the session a killed station left open, once the device's records have been read.
  if (recovered) {
    SessionStart start{recovered->id, s.patient, tag_of(s.tag),   user.name,
                       user.id,       user.role, s.course_session};
    if (auto r = station.recover(start, recovered_events); !r.ok) fail(r.message);
    progress("recovering session " + std::to_string(recovered->id) + ": " + station.snapshot().last_message);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until &&
           (gun.state() != hal::DeviceState::configured || !station.snapshot().uncertain.empty())) {
      io.run_for(milliseconds(10));
    }
    const auto& snap = station.snapshot();
    const std::string why = snap.uncertain.empty()
                                ? "recovered after the station was killed; records reconciled"
                                : "recovered after the station was killed; a fire is still uncertain";
    if (snap.state == SessionState::paused || snap.state == SessionState::treating) {
      station.finish_treatment(why);
      station.close_session(true);
    } else {
      station.abort(why);
    }
    while (station.snapshot().last_message != "session sealed" &&
           std::chrono::steady_clock::now() < until + std::chrono::seconds(5))
      io.run_for(milliseconds(10));
    progress("recovered session " + std::to_string(recovered->id) + " ended and sealed");
  }
  if (o.recover_only) {
    const auto& snap = station.snapshot();
    nlohmann::json summary{
        {"recovered_session", recovered ? nlohmann::json(recovered->id) : nlohmann::json(nullptr)},
        {"outcome", recovered ? nlohmann::json(to_string(snap.state)) : nlohmann::json(nullptr)},
        {"shots", snap.shots},
        {"uncertain_fires", snap.uncertain.size()},
        {"sealed", recovered && snap.last_message == "session sealed"}};
    std::cout << summary.dump(2) << std::endl;
    return !recovered || snap.last_message == "session sealed" ? 0 : 1;
  }

  const auto patient = patient_id(writer, db, s, user.id);
  const auto created = writer.create_session_sync({patient, user.id, tag_of(s.tag), std::nullopt});
  if (!created) fail("cannot open a session: " + created.error().message);
  const SessionStart start{created.value(), s.patient, tag_of(s.tag),   user.name,
                           user.id,         user.role, s.course_session};
  Runner runner(io, station, gun, s);
  if (auto r = station.open_session(start); !r.ok) fail(r.message);
  // Connect first, then walk the workflow: a device that does not answer stops the run before any step.
  const auto connect_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (gun.state() != hal::DeviceState::configured && std::chrono::steady_clock::now() < connect_until)
    io.run_for(milliseconds(10));
  if (gun.state() != hal::DeviceState::configured) {
    station.abort("the device did not answer within 5 s");
  } else if (station.begin_screening().ok && station.record_screening(s.screening).ok &&
             station.record_assessment(s.assessment).ok && station.set_plan(s.plan).ok &&
             station.accept_plan().ok) {
    station.start_treatment();
  } else if (!is_final(station.snapshot().state)) {
    station.abort("the session could not proceed: " + station.snapshot().last_message);
  }
  runner.start();
  io.restart();
  io.run();

  const auto& snap = station.snapshot();
  std::uint64_t planned_points = 0;
  if (snap.plan)
    for (const auto& st : snap.plan->steps)
      planned_points += st.points.size();
  bool match = std::string(to_string(snap.state)) == s.expect_outcome;
  if (s.expect_shots && snap.shots != *s.expect_shots) match = false;
  for (const auto& a : s.expect_alarms)
    if (!runner.alarms_seen().contains(a)) match = false;
  nlohmann::json summary{
      {"scenario", s.name},
      {"session", snap.session_id},
      {"db", o.db},
      {"outcome", to_string(snap.state)},
      {"expected_outcome", s.expect_outcome},
      {"match", match},
      {"shots", snap.shots},
      {"delivered_nl", snap.delivered_nl},
      {"planned_points", planned_points},
      {"uncertain_fires", snap.uncertain.size()},
      {"alarms", std::vector<std::string>(runner.alarms_seen().begin(), runner.alarms_seen().end())},
      {"timed_out", runner.timed_out()},
      {"recovered_session", recovered ? nlohmann::json(recovered->id) : nlohmann::json(nullptr)}};
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
  cmd->add_option("--db", options->db, "Journal database (created when missing)")->capture_default_str();
  cmd->add_option("--key", options->key, "Station signing key file (default: DB.key, outside the database)");
  cmd->add_flag("--recover-only", options->recover_only,
                "Recover and seal a session a killed station left open, then exit (no new session)");
  cmd->add_option("--shot-log", options->shot_log,
                  "With --sim: the simulator's ground truth, a JSON line per shot");
  cmd->callback([options] {
    if (options->port.empty() && options->tcp.empty() && !options->sim)
      throw CLI::ValidationError("run", "give the device: --port PATH, --tcp HOST:PORT or --sim");
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
