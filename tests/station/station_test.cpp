// The station against the in-process simulated mesogun, through the real driver: the workflow, the layers of
// limits, write-ahead intent, E-STOP, the uncertainty lock and recovery after a restart. The journal here is
// a recording one, so that tests can hold or fail its writes; the last test runs through the SQLite journal.
#include "meso/station/station.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/pen_driver.hpp"
#include "meso/hal/stream_openers.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/writer.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "meso/station/recovery_inputs.hpp"
#include "meso/station/sqlite_journal_port.hpp"
#include "sim_rig.hpp"

namespace meso::station {
namespace {

using std::chrono::milliseconds;
using testing::MesogunSimRig;

class RecordingJournal final : public JournalPort {
 public:
  explicit RecordingJournal(asio::io_context& io) : io_(io) {}
  void append(JournalDraft draft, Durable on_durable) override {
    if (on_append) on_append(draft);
    events.push_back(std::move(draft));
    if (hold) {
      held.push_back(std::move(on_durable));
      return;
    }
    asio::post(io_, [cb = std::move(on_durable), error = fail_with] {
      if (cb) cb(error);
    });
  }
  void seal(std::int64_t session, std::int64_t /*user_id*/, std::string reason, Durable on_durable) override {
    sealed.emplace_back(session, std::move(reason));
    asio::post(io_, [cb = std::move(on_durable)] {
      if (cb) cb("");
    });
  }
  void release() {
    hold = false;
    for (auto& cb : held)
      asio::post(io_, [cb = std::move(cb)] {
        if (cb) cb("");
      });
    held.clear();
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& e : events)
      out.push_back(e.kind);
    return out;
  }
  std::vector<JournalDraft> of_kind(const std::string& kind) const {
    std::vector<JournalDraft> out;
    for (const auto& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  std::vector<JournalDraft> events;
  std::vector<std::pair<std::int64_t, std::string>> sealed;
  std::function<void(const JournalDraft&)> on_append;
  bool hold = false;
  std::string fail_with;
  std::vector<Durable> held;

 private:
  asio::io_context& io_;
};

StationConfig test_config() {
  StationConfig c;
  c.catalog.products.push_back(
      {"HairVital",
       {"biotin", "dexpanthenol"},
       {{"L-0425", parse_date("2027-04-30")}, {"L-0124", parse_date("2026-01-31")}}});
  c.today = [] { return parse_date("2026-11-26"); };
  return c;
}

TreatmentPlan test_plan(std::size_t points = 3, std::string lot = "L-0425") {
  PlanStep s;
  s.name = "mesotherapy";
  s.technique = Technique::point_by_point;
  s.depth_um = 2000;
  s.dose_nl = 20'000;
  s.spacing_mm = 10;
  s.zones = {"crown"};
  for (std::size_t i = 0; i < points; ++i)
    s.points.push_back({static_cast<double>(i) * 10.0, 0.0, "crown"});
  return {"HairVital", std::move(lot), 1'000'000, {s}};
}

ScreeningAnswers cleared_screening() {
  ScreeningAnswers a;
  a.patch_test = PatchTest::negative;
  a.consent_signed = true;
  return a;
}

SessionStart test_start(Role role = Role::clinician, Tag tag = Tag::test) {
  return {42, "P-7F3A", tag, "dr.ines", 3, role, 1};
}

struct StationRig {
  MesogunSimRig sim;
  RecordingJournal journal{sim.io};
  Station station{sim.io, journal, test_config()};

  StationRig() { station.add_device(*sim.driver); }

  bool connect() {
    sim.driver->configure();
    return sim.run_until([&] { return sim.driver->state() == hal::DeviceState::configured; });
  }
  void settle(milliseconds d = milliseconds(20)) { sim.run_for(d); }
  // Check-in to treating, the device connected; each step must be accepted.
  void to_treating(const TreatmentPlan& plan = test_plan()) {
    ASSERT_TRUE(connect());
    ASSERT_TRUE(station.open_session(test_start()).ok);
    ASSERT_TRUE(station.begin_screening().ok);
    ASSERT_TRUE(station.record_screening(cleared_screening()).ok);
    ASSERT_TRUE(station.record_assessment({{"density_per_cm2", 140}}).ok);
    ASSERT_TRUE(station.set_plan(plan).ok) << station.snapshot().last_message;
    ASSERT_TRUE(station.accept_plan().ok);
    ASSERT_TRUE(station.start_treatment().ok);
  }
  // Armed, and the depth actuator has settled (the device answers FIRE with `busy` while it moves).
  bool arm() {
    if (!station.arm().ok) return false;
    const bool reached = sim.run_until([&] {
      return sim.gun->model().state() == protocols::mesogun::DeviceState::armed &&
             sim.gun->model().status(hal::SteadyClock::now()).depth_actual_um == 2000;
    });
    settle(sim.gun->model().config().physics.depth_settle + milliseconds(20));
    return reached;
  }
  // A clinician's pace: the driver refuses a FIRE sooner than the device's shot interval (9 shots/s).
  bool fire_and_wait() {
    settle(milliseconds(120));
    const auto before = station.snapshot().shots;
    if (!station.fire_next().ok) return false;
    return sim.run_until(
        [&] { return station.snapshot().shots == before + 1 && station.snapshot().uncertain.empty(); });
  }
};

TEST(Station, AWholeSessionIsJournaledStepByStepAndMatchesTheDevicesShots) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(rig.fire_and_wait()) << rig.station.snapshot().last_message << " shots "
                                     << rig.sim.truth.size()
                                     << " journal: " << ::testing::PrintToString(rig.journal.kinds())
                                     << " last: " << rig.journal.events.back().payload.dump();
  }
  rig.settle(milliseconds(100));
  // The last planned point done: the station disarmed by itself.
  EXPECT_FALSE(rig.station.snapshot().armed);
  EXPECT_NE(rig.sim.gun->model().state(), protocols::mesogun::DeviceState::armed);
  ASSERT_TRUE(rig.station.finish_treatment("plan complete").ok);
  ASSERT_TRUE(rig.station.close_session(true).ok);
  EXPECT_EQ(rig.station.snapshot().state, SessionState::closed);
  rig.settle();
  ASSERT_EQ(rig.journal.sealed.size(), 1U);
  EXPECT_EQ(rig.journal.sealed[0].first, 42);

