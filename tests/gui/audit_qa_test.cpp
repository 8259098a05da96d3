// The audit and QA screens: their panels over hand-made views (what they show, what they ask for), the
// auditor's console that cannot reach anything that changes the station, and the runtime that refuses an
// auditor's station commands on the real code path (a demo runtime on a fresh journal).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "demo_runtime.hpp"
#include "gui_test_support.hpp"
#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::gui {
namespace {

using testing::DemoRuntime;
using testing::HeadlessImGui;
using testing::RecordingActions;

AuditSession session_info(std::int64_t id, const std::string& patient) {
  return {id, patient, "demo", "demo", "sealed", "2026-11-26T10:00:00.000Z", "2026-11-26T10:20:00.000Z", 12};
}

ConsoleView auditor_view() {
  ConsoleView v;
  v.demo = true;
  v.user = LoggedIn{3, "auditor", station::Role::auditor};
  v.audit.listed = true;
  v.audit.sessions = {session_info(1, "P-AUD-1"), session_info(2, "P-AUD-2")};
  return v;
}

bool is_audit_call(const std::string& call) {
  for (const char* ok :
       {"list_sessions", "show_session", "verify_session", "export_session", "logout", "lock"})
    if (call.rfind(ok, 0) == 0) return true;
  return false;
}

TEST(GuiAudit, ShowsTheSessionsItIsGivenAndAsksForOne) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = auditor_view();
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("Audit (read-only)"));
  EXPECT_TRUE(imgui.shows("P-AUD-1"));
  EXPECT_TRUE(imgui.shows("P-AUD-2"));
  ASSERT_TRUE(imgui.click("Show##2", view, forms, actions));
  EXPECT_TRUE(actions.called("show_session 2"));
  set(forms.audit_patient, "P-AUD-1");
  ASSERT_TRUE(imgui.click("List sessions", view, forms, actions));
  EXPECT_TRUE(actions.called("list_sessions P-AUD-1"));
}

TEST(GuiAudit, ShowsTheTimelineAndIntegrityAndEmitsVerifyAndExport) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = auditor_view();
  view.audit.shown = view.audit.sessions[0];
  AuditEvent e;
  e.seq = 7;
  e.utc = "2026-11-26T10:01:00.000Z";
  e.who = "demo";
  e.role = "clinician";
  e.kind = "session.transition";
  e.why = "paused from the console";
  e.payload = R"({"reason":"paused from the console"})";
  view.audit.timeline = {e};
  view.audit.verified = true;
  view.audit.intact = false;
  view.audit.integrity = "session 1, seq 7: hash_mismatch: edited";
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("why: paused from the console"));
  EXPECT_TRUE(imgui.shows("FAILED: session 1, seq 7: hash_mismatch"));
  ASSERT_TRUE(imgui.click("Verify again", view, forms, actions));
  EXPECT_TRUE(actions.called("verify_session 1"));
  forms.export_format = static_cast<int>(ExportFormat::csv);
  set(forms.export_path, "/tmp/session-1.csv");
  ASSERT_TRUE(imgui.click("Export", view, forms, actions));
  EXPECT_TRUE(actions.called("export_session 1 1 /tmp/session-1.csv"));
}

TEST(GuiAudit, TheAuditorReachesNoScreenThatChangesAnything) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = auditor_view();
  for (const Tool tool : {Tool::none, Tool::qa, Tool::audit}) {
    view.tool = tool;
    EXPECT_EQ(screen_for(view), Screen::audit);
  }
  set(forms.pseudonym, "P-1");  // what would open a session from the patients screen
  for (const int key : {keys::f2, keys::f3, keys::f4, keys::f5, keys::f6, keys::a, keys::d, keys::f, keys::t,
                        keys::r, keys::n, keys::k, keys::escape, keys::enter, keys::space})
    imgui.press(key, view, forms, actions);
  for (const auto& call : actions.calls)
    EXPECT_TRUE(is_audit_call(call)) << "the auditor's console emitted " << call;
  EXPECT_FALSE(imgui.click("Open session", view, forms, actions));
  EXPECT_FALSE(imgui.click("Apply line faults", view, forms, actions));
}

TEST(GuiAudit, F5OpensTheAuditForAnAdminOnly) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;
  view.user = LoggedIn{2, "dr.test", station::Role::clinician};
  imgui.press(keys::f5, view, forms, actions);
  EXPECT_FALSE(actions.called("open_tool"));
  view.user = LoggedIn{1, "root", station::Role::admin};
  imgui.press(keys::f5, view, forms, actions);
  EXPECT_TRUE(actions.called("open_tool 1"));
}

