// Which devices may treat whom (issue 17): a real-tagged session arms only a device that has identified
// itself, does not say it is simulated, and, when the station names paired devices, is one of them; each
// refusal names the device and what to do, and is journaled. Test- and demo-tagged sessions arm either kind.
// The devices here are stand-ins whose identity the test sets, so that a real device can be played too.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meso/station/station.hpp"

namespace meso::station {
namespace {

class KeptJournal final : public JournalPort {
 public:
  explicit KeptJournal(asio::io_context& io) : io_(io) {}
  void append(JournalDraft draft, Durable on_durable) override {
    events.push_back(std::move(draft));
    asio::post(io_, [cb = std::move(on_durable)] {
      if (cb) cb("");
    });
  }
  void seal(std::int64_t, std::int64_t, std::string, Durable on_durable) override {
    asio::post(io_, [cb = std::move(on_durable)] {
      if (cb) cb("");
    });
  }
  std::vector<JournalDraft> events;

 private:
  asio::io_context& io_;
};

// A mesogun that is always connected and idle, with the identity the test gives it.
class StandInGun final : public hal::Device {
 public:
  explicit StandInGun(std::optional<hal::DeviceIdentity> identity) : identity_(std::move(identity)) {}
  hal::DeviceKind kind() const override { return hal::DeviceKind::mesogun; }
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }
  void configure() override {}
  hal::CommandResult apply_settings(const hal::TreatmentSettings&) override {
    return hal::CommandResult::accepted();
  }
  hal::CommandResult activate() override {
    ++activations;
    return hal::CommandResult::accepted();
  }
  void deactivate() override {}
  void cleanup() override {}
  void estop() override {}
  hal::CommandResult fire(std::uint32_t) override {
    return hal::CommandResult::refused(hal::Refusal::not_supported, "a stand-in does not fire");
  }
  void set_limits(const hal::DeviceLimits&) override {}
  hal::DeviceState state() const override { return hal::DeviceState::configured; }
  const std::optional<hal::DeviceIdentity>& identity() const override { return identity_; }

  int activations = 0;

