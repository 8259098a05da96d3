// A microneedling session through the console: QA picks the simulated pen (only outside a session), the
// planning form offers the pen's technique, the treatment screen runs the pass with the station's arm and
// disarm and shows the pen; and the same on the real runtime, from the QA's choice to the signed session.
#include <gtest/gtest.h>

#include <cmath>

#include "demo_runtime.hpp"
#include "gui_test_support.hpp"
#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"
#include "meso/journal/reader.hpp"
#include "meso/station/plan_preview.hpp"

namespace meso::gui {
namespace {

using station::make_preview;

using station::SessionState;
using testing::DemoRuntime;
using testing::HeadlessImGui;
using testing::RecordingActions;

station::DeviceView pen_device(hal::DeviceState state) {
  station::DeviceView pen;
  pen.kind = hal::DeviceKind::pen;
  pen.state = state;
  hal::DeviceIdentity id;
  id.kind = hal::DeviceKind::pen;
  id.model = "MesoPen SIM";
  id.serial_number = "SIM-PEN-000001";
  id.firmware = "1.0.0";
  pen.identity = id;
  pen.status.depth_actual_um = 1000;
  pen.status.speed_sps = 100;
  pen.status.stamps_total = 4321;
  return pen;
}

ConsoleView qa_view(bool pen) {
  ConsoleView v;
  v.demo = true;
  v.user = LoggedIn{4, "qa", station::Role::qa};
  v.tool = Tool::qa;
  if (pen) {
    v.snap.devices[hal::DeviceKind::pen] = pen_device(hal::DeviceState::configured);
  } else {
    station::DeviceView gun;
    gun.state = hal::DeviceState::configured;
    v.snap.devices[hal::DeviceKind::mesogun] = gun;
  }
  return v;
}

// A treating session whose one step is a microneedling pass, the simulated pen connected.
ConsoleView pen_session(bool armed) {
  auto v = testing::session_view(SessionState::treating);
  auto& step = v.snap.plan->steps.front();
  step = {};
  step.name = "microneedling";
  step.technique = station::Technique::microneedling;
  step.depth_um = 1000;
  step.speed_sps = 100;
  step.passes = 2;
  step.zones = {"crown"};
  v.snap.points_done.clear();
  v.snap.devices.clear();
  v.snap.devices[hal::DeviceKind::pen] =
      pen_device(armed ? hal::DeviceState::active : hal::DeviceState::configured);
  v.snap.armed = armed;
  return v;
}

TEST(GuiPen, QaConnectsTheOtherSimulatedDevice) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = qa_view(false);
  EXPECT_FALSE(imgui.click("mesogun (simulated)", view, forms, actions) &&
               actions.called("choose_simulated_device mesogun"))
      << "the connected device is not chosen again";
  ASSERT_TRUE(imgui.click("pen (simulated)", view, forms, actions));
  EXPECT_EQ(actions.count("choose_simulated_device pen"), 1);
  view = qa_view(true);
  ASSERT_TRUE(imgui.click("mesogun (simulated)", view, forms, actions));
  EXPECT_EQ(actions.count("choose_simulated_device mesogun"), 1);
}

TEST(GuiPen, QaCannotSwapTheDeviceUnderAnOpenSession) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = qa_view(false);
  view.snap.session_open = true;
  view.snap.state = SessionState::closed;
  view.session_dismissed = true;  // a closed session is no obstacle
  ASSERT_TRUE(imgui.click("pen (simulated)", view, forms, actions));
  EXPECT_EQ(actions.count("choose_simulated_device pen"), 1);
  view.snap.state = SessionState::planning;
  view.session_dismissed = false;
  imgui.frame(view, forms, actions);
  EXPECT_FALSE(imgui.shows("pen (simulated)")) << "the session's screens, not QA's";
  EXPECT_FALSE(imgui.click("pen (simulated)", view, forms, actions));
  EXPECT_EQ(actions.count("choose_simulated_device pen"), 1);
}

TEST(GuiPen, QaOffersThePensAlarmsForThePenAndTheMesogunsFaultsForTheMesogun) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = qa_view(true);
  imgui.frame(view, forms, actions);
  EXPECT_FALSE(imgui.shows("Occlusion"));
  EXPECT_TRUE(imgui.shows("has no link layer to count"));
  forms.qa_line.pen_alarm_code = 1;  // over temperature
  ASSERT_TRUE(imgui.click("Raise alarm", view, forms, actions));
  ASSERT_EQ(actions.faults.size(), 1U);
  EXPECT_EQ(actions.faults[0].kind, QaFault::Kind::pen_alarm);
  EXPECT_EQ(actions.faults[0].pen_alarm_code, 1);
  ASSERT_TRUE(imgui.click("Clear alarm", view, forms, actions));
  EXPECT_EQ(actions.faults.back().kind, QaFault::Kind::clear_pen_alarm);
  view = qa_view(false);
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("Occlusion"));
  EXPECT_FALSE(imgui.shows("Raise alarm"));
}