  // Every delivered shot is journaled once, with its intent first.
  const auto shots = rig.journal.of_kind("shot.recorded");
  ASSERT_EQ(shots.size(), rig.sim.truth.size());
  ASSERT_EQ(shots.size(), 3U);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < shots.size(); ++i) {
    EXPECT_EQ(shots[i].payload["shot_counter"], rig.sim.truth[i].shot_counter);
    EXPECT_EQ(shots[i].payload["point"], i);
    total += rig.sim.truth[i].dose_nl;
  }
  EXPECT_EQ(rig.station.snapshot().delivered_nl, total);
  const auto kinds = rig.journal.kinds();
  for (const auto& shot : shots) {
    const auto id = shot.payload["command_id"];
    const auto intent =
        std::find_if(rig.journal.events.begin(), rig.journal.events.end(),
                     [&](const auto& e) { return e.kind == "fire.intent" && e.payload["command_id"] == id; });
    ASSERT_NE(intent, rig.journal.events.end());
  }
  for (const auto& e : rig.journal.events) {
    EXPECT_EQ(e.session, 42);
    EXPECT_EQ(e.user, "dr.ines");
  }
  EXPECT_EQ(rig.journal.of_kind("session.transition").size(), 7U);  // screening, assessment .. closed
  ASSERT_EQ(rig.journal.of_kind("session.post_care").size(), 1U);
  EXPECT_FALSE(rig.journal.of_kind("session.post_care")[0].payload["appointments"].empty());
  // The last point's interlock, the end of treatment and the close each disarm; one DISARM goes out.
  EXPECT_EQ(rig.sim.line_watch().disarms.size(), 1U);
}

// Issue 15, 3: a device that answers the station's CONFIGURE with `busy` (it still believes it is armed)
// used to leave the station refusing every FIRE ("no settings applied") until a 30 s timeout. The driver
// disarms it and configures again; the station journals what was applied and stays disarmed; a person arms
// again and treats.
TEST(Station, ADeviceThatAnswersBusyOnceIsDisarmedConfiguredAgainAndTreats) {
  StationRig rig;
  rig.to_treating();
  rig.sim.inject(sim::action::BusyOnce{});
  ASSERT_TRUE(rig.station.arm().ok);
  ASSERT_TRUE(rig.sim.run_until([&] { return !rig.journal.of_kind("device.settings_reapplied").empty(); }));
  rig.settle(milliseconds(200));
  const auto reapplied = rig.journal.of_kind("device.settings_reapplied")[0].payload;
  EXPECT_EQ(reapplied["depth_um"], 2000);
  EXPECT_EQ(reapplied["dose_nl"], 20000);
  EXPECT_NE(reapplied["reason"].get<std::string>().find("busy"), std::string::npos);
  // (The simulated firmware is in fact unconfigured, so the ARM behind the CONFIGURE is refused too.)
  const auto refused = rig.journal.of_kind("device.refused");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused[0].payload["command"], "CONFIGURE");
  EXPECT_EQ(refused[0].payload["reason"], "busy");
  EXPECT_FALSE(rig.station.snapshot().armed);
  EXPECT_FALSE(rig.journal.of_kind("device.disarmed").empty());
  EXPECT_NE(rig.sim.gun->model().state(), protocols::mesogun::DeviceState::armed);
  ASSERT_TRUE(rig.arm()) << rig.station.snapshot().last_message;
  ASSERT_TRUE(rig.fire_and_wait()) << rig.station.snapshot().last_message;
  EXPECT_EQ(rig.sim.truth.size(), 1U);
}

TEST(Station, AnIllegalTransitionIsRefusedWithAReasonAndJournaled) {
  StationRig rig;
  ASSERT_TRUE(rig.station.open_session(test_start()).ok);
  const auto r = rig.station.start_treatment();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("ready"), std::string::npos) << r.message;
  const auto refusals = rig.journal.of_kind("refusal");
  ASSERT_EQ(refusals.size(), 1U);
  EXPECT_EQ(refusals[0].payload["command"], "start_treatment");
  EXPECT_FALSE(rig.station.arm().ok);
  EXPECT_EQ(rig.station.snapshot().state, SessionState::check_in);
}

TEST(Station, AScreeningStopEndsTheSessionAndNothingCanBeArmed) {
  StationRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.station.open_session(test_start()).ok);
  ASSERT_TRUE(rig.station.begin_screening().ok);
  auto a = cleared_screening();
  a.pregnant_or_breastfeeding = true;
  a.precautions_acknowledged_reason = "the patient insists";
  const auto r = rig.station.record_screening(a);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("pregnancy"), std::string::npos);
  EXPECT_EQ(rig.station.snapshot().state, SessionState::aborted);
  EXPECT_EQ(rig.journal.sealed.size(), 1U);
  EXPECT_FALSE(rig.station.record_assessment({}).ok);
  EXPECT_FALSE(rig.station.arm().ok);
}

