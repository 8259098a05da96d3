// The console's panels without a window: an ImGui context with no backend draws them over hand-made views,
// and the tests check what they ask for (the recorded Actions) and what they show.
#include "meso/gui/panels.hpp"

#include <gtest/gtest.h>

#include "gui_test_support.hpp"
#include "meso/gui/keys.hpp"

namespace meso::gui {
namespace {

using station::SessionState;
using testing::HeadlessImGui;
using testing::RecordingActions;
using testing::session_view;

TEST(GuiPanels, TheEstopButtonEmitsEstopOnEveryScreenOfASession) {
  for (const auto state :
       {SessionState::screening, SessionState::planning, SessionState::treating, SessionState::post_care}) {
    HeadlessImGui imgui;
    RecordingActions actions;
    Forms forms;
    const auto view = session_view(state);
    ASSERT_TRUE(imgui.click("E-STOP", view, forms, actions)) << "no E-STOP in " << to_string(state);
    EXPECT_EQ(actions.count("estop"), 1) << to_string(state);
  }
}

TEST(GuiPanels, SpaceAndPauseKeysEmitEstop) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = session_view(SessionState::treating);
  imgui.frame(view, forms, actions);
  imgui.press(keys::space, view, forms, actions);
  EXPECT_EQ(actions.count("estop"), 1);
  imgui.press(keys::pause, view, forms, actions);
  EXPECT_EQ(actions.count("estop"), 2);
}

TEST(GuiPanels, EstopStaysOnTheLockScreen) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = session_view(SessionState::treating);
  view.locked = true;
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("Console locked"));
  EXPECT_TRUE(imgui.click("E-STOP", view, forms, actions));
  imgui.press(keys::pause, view, forms, actions);
  EXPECT_EQ(actions.count("estop"), 2);
  EXPECT_FALSE(actions.called("arm"));
}

TEST(GuiPanels, NoEstopOutsideASession) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;
  view.user = LoggedIn{1, "dr.test", station::Role::clinician};
  imgui.frame(view, forms, actions);
  EXPECT_FALSE(imgui.click("E-STOP", view, forms, actions));
  imgui.press(keys::pause, view, forms, actions);
  EXPECT_FALSE(actions.called("estop"));
}

TEST(GuiPanels, ArmIsDisabledWhileDosingIsLocked) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = session_view(SessionState::treating);
  view.snap.dosing_locked = "a fire's outcome is unknown";
  EXPECT_TRUE(imgui.click("ARM (A)", view, forms, actions));
  EXPECT_FALSE(actions.called("arm"));
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("Dosing locked: a fire's outcome is unknown"));
  view.snap.dosing_locked.clear();
  EXPECT_TRUE(imgui.click("ARM (A)", view, forms, actions));
  EXPECT_EQ(actions.count("arm"), 1);
}

TEST(GuiPanels, AnUncertainFireIsAttestedWithTheCliniciansReasonAndNotWithout) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = session_view(SessionState::treating);
  view.snap.dosing_locked = "a fire's outcome is unknown";
  view.snap.uncertain.push_back({7, 0, 1, "the link dropped before the answer"});
  EXPECT_TRUE(imgui.click("Fire 7 DELIVERED", view, forms, actions));
  EXPECT_FALSE(actions.called("attest")) << "no reason typed: the buttons wait";
  EXPECT_TRUE(imgui.shows("Fire 7 outcome unknown: the link dropped before the answer"));
  set(forms.attest_reason, "drop seen on the scalp");
  EXPECT_TRUE(imgui.click("Fire 7 NOT delivered", view, forms, actions));
  EXPECT_TRUE(actions.called("attest 7 not_delivered drop seen on the scalp"));
  EXPECT_EQ(forms.attest_reason[0], '\0') << "the reason is not reused for the next fire";
}

