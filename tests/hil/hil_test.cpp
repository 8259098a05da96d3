// Hardware in the loop, with the simulator as the hardware: the real drivers, over a real pseudo-terminal
// (or TCP) paced at 115200 baud, against a spawned `mesosim` process; the simulator's shot log is the truth.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/pen_driver.hpp"
#include "meso/hal/stream_openers.hpp"
#include "mesosim_process.hpp"

namespace meso::testing {
namespace {

namespace mg = protocols::mesogun;
using std::chrono::milliseconds;

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("meso-hil-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

std::vector<nlohmann::json> read_shot_log(const std::filesystem::path& path) {
  std::vector<nlohmann::json> shots;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) shots.push_back(nlohmann::json::parse(line));
  }
  return shots;
}

struct Recorder {
  std::vector<mg::ShotRecord> shots;
  std::map<std::uint32_t, hal::FireOutcome> outcomes;
  bool armed = false;
  std::uint16_t depth_um = 0;
  std::uint32_t stamps = 0;
  int losses = 0;

  void operator()(const hal::DeviceEvent& e) {
    if (const auto* s = std::get_if<hal::device_event::Shot>(&e)) shots.push_back(s->record);

    if (const auto* f = std::get_if<hal::device_event::FireResolved>(&e))
      outcomes[f->command_id] = f->outcome;
    if (const auto* st = std::get_if<hal::device_event::Status>(&e)) {
      armed = st->armed;
      depth_um = st->depth_actual_um;
      stamps = st->stamps_total;
    }
    if (const auto* l = std::get_if<hal::device_event::Link>(&e);
        l != nullptr && l->state == hal::LinkState::lost) {
      ++losses;
    }
  }
};

template <class Pred>
bool run_until(asio::io_context& io, Pred pred, milliseconds limit = milliseconds(5000)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(milliseconds(5));
  }
  return pred();
}

hal::SerialSettings pty_at(const std::string& path) {
  hal::SerialSettings settings;
  settings.path = path;
  return settings;
}

hal::MesogunDriverOptions gun_options() {
  hal::MesogunDriverOptions options;
  options.limits = {1000, 4000, 50000, 9000, 0, 150};
  options.reconnect_period = milliseconds(100);
  return options;
}

void expect_log_matches(const std::vector<nlohmann::json>& log, const Recorder& rec) {
  std::map<std::uint32_t, int> seen;
  for (const auto& s : rec.shots)
    ++seen[s.shot_counter];
  ASSERT_EQ(seen.size(), log.size());
  for (const auto& entry : log) {
    const auto counter = entry.at("shot_counter").get<std::uint32_t>();
    EXPECT_EQ(seen[counter], 1) << "shot " << counter;
  }
}

TEST(HilPty, MesogunHostFiresAndTriggerShotsMatchTheSimulatorsShotLog) {
  TempDir dir;
  const auto log = dir.path() / "shots.jsonl";
  MesosimProcess sim(
      {"--device", "mesogun", "--pty", "--baud", "115200", "--seed", "11", "--shot-log", log.string()});
  const auto pty = sim.read_line(milliseconds(3000));
  ASSERT_TRUE(pty) << "mesosim printed no pty path";

  asio::io_context io;
  hal::MesogunDriver driver(io, hal::serial_opener(io, pty_at(*pty)), gun_options());
  Recorder rec;
  driver.set_event_handler(std::ref(rec));
  driver.configure();
  ASSERT_TRUE(run_until(io, [&] { return driver.state() == hal::DeviceState::configured; }));
  ASSERT_TRUE(driver.apply_settings({2000, 20000, mg::FireMode::single, 0, 0}).ok());
  ASSERT_TRUE(driver.activate().ok());
  ASSERT_TRUE(run_until(io, [&] { return rec.armed && rec.depth_um == 2000; }));
  for (std::uint32_t id = 1; id <= 10; ++id) {
    const auto fired = driver.fire(id);
    ASSERT_TRUE(fired.ok()) << id << ": " << fired.detail;
    run_until(
        io, [] { return false; }, milliseconds(120));
  }
  ASSERT_TRUE(run_until(io, [&] { return rec.outcomes.size() == 10; }));
  driver.deactivate();
  ASSERT_TRUE(run_until(io, [&] { return !rec.armed; }));
  for (std::uint32_t id = 1; id <= 10; ++id)
    EXPECT_EQ(rec.outcomes[id], hal::FireOutcome::delivered);
  expect_log_matches(read_shot_log(log), rec);
  driver.cleanup();
  EXPECT_EQ(sim.terminate(), 0);
}