TEST(GuiPen, ThePenPassStartsAndStopsThroughArmAndDisarmAndNothingFires) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = pen_session(false);
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("Pen stopped"));
  EXPECT_TRUE(imgui.shows("Pass set: 1000 um deep, 100 stamps/s, 2 passes"));
  EXPECT_TRUE(imgui.shows("Pen: connected"));
  EXPECT_TRUE(imgui.shows("MesoPen SIM  s/n SIM-PEN-000001"));
  EXPECT_TRUE(imgui.shows("Stamps 4321"));
  EXPECT_FALSE(imgui.shows("FIRE NEXT"));
  EXPECT_FALSE(imgui.shows("TRIGGER"));
  ASSERT_TRUE(imgui.click("START PASS (A)", view, forms, actions));
  EXPECT_EQ(actions.count("arm"), 1);
  view = pen_session(true);
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("PEN RUNNING"));
  EXPECT_TRUE(imgui.shows("Pen: RUNNING"));
  ASSERT_TRUE(imgui.click("STOP PASS (D)", view, forms, actions));
  EXPECT_EQ(actions.count("disarm"), 1);
  EXPECT_FALSE(actions.called("fire_next"));
}

TEST(GuiPen, PlanningOffersMicroneedlingOnlyWithThePenConnected) {
  const auto with_pen = pen_session(false);
  EXPECT_EQ(offered_technique(with_pen, 0), 2);
  const auto with_gun = testing::session_view(SessionState::planning);
  EXPECT_EQ(offered_technique(with_gun, 2), 0);
  EXPECT_EQ(offered_technique(with_gun, 1), 1);
}

TEST(GuiPen, APenPlanIsAValidMicroneedlingStepWithItsPathAndNoInjection) {
  const std::vector<vision::Zone> zones{{"crown", testing::circle({0, 40}, 25)}};
  PlanForm form;
  form.technique = 2;
  form.spacing_mm = 8;
  form.depth_um = 1000;
  form.speed_sps = 120;
  form.passes = 2;
  const auto limits = station::default_limits();
  const auto preview = make_preview(zones, form, testing::one_product_catalog(), limits);
  ASSERT_TRUE(preview.ready) << preview.error;
  ASSERT_EQ(preview.plan.steps.size(), 1U);
  const auto& step = preview.plan.steps.front();
  EXPECT_EQ(step.device(), hal::DeviceKind::pen);
  EXPECT_EQ(step.speed_sps, 120);
  EXPECT_EQ(step.passes, 2U);
  EXPECT_EQ(step.depth_um, 1000);
  EXPECT_TRUE(step.points.empty());
  EXPECT_EQ(step.dose_nl, 0U) << "the form's dose is not the pen's";
  EXPECT_EQ(preview.volume_nl, 0U);
  ASSERT_EQ(preview.passes.size(), 1U);
  EXPECT_GT(preview.path_mm, 50.0) << "strokes across a 50 mm zone";
  EXPECT_TRUE(station::validate(preview.plan, limits).empty());
  form.speed_sps = 400;  // above the pen's 150 stamps/s limit
  const auto fast = make_preview(zones, form, testing::one_product_catalog(), limits);
  EXPECT_FALSE(fast.ready);
  EXPECT_NE(fast.error.find("pen speed 400"), std::string::npos) << fast.error;
}

