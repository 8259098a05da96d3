// The crash test: a station process treating a session (trigger shots from a spawned mesosim over a pty) is
// killed with SIGKILL at seeded random moments; after each kill a recovery run finds the open session,
// reconciles the device's shot records and seals it. After every kill the journal verifies, and every shot
// in the simulator's shot log is in the journal exactly once.
//   MESO_CRASH_ITERATIONS (default 200) and MESO_CRASH_SEED (default 2026) set the run; more for a soak.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "meso/journal/reader.hpp"
#include "mesosim_process.hpp"

namespace meso::station {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

unsigned env_or(const char* name, unsigned fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : static_cast<unsigned>(std::stoul(v));
}

std::map<std::uint32_t, int> shot_log_counters(const fs::path& log) {
  std::map<std::uint32_t, int> out;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ++out[nlohmann::json::parse(line).at("shot_counter").get<std::uint32_t>()];
  return out;
}

std::map<std::uint32_t, int> journal_counters(const journal::JournalReader& reader) {
  std::map<std::uint32_t, int> out;
  for (const auto& s : reader.list_sessions())
    for (const auto& e : reader.events_of_kind(s.id, "shot.recorded"))
      ++out[nlohmann::json::parse(e.payload).at("shot_counter").get<std::uint32_t>()];
  return out;
}

std::string differences(const std::map<std::uint32_t, int>& truth,
                        const std::map<std::uint32_t, int>& journal) {
  std::string out;
  for (const auto& [c, n] : truth)
    if (!journal.contains(c)) out += " shot " + std::to_string(c) + " missing;";
  for (const auto& [c, n] : journal) {
    if (n != 1) out += " shot " + std::to_string(c) + " journaled " + std::to_string(n) + " times;";
    if (!truth.contains(c)) out += " shot " + std::to_string(c) + " journaled but never delivered;";
  }
  return out;
}

// A mesosim scenario that refills the syringe every 10 s for `duration`, as a nurse swaps it: the one
// simulator serves every kill, and its 10 ml syringe holds 500 of the scenario's 20 ul shots, which a run of
// 200 kills on a fast machine delivers (a run stopped at iteration 197 when it ran dry).
void write_refills(const fs::path& file, std::chrono::seconds duration) {
  nlohmann::json events = nlohmann::json::array();
  const auto last = std::min<std::int64_t>(duration.count(), 24 * 3600 - 10);  // mesosim's longest scenario
  for (std::int64_t at_s = 10; at_s <= last; at_s += 10)
    events.push_back({{"at_ms", at_s * 1000}, {"do", "refill"}});
  std::ofstream(file) << nlohmann::json{{"description", "the crash test's syringe swaps"},
                                        {"events", events}};
}

// Waits until the shot log grows past `size`: the station has armed the device and a shot was delivered.
bool shot_delivered_since(const fs::path& log, std::uintmax_t size, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(log) && fs::file_size(log) > size) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return false;
}

TEST(CrashRecovery, AStationKilledAtRandomMomentsLosesNoShotAndItsJournalVerifies) {
  const unsigned iterations = env_or("MESO_CRASH_ITERATIONS", 200);
  std::mt19937 rng(env_or("MESO_CRASH_SEED", 2026));
  const fs::path dir = fs::path(::testing::TempDir()) / ("meso_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db = (dir / "journal.db").string();
  const auto link = (dir / "gun").string();
  const auto log = dir / "shots.jsonl";
  const auto refills = dir / "refills.json";
  write_refills(refills, std::chrono::seconds(60 * (iterations + 1)));  // an iteration takes seconds at most

  testing::MesosimProcess sim({"--device", "mesogun", "--pty", "--link", link, "--auto-trigger", "8",
                               "--shot-log", log.string(), "--seed", "5", "--scenario", refills.string()});
  ASSERT_TRUE(sim.read_line(milliseconds(5000))) << "mesosim printed no pty path";
  const std::vector<std::string> run{"run", "--scenario", CRASH_SCENARIO, "--port", link, "--db", db};
  auto recover_only = run;
  recover_only.emplace_back("--recover-only");
  {  // The journal's users first, from a run nobody kills.
    testing::MesosimProcess setup(recover_only, MESOSTATION_PATH, true);
    ASSERT_EQ(setup.wait(milliseconds(20000)), 0);
  }
  // Even iterations kill at any moment from the start (start-up, login, arming, treatment); odd ones wait for
  // a shot of their own first, so half the kills land mid-treatment however slow the machine (a sanitizer
  // build, a loaded CI) makes the way there.
  std::uniform_int_distribution<int> kill_after_ms(20, 900);
  std::uniform_int_distribution<int> kill_after_shot_ms(0, 300);
  for (unsigned i = 0; i < iterations; ++i) {
    const bool after_a_shot = i % 2 == 1;
    const auto after = milliseconds(after_a_shot ? kill_after_shot_ms(rng) : kill_after_ms(rng));
    {
      const std::uintmax_t log_size = fs::exists(log) ? fs::file_size(log) : 0;
      testing::MesosimProcess station(run, MESOSTATION_PATH, true);
      if (after_a_shot) {
        ASSERT_TRUE(shot_delivered_since(log, log_size, milliseconds(30000)))
            << "iteration " << i << ": the station delivered no shot in 30 s";
      }
      std::this_thread::sleep_for(after);
      station.kill_now();
    }
    testing::MesosimProcess recovery(recover_only, MESOSTATION_PATH, true);
    ASSERT_EQ(recovery.wait(milliseconds(30000)), 0) << "iteration " << i << ": recovery failed";
    journal::JournalReader reader(db);
    const auto report = reader.verify();
    ASSERT_TRUE(report.ok()) << "iteration " << i << " (killed after " << after.count()
                             << " ms): " << journal::describe(report);
    ASSERT_TRUE(reader.open_sessions().empty()) << "iteration " << i << ": a session was left open";
    const auto diff = differences(shot_log_counters(log), journal_counters(reader));
    ASSERT_TRUE(diff.empty()) << "iteration " << i << " (killed after " << after.count() << " ms"
                              << (after_a_shot ? " past a shot" : "") << "):" << diff;
  }
  std::cout << "crash test: " << iterations << " kills, " << iterations / 2 << " of them past a shot, "
            << shot_log_counters(log).size() << " shots delivered, every one journaled once\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace meso::station