TEST(Station, AnAllergyToAnIngredientOrAnExpiredLotRefusesThePlan) {
  StationRig rig;
  ASSERT_TRUE(rig.station.open_session(test_start()).ok);
  ASSERT_TRUE(rig.station.begin_screening().ok);
  auto a = cleared_screening();
  a.allergies = {"Biotin"};
  ASSERT_TRUE(rig.station.record_screening(a).ok);
  ASSERT_TRUE(rig.station.record_assessment({}).ok);
  auto r = rig.station.set_plan(test_plan());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("allergic to Biotin"), std::string::npos) << r.message;
  EXPECT_EQ(rig.journal.of_kind("plan.refused").size(), 1U);
  a.allergies.clear();
  r = rig.station.set_plan(test_plan(3, "L-0124"));
  EXPECT_NE(r.message.find("expired"), std::string::npos) << r.message;
  EXPECT_FALSE(rig.station.accept_plan().ok);
}

// The formulary's stock and recalls: a lot retired, expired or without enough left for the plan is refused
// when the plan is set, naming the lot and what to do, and journaled.
Catalog stocked_catalog(std::optional<std::int64_t> remaining_nl, bool retired = false) {
  auto c = test_config().catalog;
  auto& lot = c.products[0].lots[0];
  lot.remaining_nl = remaining_nl;
  lot.retired = retired;
  if (retired) lot.retired_reason = "recall 2026-11";
  return c;
}

Outcome plan_with(StationRig& rig, const Catalog& catalog, const TreatmentPlan& plan = test_plan()) {
  rig.station.set_catalog(catalog);
  return rig.station.set_plan(plan);
}

