// The station itself in the journal: its kind, written once; staff accounts disabled never deleted, resets
// that force a new password, a growing wait after failed logins; and the station log that chains every act.
#include "meso/journal/staff.hpp"

#include <gtest/gtest.h>

#include "journal_fixture.hpp"
#include "meso/journal/passwords.hpp"
#include "meso/journal/reader.hpp"

namespace meso::journal::testing {
namespace {

using StaffTest = JournalTest;

std::vector<std::string> kinds(const JournalReader& reader) {
  std::vector<std::string> out;
  for (const auto& e : reader.station_log())
    out.push_back(e.kind);
  return out;
}

TEST(PasswordPolicyTest, LengthAndNameAreChecked) {
  EXPECT_NE(password_problem("ana", "short"), "");
  EXPECT_NE(password_problem("ana", std::string(kMinPasswordLength - 1, 'x')), "");
  EXPECT_EQ(password_problem("ana", std::string(kMinPasswordLength, 'x')), "");
  EXPECT_NE(password_problem("ana", "my-ANA-password"), "") << "the name, in any case";
  EXPECT_EQ(password_problem("ana", "correct-horse-battery"), "");
}

TEST(PasswordPolicyTest, TheWaitGrowsAfterFiveFailuresAndIsCapped) {
  for (int n = 0; n < kFreeFailedLogins; ++n)
    EXPECT_EQ(login_wait_after(n).count(), 0) << n;
  EXPECT_EQ(login_wait_after(5).count(), 30);
  EXPECT_EQ(login_wait_after(6).count(), 60);
  EXPECT_EQ(login_wait_after(7).count(), 120);
  EXPECT_EQ(login_wait_after(10).count(), 900);
  EXPECT_EQ(login_wait_after(40).count(), 900);
}

TEST(PasswordPolicyTest, TheUnknownUserHashCostsWhatARealOneCosts) {
  // Same algorithm and limits as hash_password: the check of an unknown name takes as long as a known one.
  const std::string real = hash_password("anything-at-all");
  const std::string params =
      real.substr(0, real.find('$', std::string("$argon2id$v=19$m=65536,t=2,p=1").size()));
  EXPECT_EQ(std::string(kUnknownUserHash).rfind(params, 0), 0U) << params;
  EXPECT_FALSE(verify_password(kUnknownUserHash, ""));
}

TEST_F(StaffTest, CommissioningWritesTheKindOnceWithTheFirstAdmin) {
  JournalWriter writer(WriterOptions{db_path(), key_path()});
  const auto admin = writer.commission(Tag::real, {"root", Role::admin, "root-password-1"}, "new clinic");
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  const auto again = writer.commission(Tag::test, {"other", Role::admin, "other-password-1"}, "again");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already commissioned"), std::string::npos);
  EXPECT_FALSE(writer.set_station_kind(Tag::demo, admin.value()).ok());
  {
    const JournalReader reader(db_path());
    EXPECT_EQ(reader.station_kind(), Tag::real);
    EXPECT_EQ(kinds(reader), std::vector<std::string>{"station.commissioned"});
  }
  const auto changed = run_sqlite3(db_path(), "UPDATE station SET kind = 'demo';");
  EXPECT_NE(changed.exit_code, 0);
  EXPECT_NE(changed.err.find("never changes"), std::string::npos) << changed.err;
  // A real station holds no demo session, at the schema's level too.
  const UserId root = admin.value();
  const PatientId demo = writer.add_patient({"P-DEMO", Tag::demo}, root).value();
  const auto session = writer.create_session_sync({demo, root, Tag::demo, std::nullopt});
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.error().message.find("real station"), std::string::npos) << session.error().message;
}

TEST_F(StaffTest, AdminActsAreLoggedWithWhyAndAccountsAreNeverDeleted) {
  JournalWriter writer(WriterOptions{db_path(), key_path()});
  const UserId root = writer.commission(Tag::real, {"root", Role::admin, "root-password-1"}, "new").value();
  const UserId ana =
      writer.add_user({"ana", Role::clinician, "ana-first-pw"}, root, {true, "new clinician"}).value();
  EXPECT_FALSE(writer.disable_user(ana, root, "").ok()) << "a reason is required";
  EXPECT_FALSE(writer.disable_user(ana, ana, "not an admin").ok());
  ASSERT_TRUE(writer.set_role(ana, Role::qa, root, "moves to QA").ok());
  ASSERT_TRUE(writer.disable_user(ana, root, "left the clinic").ok());
  const auto last_admin = writer.disable_user(root, root, "leaving");
  ASSERT_FALSE(last_admin.ok());
  EXPECT_NE(last_admin.error().message.find("no administrator left"), std::string::npos);

  const JournalReader reader(db_path());
  EXPECT_FALSE(reader.authenticate("ana", "ana-first-pw").has_value()) << "disabled";
  const auto account = reader.staff_account("ana");
  ASSERT_TRUE(account.has_value());
  EXPECT_TRUE(account->disabled);
  EXPECT_EQ(account->role, Role::qa);
  const auto log = reader.station_log();
  ASSERT_EQ(log.size(), 4U);
  EXPECT_EQ(log[1].kind, "staff.added");
  EXPECT_EQ(log[2].kind, "staff.role_changed");
  EXPECT_EQ(log[3].kind, "staff.disabled");
  EXPECT_EQ(log[3].user_name, "root");
  EXPECT_NE(log[3].payload.find("left the clinic"), std::string::npos);
  const auto deleted = run_sqlite3(db_path(), "DELETE FROM users WHERE name = 'ana';");
  EXPECT_NE(deleted.exit_code, 0);
  EXPECT_NE(deleted.err.find("never deleted"), std::string::npos) << deleted.err;
}

TEST_F(StaffTest, AResetForcesANewPasswordAtTheNextLogin) {
  JournalWriter writer(WriterOptions{db_path(), key_path()});
  const UserId root = writer.commission(Tag::real, {"root", Role::admin, "root-password-1"}, "new").value();
  const UserId ana = writer.add_user({"ana", Role::clinician, "ana-first-pw"}, root).value();
  ASSERT_TRUE(writer.reset_password(ana, "ana-reset-pw", root, "forgot it").ok());
  auto login = writer.record_login("ana", true);
  ASSERT_TRUE(login.ok());
  EXPECT_TRUE(login.value().succeeded);
  EXPECT_TRUE(login.value().must_change_password);
  ASSERT_TRUE(writer.change_password(ana, "ana-own-password").ok());
  login = writer.record_login("ana", true);
  EXPECT_FALSE(login.value().must_change_password);
  const JournalReader reader(db_path());
  EXPECT_TRUE(reader.authenticate("ana", "ana-own-password").has_value());
  EXPECT_FALSE(reader.authenticate("ana", "ana-reset-pw").has_value());
}

TEST_F(StaffTest, FailedLoginsMakeTheAccountWaitAndAreEachLogged) {
  JournalWriter writer(WriterOptions{db_path(), key_path()});
  ASSERT_TRUE(writer.commission(Tag::real, {"root", Role::admin, "root-password-1"}, "new").ok());
  for (int i = 1; i < kFreeFailedLogins; ++i) {
    const auto failed = writer.record_login("root", false);
    EXPECT_FALSE(failed.value().succeeded);
    EXPECT_EQ(failed.value().wait.count(), 0) << i;
  }
  const auto fifth = writer.record_login("root", false);
  EXPECT_EQ(fifth.value().failed_logins, 5);
  EXPECT_EQ(fifth.value().wait.count(), 30);
  EXPECT_NE(fifth.value().message.find("waits 30 s"), std::string::npos) << fifth.value().message;
  // Even the right password waits, and that try does not count as another failure.
  const auto waiting = writer.record_login("root", true);
  EXPECT_FALSE(waiting.value().succeeded);
  EXPECT_NE(waiting.value().message.find("waits until"), std::string::npos) << waiting.value().message;
  const auto unknown = writer.record_login("mallory", false);
  EXPECT_FALSE(unknown.value().succeeded);
  EXPECT_EQ(unknown.value().message, "wrong user name or password");

  const JournalReader reader(db_path());
  EXPECT_EQ(reader.staff_account("root")->failed_logins, 5);
  const auto log = reader.station_log();
  ASSERT_EQ(log.size(), 1U + 5U + 1U + 1U);
  EXPECT_EQ(log.back().kind, "login.failed");
  EXPECT_EQ(log.back().user, 0) << "nobody identified";
  EXPECT_NE(log.back().payload.find("mallory"), std::string::npos);
}

TEST_F(StaffTest, TheStationLogVerifiesAndAnEditedEntryIsFound) {
  {
    JournalWriter writer(WriterOptions{db_path(), key_path()});
    const UserId root = writer.commission(Tag::real, {"root", Role::admin, "root-password-1"}, "new").value();
    ASSERT_TRUE(
        writer.add_user({"ana", Role::clinician, "ana-first-pw"}, root, {true, "new clinician"}).ok());
    ASSERT_TRUE(writer.record_login("ana", false).ok());
  }
  {
    const JournalReader reader(db_path());
    EXPECT_TRUE(reader.verify().ok());
  }
  // Someone with the file rewrites why an account was added, past the triggers.
  const auto edited =
      run_sqlite3(db_path(),
                  "DROP TRIGGER station_events_no_update; UPDATE station_events SET payload = "
                  "replace(payload, 'new clinician', 'old friend') WHERE seq = 2;");
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  const JournalReader reader(db_path());
  const auto report = reader.verify();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.findings.front().session, 0);
  EXPECT_EQ(report.findings.front().seq, 2);
  EXPECT_EQ(report.findings.front().problem, Problem::hash_mismatch);
}

TEST_F(StaffTest, AJournalFromBeforeKindsGetsOneWhenItsSessionsFit) {
  open_writer();  // the fixture's journal: users and sessions of every tag, no kind
  make_sealed_session();
  const auto real = writer().set_station_kind(Tag::test, std::nullopt);
  ASSERT_FALSE(real.ok()) << "it holds a real-tagged session";
  EXPECT_NE(real.error().message.find("may not hold"), std::string::npos);
  ASSERT_TRUE(writer().set_station_kind(Tag::real, std::nullopt).ok());
  const JournalReader reader(db_path());
  EXPECT_EQ(reader.station_kind(), Tag::real);
}

}  // namespace
}  // namespace meso::journal::testing
