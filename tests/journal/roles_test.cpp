// Roles, passwords and the API's refusals: auditors read only, QA writes test data only, and test or demo
// data never enters a real patient's record.
#include <gtest/gtest.h>

#include "journal_fixture.hpp"
#include "meso/journal/passwords.hpp"
#include "meso/journal/reader.hpp"

namespace meso::journal::testing {
namespace {

TEST(RoleTest, NamesRoundTrip) {
  for (const Role role : {Role::clinician, Role::qa, Role::auditor, Role::admin}) {
    EXPECT_EQ(parse_role(to_string(role)), role);
  }
  for (const Tag tag : {Tag::real, Tag::test, Tag::demo})
    EXPECT_EQ(parse_tag(to_string(tag)), tag);
  EXPECT_EQ(parse_role("Auditor"), std::nullopt);
  EXPECT_EQ(parse_tag("production"), std::nullopt);
}

TEST(RoleTest, WritePermissions) {
  EXPECT_FALSE(may_write(Role::auditor, Tag::test));
  EXPECT_TRUE(may_write(Role::qa, Tag::test));
  EXPECT_FALSE(may_write(Role::qa, Tag::real));
  EXPECT_FALSE(may_write(Role::qa, Tag::demo));
  EXPECT_TRUE(may_write(Role::clinician, Tag::real));
}

TEST(PasswordTest, Argon2idHashesVerifyAndAreSalted) {
  const std::string hash = hash_password("s3cret pass");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0U) << hash;  // INTERACTIVE limits
  EXPECT_TRUE(verify_password(hash, "s3cret pass"));
  EXPECT_FALSE(verify_password(hash, "s3cret pasS"));
  EXPECT_NE(hash_password("s3cret pass"), hash);
  EXPECT_TRUE(verify_password(kSeedPasswordHash, kSeedPassword));
}

using UserTest = JournalTest;

TEST_F(UserTest, FirstUserMustBeAnAdminAndOnlyAdminsAddUsers) {
  JournalWriter writer(WriterOptions{db_path(), key_path()});
  EXPECT_EQ(writer.add_user({"ana", Role::clinician, "pw-ana-123"}, std::nullopt).error().code,
            Errc::role_refused);
  const UserId admin = writer.add_user({"root", Role::admin, "pw-root-123"}, std::nullopt).value();
  const UserId ana = writer.add_user({"ana", Role::clinician, "pw-ana-123"}, admin).value();
  EXPECT_EQ(writer.add_user({"eve", Role::admin, "pw-eve-123"}, ana).error().code, Errc::role_refused);
  EXPECT_EQ(writer.add_user({"eve", Role::admin, "pw-eve-123"}, std::nullopt).error().code,
            Errc::role_refused);
  EXPECT_EQ(writer.add_user({"ana", Role::qa, "pw-other-1"}, admin).error().code, Errc::duplicate);
  EXPECT_EQ(writer.add_user({"bob", Role::qa, ""}, admin).error().code, Errc::bad_request);

  const JournalReader reader(db_path());
  const auto who = reader.authenticate("ana", "pw-ana-123");
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->id, ana);
  EXPECT_EQ(who->role, Role::clinician);
  EXPECT_FALSE(reader.authenticate("ana", "wrong").has_value());
  EXPECT_FALSE(reader.authenticate("nobody", "pw-ana-123").has_value());
}

using PermissionTest = JournalTest;

TEST_F(PermissionTest, AuditorCannotWriteAnything) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  EventDraft draft{session, staff_.auditor, "note", {{"text", "x"}}, {}, {}, {}};
  const auto appended = writer().append_sync(draft);
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.error().code, Errc::role_refused);
  EXPECT_NE(appended.error().message.find("may only read"), std::string::npos);
  EXPECT_EQ(writer().create_session_sync({patients_.test, staff_.auditor, Tag::test, {}}).error().code,
            Errc::role_refused);
  EXPECT_EQ(writer().add_patient({"T-9", Tag::test}, staff_.auditor).error().code, Errc::role_refused);
  EXPECT_EQ(writer().seal_session_sync(session, staff_.auditor, "done").error().code, Errc::role_refused);
}