ConsoleView qa_view() {
  ConsoleView v;
  v.demo = true;
  v.user = LoggedIn{4, "qa", station::Role::qa};
  v.tool = Tool::qa;
  station::DeviceView gun;
  gun.state = hal::DeviceState::configured;
  gun.link.retransmits = 42;
  v.snap.devices[hal::DeviceKind::mesogun] = gun;
  return v;
}

TEST(GuiQa, EmitsTheFaultItIsAskedForAndShowsTheLinkCounters) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = qa_view();
  ASSERT_EQ(screen_for(view), Screen::qa);
  forms.qa_line.dup = 0.25f;
  forms.qa_line.drop = 0.01f;
  ASSERT_TRUE(imgui.click("Apply line faults", view, forms, actions));
  ASSERT_EQ(actions.faults.size(), 1U);
  EXPECT_EQ(actions.faults[0].kind, QaFault::Kind::line);
  EXPECT_FLOAT_EQ(actions.faults[0].dup, 0.25f);
  EXPECT_FLOAT_EQ(actions.faults[0].drop, 0.01f);
  ASSERT_TRUE(imgui.click("Occlusion", view, forms, actions));
  ASSERT_TRUE(imgui.click("Unplug", view, forms, actions));
  ASSERT_EQ(actions.faults.size(), 3U);
  EXPECT_EQ(actions.faults[1].kind, QaFault::Kind::occlusion);
  EXPECT_EQ(actions.faults[2].kind, QaFault::Kind::unplug);
  EXPECT_TRUE(imgui.shows("retransmits"));
  EXPECT_TRUE(imgui.shows("42"));
}

TEST(GuiQa, OnlyInDemoMode) {
  auto view = qa_view();
  view.demo = false;
  EXPECT_EQ(screen_for(view), Screen::patients);
}