TEST(Station, ARetiredExpiredOrUsedUpLotIsRefusedAtPlanningNamingTheLotAndWhatToDo) {
  StationRig rig;
  ASSERT_TRUE(rig.station.open_session(test_start()).ok);
  ASSERT_TRUE(rig.station.begin_screening().ok);
  ASSERT_TRUE(rig.station.record_screening(cleared_screening()).ok);
  ASSERT_TRUE(rig.station.record_assessment({}).ok);
  // test_plan(): 3 points of 20 000 nl, 0.06 ml.
  auto r = plan_with(rig, stocked_catalog(10'000'000, true));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("lot L-0425 of HairVital is retired (recall 2026-11)"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("mesostation formulary add-lot"), std::string::npos) << r.message;
  r = plan_with(rig, stocked_catalog(59'999));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("lot L-0425 of HairVital has 0.06 ml left and the plan needs 0.06 ml"),
            std::string::npos)
      << r.message;
  r = plan_with(rig, stocked_catalog(0));
  EXPECT_NE(r.message.find("lot L-0425 of HairVital is used up"), std::string::npos) << r.message;
  r = plan_with(rig, stocked_catalog(10'000'000), test_plan(3, "L-0124"));
  EXPECT_NE(r.message.find("lot L-0124 of HairVital expired on 2026-01-31"), std::string::npos) << r.message;
  EXPECT_EQ(rig.journal.of_kind("plan.refused").size(), 4U);
  EXPECT_FALSE(rig.station.accept_plan().ok);
  // Exactly enough is enough.
  EXPECT_TRUE(plan_with(rig, stocked_catalog(60'000)).ok) << rig.station.snapshot().last_message;
}

TEST(Station, ALotRetiredAfterThePlanWasAcceptedIsRefusedAtArm) {
  StationRig rig;
  rig.station.set_catalog(stocked_catalog(10'000'000));
  rig.to_treating();
  rig.station.set_catalog(stocked_catalog(10'000'000, true));  // an admin's recall, mid-session
  const auto r = rig.station.arm();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("lot L-0425 of HairVital is retired (recall 2026-11)"), std::string::npos)
      << r.message;
  EXPECT_FALSE(rig.station.snapshot().armed);
  const auto refusals = rig.journal.of_kind("refusal");
  ASSERT_FALSE(refusals.empty());
  EXPECT_EQ(refusals.back().payload["command"], "arm");
  EXPECT_NE(refusals.back().payload["reason"].get<std::string>().find("L-0425"), std::string::npos);
  rig.station.set_catalog(stocked_catalog(30'000));  // the stock another session left: not enough
  EXPECT_NE(rig.station.arm().message.find("has 0.03 ml left"), std::string::npos);
}

TEST(Station, ASessionThatDeliveredJournalsItsLotUsedBeforeTheSealAndItsStockFollows) {
  StationRig rig;
  rig.station.set_catalog(stocked_catalog(10'000'000));
  rig.to_treating(test_plan(2));
  std::size_t events_at_seal = 0;
  ASSERT_TRUE(rig.arm());
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(rig.fire_and_wait()) << rig.station.snapshot().last_message;
  ASSERT_TRUE(rig.station.finish_treatment("plan complete").ok);
  events_at_seal = rig.journal.events.size();
  ASSERT_TRUE(rig.station.close_session(true).ok);
  rig.settle();
  ASSERT_EQ(rig.journal.sealed.size(), 1U);
  const auto used = rig.journal.of_kind("lot.used");
  ASSERT_EQ(used.size(), 1U);
  // After the transition to closed, before the seal: the last event of the chain.
  EXPECT_EQ(rig.journal.events.size(), events_at_seal + 2);
  EXPECT_EQ(rig.journal.events.back().kind, "lot.used");
  EXPECT_EQ(used[0].payload["product"], "HairVital");
  EXPECT_EQ(used[0].payload["lot"], "L-0425");
  const auto delivered = rig.station.snapshot().delivered_nl;
  ASSERT_GT(delivered, 0U);
  EXPECT_EQ(used[0].payload["delivered_nl"], delivered);
  EXPECT_DOUBLE_EQ(used[0].payload["ml"].get<double>(), static_cast<double>(delivered) / 1e6);
  EXPECT_EQ(rig.station.catalog().products[0].lots[0].remaining_nl,
            10'000'000 - static_cast<std::int64_t>(delivered));
}

TEST(Station, ASessionThatDeliveredNothingUsesNoLot) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.station.abort("the patient left").ok);
  rig.settle();
  EXPECT_EQ(rig.journal.sealed.size(), 1U);
  EXPECT_TRUE(rig.journal.of_kind("lot.used").empty());
}

TEST(Station, ARequestOverALimitNeverReachesTheDeviceAtAnyLayer) {
  StationRig rig;
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.station.open_session(test_start()).ok);
  ASSERT_TRUE(rig.station.begin_screening().ok);
  ASSERT_TRUE(rig.station.record_screening(cleared_screening()).ok);
  ASSERT_TRUE(rig.station.record_assessment({}).ok);
  // Plan layer: 4.5 mm is refused before anything exists to arm.
  auto deep = test_plan();
  deep.steps[0].depth_um = 4500;
  EXPECT_FALSE(rig.station.set_plan(deep).ok);
  // Station layer: nothing can be armed without a valid, accepted plan.
  EXPECT_FALSE(rig.station.arm().ok);
  ASSERT_TRUE(rig.station.set_plan(test_plan()).ok);
  ASSERT_TRUE(rig.station.accept_plan().ok);
  ASSERT_TRUE(rig.station.start_treatment().ok);
  ASSERT_TRUE(rig.arm());
  // Driver layer: the envelope is the step's own depth and dose; anything else is refused before the bytes.
  rig.station.disarm("test");
  rig.settle();
  const auto deeper =
      rig.sim.driver->apply_settings({2500, 20'000, protocols::mesogun::FireMode::single, 0, 0});
  EXPECT_EQ(deeper.refusal, hal::Refusal::depth_outside_limits);
  const auto more =
      rig.sim.driver->apply_settings({2000, 30'000, protocols::mesogun::FireMode::single, 0, 0});
  EXPECT_EQ(more.refusal, hal::Refusal::dose_outside_limits);
  rig.settle(milliseconds(50));
  rig.settle(milliseconds(300));  // long enough for a 0.5 mm move to show
  EXPECT_EQ(rig.sim.gun->model().status(hal::SteadyClock::now()).depth_actual_um, 2000);
}

TEST(Station, AFireSoonerThanTheDevicesShotIntervalIsRefusedBeforeAnyIntent) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  ASSERT_TRUE(rig.station.fire_next().ok);
  ASSERT_TRUE(rig.sim.run_until([&] { return rig.station.snapshot().shots == 1; }));
  const auto r = rig.station.fire_next();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("shots/s"), std::string::npos) << r.message;
  EXPECT_EQ(rig.journal.of_kind("fire.intent").size(), 1U);
}

TEST(Station, AFiresIntentIsDurableBeforeItsFirstByteGoesOut) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  rig.journal.hold = true;  // the disk is slow
  ASSERT_TRUE(rig.station.fire_next().ok);
  rig.settle(milliseconds(200));
  EXPECT_TRUE(rig.sim.truth.empty()) << "a shot before its intent was durable";
  EXPECT_EQ(rig.journal.kinds().back(), "fire.intent");
  rig.journal.release();
  ASSERT_TRUE(rig.sim.run_until([&] { return rig.sim.truth.size() == 1; }));
}

TEST(Station, AnEStopWhileTheIntentIsBeingWrittenMeansTheFireNeverGoesOut) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  rig.journal.hold = true;
  ASSERT_TRUE(rig.station.fire_next().ok);
  rig.station.estop("space bar");
  rig.journal.release();
  rig.settle(milliseconds(200));
  EXPECT_TRUE(rig.sim.truth.empty());
  const auto resolved = rig.journal.of_kind("fire.resolved");
  ASSERT_EQ(resolved.size(), 1U);
  EXPECT_EQ(resolved[0].payload["outcome"], "not_delivered");
  EXPECT_EQ(rig.station.snapshot().state, SessionState::paused);
}

TEST(Station, EStopDisarmsFirstAndJournalsSecond) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  hal::DeviceState at_journal = hal::DeviceState::active;
  rig.journal.on_append = [&](const JournalDraft& d) {
    if (d.kind == "estop") at_journal = rig.sim.driver->state();
  };
  rig.station.estop("button");
  EXPECT_EQ(at_journal, hal::DeviceState::estopped);
  ASSERT_TRUE(rig.sim.run_until(
      [&] { return rig.sim.gun->model().state() == protocols::mesogun::DeviceState::estopped; }));
  EXPECT_FALSE(rig.station.arm().ok) << "re-armed after an E-STOP without a person clearing it";
}

TEST(Station, AFireWithAnUnknownOutcomeLocksDosingUntilTheRecordsSettleIt) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  rig.sim.hold_device_bytes();  // the SHOT will not reach the station
  ASSERT_TRUE(rig.station.fire_next().ok);
  ASSERT_TRUE(rig.sim.run_until([&] { return rig.sim.truth.size() == 1; }));
  rig.sim.inject(sim::action::Unplug{milliseconds(300)});
  rig.sim.drop_held_bytes();
  ASSERT_TRUE(rig.sim.run_until([&] { return !rig.station.snapshot().uncertain.empty(); }));
  EXPECT_FALSE(rig.station.snapshot().dosing_locked.empty());
  EXPECT_FALSE(rig.station.arm().ok);
  EXPECT_FALSE(rig.station.fire_next().ok);
  // Re-plugged: the driver reconciles from the device's records, the shot is found, the lock lifts.
  ASSERT_TRUE(rig.sim.run_until(
      [&] { return rig.station.snapshot().uncertain.empty() && rig.station.snapshot().shots == 1; },
      milliseconds(5000)))
      << rig.station.snapshot().last_message;
  EXPECT_EQ(rig.journal.of_kind("shot.recorded").size(), 1U);
  EXPECT_EQ(rig.journal.of_kind("shot.recorded")[0].payload["recovered"], true);
  EXPECT_TRUE(rig.station.snapshot().dosing_locked.empty());
  EXPECT_FALSE(rig.station.snapshot().armed) << "re-armed by itself after the reconnect";
  EXPECT_FALSE(rig.station.arm().ok) << "armed with the link-lost alarm unacknowledged";
  for (const auto& a : rig.station.snapshot().alarms)
    rig.station.acknowledge_alarm(a.id);
  EXPECT_TRUE(rig.arm()) << rig.station.snapshot().last_message;
}

