// The formulary in the journal: products and lots added by an admin, each act (an import whole) one
// transaction with its station-log entry, nothing deleted, a lot retired once, and the stock each lot has
// left after the sessions' "lot.used" events.
#include <gtest/gtest.h>

#include "journal_fixture.hpp"
#include "meso/journal/reader.hpp"

namespace meso::journal::testing {
namespace {

FormularyLot lot(std::string number, std::string expiry, std::int64_t vials) {
  FormularyLot l;
  l.lot = std::move(number);
  l.expiry = std::move(expiry);
  l.vials = vials;
  return l;
}

FormularyProduct product(std::string name, std::vector<std::string> ingredients, std::string concentration,
                         double vial_ml, std::vector<FormularyLot> lots) {
  FormularyProduct p;
  p.name = std::move(name);
  p.ingredients = std::move(ingredients);
  p.concentration = std::move(concentration);
  p.vial_ml = vial_ml;
  p.lots = std::move(lots);
  return p;
}

FormularyProduct hairvital() {
  return product("HairVital B", {"biotin", "dexpanthenol"}, "biotin 0.5 mg/ml; dexpanthenol 20 mg/ml", 5.0,
                 {lot("HV-2604", "2099-04-30", 10), lot("HV-2611", "2099-11-30", 4)});
}

FormularyProduct scalpboost() {
  return product("ScalpBoost", {"peptides"}, "copper peptide 1 mg/ml", 2.5, {lot("SB-01", "2099-01-31", 2)});
}

class FormularyTest : public JournalTest {
 protected:
  void SetUp() override {
    JournalTest::SetUp();
    open_writer();
  }
  std::vector<FormularyProduct> formulary() const { return JournalReader(db_path()).formulary(); }
  // The station log's formulary entries (the fixture's staff are in it before them).
  std::vector<StationEvent> formulary_log() const {
    std::vector<StationEvent> entries;
    for (StationEvent& entry : JournalReader(db_path()).station_log()) {
      if (entry.kind.starts_with("formulary.")) entries.push_back(std::move(entry));
    }
    return entries;
  }
  std::size_t log_size() const { return formulary_log().size(); }
};

TEST_F(FormularyTest, AnImportAddsEveryProductAndLotWithOneLogEntryAndTheirStock) {
  const auto imported = writer().import_formulary({hairvital(), scalpboost()}, staff_.admin, "first delivery",
                                                  "formulary.json");
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  const auto f = formulary();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "HairVital B");
  EXPECT_EQ(f[0].ingredients, (std::vector<std::string>{"biotin", "dexpanthenol"}));
  EXPECT_EQ(f[0].concentration, "biotin 0.5 mg/ml; dexpanthenol 20 mg/ml");
  ASSERT_EQ(f[0].lots.size(), 2u);
  EXPECT_EQ(f[0].lots[0].lot, "HV-2604");
  EXPECT_EQ(f[0].lots[0].remaining_nl, std::int64_t{10} * 5 * kNlPerMl);
  EXPECT_EQ(f[0].lots[1].remaining_nl, std::int64_t{4} * 5 * kNlPerMl);
  EXPECT_EQ(f[1].lots.at(0).remaining_nl, 2 * 2'500'000);

  const auto log = formulary_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "formulary.imported");
  EXPECT_EQ(log[0].seq, imported.value());
  const auto payload = nlohmann::json::parse(log[0].payload);
  EXPECT_EQ(payload["source"], "formulary.json");
  EXPECT_EQ(payload["reason"], "first delivery");
  EXPECT_EQ(payload["products_added"].size(), 2u);
  EXPECT_EQ(payload["lots_added"].size(), 3u);
}

TEST_F(FormularyTest, AnImportWithOneBadLotChangesNothing) {
  auto bad = scalpboost();
  bad.lots.push_back(lot("SB-02", "2099-02-30", 1));  // no such day
  const auto imported = writer().import_formulary({hairvital(), bad}, staff_.admin, "delivery", "f.json");
  ASSERT_FALSE(imported.ok());
  EXPECT_NE(imported.error().message.find("SB-02"), std::string::npos) << imported.error().message;
  EXPECT_NE(imported.error().message.find("expiry"), std::string::npos) << imported.error().message;
  EXPECT_TRUE(formulary().empty());
  EXPECT_EQ(log_size(), 0u);
}

