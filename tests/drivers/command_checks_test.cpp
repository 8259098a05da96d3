#include "meso/hal/command_checks.hpp"

#include <gtest/gtest.h>

namespace meso::hal {
namespace {

using protocols::mesogun::FireMode;

Capabilities gun() {
  Capabilities c;
  c.depth_min_um = 500;
  c.depth_max_um = 6000;
  c.depth_step_um = 100;
  c.dose_min_nl = 1000;
  c.dose_max_nl = 100000;
  c.dose_step_nl = 500;
  c.max_shot_rate_mhz = 9000;
  c.modes = 0x07;
  return c;
}

DeviceLimits mesotherapy() {
  DeviceLimits l;
  l.depth_min_um = 1000;
  l.depth_max_um = 4000;
  l.dose_max_nl = 50000;
  l.max_rate_mhz = 5000;
  return l;
}

std::optional<Refusal> refusal(const TreatmentSettings& s) {
  return check_settings(DeviceKind::mesogun, gun(), mesotherapy(), s).refusal;
}

TEST(CommandChecks, AcceptsSettingsInsideCapabilitiesAndLimits) {
  EXPECT_FALSE(refusal({2000, 20000, FireMode::single, 0, 0}));
  EXPECT_FALSE(refusal({1500, 5000, FireMode::nappage, 4000, 0}));
}

TEST(CommandChecks, EachRuleRefusesWithItsOwnReason) {
  EXPECT_EQ(refusal({7000, 20000, FireMode::single, 0, 0}), Refusal::depth_outside_capabilities);
  EXPECT_EQ(refusal({2050, 20000, FireMode::single, 0, 0}), Refusal::depth_off_step);
  EXPECT_EQ(refusal({4500, 20000, FireMode::single, 0, 0}), Refusal::depth_outside_limits);
  EXPECT_EQ(refusal({800, 20000, FireMode::single, 0, 0}), Refusal::depth_outside_limits);
  EXPECT_EQ(refusal({2000, 200000, FireMode::single, 0, 0}), Refusal::dose_outside_capabilities);
  EXPECT_EQ(refusal({2000, 20100, FireMode::single, 0, 0}), Refusal::dose_off_step);
  EXPECT_EQ(refusal({2000, 60000, FireMode::single, 0, 0}), Refusal::dose_outside_limits);
  EXPECT_EQ(refusal({2000, 20000, FireMode::single, 1000, 0}), Refusal::rate_outside_capabilities);
  EXPECT_EQ(refusal({2000, 20000, FireMode::continuous, 10000, 0}), Refusal::rate_outside_capabilities);
  EXPECT_EQ(refusal({2000, 20000, FireMode::continuous, 6000, 0}), Refusal::rate_outside_limits);
}

TEST(CommandChecks, RefusesAModeTheDeviceLacks) {
  Capabilities single_only = gun();
  single_only.modes = 0x01;
  const auto r = check_settings(DeviceKind::mesogun, single_only, mesotherapy(),
                                {2000, 20000, FireMode::nappage, 1000, 0});
  EXPECT_EQ(r.refusal, Refusal::mode_unsupported);
  EXPECT_NE(r.detail.find("nappage"), std::string::npos);
}

TEST(CommandChecks, PenSpeedAndDepth) {
  Capabilities pen;
  pen.depth_min_um = 250;
  pen.depth_max_um = 2500;
  pen.depth_step_um = 250;
  pen.speed_min_sps = 50;
  pen.speed_max_sps = 150;
  DeviceLimits limits;
  limits.depth_min_um = 250;
  limits.depth_max_um = 1500;
  limits.speed_max_sps = 120;
  EXPECT_TRUE(check_settings(DeviceKind::pen, pen, limits, {1000, 0, FireMode::single, 0, 100}).ok());
  EXPECT_EQ(check_settings(DeviceKind::pen, pen, limits, {1100, 0, FireMode::single, 0, 100}).refusal,
            Refusal::depth_off_step);
  EXPECT_EQ(check_settings(DeviceKind::pen, pen, limits, {2000, 0, FireMode::single, 0, 100}).refusal,
            Refusal::depth_outside_limits);
  EXPECT_EQ(check_settings(DeviceKind::pen, pen, limits, {1000, 0, FireMode::single, 0, 160}).refusal,
            Refusal::speed_outside_capabilities);
  EXPECT_EQ(check_settings(DeviceKind::pen, pen, limits, {1000, 0, FireMode::single, 0, 130}).refusal,
            Refusal::speed_outside_limits);
}

TEST(CommandChecks, LeaseRange) {
  EXPECT_TRUE(check_lease(150).ok());
  EXPECT_EQ(check_lease(10).refusal, Refusal::lease_outside_range);
  EXPECT_EQ(check_lease(6000).refusal, Refusal::lease_outside_range);
}

}  // namespace
}  // namespace meso::hal
