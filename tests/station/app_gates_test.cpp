// The application layer's gates, without any client: who is logged in, their role and the lock decide what a
// use case may do, whatever a client offers. The demo profile on a fresh journal, its threads real.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "meso/station/app.hpp"

namespace meso::station {
namespace {

class AppGates : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("app_gates_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto config = demo_profile(dir_ / "demo.db");
    config.camera = {};  // no frames needed here
    app_ = std::make_unique<StationApp>(config);
    app_->start();
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  Result<Done> arm() {
    return wait_for_reply<Done>([&](auto r) { app_->arm(r); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<StationApp> app_;
};

TEST_F(AppGates, NobodyLoggedInCommandsNothing) {
  const auto refused = arm();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.refusal().why, Refused::not_logged_in);
  const auto open = wait_for_reply<OpenedSession>([&](auto r) { app_->open_session("P-1", r); });
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.refusal().why, Refused::not_logged_in);
}

TEST_F(AppGates, ASessionInProgressKeepsItsClinician) {
  ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "demo", r); }).ok());
  ASSERT_TRUE(wait_for_reply<OpenedSession>([&](auto r) { app_->open_session("P-KEEP", r); }).ok());
  const auto other = wait_for_reply<StaffMember>([&](auto r) { app_->login("qa", "qa", r); });
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.refusal().why, Refused::state);
  EXPECT_EQ(wait_for_reply<Done>([&](auto r) { app_->logout(r); }).refusal().why, Refused::state);
  EXPECT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "demo", r); }).ok())
      << "the same clinician";
}

TEST_F(AppGates, AWrongPasswordIsRefusedAsInput) {
  const auto login = wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "not-demo", r); });
  ASSERT_FALSE(login.ok());
  EXPECT_EQ(login.refusal().why, Refused::input);
}

TEST_F(AppGates, TheAuditorReadsAndCommandsNothing) {
  ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("auditor", "auditor", r); }).ok());
  const auto open = wait_for_reply<OpenedSession>([&](auto r) { app_->open_session("P-1", r); });
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.refusal().why, Refused::role);
  EXPECT_TRUE(wait_for_reply<std::vector<AuditSession>>([&](auto r) { app_->list_sessions({}, r); }).ok());
  EXPECT_FALSE(wait_for_reply<Done>([&](auto r) { app_->may_inject_faults(r); }).ok());
}

TEST_F(AppGates, AClinicianMayNotAuditNorInjectFaults) {
  ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "demo", r); }).ok());
  const auto listed = wait_for_reply<std::vector<AuditSession>>([&](auto r) { app_->list_sessions({}, r); });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.refusal().why, Refused::role);
  EXPECT_FALSE(wait_for_reply<Done>([&](auto r) { app_->inject_fault(QaFault{}, r); }).ok());
}

TEST_F(AppGates, LockedOnlyUnlockEstopDisarmAndPauseAreTaken) {
  ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "demo", r); }).ok());
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app_->lock(r); }).ok());
  const auto armed = arm();
  ASSERT_FALSE(armed.ok());
  EXPECT_EQ(armed.refusal().why, Refused::locked);
  const auto open = wait_for_reply<OpenedSession>([&](auto r) { app_->open_session("P-1", r); });
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.refusal().why, Refused::locked);
  EXPECT_EQ(wait_for_reply<Done>([&](auto r) { app_->logout(r); }).refusal().why, Refused::locked)
      << "nobody logs in past the lock";
  // Safety stays in reach: disarm and pause reach the station (which has nothing armed or treating, and
  // says so), never the lock's refusal.
  const auto disarmed = wait_for_reply<Done>([&](auto r) { app_->disarm(r); });
  EXPECT_TRUE(disarmed.ok() || disarmed.refusal().why != Refused::locked) << disarmed.message();
  const auto paused = wait_for_reply<Done>([&](auto r) { app_->pause(r); });
  EXPECT_TRUE(paused.ok() || paused.refusal().why != Refused::locked) << paused.message();
  app_->estop("test");  // never refused; it has no reply to refuse with
  EXPECT_EQ(wait_for_reply<Done>([&](auto r) { app_->unlock("wrong", r); }).refusal().why, Refused::input);
  ASSERT_TRUE(wait_for_reply<Done>([&](auto r) { app_->unlock("demo", r); }).ok());
  EXPECT_NE(arm().message(), "");  // no session: the station refuses, but no longer the lock
  EXPECT_NE(arm().refusal().why, Refused::locked);
}

TEST_F(AppGates, OnlyQaChoosesTheSimulatedDeviceAndNotDuringASession) {
  ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "demo", r); }).ok());
  EXPECT_EQ(wait_for_reply<Done>([&](auto r) { app_->choose_simulated_device(hal::DeviceKind::pen, r); })
                .refusal()
                .why,
            Refused::role);
  ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("qa", "qa", r); }).ok());
  EXPECT_TRUE(
      wait_for_reply<Done>([&](auto r) { app_->choose_simulated_device(hal::DeviceKind::pen, r); }).ok());
  // QA writes test-tagged data only: a test session, in which QA tries to swap the device.
  const auto opened =
      wait_for_reply<OpenedSession>([&](auto r) { app_->open_session("P-QA", r, Tag::test); });
  ASSERT_TRUE(opened.ok()) << opened.message();
  const auto during =
      wait_for_reply<Done>([&](auto r) { app_->choose_simulated_device(hal::DeviceKind::mesogun, r); });
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.refusal().why, Refused::state);
}

}  // namespace
}  // namespace meso::station