TEST_F(FormularyTest, ReimportingIsANoOpAndAChangedLotOrProductIsRefused) {
  ASSERT_TRUE(writer().import_formulary({hairvital()}, staff_.admin, "delivery", "a.json").ok());
  const auto again = writer().import_formulary({hairvital()}, staff_.admin, "delivery", "a.json");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 0);  // nothing new: no entry
  EXPECT_EQ(log_size(), 1u);

  auto more_vials = hairvital();
  more_vials.lots[0].vials = 11;
  const auto changed =
      writer().import_formulary({more_vials, scalpboost()}, staff_.admin, "delivery", "b.json");
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().message.find("HV-2604"), std::string::npos) << changed.error().message;
  auto renamed = hairvital();
  renamed.concentration = "biotin 1 mg/ml";
  const auto other = writer().import_formulary({renamed}, staff_.admin, "delivery", "c.json");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("concentration"), std::string::npos) << other.error().message;
  EXPECT_EQ(formulary().size(), 1u);  // ScalpBoost of the refused import is not there
  EXPECT_EQ(log_size(), 1u);
}

TEST_F(FormularyTest, OnlyAnAdminWithAReasonChangesTheFormulary) {
  EXPECT_EQ(writer().import_formulary({hairvital()}, staff_.clinician, "delivery", "f").error().code,
            Errc::role_refused);
  EXPECT_EQ(writer().add_product(scalpboost(), staff_.admin, "").error().code, Errc::bad_request);
  EXPECT_TRUE(formulary().empty());
  ASSERT_TRUE(writer().add_product(scalpboost(), staff_.admin, "new supplier").ok());
  EXPECT_TRUE(formulary().at(0).lots.empty());  // add_product adds the product, not its lots
  const auto added = writer().add_lot("ScalpBoost", lot("SB-07", "2099-07-31", 3), staff_.admin, "delivery");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_FALSE(writer().add_lot("ScalpBoost", lot("SB-07", "2099-07-31", 3), staff_.admin, "again").ok());
  EXPECT_FALSE(writer().add_lot("Nothing", lot("X-1", "2099-07-31", 3), staff_.admin, "delivery").ok());
  const auto log = formulary_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].kind, "formulary.product_added");
  EXPECT_EQ(log[1].kind, "formulary.lot_added");
}

TEST_F(FormularyTest, ALotIsRetiredOnceAndNeverDeletedOrUnretired) {
  ASSERT_TRUE(writer().import_formulary({hairvital()}, staff_.admin, "delivery", "f").ok());
  ASSERT_TRUE(writer().retire_lot("HairVital B", "HV-2611", staff_.admin, "recall 2026-11").ok());
  EXPECT_FALSE(writer().retire_lot("HairVital B", "HV-2611", staff_.admin, "again").ok());
  EXPECT_FALSE(writer().retire_lot("HairVital B", "HV-0000", staff_.admin, "no such lot").ok());
  const auto lots = formulary().at(0).lots;
  EXPECT_FALSE(lots[0].retired);
  EXPECT_TRUE(lots[1].retired);
  EXPECT_EQ(lots[1].retired_reason, "recall 2026-11");
  EXPECT_EQ(JournalReader(db_path()).station_log().back().kind, "formulary.lot_retired");

  close_writer();
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE lots SET retired = 0 WHERE lot = 'HV-2611';").exit_code, 0);
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE lots SET vials = 99 WHERE lot = 'HV-2604';").exit_code, 0);
  EXPECT_NE(run_sqlite3(db_path(), "DELETE FROM lots;").exit_code, 0);
  EXPECT_NE(run_sqlite3(db_path(), "DELETE FROM products;").exit_code, 0);
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE products SET vial_ml = 50;").exit_code, 0);
  EXPECT_EQ(formulary().at(0).lots.size(), 2u);
}

TEST_F(FormularyTest, ASessionsLotUsedEventDeductsItsDeliveredVolumeOnce) {
  ASSERT_TRUE(writer().import_formulary({hairvital()}, staff_.admin, "delivery", "f").ok());
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  append(session, staff_.clinician, "lot.used",
         {{"product", "HairVital B"}, {"lot", "HV-2604"}, {"delivered_nl", 1'240'000}, {"ml", 1.24}});
  auto lots = formulary().at(0).lots;
  EXPECT_EQ(lots[0].used_nl, 1'240'000);
  EXPECT_EQ(lots[0].remaining_nl, 50 * kNlPerMl - 1'240'000);
  EXPECT_EQ(lots[1].used_nl, 0);

  // A session uses its lot once: a second "lot.used" in it is refused, and deducts nothing.
  EventDraft twice{session,    staff_.clinician,
                   "lot.used", {{"product", "HairVital B"}, {"lot", "HV-2604"}, {"delivered_nl", 1}},
                   {},         {},
                   {}};
  EXPECT_FALSE(writer().append_sync(twice).ok());
  EXPECT_EQ(formulary().at(0).lots[0].used_nl, 1'240'000);

  close_writer();
  EXPECT_NE(run_sqlite3(db_path(), "DELETE FROM lot_uses;").exit_code, 0);
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE lot_uses SET used_nl = 1;").exit_code, 0);
}

}  // namespace
}  // namespace meso::journal::testing
