// The station's log (issue 18): every event in one RFC 6962 tree, signed checkpoints, proofs, and each
// tampering caught both by verify alone and by verify --since a checkpoint an auditor kept before it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <thread>

#include "journal_fixture.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/log_checkpoint.hpp"
#include "meso/journal/merkle.hpp"
#include "meso/journal/merkle_proof.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::journal::testing {
namespace {

constexpr const char* kDropEveryTrigger =
    "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DROP TRIGGER "
    "events_only_in_open_sessions; "
    "DROP TRIGGER events_seq_gapless; DROP TRIGGER seals_no_update; DROP TRIGGER seals_no_delete; "
    "DROP TRIGGER sessions_only_close_once; DROP TRIGGER log_leaves_no_update; DROP TRIGGER "
    "log_leaves_no_delete; DROP TRIGGER log_checkpoints_no_delete; DROP TRIGGER sessions_no_delete; ";

class StationLogTest : public JournalTest {
 protected:
  // Three sealed sessions and a staff act; the auditor keeps the checkpoint signed after the second.
  void SetUp() override {
    JournalTest::SetUp();
    open_writer();
    first_ = make_sealed_session();
    second_ = make_sealed_session();
    kept_ = *JournalReader(db_path()).latest_checkpoint();
    third_ = make_sealed_session();
    key_ = writer().public_key();
    close_writer();
  }

  VerifyReport verify(bool since) const {
    VerifyOptions options;
    options.expected_key = key_;
    if (since) options.since = KeptCheckpoint{kept_.tree_size, kept_.root};
    return JournalReader(db_path()).verify(options);
  }

  void attack(const std::string& sql) {
    const auto result = run_sqlite3(db_path(), kDropEveryTrigger + sql);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  // Caught by verify alone and by verify --since the kept checkpoint, with this first problem each time.
  void expect_caught(Problem alone, Problem since) {
    const VerifyReport plain = verify(false);
    ASSERT_FALSE(plain.ok()) << "verify alone missed it";
    EXPECT_EQ(plain.first_problem()->problem, alone) << describe(plain);
    const VerifyReport kept = verify(true);
    ASSERT_FALSE(kept.ok()) << "verify --since missed it";
    EXPECT_TRUE(std::any_of(kept.findings.begin(), kept.findings.end(), [since](const Finding& f) {
      return f.problem == since;
    })) << describe(kept);
  }

  std::string session_is(SessionId session) const { return " WHERE session_id = " + std::to_string(session); }

  SessionId first_ = 0;
  SessionId second_ = 0;
  SessionId third_ = 0;
  SignedCheckpoint kept_;
  PublicKey key_{};
};

TEST_F(StationLogTest, EveryEventIsALeafAndEverySealIsCheckpointed) {
  const JournalReader reader(db_path());
  const VerifyReport report = verify(true);
  ASSERT_TRUE(report.ok()) << describe(report);
  EXPECT_TRUE(report.signer_established()) << describe_signer(report);
  // 4 staff entries of the station log, and 3 sessions of 7 events.
  EXPECT_EQ(report.log.size, 4U + 3U * 7U);
  EXPECT_EQ(report.log.checkpointed, report.log.size) << "the last seal signed a checkpoint of everything";
  EXPECT_EQ(report.log.extends, kept_.tree_size);
  const auto latest = reader.latest_checkpoint();
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->root, report.log.root);
  std::string why;
  const auto opened = open_log_checkpoint(latest->note, key_, &why);
  ASSERT_TRUE(opened.has_value()) << why;
  EXPECT_EQ(opened->tree_size, report.log.size);
  EXPECT_EQ(opened->origin, log_origin(key_));
  EXPECT_FALSE(
      open_log_checkpoint(latest->note, StationKey::load_or_create(dir() / "other.key").public_key(), &why))
      << "another key does not open it";
}

TEST_F(StationLogTest, ASessionsInclusionProofsCheckWithTheCheckpointAlone) {
  const auto proof = JournalReader(db_path()).prove_session(second_);
  ASSERT_TRUE(proof.has_value());
  ASSERT_EQ(proof->events.size(), 7U);
  EXPECT_EQ(proof->unproven, 0);
  const auto timeline = JournalReader(db_path()).timeline(second_);
  for (std::size_t i = 0; i < proof->events.size(); ++i) {
    const EventInclusion& event = proof->events[i];
    EXPECT_EQ(event.leaf, timeline[i].hash);
    EXPECT_TRUE(verify_inclusion(event.leaf, event.index, proof->checkpoint.tree_size, event.path,
                                 proof->checkpoint.root))
        << "seq " << event.seq;
    Digest other = event.leaf;
    other[0] ^= 1U;
    EXPECT_FALSE(verify_inclusion(other, event.index, proof->checkpoint.tree_size, event.path,
                                  proof->checkpoint.root));
  }
}

// The three gaps an outside verifier found, then the older kinds of tampering, each caught both ways.
TEST_F(StationLogTest, ASealedSessionReopenedIsCaughtAndNeverRecovered) {
  // The attack as found: drop the seal, set the session open, cut its last event. Its leaf stays behind.
  attack("DELETE FROM seals" + session_is(second_) +
         "; UPDATE sessions SET state = 'open', closed_utc = NULL " + "WHERE id = " +
         std::to_string(second_) + "; DELETE FROM events" + session_is(second_) + " AND seq = 7;");
  expect_caught(Problem::log_mismatch, Problem::log_mismatch);
  // Recovery would seal it again with the station's own key: the writer refuses to open the journal.
  try {
    JournalWriter writer(WriterOptions{db_path(), key_path()});
    FAIL() << "the writer opened a journal whose log does not extend its checkpoint";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.code(), Errc::log_altered);
    EXPECT_NE(std::string(e.what()).find("open session " + std::to_string(second_)), std::string::npos)
        << e.what();
  }
}