// The runtime itself, on a fresh demo journal: an auditor's station commands never leave it.
TEST_F(DemoRuntime, RefusesEveryStationCommandFromAnAuditor) {
  login("auditor");
  EXPECT_EQ(screen_for(view_), Screen::audit);
  ASSERT_TRUE(wait([&] { return view_.audit.listed; }));  // the auditor's screen is filled at login
  runtime_->open_session("P-AUDITOR", false);
  runtime_->record_screening({});
  runtime_->accept_plan();
  runtime_->start_treatment();
  runtime_->arm();
  runtime_->fire_next();
  runtime_->pull_trigger();
  runtime_->finish_treatment();
  runtime_->sign_and_close("auditor");
  runtime_->abort_session("test");
  runtime_->inject_fault(QaFault{});
  ASSERT_TRUE(wait([&] { return view_.notice.find("refused") != std::string::npos; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  runtime_->refresh(view_);
  EXPECT_FALSE(view_.snap.session_open);
  EXPECT_TRUE(journal::JournalReader(options_.db).list_sessions().empty());
}

// A locked console is locked in the runtime, not only on the screen: whatever a key or a panel sends, only
// unlock, E-STOP and what treatment safety needs (disarm, pause) get through until the password is given.
TEST_F(DemoRuntime, ALockedConsoleRefusesAllButUnlockAndTheStop) {
  login("demo");
  runtime_->lock();
  ASSERT_TRUE(wait([&] { return view_.locked; }));
  view_.notice.clear();
  runtime_->open_session("P-LOCKED", false);
  ASSERT_TRUE(wait([&] { return view_.notice.find("locked") != std::string::npos; })) << view_.notice;
  runtime_->find_patient("P-LOCKED");
  runtime_->list_sessions({});
  runtime_->open_tool(Tool::audit);
  runtime_->logout();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  runtime_->refresh(view_);
  EXPECT_TRUE(view_.user.has_value()) << "nobody logs the locked user out";
  EXPECT_FALSE(view_.lookup.has_value());
  EXPECT_FALSE(view_.snap.session_open);
  EXPECT_TRUE(journal::JournalReader(options_.db).list_sessions().empty());
  runtime_->estop("test");  // the stop is never locked out
  ASSERT_TRUE(wait([&] { return view_.snap.last_message == "E-STOP"; })) << view_.snap.last_message;
  runtime_->unlock("not the password");
  ASSERT_TRUE(wait([&] { return !view_.busy && !view_.unlock_error.empty(); }));
  runtime_->open_session("P-LOCKED", false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  runtime_->refresh(view_);
  EXPECT_FALSE(view_.snap.session_open) << "a wrong password unlocks nothing";
  runtime_->unlock("demo");
  ASSERT_TRUE(wait([&] { return !view_.busy && !view_.locked; }));
  runtime_->open_session("P-LOCKED", false);
  ASSERT_TRUE(wait([&] { return view_.snap.session_open; })) << view_.notice;
}

TEST_F(DemoRuntime, QaInjectsFaultsIntoTheSimulatorAndAClinicianCannot) {
  login("demo");
  runtime_->inject_fault(QaFault{});
  ASSERT_TRUE(wait([&] { return view_.notice.find("refused") != std::string::npos; }));
  EXPECT_TRUE(view_.qa.last.empty());
  runtime_->logout();
  ASSERT_TRUE(wait([&] { return !view_.user; }));
  login("qa");
  runtime_->open_tool(Tool::qa);
  ASSERT_TRUE(wait([&] { return screen_for(view_) == Screen::qa; }));
  QaFault dup;
  dup.dup = 0.5f;
  runtime_->inject_fault(dup);
  ASSERT_TRUE(wait([&] { return view_.qa.last.find("dup=0.5") != std::string::npos; })) << view_.qa.last;
}

// The console closed (or killed) during a session leaves it open in the journal. The next console finds it,
// lets nothing else open, and recovers it into the state it was left in, journaling the recovery.
TEST_F(DemoRuntime, ASessionLeftOpenIsRecoveredBeforeAnotherCanOpen) {
  login("demo");
  runtime_->open_session("P-LEFT", false);
  ASSERT_TRUE(wait([&] { return view_.snap.state == station::SessionState::screening; }));
  const auto id = view_.snap.session_id;
  runtime_.reset();  // the console goes away mid-session
  view_ = {};
  runtime_ = std::make_unique<ConsoleRuntime>(options_, nullptr);
  runtime_->start();
  runtime_->init_view(view_);
  ASSERT_TRUE(view_.left_open);
  EXPECT_EQ(view_.left_open->id, id);
  EXPECT_EQ(view_.left_open->patient, "P-LEFT");
  login("demo");
  runtime_->open_session("P-OTHER", false);
  ASSERT_TRUE(wait([&] { return view_.notice.find("recover it first") != std::string::npos; }))
      << view_.notice;
  runtime_->recover_session();
  ASSERT_TRUE(wait([&] { return view_.snap.session_open && view_.snap.session_id == id; }));
  EXPECT_FALSE(view_.left_open);
  EXPECT_EQ(view_.snap.state, station::SessionState::screening);
  EXPECT_EQ(view_.snap.patient, "P-LEFT");
  ASSERT_TRUE(wait(
      [&] { return !journal::JournalReader(options_.db).events_of_kind(id, "session.recovered").empty(); }));
  EXPECT_EQ(journal::JournalReader(options_.db).list_sessions().size(), 1U) << "no second session opened";
}

TEST(GuiAbout, TheAboutBoxShowsTheStationKeysFingerprint) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;  // the login screen: nobody needs to log in to read it
  view.journal_path = "/var/lib/meso/station.db";
  view.key_fingerprint = "SHA256:3f2a:9c01:0000:1111:2222:3333:4444:5555";
  imgui.frame(view, forms, actions);
  EXPECT_FALSE(imgui.shows(view.key_fingerprint));
  ASSERT_TRUE(imgui.click("About", view, forms, actions));
  ASSERT_TRUE(forms.about);
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows(view.key_fingerprint));
  EXPECT_TRUE(imgui.shows("Journal: /var/lib/meso/station.db"));
  ASSERT_TRUE(imgui.click("Close", view, forms, actions));
  imgui.frame(view, forms, actions);
  EXPECT_FALSE(imgui.shows(view.key_fingerprint));
  EXPECT_TRUE(actions.calls.empty()) << "the About box commands nothing";
}

TEST_F(DemoRuntime, TheViewCarriesTheFingerprintOfTheKeyThatSignsTheJournal) {
  const auto key = journal::StationKey::load(options_.db.string() + ".key");
  EXPECT_EQ(view_.key_fingerprint, journal::key_fingerprint(key.public_key()));
  EXPECT_EQ(view_.key_fingerprint.rfind("SHA256:", 0), 0U);
  EXPECT_EQ(view_.journal_path, options_.db.string());
}

}  // namespace
}  // namespace meso::gui
