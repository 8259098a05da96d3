// Commissioning and administration through the application layer: a station opens only a commissioned
// journal of its kind, a demo never a real one; the admin's acts; a new account's first login changes its
// password before anything else.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "meso/station/app.hpp"

namespace meso::station {
namespace {

constexpr const char* kAdminPassword = "admin-secret-1";

class AppStaff : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("app_staff_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path db() const { return dir_ / "station.db"; }
  Result<Commissioned> commission(Tag kind = Tag::real) {
    return StationApp::commission({db(), {}, {}, kind, "boss", kAdminPassword});
  }
  AppConfig station() const {
    AppConfig c;
    c.db = db();
    return c;
  }
  static Result<StaffMember> login(StationApp& app, const std::string& name, const std::string& password) {
    return wait_for_reply<StaffMember>([&](auto r) { app.login(name, password, r); });
  }

  std::filesystem::path dir_;
};

TEST_F(AppStaff, AStationNeedsACommissionedJournal) {
  try {
    StationApp app(station());
    FAIL() << "an uncommissioned journal was opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("mesostation init"), std::string::npos) << e.what();
  }
}

TEST_F(AppStaff, CommissioningRefusesAWeakPasswordAndAnExistingJournal) {
  const auto weak = StationApp::commission({db(), {}, {}, Tag::real, "boss", "boss-1234567"});
  ASSERT_FALSE(weak.ok());
  EXPECT_FALSE(std::filesystem::exists(db())) << "nothing written";
  const auto made = commission();
  ASSERT_TRUE(made.ok()) << made.message();
  EXPECT_EQ(made.value().fingerprint.rfind("SHA256:", 0), 0U);
  EXPECT_TRUE(std::filesystem::exists(made.value().public_key));
  EXPECT_EQ(std::filesystem::status(made.value().key).permissions() & std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  const auto again = commission();
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("exists already"), std::string::npos);
}

TEST_F(AppStaff, TheDemoAndARealStationNeverShareAJournal) {
  ASSERT_TRUE(commission().ok());
  try {
    StationApp demo(demo_profile(db()));
    FAIL() << "the demo opened a real journal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the demo never opens it"), std::string::npos) << e.what();
  }
  const auto demo_db = dir_ / "demo.db";
  {
    auto config = demo_profile(demo_db);
    config.camera = {};
    StationApp demo(config);
  }
  auto config = station();
  config.db = demo_db;
  try {
    StationApp app(config);
    FAIL() << "a station opened a demo journal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is a demo journal"), std::string::npos) << e.what();
  }
  // And the demo's accounts are not in the real journal.
  StationApp app(station());
  app.start();
  EXPECT_FALSE(login(app, "demo", "demo").ok());
}

TEST_F(AppStaff, ANewClinicianChoosesAPasswordBeforeAnythingElse) {
  ASSERT_TRUE(commission().ok());
  StationApp app(station());
  app.start();
  ASSERT_TRUE(login(app, "boss", kAdminPassword).ok());
  const NewStaff ana{"ana", Role::clinician, "Welcome-2026a", "new clinician"};
  const auto weak = wait_for_reply<Done>([&](auto r) {
    app.add_staff({"bob", Role::clinician, "bob", "x"}, r);
  });
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.refusal().why, Refused::input);
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.add_staff(ana, r); }).ok());
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.logout(r); }).ok());

  const auto first = login(app, "ana", "Welcome-2026a");
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_TRUE(first.value().must_change_password);
  const auto open = wait_for_reply<OpenedSession>([&](auto r) { app.open_session("P-1", r); });
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.refusal().message.find("new password first"), std::string::npos);
  const auto staff = wait_for_reply<std::vector<StaffAccount>>([&](auto r) { app.list_staff(r); });
  EXPECT_FALSE(staff.ok()) << "a clinician does not administer";
  const auto changed =
      wait_for_reply<Done>([&](auto r) { app.change_password("Welcome-2026a", "Sunny-river-42", r); });
  ASSERT_TRUE(changed.ok()) << changed.message();
  EXPECT_TRUE(wait_for_reply<OpenedSession>([&](auto r) { app.open_session("P-1", r); }).ok());
}

TEST_F(AppStaff, EveryAdminActIsInTheStationLogWithItsReason) {
  ASSERT_TRUE(commission().ok());
  StationApp app(station());
  app.start();
  ASSERT_TRUE(login(app, "boss", kAdminPassword).ok());
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) {
                app.add_staff({"ana", Role::clinician, "Welcome-2026a", "hired"}, r);
              }).ok());
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.set_role("ana", Role::qa, "moves to QA", r); }).ok());
  ASSERT_TRUE(
      wait_for_reply<Done>([&](auto r) { app.reset_password("ana", "a-new-password", "forgot", r); }).ok());
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app.disable_staff("ana", "left the clinic", r); }).ok());
  const auto unknown = wait_for_reply<Done>([&](auto r) { app.disable_staff("nobody", "typo", r); });
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.refusal().message.find("no account is named 'nobody'"), std::string::npos);
  const auto log = wait_for_reply<std::vector<StationLogEntry>>([&](auto r) { app.station_log(r); });
  ASSERT_TRUE(log.ok());
  std::vector<std::pair<std::string, std::string>> acts;
  for (const auto& e : log.value())
    if (e.kind.rfind("staff.", 0) == 0) acts.emplace_back(e.kind, e.why);
  const std::vector<std::pair<std::string, std::string>> expected{{"staff.added", "hired"},
                                                                  {"staff.role_changed", "moves to QA"},
                                                                  {"staff.password_reset", "forgot"},
                                                                  {"staff.disabled", "left the clinic"}};
  EXPECT_EQ(acts, expected);
  EXPECT_FALSE(login(app, "ana", "a-new-password").ok()) << "disabled";
}

}  // namespace
}  // namespace meso::station