TEST_F(StationLogTest, TheLastSessionReopenedWithItsLeavesCutIsCaughtAndNeverRecovered) {
  // The same on the log's last session, its leaf deleted too: the log is shorter than its checkpoint.
  attack("DELETE FROM seals" + session_is(third_) +
         "; UPDATE sessions SET state = 'open', closed_utc = NULL " + "WHERE id = " + std::to_string(third_) +
         "; DELETE FROM events" + session_is(third_) + " AND seq = 7; DELETE FROM log_leaves" +
         session_is(third_) + " AND seq = 7;");
  expect_caught(Problem::checkpoint_mismatch, Problem::checkpoint_mismatch);
  try {
    JournalWriter writer(WriterOptions{db_path(), key_path()});
    FAIL() << "the writer opened a cut-back log";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.code(), Errc::log_altered);
    EXPECT_NE(std::string(e.what()).find("cut back"), std::string::npos) << e.what();
  }
}

TEST_F(StationLogTest, AWholeSessionDeletedIsCaught) {
  attack("DELETE FROM events" + session_is(second_) + "; DELETE FROM seals" + session_is(second_) +
         "; DELETE FROM sessions WHERE id = " + std::to_string(second_) + ";");
  expect_caught(Problem::log_mismatch, Problem::log_mismatch);
}

TEST_F(StationLogTest, AWholeSessionDeletedWithItsLeavesIsCaught) {
  // Leaves renumbered to close the gap: every later root changes, and the checkpoints say so.
  attack("DELETE FROM events" + session_is(second_) + "; DELETE FROM seals" + session_is(second_) +
         "; DELETE FROM sessions WHERE id = " + std::to_string(second_) + "; DELETE FROM log_leaves" +
         session_is(second_) + "; UPDATE log_leaves SET idx = idx - 7 WHERE idx > " +
         std::to_string(kept_.tree_size - 1) + ";");
  expect_caught(Problem::checkpoint_mismatch, Problem::not_extended);
}

TEST_F(StationLogTest, ARenamedUserIsCaught) {
  attack("DROP TRIGGER users_keep_name; UPDATE users SET name = 'dr.mallory' WHERE id = " +
         std::to_string(staff_.clinician) + ";");
  expect_caught(Problem::staff_mismatch, Problem::staff_mismatch);
}

TEST_F(StationLogTest, AChangedCloseTimeIsCaught) {
  attack("UPDATE sessions SET closed_utc = '2020-01-01T00:00:00.000Z' WHERE id = " + std::to_string(first_) +
         ";");
  expect_caught(Problem::header_mismatch, Problem::header_mismatch);
}

// Whoever holds the file and a key of their own re-signs every seal and checkpoint: each verifies against
// the key stored beside it, and only the station's key given by the auditor tells them apart.
TEST_F(StationLogTest, AJournalResignedWithAnotherKeyIsCaught) {
  const auto attacker = StationKey::load_or_create(dir() / "attacker.key");
  const JournalReader reader(db_path());
  std::string sql;
  for (const SessionId session : {first_, second_, third_}) {
    const SealInfo seal = *reader.seal(session);
    const Signature signature =
        attacker.sign(seal_message(session, seal.event_count, seal.merkle_root, seal.sealed_utc));
    sql += "UPDATE seals SET public_key = X'" + to_hex(attacker.public_key()) + "', signature = X'" +
           to_hex(signature) + "'" + session_is(session) + "; ";
  }
  attack(sql);
  resign_checkpoints(db_path(), attacker);
  VerifyOptions options;
  const VerifyReport unkeyed = JournalReader(db_path()).verify(options);
  EXPECT_TRUE(unkeyed.ok()) << "everything verifies against the key stored beside it";
  EXPECT_FALSE(unkeyed.signer_established());
  expect_caught(Problem::unexpected_key, Problem::unexpected_key);
}

TEST_F(StationLogTest, AnEditIsCaught) {
  attack("UPDATE events SET payload = '{\"dose_nl\":2000}'" + session_is(first_) + " AND seq = 3;");
  expect_caught(Problem::hash_mismatch, Problem::hash_mismatch);
}