TEST(GuiPanels, AnAbortNeedsItsTypedReasonAndSendsIt) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = session_view(SessionState::treating);
  imgui.frame(view, forms, actions);
  EXPECT_FALSE(imgui.click("Abort session", view, forms, actions)) << "no abort row before Ctrl+click";
  forms.aborting = true;  // what Ctrl+click on "Abort (Ctrl+click)" opens
  EXPECT_TRUE(imgui.click("Abort session", view, forms, actions));
  EXPECT_FALSE(actions.called("abort_session")) << "no reason typed: nothing is aborted";
  set(forms.abort_reason, "patient fainted");
  EXPECT_TRUE(imgui.click("Abort session", view, forms, actions));
  EXPECT_TRUE(actions.called("abort_session patient fainted"));
  EXPECT_FALSE(forms.aborting);
  EXPECT_TRUE(imgui.click("E-STOP", view, forms, actions)) << "E-STOP stays on screen throughout";
}

TEST(GuiPanels, ASessionLeftOpenIsOfferedForRecoveryAndNothingElseOpens) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;
  view.user = LoggedIn{1, "dr.test", station::Role::clinician};
  view.left_open = LeftOpenSession{4, "P-LEFT", "2026-11-26T10:00:00.000Z", "dr.ines"};
  set(forms.pseudonym, "P-NEW");
  EXPECT_TRUE(imgui.click("Open session", view, forms, actions));
  imgui.press(keys::f2, view, forms, actions);
  EXPECT_FALSE(actions.called("open_session")) << "a new session waits for the one left open";
  EXPECT_TRUE(imgui.shows("Session 4 of P-LEFT"));
  EXPECT_TRUE(imgui.click("Recover session 4", view, forms, actions));
  EXPECT_TRUE(actions.called("recover_session"));
}

TEST(GuiPanels, TreatmentKeysDriveTheStation) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = session_view(SessionState::treating);
  view.demo = true;
  imgui.frame(view, forms, actions);
  for (const int key : {keys::a, keys::f, keys::t, keys::p, keys::h, keys::f2})
    imgui.press(key, view, forms, actions);
  for (const char* call : {"arm", "fire_next", "pull_trigger", "pause", "demo_hand on", "finish_treatment"})
    EXPECT_TRUE(actions.called(call)) << call;
}

TEST(GuiPanels, ScreeningShowsAnAbsoluteStopAsAStop) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = session_view(SessionState::screening);
  imgui.frame(view, forms, actions);  // entering the screen resets the answers
  forms.screening.scalp_infection = true;
  forms.screening.consent_signed = true;
  forms.patch_test = 1;
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("STOP: "));
  EXPECT_TRUE(imgui.shows("Record: STOP the session (F2)"));
  imgui.press(keys::f2, view, forms, actions);
  ASSERT_TRUE(actions.called("record_screening"));
  EXPECT_TRUE(actions.screening.scalp_infection);
  EXPECT_FALSE(station::evaluate(actions.screening).stops.empty());
}

TEST(GuiPanels, ACleanScreeningIsRecordedAsCleared) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = session_view(SessionState::screening);
  imgui.frame(view, forms, actions);
  forms.screening.consent_signed = true;
  forms.patch_test = 1;
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("cleared"));
  EXPECT_FALSE(imgui.shows("STOP: "));
}

TEST(GuiPanels, LoginShowsTheErrorAndSendsTheTypedCredentials) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;
  view.login_error = "wrong user name or password";
  set(forms.user, "dr.test");
  set(forms.password, "secret");
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("wrong user name or password"));
  ASSERT_TRUE(imgui.click("Log in", view, forms, actions));
  EXPECT_TRUE(actions.called("login dr.test secret"));
  EXPECT_EQ(forms.password[0], '\0') << "the password stays in memory after it was sent";
}

TEST(GuiPanels, TheLoginButtonWaitsWhileAPasswordIsBeingChecked) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;
  view.busy = true;
  set(forms.user, "dr.test");
  imgui.click("Checking", view, forms, actions);
  EXPECT_FALSE(actions.called("login"));
}