TEST_F(PermissionTest, QaWritesTestSessionsOnly) {
  open_writer();
  const SessionId real = open_session(staff_.clinician, patients_.real, Tag::real);
  EXPECT_EQ(
      writer().append_sync({real, staff_.qa, "note", nlohmann::json::object(), {}, {}, {}}).error().code,
      Errc::role_refused);
  EXPECT_EQ(writer().create_session_sync({patients_.demo, staff_.qa, Tag::demo, {}}).error().code,
            Errc::role_refused);
  EXPECT_EQ(writer().add_patient({"P-9", Tag::real}, staff_.qa).error().code, Errc::role_refused);
  const SessionId test = open_session(staff_.qa, patients_.test, Tag::test);
  EXPECT_TRUE(writer().append_sync({test, staff_.qa, "note", nlohmann::json::object(), {}, {}, {}}).ok());
  EXPECT_TRUE(writer().seal_session_sync(test, staff_.qa, "run complete").ok());
}

TEST_F(PermissionTest, TestOrDemoDataNeverEntersARealRecord) {
  open_writer();
  const auto test_on_real = writer().create_session_sync({patients_.real, staff_.clinician, Tag::test, {}});
  ASSERT_FALSE(test_on_real.ok());
  EXPECT_EQ(test_on_real.error().code, Errc::tag_refused);
  EXPECT_NE(test_on_real.error().message.find("never enters a real patient's record"), std::string::npos);
  EXPECT_EQ(writer().create_session_sync({patients_.real, staff_.clinician, Tag::demo, {}}).error().code,
            Errc::tag_refused);
  EXPECT_EQ(writer().create_session_sync({patients_.test, staff_.clinician, Tag::real, {}}).error().code,
            Errc::tag_refused);
  // Events take their session's tag: an append cannot choose another.
  const SessionId demo = open_session(staff_.clinician, patients_.demo, Tag::demo);
  append(demo, staff_.clinician, "note", {{"text", "demo"}});
  close_writer();
  const JournalReader reader(db_path());
  for (const Event& event : reader.timeline(demo))
    EXPECT_EQ(event.tag, "demo");
  SessionFilter real_patient;
  real_patient.patient = "P-0001";
  EXPECT_TRUE(reader.list_sessions(real_patient).empty());
}

TEST_F(PermissionTest, RefusesMalformedDrafts) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  EXPECT_EQ(writer()
                .append_sync({session, staff_.clinician, "", nlohmann::json::object(), {}, {}, {}})
                .error()
                .code,
            Errc::bad_request);
  EXPECT_EQ(writer()
                .append_sync({session, staff_.clinician, "note", nlohmann::json::array(), {}, {}, {}})
                .error()
                .code,
            Errc::bad_request);
  EXPECT_EQ(writer()
                .append_sync({session + 50, staff_.clinician, "note", nlohmann::json::object(), {}, {}, {}})
                .error()
                .code,
            Errc::unknown_session);
  EXPECT_EQ(writer().append_sync({session, 99, "note", nlohmann::json::object(), {}, {}, {}}).error().code,
            Errc::unknown_user);
  // A correction names an earlier event and says why.
  EXPECT_EQ(writer()
                .append_sync({session, staff_.clinician, "dose.corrected", {{"dose_nl", 1}}, 1, {}, {}})
                .error()
                .code,
            Errc::bad_request);
  EXPECT_EQ(writer()
                .append_sync({session, staff_.clinician, "dose.corrected", {{"reason", "typo"}}, 5, {}, {}})
                .error()
                .code,
            Errc::bad_request);
  const auto corrected =
      writer().append_sync({session, staff_.clinician, "dose.corrected", {{"reason", "typo"}}, 1, {}, {}});
  ASSERT_TRUE(corrected.ok());
  EXPECT_EQ(corrected.value().seq, 2);  // refusals took no seq
}

}  // namespace
}  // namespace meso::journal::testing
