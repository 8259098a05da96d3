#include "meso/hal/shot_ledger.hpp"

#include <gtest/gtest.h>

namespace meso::hal {
namespace {

using protocols::mesogun::ShotRecord;

ShotRecord shot(std::uint32_t counter, std::uint32_t command_id = 0) {
  return ShotRecord{counter, command_id, 2000, 20000, counter * 100};
}

TEST(ShotLedger, FirstIdentitySetsTheBaselineWhenTheJournalKnowsNothing) {
  ShotLedger ledger;
  ledger.on_identity(500);
  EXPECT_FALSE(ledger.record(shot(500)));  // before our time
  EXPECT_TRUE(ledger.record(shot(501)));
  EXPECT_FALSE(ledger.next_missing());
}

TEST(ShotLedger, EachCounterIsReportedOnce) {
  ShotLedger ledger(10);
  EXPECT_TRUE(ledger.record(shot(11)));
  EXPECT_FALSE(ledger.record(shot(11)));
  EXPECT_TRUE(ledger.record(shot(13)));
  EXPECT_FALSE(ledger.record(shot(13)));
  EXPECT_EQ(ledger.next_missing(), 12U);
  EXPECT_TRUE(ledger.record(shot(12)));
  EXPECT_FALSE(ledger.next_missing());
  EXPECT_EQ(ledger.contiguous(), 13U);
}

TEST(ShotLedger, ReconnectWithAHigherDeviceCounterAsksForTheGap) {
  ShotLedger ledger(10);
  ledger.on_identity(15);
  EXPECT_EQ(ledger.next_missing(), 11U);
  for (std::uint32_t c = 11; c <= 15; ++c)
    EXPECT_TRUE(ledger.record(shot(c)));
  EXPECT_FALSE(ledger.next_missing());
}

TEST(ShotLedger, FireAnsweredBySHOTIsDelivered) {
  ShotLedger ledger(0);
  ledger.fire_sent(7);
  ASSERT_TRUE(ledger.record(shot(1, 7)));
  const auto resolved = ledger.resolve_by_shot(shot(1, 7));
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->outcome, FireOutcome::delivered);
  EXPECT_EQ(ledger.outstanding(), 0U);
}

TEST(ShotLedger, UncertainFireFoundInRecordsIsDelivered) {
  ShotLedger ledger(0);
  ledger.fire_sent(7);
  ledger.link_lost();
  EXPECT_TRUE(ledger.dosing_locked());
  ledger.on_identity(1);
  EXPECT_TRUE(ledger.record(shot(1, 7)));
  const auto resolved = ledger.resolve_by_shot(shot(1, 7));
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->outcome, FireOutcome::delivered);
  EXPECT_FALSE(ledger.dosing_locked());
}

TEST(ShotLedger, UncertainFireAbsentFromCompleteRecordsIsNotDelivered) {
  ShotLedger ledger(4);
  ledger.fire_sent(9);
  ledger.link_lost();
  ledger.on_identity(6);
  EXPECT_TRUE(ledger.settle_uncertain().empty());  // records 5, 6 not seen yet: nothing settles
  ledger.record(shot(5));
  ledger.record(shot(6, 0));
  const auto settled = ledger.settle_uncertain();
  ASSERT_EQ(settled.size(), 1U);
  EXPECT_EQ(settled[0].command_id, 9U);
  EXPECT_EQ(settled[0].outcome, FireOutcome::not_delivered);
  EXPECT_FALSE(ledger.dosing_locked());
}

TEST(ShotLedger, RecordsTheDeviceNoLongerHoldsLeaveTheOutcomeUnknownAndDosingLocked) {
  ShotLedger ledger(100);
  ledger.fire_sent(9);
  ledger.link_lost();
  ledger.on_identity(500);
  ledger.records_lost_below(300);  // the device keeps only 300.. now
  for (std::uint32_t c = 300; c <= 500; ++c)
    ledger.record(shot(c));
  const auto settled = ledger.settle_uncertain();
  ASSERT_EQ(settled.size(), 1U);
  EXPECT_EQ(settled[0].outcome, FireOutcome::unknown);
  EXPECT_TRUE(ledger.dosing_locked());
  EXPECT_FALSE(ledger.attest(9, FireOutcome::unknown));  // an attestation must say what happened
  const auto attested = ledger.attest(9, FireOutcome::delivered);
  ASSERT_TRUE(attested);
  EXPECT_EQ(attested->outcome, FireOutcome::delivered);
  EXPECT_FALSE(ledger.dosing_locked());
}

TEST(ShotLedger, RefusedFireIsNotDelivered) {
  ShotLedger ledger(0);
  ledger.fire_sent(3);
  ledger.fire_sent(4);
  const auto r = ledger.resolve_not_delivered(4, "refused by the device: not_armed");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, FireOutcome::not_delivered);
  EXPECT_EQ(ledger.outstanding(), 1U);
  EXPECT_FALSE(ledger.resolve_not_delivered(4, "again"));
}

}  // namespace
}  // namespace meso::hal