TEST(Station, TriggerShotsAreJournaledOnceAndTheStationDisarmsAfterTheLastPoint) {
  StationRig rig;
  rig.to_treating(test_plan(2));
  ASSERT_TRUE(rig.arm());
  rig.sim.pull_trigger(4);
  rig.settle(milliseconds(1000));
  EXPECT_EQ(rig.sim.truth.size(), 2U) << "shots past the plan's last point";
  EXPECT_EQ(rig.journal.of_kind("shot.recorded").size(), 2U);
  EXPECT_EQ(rig.journal.of_kind("interlock").size(), 1U);
  EXPECT_EQ(rig.station.snapshot().next_point, 2U);
}

TEST(Station, ASimulatedDeviceCannotTreatARealPatientNorCanQA) {
  StationRig rig;
  EXPECT_FALSE(rig.station.open_session(test_start(Role::qa, Tag::real)).ok);
  EXPECT_FALSE(rig.station.open_session(test_start(Role::auditor, Tag::test)).ok);
  ASSERT_TRUE(rig.connect());
  ASSERT_TRUE(rig.station.open_session(test_start(Role::clinician, Tag::real)).ok);
  ASSERT_TRUE(rig.station.begin_screening().ok);
  ASSERT_TRUE(rig.station.record_screening(cleared_screening()).ok);
  ASSERT_TRUE(rig.station.record_assessment({}).ok);
  ASSERT_TRUE(rig.station.set_plan(test_plan()).ok);
  ASSERT_TRUE(rig.station.accept_plan().ok);
  ASSERT_TRUE(rig.station.start_treatment().ok);
  const auto r = rig.station.arm();
  EXPECT_FALSE(r.ok);
  // The simulator's identity says so (its simulated bit), whatever its name; the refusal is journaled.
  EXPECT_NE(r.message.find("says it is a simulator"), std::string::npos) << r.message;
  EXPECT_TRUE(rig.sim.driver->identity()->simulated);
  const auto refusals = rig.journal.of_kind("refusal");
  ASSERT_FALSE(refusals.empty());
  EXPECT_EQ(refusals.back().payload.at("command"), "arm");
  EXPECT_EQ(refusals.back().payload.at("reason"), r.message);
}

// The name proves nothing either way: a simulator named and numbered like a real, paired device is still
// refused for a real patient, because its identity says it is simulated.
TEST(Station, ASimulatorNamedLikeARealPairedDeviceCannotTreatARealPatient) {
  sim::MesogunModelConfig named;
  named.model = "MG-200";
  named.serial_number = "MG2-2026-00417";
  MesogunSimRig sim({}, named);
  RecordingJournal journal{sim.io};
  auto config = test_config();
  config.paired_devices = {"MG2-2026-00417"};
  Station station{sim.io, journal, config};
  station.add_device(*sim.driver);
  sim.driver->configure();
  ASSERT_TRUE(sim.run_until([&] { return sim.driver->state() == hal::DeviceState::configured; }));
  ASSERT_TRUE(station.open_session(test_start(Role::clinician, Tag::real)).ok);
  ASSERT_TRUE(station.begin_screening().ok);
  ASSERT_TRUE(station.record_screening(cleared_screening()).ok);
  ASSERT_TRUE(station.record_assessment({}).ok);
  ASSERT_TRUE(station.set_plan(test_plan()).ok);
  ASSERT_TRUE(station.accept_plan().ok);
  ASSERT_TRUE(station.start_treatment().ok);
  const auto r = station.arm();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("MG-200 (serial MG2-2026-00417) says it is a simulator"), std::string::npos)
      << r.message;
  sim.run_for(milliseconds(200));
  EXPECT_NE(sim.gun->model().state(), protocols::mesogun::DeviceState::armed);
  const auto started = journal.of_kind("session.started");
  ASSERT_EQ(started.size(), 1U);
  EXPECT_EQ(started[0].payload["devices"][0]["simulated"], true) << "the journal names it a simulator";
}

TEST(Station, AJournalThatCannotWriteLocksDosing) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  rig.journal.fail_with = "disk I/O error";
  ASSERT_TRUE(rig.station.fire_next().ok);
  rig.settle(milliseconds(200));
  EXPECT_TRUE(rig.sim.truth.empty());
  EXPECT_FALSE(rig.station.snapshot().armed);
  EXPECT_NE(rig.station.snapshot().dosing_locked.find("journal"), std::string::npos);
}

