// Scenario files: strict parsing with errors that name the problem, and a timeline that plays on time.
#include <gtest/gtest.h>

#include "host_harness.hpp"
#include "meso/sim/pen_device.hpp"

namespace meso::sim {
namespace {

using std::chrono::milliseconds;

void expect_error(const std::string& json, const std::string& message) {
  try {
    parse_scenario(std::string_view(json));
    ADD_FAILURE() << json << " was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << json << "\n  -> " << e.what();
  }
}

TEST(Scenario, ParsesEveryActionInTimeOrder) {
  const auto scenario = parse_scenario(std::string_view(R"({"description": "all of it", "events": [
    {"at_ms": 900, "do": "unplug", "for_ms": 2000},
    {"at_ms": 100, "do": "occlusion"},
    {"at_ms": 100, "do": "clear_occlusion"},
    {"at_ms": 200, "do": "low_reservoir"},
    {"at_ms": 210, "do": "low_reservoir", "reservoir_nl": 5000},
    {"at_ms": 220, "do": "refill"},
    {"at_ms": 300, "do": "under_delivery", "fraction": 0.5},
    {"at_ms": 400, "do": "stuck_trigger"},
    {"at_ms": 500, "do": "release_trigger"},
    {"at_ms": 600, "do": "trigger", "count": 3},
    {"at_ms": 610, "do": "trigger"},
    {"at_ms": 700, "do": "reboot"},
    {"at_ms": 800, "do": "stuck", "for_ms": 300},
    {"at_ms": 1000, "do": "faults", "spec": "bitflip=0.01,dir=in"},
    {"at_ms": 1100, "do": "alarm", "code": "MOTOR_STALL", "active": false}
  ]})"));
  EXPECT_EQ(scenario.description, "all of it");
  ASSERT_EQ(scenario.events.size(), 15U);
  EXPECT_TRUE(std::holds_alternative<action::Occlusion>(scenario.events[0].action));
  EXPECT_TRUE(std::holds_alternative<action::ClearOcclusion>(scenario.events[1].action));  // file order kept
  EXPECT_EQ(std::get<action::LowReservoir>(scenario.events[3].action).reservoir_nl, 5000U);
  EXPECT_DOUBLE_EQ(std::get<action::UnderDelivery>(scenario.events[5].action).fraction, 0.5);
  EXPECT_EQ(std::get<action::Trigger>(scenario.events[8].action).count, 3U);
  EXPECT_EQ(std::get<action::Trigger>(scenario.events[9].action).count, 1U);
  EXPECT_EQ(std::get<action::Stuck>(scenario.events[11].action).for_ms, milliseconds{300});
  EXPECT_EQ(std::get<action::Unplug>(scenario.events[12].action).for_ms, milliseconds{2000});
  EXPECT_EQ(std::get<action::Faults>(scenario.events[13].action).spec.direction, FaultDirection::incoming);
  EXPECT_FALSE(std::get<action::PenAlarm>(scenario.events[14].action).active);
}

TEST(Scenario, ErrorsNameTheProblem) {
  expect_error("{", "not valid JSON");
  expect_error("[]", "must be a JSON object");
  expect_error(R"({"evnts": []})", "unknown key \"evnts\"");
  expect_error(R"({"events": {}})", "\"events\" must be an array");
  expect_error(R"({"events": [{"do": "reboot"}]})", "events[0]: \"at_ms\" must be");
  expect_error(R"({"events": [{"at_ms": -5, "do": "reboot"}]})", "\"at_ms\" must be");
  expect_error(R"({"events": [{"at_ms": 5}]})", "\"do\" must name an action");
  expect_error(R"({"events": [{"at_ms": 5, "do": "explode"}]})", "unknown action \"explode\"");
  expect_error(
      R"({"events": [{"at_ms": 1, "do": "reboot"}, {"at_ms": 5, "do": "under_delivery", "fracton": 0.5}]})",
      "events[1]: \"under_delivery\" needs \"fraction\"");
  expect_error(R"({"events": [{"at_ms": 5, "do": "under_delivery", "fraction": 0.5, "fracton": 0.5}]})",
               "unknown key \"fracton\" for \"under_delivery\" (allowed: at_ms, do, fraction)");
  expect_error(R"({"events": [{"at_ms": 5, "do": "under_delivery", "fraction": 1.5}]})", "from 0 to 1");
  expect_error(R"({"events": [{"at_ms": 5, "do": "unplug"}]})", "\"unplug\" needs \"for_ms\"");
  expect_error(R"({"events": [{"at_ms": 5, "do": "stuck", "for_ms": "long"}]})",
               "\"for_ms\" must be a whole number");
  expect_error(R"({"events": [{"at_ms": 5, "do": "trigger", "count": 0}]})", "at least 1");
  expect_error(R"({"events": [{"at_ms": 5, "do": "faults", "spec": "bitflip=2"}]})",
               "events[0]: fault \"bitflip\"");
  expect_error(R"({"events": [{"at_ms": 5, "do": "alarm", "code": "FIRE"}]})",
               "unknown pen alarm code \"FIRE\"");
  expect_error(R"({"events": [{"at_ms": 5, "do": "reboot", "now": true}]})",
               "unknown key \"now\" for \"reboot\"");
}

// Every timeline in examples/mesosim/ parses and fits one of the devices; station_tests checks that each
// is refused as a `mesostation run` scenario, and the run scenarios the other way round.
TEST(Scenario, ExampleFilesParse) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(MESOSIM_EXAMPLES_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  EXPECT_GE(files.size(), 2U);
  const TimePoint now{};
  for (const auto& file : files) {
    Scenario scenario;
    try {
      scenario = load_scenario(file);
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    EXPECT_FALSE(scenario.events.empty()) << file;
    MesogunDevice gun(MesogunModelConfig{}, now);
    PenDevice pen(PenModelConfig{}, now);
    const auto fits = [&scenario, now](SimDevice& device) {
      try {
        const SimulatorCore core(device, {}, 1, scenario, now);
        return true;
      } catch (const ScenarioError&) {
        return false;
      }
    };
    EXPECT_TRUE(fits(gun) || fits(pen)) << file << " fits neither device";
  }
  EXPECT_THROW(load_scenario("/nonexistent/scenario.json"), ScenarioError);
}

TEST(Scenario, ActionsMustFitTheDevice) {
  const TimePoint now{};
  PenDevice pen(PenModelConfig{}, now);
  const auto for_pen = parse_scenario(std::string_view(R"({"events": [{"at_ms": 5, "do": "occlusion"}]})"));
  try {
    SimulatorCore core(pen, {}, 1, for_pen, now);
    ADD_FAILURE() << "an occlusion was accepted for a pen";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("\"occlusion\" does not apply to the pen"), std::string::npos)
        << e.what();
  }
  MesogunDevice gun(MesogunModelConfig{}, now);
  const auto for_gun =
      parse_scenario(std::string_view(R"({"events": [{"at_ms": 5, "do": "alarm", "code": "INTERNAL"}]})"));
  EXPECT_THROW(SimulatorCore(gun, {}, 1, for_gun, now), ScenarioError);
}

TEST(Scenario, LineActionsAppliedToADeviceGoToItsLine) {
  testing::MesogunHostHarness h;
  ASSERT_TRUE(h.handshake());
  h.device.apply(action::Faults{parse_fault_spec("drop=1,dir=both")}, h.now);
  EXPECT_EQ(h.core.outgoing_faults().spec().drop, 1.0);
  EXPECT_EQ(h.core.incoming_faults().spec().drop, 1.0);
  h.device.apply(action::Stuck{milliseconds{500}}, h.now);
  EXPECT_TRUE(h.core.stuck(h.now));
  h.device.apply(action::Unplug{milliseconds{100}}, h.now);
  EXPECT_EQ(h.core.take_unplug(), milliseconds{100});

  // A device on no line refuses them rather than ignore them.
  PenDevice pen(PenModelConfig{}, h.now);
  EXPECT_THROW(pen.apply(action::Stuck{milliseconds{500}}, h.now), std::logic_error);
  EXPECT_NO_THROW(pen.apply(action::Reboot{}, h.now));
}

TEST(Scenario, PlaysOnTime) {
  const TimePoint start = TimePoint{} + std::chrono::hours{1};
  ScenarioPlayer player(
      parse_scenario(std::string_view(
          R"({"events": [{"at_ms": 100, "do": "reboot"}, {"at_ms": 300, "do": "occlusion"}]})")),
      start);
  EXPECT_TRUE(player.take_due(start + milliseconds{99}).empty());
  EXPECT_EQ(*player.next_event(), start + milliseconds{100});
  EXPECT_EQ(player.take_due(start + milliseconds{100}).size(), 1U);
  EXPECT_EQ(player.take_due(start + milliseconds{500}).size(), 1U);
  EXPECT_TRUE(player.finished());
}

TEST(Scenario, StuckDeviceAnswersNothingAndItsLeaseStillRuns) {
  testing::HarnessOptions options;
  options.scenario =
      parse_scenario(std::string_view(R"({"events": [{"at_ms": 2000, "do": "stuck", "for_ms": 600}]})"));
  testing::MesogunHostHarness h(options);
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, testing::mg::FireMode::single, 0}, 150);
  const auto elapsed =
      std::chrono::duration_cast<milliseconds>(h.now - (TimePoint{} + std::chrono::hours{1}));
  h.run_for(milliseconds{2001} - elapsed);
  ASSERT_TRUE(h.core.stuck(h.now));
  const auto heard = h.received.size();
  h.run_for(milliseconds{300});
  EXPECT_EQ(h.received.size(), heard);                                 // nothing answers
  EXPECT_EQ(h.model().state(), testing::mg::DeviceState::configured);  // the lease ran out inside
  EXPECT_EQ(h.host.state(), hal::LinkState::lost);
  h.run_for(milliseconds{500});
  EXPECT_FALSE(h.core.stuck(h.now));
  EXPECT_GT(h.received.size(), heard);  // talking again
  EXPECT_EQ(h.last_of<testing::mg::Status>()->state, testing::mg::DeviceState::configured);
}

TEST(Scenario, TimelineDrivesTheDeviceAndTheLine) {
  testing::HarnessOptions options;
  options.scenario = parse_scenario(std::string_view(R"({"events": [
      {"at_ms": 1000, "do": "trigger", "count": 2},
      {"at_ms": 1500, "do": "faults", "spec": "dup=1"},
      {"at_ms": 1600, "do": "unplug", "for_ms": 250}]})"));
  testing::MesogunHostHarness h(options);
  ASSERT_TRUE(h.handshake());
  h.configure_and_arm({1500, 20000, testing::mg::FireMode::single, 0}, 1000);
  h.run_for(milliseconds{1000});
  EXPECT_EQ(h.delivered.size(), 2U);
  EXPECT_EQ(h.core.outgoing_faults().spec().dup, 1.0);
  EXPECT_GT(h.core.outgoing_faults().counters().duplicates, 0U);
  EXPECT_EQ(h.core.take_unplug(), milliseconds{250});
  EXPECT_EQ(h.core.take_unplug(), std::nullopt);
}

}  // namespace
}  // namespace meso::sim