// The real runtime: a clinician may not swap the device; QA picks the pen; a whole microneedling session
// runs through the console's actions to the signature, and the journal names the pen.
TEST_F(DemoRuntime, QaPicksThePenAndAMicroneedlingSessionRunsToTheSignature) {
  login("demo");
  runtime_->choose_simulated_device(hal::DeviceKind::pen);
  ASSERT_TRUE(wait([&] { return view_.notice.find("refused") != std::string::npos; })) << view_.notice;
  runtime_->logout();
  ASSERT_TRUE(wait([&] { return !view_.user; }));
  login("qa");
  runtime_->choose_simulated_device(hal::DeviceKind::pen);
  ASSERT_TRUE(wait([&] {
    const auto it = view_.snap.devices.find(hal::DeviceKind::pen);
    return it != view_.snap.devices.end() && it->second.state == hal::DeviceState::configured &&
           it->second.identity.has_value();
  })) << view_.qa.last;
  EXPECT_FALSE(view_.snap.devices.contains(hal::DeviceKind::mesogun));
  EXPECT_EQ(view_.qa.last, "simulated pen connected (mesogun disconnected)");
  runtime_->logout();
  ASSERT_TRUE(wait([&] { return !view_.user; }));

  login("demo");
  runtime_->open_session("P-PEN", false);
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::screening; }));
  station::ScreeningAnswers answers;
  answers.patch_test = station::PatchTest::negative;
  answers.consent_signed = true;
  runtime_->record_screening(answers);
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::assessment; }));
  runtime_->record_assessment({{"notes", "pen test"}});
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::planning; }));
  runtime_->set_zones({{"crown", testing::circle({0, 40}, 25)}});
  ASSERT_TRUE(wait([&] { return !view_.zones.empty(); }));  // the zones are the render thread's
  PlanForm form;
  form.technique = 2;
  form.spacing_mm = 8;
  form.depth_um = 1000;
  runtime_->preview_plan(form);
  ASSERT_TRUE(wait([&] { return view_.preview.ready || !view_.preview.error.empty(); }));
  ASSERT_TRUE(view_.preview.ready) << view_.preview.error;
  runtime_->accept_plan();
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::ready; })) << view_.snap.last_message;
  runtime_->start_treatment();
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::treating; }));
  runtime_->arm();
  ASSERT_TRUE(wait([&] {
    const auto& pen = view_.snap.devices.at(hal::DeviceKind::pen);
    return view_.snap.armed && pen.state == hal::DeviceState::active && pen.status.stamps_total > 0;
  })) << view_.snap.last_message;
  runtime_->fire_next();  // refused by the station: a pen step fires nothing
  ASSERT_TRUE(wait([&] { return view_.snap.last_message.find("fire refused") != std::string::npos; }))
      << view_.snap.last_message;
  runtime_->disarm();
  ASSERT_TRUE(wait([&] {
    return !view_.snap.armed &&
           view_.snap.devices.at(hal::DeviceKind::pen).state == hal::DeviceState::configured;
  }));
  runtime_->finish_treatment();
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::post_care; }));
  runtime_->sign_and_close("demo");
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::closed; })) << view_.sign_error;
  EXPECT_EQ(view_.snap.delivered_nl, 0U);

  const auto id = view_.snap.session_id;
  ASSERT_TRUE(wait([&] {
    const auto s = journal::JournalReader(options_.db).session(id);
    return s && s->state == journal::SessionState::sealed;
  }));
  const journal::JournalReader reader(options_.db);
  const auto started = nlohmann::json::parse(reader.events_of_kind(id, "session.started").at(0).payload);
  ASSERT_EQ(started.at("devices").size(), 1U) << started.dump();
  EXPECT_EQ(started.at("devices").at(0).at("device"), "pen");
  const auto armed = nlohmann::json::parse(reader.events_of_kind(id, "device.armed").at(0).payload);
  EXPECT_EQ(armed.at("device"), "pen");
  EXPECT_EQ(armed.at("depth_um"), 1000);

  // The session is over: QA may connect the mesogun again.
  runtime_->dismiss_session();
  runtime_->logout();
  ASSERT_TRUE(wait([&] { return !view_.user; }));
  login("qa");
  runtime_->choose_simulated_device(hal::DeviceKind::mesogun);
  ASSERT_TRUE(wait([&] {
    const auto it = view_.snap.devices.find(hal::DeviceKind::mesogun);
    return it != view_.snap.devices.end() && it->second.state == hal::DeviceState::configured;
  })) << view_.qa.last;
}

// A session the journal still holds open (the console stopped during it) is recovered with the mesogun that
// fired in it: QA cannot swap that device away first.
TEST_F(DemoRuntime, TheDeviceStaysWhileASessionIsLeftOpen) {
  login("demo");
  runtime_->open_session("P-LEFT-OPEN", false);
  ASSERT_TRUE(wait([&] { return view_.snap.state == SessionState::screening; })) << view_.notice;
  runtime_.reset();  // the console goes away mid-session
  view_ = {};
  runtime_ = std::make_unique<ConsoleRuntime>(options_, nullptr);
  runtime_->start();
  runtime_->init_view(view_);
  ASSERT_TRUE(view_.left_open);
  login("qa");
  runtime_->choose_simulated_device(hal::DeviceKind::pen);
  ASSERT_TRUE(wait([&] { return view_.qa.last.find("refused") != std::string::npos; })) << view_.qa.last;
  EXPECT_NE(view_.qa.last.find("recover it first"), std::string::npos) << view_.qa.last;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  runtime_->refresh(view_);
  EXPECT_TRUE(view_.snap.devices.contains(hal::DeviceKind::mesogun));
  EXPECT_FALSE(view_.snap.devices.contains(hal::DeviceKind::pen));
}

}  // namespace
}  // namespace meso::gui
