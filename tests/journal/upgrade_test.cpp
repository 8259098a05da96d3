// The upgrade to schema 6 (the station's log) on a journal the release before wrote: fixtures/schema5/
// holds one (two sealed sessions, an open one, staff and formulary acts) with its key, made by that
// release's `mesostation init` and `mesostation run` (fixtures/schema5/README.md).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "journal_fixture.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/merkle_proof.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/schema.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::journal::testing {
namespace {

class UpgradeTest : public JournalTest {
 protected:
  void SetUp() override {
    JournalTest::SetUp();
    const std::filesystem::path fixture = std::filesystem::path(JOURNAL_FIXTURES) / "schema5";
    std::filesystem::copy_file(fixture / "station.db", db_path());
    std::filesystem::copy_file(fixture / "station.db.key", key_path());
    std::filesystem::permissions(key_path(),
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    key_ = StationKey::load(key_path()).public_key();
  }

  std::int64_t count(const std::string& sql) {
    const auto result = run_sqlite3(db_path(), sql);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return std::stoll(result.out);
  }

  PublicKey key_{};
};

TEST_F(UpgradeTest, AnOldJournalIsUpgradedOnceAndItsSessionsStayProvable) {
  ASSERT_EQ(schema_version(db_path()), 5);
  const std::int64_t events =
      count("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM station_events);");
  const std::int64_t sealed = count("SELECT count(*) FROM seals;");
  ASSERT_GE(sealed, 1);
  { const JournalWriter writer(WriterOptions{db_path(), key_path()}); }
  EXPECT_EQ(schema_version(db_path()), kSchemaVersion);

  const JournalReader reader(db_path());
  VerifyOptions options;
  options.expected_key = key_;
  const VerifyReport report = reader.verify(options);
  ASSERT_TRUE(report.ok()) << describe(report);
  EXPECT_TRUE(report.signer_established()) << describe_signer(report);
  EXPECT_EQ(report.log.size, static_cast<std::uint64_t>(events)) << "every old event is a leaf";
  EXPECT_EQ(report.log.checkpointed, report.log.size) << "the upgrade signed a checkpoint of all of them";
  // The old sessions come first, in session order: the first sealed one is proven in the first checkpoint.
  for (const SessionInfo& session : reader.list_sessions()) {
    const auto proof = reader.prove_session(session.id);
    ASSERT_TRUE(proof.has_value());
    EXPECT_EQ(static_cast<std::int64_t>(proof->events.size()), session.event_count)
        << "session " << session.id;
    for (const EventInclusion& event : proof->events) {
      EXPECT_TRUE(verify_inclusion(event.leaf, event.index, proof->checkpoint.tree_size, event.path,
                                   proof->checkpoint.root));
    }
  }
}

TEST_F(UpgradeTest, AnOldJournalAlteredBeforeTheUpgradeIsRefusedAndLeftAsItWas) {
  const auto edit = run_sqlite3(db_path(),
                                "DROP TRIGGER events_no_update; UPDATE events SET payload = "
                                "'{\"reason\":\"edited\"}' WHERE session_id = 1 AND seq = 2;");
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  try {
    const JournalWriter writer(WriterOptions{db_path(), key_path()});
    FAIL() << "an altered journal was upgraded and signed";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.code(), Errc::log_altered);
    EXPECT_NE(std::string(e.what()).find("not upgraded"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("hash_mismatch"), std::string::npos) << e.what();
  }
  EXPECT_EQ(schema_version(db_path()), 5) << "the upgrade rolled back whole";
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_master WHERE name = 'log_leaves';"), 0);
}

TEST_F(UpgradeTest, AnOldJournalSealedByAnotherKeyIsNotSignedIntoTheLog) {
  std::filesystem::remove(key_path());
  try {
    const JournalWriter writer(WriterOptions{db_path(), key_path()});  // a new key is made: not the seals'
    FAIL() << "seals by another key were signed into the log";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.code(), Errc::log_altered);
    EXPECT_NE(std::string(e.what()).find("unexpected_key"), std::string::npos) << e.what();
  }
  EXPECT_EQ(schema_version(db_path()), 5);
}

}  // namespace
}  // namespace meso::journal::testing