 private:
  std::optional<hal::DeviceIdentity> identity_;
  EventHandler handler_;
};

hal::DeviceIdentity gun(std::string serial, bool simulated) {
  hal::DeviceIdentity id;
  id.kind = hal::DeviceKind::mesogun;
  id.model = simulated ? "MesoGun SIM" : "MG-200";
  id.serial_number = std::move(serial);
  id.firmware = "1.4.2";
  id.protocol_version = 1;
  id.simulated = simulated;
  id.capabilities = {500, 4000, 100, 1000, 100'000, 500, 9000, 5000, 7, 0, 0};
  return id;
}

StationConfig trust_config(std::vector<std::string> paired) {
  StationConfig c;
  c.paired_devices = std::move(paired);
  c.catalog.products.push_back({"HairVital", {"biotin"}, {{"L-0425", parse_date("2027-04-30")}}});
  c.today = [] { return parse_date("2026-11-26"); };
  return c;
}

TreatmentPlan trust_plan() {
  PlanStep s;
  s.name = "mesotherapy";
  s.technique = Technique::point_by_point;
  s.depth_um = 2000;
  s.dose_nl = 20'000;
  s.spacing_mm = 10;
  s.zones = {"crown"};
  s.points = {{0.0, 0.0, "crown"}, {10.0, 0.0, "crown"}};
  return {"HairVital", "L-0425", 1'000'000, {s}};
}

struct Arming {
  bool ok = false;
  std::string message;
  std::vector<JournalDraft> refusals;  // the journal's arm refusals
  int activations = 0;
};

// Check-in to treating with the given device, then one arm.
Arming arm_with(std::optional<hal::DeviceIdentity> identity, Tag tag, std::vector<std::string> paired) {
  asio::io_context io;
  KeptJournal journal(io);
  StandInGun device(std::move(identity));  // outlives the station, which lets it go when destroyed
  Station station(io, journal, trust_config(std::move(paired)));
  station.add_device(device);
  Arming out;
  const SessionStart start{42, "P-7F3A", tag, "dr.ines", 3, Role::clinician, 1};
  ScreeningAnswers screening;
  screening.patch_test = PatchTest::negative;
  screening.consent_signed = true;
  EXPECT_TRUE(station.open_session(start).ok);
  EXPECT_TRUE(station.begin_screening().ok);
  EXPECT_TRUE(station.record_screening(screening).ok);
  EXPECT_TRUE(station.record_assessment({}).ok);
  EXPECT_TRUE(station.set_plan(trust_plan()).ok) << station.snapshot().last_message;
  EXPECT_TRUE(station.accept_plan().ok);
  EXPECT_TRUE(station.start_treatment().ok) << station.snapshot().last_message;
  const auto r = station.arm();
  io.poll();
  out.ok = r.ok;
  out.message = r.message;
  out.activations = device.activations;
  for (const auto& e : journal.events)
    if (e.kind == "refusal" && e.payload.value("command", "") == "arm") out.refusals.push_back(e);
  station.disarm("test over");
  return out;
}

// A refusal that says what was wrong with which device and what to do, journaled word for word.
void expect_refused(const Arming& a, const std::vector<std::string>& words) {
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.activations, 0) << "the device was armed";
  for (const auto& w : words)
    EXPECT_NE(a.message.find(w), std::string::npos) << "'" << w << "' not in: " << a.message;
  ASSERT_EQ(a.refusals.size(), 1U) << "the arm refusal was not journaled";
  EXPECT_EQ(a.refusals[0].payload.at("reason"), a.message);
  EXPECT_EQ(a.refusals[0].session, 42);
}

void expect_armed(const Arming& a) {
  EXPECT_TRUE(a.ok) << a.message;
  EXPECT_EQ(a.activations, 1);
  EXPECT_TRUE(a.refusals.empty());
}

TEST(DeviceTrust, ARealSessionRefusesASimulatorNamingItAndWhatToDo) {
  for (const auto& paired : {std::vector<std::string>{}, std::vector<std::string>{"SIM-MG-000001"}}) {
    // Paired or not: a simulator never treats a real patient.
    expect_refused(arm_with(gun("SIM-MG-000001", true), Tag::real, paired),
                   {"mesogun", "MesoGun SIM", "SIM-MG-000001", "simulator", "test-tagged session"});
  }
}

TEST(DeviceTrust, ARealSessionRefusesADeviceWithoutIdentity) {
  for (const auto& paired : {std::vector<std::string>{}, std::vector<std::string>{"MG2-00417"}}) {
    expect_refused(arm_with(std::nullopt, Tag::real, paired),
                   {"mesogun", "has not identified itself", "wait until it is identified"});
  }
}

TEST(DeviceTrust, ARealSessionRefusesAnUnpairedDeviceWhenTheStationNamesPairedOnes) {
  expect_refused(arm_with(gun("MG2-99999", false), Tag::real, {"MG2-00417", "MG2-00418"}),
                 {"mesogun", "MG2-99999", "not paired", "MG2-00417, MG2-00418", "paired devices"});
}

TEST(DeviceTrust, ARealSessionArmsARealDeviceThatIsPairedOrWhenNoneAreNamed) {
  expect_armed(arm_with(gun("MG2-00417", false), Tag::real, {}));
  expect_armed(arm_with(gun("MG2-00417", false), Tag::real, {"MG2-00418", "MG2-00417"}));
}

TEST(DeviceTrust, TestAndDemoSessionsArmEitherKind) {
  for (const Tag tag : {Tag::test, Tag::demo}) {
    for (const auto& paired : {std::vector<std::string>{}, std::vector<std::string>{"MG2-00417"}}) {
      expect_armed(arm_with(gun("SIM-MG-000001", true), tag, paired));  // simulated, and unpaired
      expect_armed(arm_with(gun("MG2-00417", false), tag, paired));
      expect_armed(arm_with(gun("MG2-99999", false), tag, paired));  // unpaired when any are named
    }
  }
}

}  // namespace
}  // namespace meso::station