TEST(Station, AfterARestartAnIntentWithoutOutcomeLocksDosingUntilSettled) {
  StationRig rig;
  rig.to_treating();
  ASSERT_TRUE(rig.arm());
  ASSERT_TRUE(rig.fire_and_wait());
  auto events = rig.journal.events;
  // The process died after writing the next intent and sending it.
  events.push_back(
      {42,
       3,
       "dr.ines",
       Role::clinician,
       "fire.intent",
       {{"command_id", 99}, {"step", 0}, {"point", 1}, {"dose_nl", 20'000}, {"depth_um", 2000}}});
  RecordingJournal journal2(rig.sim.io);
  Station restarted(rig.sim.io, journal2, test_config());
  ASSERT_TRUE(restarted.recover(test_start(), events).ok);
  const auto& snap = restarted.snapshot();
  EXPECT_EQ(snap.state, SessionState::paused);
  EXPECT_EQ(snap.shots, 1U);
  EXPECT_EQ(snap.next_point, 1U);
  ASSERT_EQ(snap.uncertain.size(), 1U);
  EXPECT_EQ(snap.uncertain[0].command_id, 99U);
  EXPECT_FALSE(snap.dosing_locked.empty());
  EXPECT_FALSE(restarted.attest(99, hal::FireOutcome::not_delivered, "").ok);
  ASSERT_TRUE(restarted.attest(99, hal::FireOutcome::not_delivered, "syringe weighed: no loss").ok);
  EXPECT_TRUE(restarted.snapshot().dosing_locked.empty());
  EXPECT_EQ(journal2.of_kind("fire.attested").size(), 1U);
}

// An empty directory of this test process's own, for a journal.
std::filesystem::path fresh_dir(const std::string& prefix) {
  auto dir = std::filesystem::path(::testing::TempDir()) / (prefix + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The same session through the real SQLite journal (its writer thread, WAL, synchronous=FULL): every event is
// durable and chained, the session is sealed, and verify finds it intact.
TEST(StationWithSqliteJournal, AWholeSessionIsDurableChainedAndSealed) {
  const auto dir = fresh_dir("meso_station_sqlite_");
  const auto db = dir / "journal.db";
  MesogunSimRig sim;
  journal::JournalWriter writer({db, dir / "station.key", 256});
  const auto admin = writer.add_user({"admin", journal::Role::admin, "admin-pass-1"}, std::nullopt);
  ASSERT_TRUE(admin.ok());
  const auto clinician = writer.add_user({"dr.ines", journal::Role::clinician, "ines-pass-1"}, admin.value());
  ASSERT_TRUE(clinician.ok());
  const auto patient = writer.add_patient({"P-7F3A", journal::Tag::test}, clinician.value());
  ASSERT_TRUE(patient.ok());
  const auto session =
      writer.create_session_sync({patient.value(), clinician.value(), journal::Tag::test, std::nullopt});
  ASSERT_TRUE(session.ok());
  journal::FormularyProduct hairvital;
  hairvital.name = "HairVital";
  hairvital.ingredients = {"biotin", "dexpanthenol"};
  hairvital.concentration = "biotin 0.5 mg/ml";
  hairvital.vial_ml = 5;
  hairvital.lots.resize(1);
  hairvital.lots[0].lot = "L-0425";
  hairvital.lots[0].expiry = "2027-04-30";
  hairvital.lots[0].vials = 2;
  ASSERT_TRUE(writer.import_formulary({hairvital}, admin.value(), "delivery", "test").ok());
  {
    SqliteJournalPort port(sim.io, writer);
    Station station(sim.io, port, test_config());
    station.add_device(*sim.driver);
    sim.driver->configure();
    ASSERT_TRUE(sim.run_until([&] { return sim.driver->state() == hal::DeviceState::configured; }));
    SessionStart start{session.value(),   "P-7F3A",        Tag::test, "dr.ines",
                       clinician.value(), Role::clinician, 1};
    ASSERT_TRUE(station.open_session(start).ok);
    ASSERT_TRUE(station.begin_screening().ok);
    ASSERT_TRUE(station.record_screening(cleared_screening()).ok);
    ASSERT_TRUE(station.record_assessment({}).ok);
    ASSERT_TRUE(station.set_plan(test_plan(2)).ok);
    ASSERT_TRUE(station.accept_plan().ok);
    ASSERT_TRUE(station.start_treatment().ok);
    ASSERT_TRUE(station.arm().ok);
    sim.run_for(milliseconds(200));
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(station.fire_next().ok) << station.snapshot().last_message;
      ASSERT_TRUE(
          sim.run_until([&] { return station.snapshot().shots == static_cast<std::uint64_t>(i + 1); }));
      sim.run_for(milliseconds(120));
    }
    ASSERT_TRUE(station.finish_treatment("done").ok);
    ASSERT_TRUE(station.close_session(true).ok);
    ASSERT_TRUE(sim.run_until([&] { return station.snapshot().last_message == "session sealed"; }));
  }
  journal::JournalReader reader(db);
  const auto report = reader.verify();
  EXPECT_TRUE(report.ok()) << journal::describe(report);
  ASSERT_TRUE(reader.seal(session.value()).has_value());
  EXPECT_EQ(reader.patient_by_pseudonym("P-7F3A"), patient.value());
  EXPECT_FALSE(reader.patient_by_pseudonym("P-NONE"));
  const auto shots = reader.events_of_kind(session.value(), "shot.recorded");
  ASSERT_EQ(shots.size(), 2U);
  ASSERT_EQ(sim.truth.size(), 2U);
  for (std::size_t i = 0; i < shots.size(); ++i)
    EXPECT_EQ(nlohmann::json::parse(shots[i].payload)["shot_counter"], sim.truth[i].shot_counter);
  // Each fire's intent precedes its shot in the chain.
  const auto intents = reader.events_of_kind(session.value(), "fire.intent");
  ASSERT_EQ(intents.size(), 2U);
  for (std::size_t i = 0; i < shots.size(); ++i)
    EXPECT_LT(intents[i].seq, shots[i].seq);
  EXPECT_EQ(accounted_shot_counter(reader), sim.truth.back().shot_counter);
  // The session's lot.used, in its sealed chain, is deducted from the lot's stock.
  const auto used = reader.events_of_kind(session.value(), "lot.used");
  ASSERT_EQ(used.size(), 1U);
  const auto lot = reader.formulary().at(0).lots.at(0);
  EXPECT_EQ(lot.used_nl, nlohmann::json::parse(used[0].payload)["delivered_nl"].get<std::int64_t>());
  std::int64_t delivered = 0;  // what the device says it gave (about 20 000 nl a point)
  for (const auto& shot : sim.truth)
    delivered += shot.dose_nl;
  EXPECT_EQ(lot.used_nl, delivered);
  EXPECT_EQ(lot.remaining_nl, 10 * journal::kNlPerMl - delivered);
  std::filesystem::remove_all(dir);
}

// A station killed after its first trigger shot but before journaling it: the journal holds no shot at all,
// yet it must say where the session's shots begin, or the restarted driver takes the device's counter (which
// already includes that shot) as the past and never journals the shot.
TEST(StationWithSqliteJournal, ASessionStartNamesTheDeviceCounterSoAShotBeforeAnyJournaledOneIsRecovered) {
  const auto dir = fresh_dir("meso_station_baseline_");
  const auto db = dir / "journal.db";
  MesogunSimRig sim;
  journal::JournalWriter writer({db, dir / "station.key", 256});
  const auto admin = writer.add_user({"admin", journal::Role::admin, "admin-pass-1"}, std::nullopt);
  ASSERT_TRUE(admin.ok());
  const auto patient = writer.add_patient({"P-7F3A", journal::Tag::test}, admin.value());
  ASSERT_TRUE(patient.ok());
  EXPECT_FALSE(accounted_shot_counter(journal::JournalReader(db))) << "an empty journal names no counter";
  const auto session =
      writer.create_session_sync({patient.value(), admin.value(), journal::Tag::test, std::nullopt});
  ASSERT_TRUE(session.ok());
  std::uint32_t counter_at_start = 0;
  {
    SqliteJournalPort port(sim.io, writer);
    Station station(sim.io, port, test_config());
    station.add_device(*sim.driver);
    sim.driver->configure();
    ASSERT_TRUE(sim.run_until([&] { return sim.driver->state() == hal::DeviceState::configured; }));
    counter_at_start = sim.driver->identity()->shot_counter;
    SessionStart start{session.value(), "P-7F3A", Tag::test, "admin", admin.value(), Role::admin, 1};
    ASSERT_TRUE(station.open_session(start).ok);
    sim.run_for(milliseconds(100));  // the session.started event is durable; then the "crash"
  }
  journal::JournalReader reader(db);
  ASSERT_TRUE(reader.events_of_kind(session.value(), "shot.recorded").empty());
  const auto started =
      nlohmann::json::parse(reader.events_of_kind(session.value(), "session.started").at(0).payload);
  ASSERT_EQ(started.at("devices").size(), 1U) << started.dump();
  EXPECT_EQ(started.at("devices").at(0).at("serial"), sim.driver->identity()->serial_number);
  EXPECT_EQ(accounted_shot_counter(reader), counter_at_start);
  std::filesystem::remove_all(dir);
}

// A session of two steps, each with its own device: a microneedling pass with the pen, then mesotherapy with
// the mesogun over the same zone. The pen runs only while its step is armed and stops at the next step.
TEST(Station, AMicroneedlingPassThenMesotherapyUseEachStepsOwnDevice) {
  StationRig rig;
  auto [station_end, device_end] = hal::make_memory_pair(rig.sim.io);
  sim::SimulatedPen pen_sim(rig.sim.io, std::move(device_end), {});
  hal::PenDriverOptions pen_options;
  pen_options.reconnect_period = milliseconds(100);
  hal::PenDriver pen(rig.sim.io, hal::once_opener(std::move(station_end)), pen_options);
  rig.station.add_device(pen);
  pen.configure();
  ASSERT_TRUE(rig.sim.run_until([&] { return pen.state() == hal::DeviceState::configured; }));
  PlanStep pass;
  pass.name = "microneedling";
  pass.technique = Technique::microneedling;
  pass.depth_um = 1000;
  pass.speed_sps = 100;
  pass.zones = {"crown"};
  auto plan = test_plan(2);
  plan.steps.insert(plan.steps.begin(), pass);
  rig.to_treating(plan);
  ASSERT_TRUE(rig.station.arm().ok) << rig.station.snapshot().last_message;
  ASSERT_TRUE(rig.sim.run_until([&] { return pen_sim.model().running(); }));
  EXPECT_FALSE(rig.station.fire_next().ok) << "a FIRE during the pen's step";
  ASSERT_TRUE(rig.station.next_step().ok);
  ASSERT_TRUE(rig.sim.run_until([&] { return !pen_sim.model().running(); }));
  ASSERT_TRUE(rig.arm());
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(rig.fire_and_wait()) << rig.station.snapshot().last_message;
  EXPECT_EQ(rig.sim.truth.size(), 2U);
  EXPECT_FALSE(pen_sim.model().running());
  ASSERT_EQ(rig.journal.of_kind("device.armed").size(), 2U);
  EXPECT_EQ(rig.journal.of_kind("device.armed")[0].payload["device"], "pen");
  EXPECT_EQ(rig.journal.of_kind("device.armed")[1].payload["device"], "mesogun");
  rig.station.remove_device(hal::DeviceKind::pen);  // the pen goes before the station
}

// A session with the pen alone (the console's QA picked the simulated pen before it opened): the session's
// start names the pen, since its device.connected came before the session and was not journaled; the pass
// runs from arm to disarm, and the session finishes to post-care with nothing injected.
TEST(Station, APenOnlySessionNamesThePenAtItsStartAndRunsThePassBetweenArmAndDisarm) {
  StationRig rig;
  rig.station.remove_device(hal::DeviceKind::mesogun);
  auto [station_end, device_end] = hal::make_memory_pair(rig.sim.io);
  sim::SimulatedPen pen_sim(rig.sim.io, std::move(device_end), {});
  hal::PenDriver pen(rig.sim.io, hal::once_opener(std::move(station_end)), {});
  rig.station.add_device(pen);
  pen.configure();
  ASSERT_TRUE(rig.sim.run_until([&] { return pen.state() == hal::DeviceState::configured; }));
  PlanStep pass;
  pass.name = "microneedling";
  pass.technique = Technique::microneedling;
  pass.depth_um = 1000;
  pass.speed_sps = 100;
  pass.zones = {"crown"};
  auto plan = test_plan(0);
  plan.steps = {pass};
  ASSERT_TRUE(rig.station.open_session(test_start()).ok);
  ASSERT_TRUE(rig.station.begin_screening().ok);
  ASSERT_TRUE(rig.station.record_screening(cleared_screening()).ok);
  ASSERT_TRUE(rig.station.record_assessment({{"density_per_cm2", 140}}).ok);
  ASSERT_TRUE(rig.station.set_plan(plan).ok) << rig.station.snapshot().last_message;
  ASSERT_TRUE(rig.station.accept_plan().ok);
  ASSERT_TRUE(rig.station.start_treatment().ok);
  const auto started = rig.journal.of_kind("session.started");
  ASSERT_EQ(started.size(), 1U);
  ASSERT_EQ(started[0].payload["devices"].size(), 1U) << started[0].payload.dump();
  EXPECT_EQ(started[0].payload["devices"][0]["device"], "pen");
  EXPECT_EQ(started[0].payload["devices"][0]["serial"], "SIM-PEN-000001");
  EXPECT_FALSE(started[0].payload["devices"][0].contains("shot_counter")) << "a pen has no shot counter";

  ASSERT_TRUE(rig.station.arm().ok) << rig.station.snapshot().last_message;
  ASSERT_TRUE(rig.sim.run_until([&] { return pen_sim.model().running(); }));
  ASSERT_TRUE(rig.sim.run_until([&] {
    const auto& d = rig.station.snapshot().devices.at(hal::DeviceKind::pen);
    return d.status.stamps_total > 0 && d.status.speed_sps == 100;
  })) << "the snapshot shows the running pen's speed and stamps";
  ASSERT_TRUE(rig.station.disarm("pass done").ok);
  ASSERT_TRUE(rig.sim.run_until([&] { return !pen_sim.model().running(); }));
  EXPECT_EQ(rig.journal.of_kind("device.disarmed").at(0).payload["reason"], "pass done");
  ASSERT_TRUE(rig.station.finish_treatment("pass done").ok);
  EXPECT_EQ(rig.station.snapshot().state, SessionState::post_care);
  EXPECT_EQ(rig.station.snapshot().delivered_nl, 0U);
  rig.station.remove_device(hal::DeviceKind::pen);
}

}  // namespace
}  // namespace meso::station

namespace meso::station {
namespace {

// The camera thread's frames, as the station sees them: each shot lands at the tip of the nearest frame.
TEST(Station, TheCameraPlacesEachShotAgainstThePlanAndShowsTheNextTarget) {
  StationRig rig;
  rig.to_treating(test_plan(3));  // points at x = 0, 10, 20 mm on y = 0, spacing 10 mm
  EXPECT_FALSE(rig.station.snapshot().guidance.camera);
  ASSERT_TRUE(rig.arm());
  const auto fire_with_tip = [&](bool registered, std::optional<vision::PointMm> tip) {
    rig.settle(milliseconds(120));
    rig.station.camera_frame(hal::SteadyClock::now(), registered, registered ? "" : "only 2 markers in view",
                             tip);
    const auto before = rig.station.snapshot().shots;
    if (!rig.station.fire_next().ok) return false;
    return rig.sim.run_until([&] { return rig.station.snapshot().shots == before + 1; });
  };

  ASSERT_TRUE(fire_with_tip(true, vision::PointMm{0.4, -0.3}));
  auto g = rig.station.snapshot().guidance;
  EXPECT_TRUE(g.camera && g.registered);
  EXPECT_EQ(g.done, 1);
  EXPECT_EQ(g.planned, 3);
  ASSERT_TRUE(g.next_target.has_value());
  EXPECT_EQ(g.next_target->order, 2);

  ASSERT_TRUE(fire_with_tip(true, vision::PointMm{24, 8}));  // 8.9 mm from the nearest point: off the plan
  g = rig.station.snapshot().guidance;
  EXPECT_EQ(g.off_plan, 1);
  EXPECT_EQ(g.done, 1);

  ASSERT_TRUE(fire_with_tip(false, vision::PointMm{20, 0}));  // not registered: the tip means nothing
  g = rig.station.snapshot().guidance;
  EXPECT_FALSE(g.registered);
  EXPECT_EQ(g.why_stopped, "only 2 markers in view");
  EXPECT_FALSE(g.tip_mm.has_value());
  EXPECT_EQ(g.not_seen, 1);

  const auto shots = rig.journal.of_kind("shot.recorded");
  ASSERT_EQ(shots.size(), 3U);
  EXPECT_EQ(shots[0].payload["placed"]["outcome"], "on_plan");
  EXPECT_EQ(shots[0].payload["placed"]["point"], 1);
  EXPECT_EQ(shots[1].payload["placed"]["outcome"], "off_plan");
  EXPECT_EQ(shots[2].payload["placed"]["outcome"], "not_seen");
}

}  // namespace
}  // namespace meso::station