TEST(GuiPanels, EachStepOfTheFlowHasItsKey) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView patients;
  patients.user = LoggedIn{2, "dr.test", station::Role::clinician};
  imgui.frame(patients, forms, actions);
  set(forms.pseudonym, "P-9");
  imgui.press(keys::f2, patients, forms, actions);
  EXPECT_TRUE(actions.called("open_session P-9"));
  auto assessment = session_view(SessionState::assessment);
  imgui.press(keys::f2, assessment, forms, actions);
  EXPECT_TRUE(actions.called("record_assessment"));
  auto planning = session_view(SessionState::planning);
  planning.snap.plan.reset();
  imgui.press(keys::f3, planning, forms, actions);
  EXPECT_TRUE(actions.called("suggest_zones"));
  planning.zones = {{"crown", {{0, 0}, {30, 0}, {30, 30}, {0, 30}}}};
  imgui.press(keys::f4, planning, forms, actions);
  EXPECT_TRUE(actions.called("preview_plan"));
  planning.preview.ready = true;
  imgui.press(keys::f2, planning, forms, actions);
  EXPECT_TRUE(actions.called("accept_plan"));
  imgui.press(keys::f2, session_view(SessionState::ready), forms, actions);
  EXPECT_TRUE(actions.called("start_treatment"));
  const auto post_care = session_view(SessionState::post_care);
  imgui.frame(post_care, forms, actions);
  set(forms.sign_password, "secret");
  imgui.press(keys::f2, post_care, forms, actions);
  EXPECT_TRUE(actions.called("sign_and_close secret"));
  imgui.press(keys::f2, session_view(SessionState::closed), forms, actions);
  EXPECT_TRUE(actions.called("dismiss_session"));
}

TEST(GuiPanels, ThePreviewStatesEachZonesCoverage) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto planning = session_view(SessionState::planning);
  planning.preview.ready = true;
  planning.preview.plan.steps.resize(1);
  planning.preview.plan.steps[0].spacing_mm = 10;
  planning.preview.zones = {{"crown", 30, 1'500'000, 3000, 6.1}, {"temple", 8, 400'000, 900, 5.9}};
  planning.preview.points = 38;
  imgui.frame(planning, forms, actions);
  EXPECT_TRUE(imgui.shows("every point within 6.1 mm of a point"));
  EXPECT_TRUE(imgui.shows("every point within 5.9 mm of a point"));
}

TEST(GuiPanels, APlanRefusedForItsCoverageSaysWhy) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto planning = session_view(SessionState::planning);
  planning.preview.error =
      "plan refused: zone 'crown' (6.40 mm) is not covered at 10.0 mm spacing: the best plan found leaves "
      "part of it that far from every planned point, beyond the 6.27 mm goal (spacing/sqrt(3) + 0.5 mm); "
      "at 9.0 mm spacing every zone is covered: plan at that spacing, or draw the zone wider or rounder";
  imgui.frame(planning, forms, actions);
  EXPECT_TRUE(imgui.shows(planning.preview.error));
  EXPECT_FALSE(imgui.shows("every point within"));
}

TEST(GuiPanels, AcceptWaitsForAPreview) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto planning = session_view(SessionState::planning);
  EXPECT_TRUE(imgui.click("Accept plan", planning, forms, actions));
  imgui.press(keys::f2, planning, forms, actions);
  EXPECT_FALSE(actions.called("accept_plan"));
}

TEST(GuiPanels, AlarmsAreListedAndAcknowledged) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = session_view(SessionState::paused);
  view.snap.alarms.push_back({7, "occlusion", station::AlarmPriority::high, station::AlarmCategory::technical,
                              "the needle is blocked", true, false});
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("high occlusion: the needle is blocked"));
  imgui.press(keys::k, view, forms, actions);
  EXPECT_TRUE(actions.called("acknowledge_alarm 7"));
  EXPECT_TRUE(imgui.click("RESUME", view, forms, actions));
  EXPECT_TRUE(actions.called("resume"));
}

TEST(GuiPanels, FunctionKeysActWhileTyping) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView patients;
  patients.user = LoggedIn{2, "dr.test", station::Role::clinician};
  imgui.frame(patients, forms, actions);  // the pseudonym field takes the keyboard
  imgui.frame(patients, forms, actions);
  imgui.press(keys::f12, patients, forms, actions);
  EXPECT_TRUE(actions.called("logout")) << "function keys act while typing";
}

}  // namespace
}  // namespace meso::gui