TEST_F(StationLogTest, ADeletedEventIsCaught) {
  attack("DELETE FROM events" + session_is(second_) + " AND seq = 4;");
  expect_caught(Problem::seq_gap, Problem::seq_gap);
}

// While events are written, a checkpoint at least every checkpoint_interval, not only at a seal.
TEST_F(StationLogTest, AnOpenSessionIsCheckpointedWithinTheInterval) {
  WriterOptions options{db_path(), key_path()};
  options.checkpoint_interval = std::chrono::seconds(1);
  JournalWriter writer(options);
  const auto session = writer.create_session_sync({patients_.test, staff_.qa, Tag::test, std::nullopt});
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(
      writer.append_sync({session.value(), staff_.qa, "note", {{"text", "before"}}, {}, {}, {}}).ok());
  const auto covered = [&] { return JournalReader(db_path()).latest_checkpoint()->tree_size; };
  const std::uint64_t before = covered();
  EXPECT_EQ(before, kept_.tree_size + 7U) << "only the seals have signed so far";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (covered() == before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(covered(), before + 2U) << "the open session's two events are signed without a seal";
}

TEST_F(StationLogTest, AnInsertedEventIsCaught) {
  attack(
      "INSERT INTO events SELECT session_id, 8, utc, mono_ns, user_id, role, tag, kind, corrects, payload, "
      "prev_hash, hash FROM events" +
      session_is(third_) + " AND seq = 7;");
  expect_caught(Problem::hash_mismatch, Problem::hash_mismatch);
}

TEST_F(StationLogTest, SwappedEventsAreCaught) {
  attack("UPDATE events SET seq = seq + 100" + session_is(first_) +
         " AND seq IN (3, 4); UPDATE events SET seq = 4" + session_is(first_) +
         " AND seq = 103; UPDATE events SET seq = 3" + session_is(first_) + " AND seq = 104;");
  expect_caught(Problem::hash_mismatch, Problem::hash_mismatch);
}

TEST_F(StationLogTest, ATruncatedTailIsCaught) {
  attack("DELETE FROM events" + session_is(third_) + " AND seq >= 6;");
  expect_caught(Problem::missing_events, Problem::missing_events);
}

TEST_F(StationLogTest, ACheckpointRemovedIsCaught) {
  attack("DELETE FROM log_checkpoints WHERE tree_size > " + std::to_string(kept_.tree_size) + ";");
  expect_caught(Problem::not_checkpointed, Problem::not_checkpointed);
}

TEST_F(StationLogTest, ARolledBackCopyIsCaughtWithTheCheckpointKeptSinceOnly) {
  // A copy of today's journal; a fourth session is sealed, and the auditor keeps that checkpoint.
  const auto copy = dir() / "older.db";
  std::filesystem::copy_file(db_path(), copy);
  open_writer();
  make_sealed_session();
  kept_ = *JournalReader(db_path()).latest_checkpoint();
  close_writer();
  std::filesystem::copy_file(copy, db_path(), std::filesystem::copy_options::overwrite_existing);
  const VerifyReport plain = verify(false);
  EXPECT_TRUE(plain.ok()) << "an older copy is a genuine journal: " << describe(plain);
  const VerifyReport kept = verify(true);
  ASSERT_FALSE(kept.ok());
  EXPECT_EQ(kept.first_problem()->problem, Problem::not_extended);
  EXPECT_NE(kept.first_problem()->detail.find("rolled back"), std::string::npos) << describe(kept);
}

TEST_F(StationLogTest, TwoForksSignedByTheSameKeyAreReportedAsEquivocation) {
  // Two copies of one journal, each given a different next session and checkpoint by the same key.
  const auto fork = dir() / "fork.db";
  std::filesystem::copy_file(db_path(), fork);
  open_writer();
  make_sealed_session();
  kept_ = *JournalReader(db_path()).latest_checkpoint();  // the auditor saw this fork
  close_writer();
  {
    JournalWriter writer(WriterOptions{fork, key_path()});
    const auto session = writer.create_session_sync({patients_.test, staff_.qa, Tag::test, std::nullopt});
    ASSERT_TRUE(session.ok());
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(writer.append_sync({session.value(), staff_.qa, "note", {{"text", i}}, {}, {}, {}}).ok());
    ASSERT_TRUE(writer.seal_session_sync(session.value(), staff_.qa, "done").ok());
  }
  VerifyOptions options;
  options.expected_key = key_;
  ASSERT_TRUE(JournalReader(fork).verify(options).ok()) << "each fork is consistent on its own";
  options.since = KeptCheckpoint{kept_.tree_size, kept_.root};
  const VerifyReport report = JournalReader(fork).verify(options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.first_problem()->problem, Problem::not_extended);
  EXPECT_NE(report.first_problem()->detail.find("equivocation"), std::string::npos) << describe(report);
}

}  // namespace
}  // namespace meso::journal::testing