TEST(HilPty, MesogunReconnectsAfterAnUnplugUnderANewPtyNameAndReconciles) {
  TempDir dir;
  const auto log = dir.path() / "shots.jsonl";
  const auto link = dir.path() / "ttyMESO";
  const auto scenario = dir.path() / "unplug.json";
  std::ofstream(scenario) << R"({"events":[{"at_ms":1500,"do":"unplug","for_ms":600}]})";
  MesosimProcess sim({"--device", "mesogun", "--pty", "--link", link.string(), "--baud", "115200", "--seed",
                      "5", "--auto-trigger", "6", "--scenario", scenario.string(), "--shot-log",
                      log.string()});
  ASSERT_TRUE(sim.read_line(milliseconds(3000)));

  asio::io_context io;
  hal::MesogunDriver driver(io, hal::serial_opener(io, pty_at(link.string())), gun_options());
  Recorder rec;
  driver.set_event_handler(std::ref(rec));
  driver.configure();
  ASSERT_TRUE(run_until(io, [&] { return driver.state() == hal::DeviceState::configured; }));
  ASSERT_TRUE(driver.apply_settings({2000, 20000, mg::FireMode::single, 0, 0}).ok());
  ASSERT_TRUE(driver.activate().ok());
  // Trigger shots at 6/s until the unplug; the driver loses the link, finds the device again under its new
  // pty name, recovers the shots it missed, and does not re-arm.
  ASSERT_TRUE(run_until(
      io, [&] { return rec.losses >= 1; }, milliseconds(4000)));
  ASSERT_TRUE(run_until(
      io, [&] { return driver.state() == hal::DeviceState::configured; }, milliseconds(5000)));
  run_until(
      io, [] { return false; }, milliseconds(500));
  EXPECT_FALSE(rec.armed) << "the driver re-armed by itself";
  const auto truth = read_shot_log(log);
  EXPECT_GT(truth.size(), 3U);
  expect_log_matches(truth, rec);
  driver.cleanup();
  EXPECT_EQ(sim.terminate(), 0);
}

TEST(HilPty, PenRunsUnderItsLeaseAndStopsWhenTold) {
  MesosimProcess sim({"--device", "pen", "--pty", "--baud", "115200"});
  const auto pty = sim.read_line(milliseconds(3000));
  ASSERT_TRUE(pty);

  asio::io_context io;
  hal::PenDriverOptions options;
  options.limits = {250, 1500, 0, 0, 150, 150};
  hal::PenDriver driver(io, hal::serial_opener(io, pty_at(*pty)), options);
  Recorder rec;
  driver.set_event_handler(std::ref(rec));
  driver.configure();
  ASSERT_TRUE(run_until(io, [&] { return driver.state() == hal::DeviceState::configured; }));
  EXPECT_EQ(driver.identity()->capabilities.depth_max_um, 2500);
  EXPECT_EQ(driver.apply_settings({3000, 0, mg::FireMode::single, 0, 100}).refusal,
            hal::Refusal::depth_outside_capabilities);
  ASSERT_TRUE(driver.apply_settings({1000, 0, mg::FireMode::single, 0, 100}).ok());
  ASSERT_TRUE(driver.activate().ok());
  ASSERT_TRUE(run_until(io, [&] { return rec.armed && rec.stamps > 50; }));  // 100 stamps/s
  driver.deactivate();
  ASSERT_TRUE(run_until(io, [&] { return !rec.armed; }));
  const auto stopped_at = rec.stamps;
  run_until(
      io, [] { return false; }, milliseconds(300));
  EXPECT_LE(rec.stamps, stopped_at + 5U) << "the pen kept stamping after STP";
  driver.cleanup();
  EXPECT_EQ(sim.terminate(), 0);
}

TEST(HilTcp, MesogunOverTcpSpeaksTheSameProtocol) {
  const auto port = static_cast<std::uint16_t>(20000 + (::getpid() % 20000));
  MesosimProcess sim({"--device", "mesogun", "--tcp", "127.0.0.1:" + std::to_string(port), "--baud", "0"});
  sim.read_line(milliseconds(1000));  // whatever it announces; it listens once it has printed it

  asio::io_context io;
  hal::MesogunDriver driver(io, hal::tcp_opener(io, "127.0.0.1", port), gun_options());
  Recorder rec;
  driver.set_event_handler(std::ref(rec));
  driver.configure();
  ASSERT_TRUE(run_until(io, [&] { return driver.state() == hal::DeviceState::configured; }));
  EXPECT_EQ(driver.identity()->kind, hal::DeviceKind::mesogun);
  driver.cleanup();
  EXPECT_EQ(sim.terminate(), 0);
}

}  // namespace
}  // namespace meso::testing
