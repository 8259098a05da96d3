// The headless runner and the console cannot drift apart: one scenario is run by `mesostation run --sim`
// (the scenario player), and the same acts are made through the application layer the way the console's
// adapter makes them. The two journals must hold the same events in the same order with the same payloads,
// apart from times and ids.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include "meso/journal/reader.hpp"
#include "meso/station/app.hpp"

namespace meso::station {
namespace {

using std::chrono::milliseconds;

std::filesystem::path scenario_file() {
  return std::filesystem::path(EXAMPLES_DIR) / "scenarios" / "clean_session.json";
}

// Times, clocks and ids differ between two runs of the same acts; everything else must not.
nlohmann::json comparable(nlohmann::json j) {
  static const std::regex varying(
      "utc|_ns$|^at$|_at$|time|mono|session_id|^session$|nonce|boot|elapsed|_ms$");
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : j.items())
      out[k] = std::regex_search(k, varying) ? nlohmann::json("*") : comparable(v);
    return out;
  }
  if (j.is_array())
    for (auto& v : j)
      v = comparable(v);
  return j;
}

std::vector<std::string> journal_lines(const std::filesystem::path& db) {
  const journal::JournalReader reader(db);
  const auto sessions = reader.list_sessions();
  EXPECT_EQ(sessions.size(), 1u) << db;
  std::vector<std::string> lines;
  if (sessions.empty()) return lines;
  for (const auto& e : reader.timeline(sessions.front().id))
    lines.push_back(e.kind + " " + e.role + " " + e.tag + " " +
                    comparable(nlohmann::json::parse(e.payload)).dump());
  return lines;
}

class AppParity : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("app_parity_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(AppParity, TheRunnerAndTheConsolesWayThroughTheLayerJournalTheSameSession) {
  // The runner.
  const auto runner_db = dir_ / "runner.db";
  const std::string command = std::string(MESOSTATION_PATH) + " run --sim --scenario " +
                              scenario_file().string() + " --db " + runner_db.string() + " > " +
                              (dir_ / "summary.json").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  // The console's way: the demo profile with the scenario's catalog, account, tag and simulator seed.
  nlohmann::json s;
  std::ifstream(scenario_file()) >> s;
  const auto console_db = dir_ / "console.db";
  auto config = demo_profile(console_db);
  config.pen = {};
  config.camera = {};
  config.simulated_closeup_per_cm2 = 0;
  config.tag = Tag::test;
  config.mesogun.seed = s["sim"]["seed"].get<std::uint32_t>();
  config.station.catalog = catalog_from_json(s["catalog"]);
  const std::string user = s["user"]["name"], password = s["user"]["password"];
  config.accounts = {{user, Role::qa, password}};
  {
    // Declared before the layer: its station thread writes them until the layer is destroyed.
    std::mutex mutex;
    StationSnapshot latest;
    StationApp app(config);
    app.on_snapshot([&](const StationSnapshot& snap) {
      const std::lock_guard lock(mutex);
      latest = snap;
    });
    const auto snapshot = [&] {
      const std::lock_guard lock(mutex);
      return latest;
    };
    const auto wait_until = [&](auto done) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!done(snapshot()) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(milliseconds(10));
      return done(snapshot());
    };
    app.start();
    ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app.login(user, password, r); }).ok());
    ASSERT_TRUE(wait_for_reply<OpenedSession>([&](auto r) { app.open_session(s["patient"], r); }).ok());
    ASSERT_TRUE(wait_until([](const StationSnapshot& snap) {
      const auto it = snap.devices.find(hal::DeviceKind::mesogun);
      return it != snap.devices.end() && it->second.state == hal::DeviceState::configured;
    }));
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) {
                  app.record_screening(screening_from_json(s["screening"]), r);
                }).ok());
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.record_assessment(s["assessment"], r); }).ok());
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.accept_plan(plan_from_json(s["plan"]), r); }).ok());
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.start_treatment(r); }).ok());
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.arm(r); }).ok());
    std::this_thread::sleep_for(milliseconds(300));  // the depth actuator settles, as the runner waits
    const std::size_t points = s["plan"]["steps"][0]["points"].size();
    for (std::size_t i = 0; i < points; ++i) {
      ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.fire_next(r); }).ok()) << "point " << i;
      ASSERT_TRUE(wait_until(
          [i](const StationSnapshot& snap) { return snap.shots == i + 1 && snap.uncertain.empty(); }));
      std::this_thread::sleep_for(milliseconds(150));
    }
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.finish_treatment("", r); }).ok());
    ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.sign_and_close(password, r); }).ok());
    ASSERT_TRUE(
        wait_until([](const StationSnapshot& snap) { return snap.last_message == "session sealed"; }));
  }

  const auto runner = journal_lines(runner_db);
  const auto console = journal_lines(console_db);
  ASSERT_GT(runner.size(), 20u);  // a whole session: transitions, 12 intents and shots, the seal's close
  EXPECT_EQ(runner, console);
}

}  // namespace
}  // namespace meso::station
