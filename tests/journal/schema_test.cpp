// Migrations, durability settings and the SQL triggers that keep the log append-only and the tags apart.
#include "meso/journal/schema.hpp"

#include <gtest/gtest.h>

#include "journal_fixture.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/result.hpp"

namespace meso::journal::testing {
namespace {

using SchemaTest = JournalTest;

TEST_F(SchemaTest, MigratesTheFirstSchemaToTheCurrentOne) {
  migrate(db_path(), 1);
  EXPECT_EQ(schema_version(db_path()), 1);
  EXPECT_EQ(run_sqlite3(db_path(), "SELECT count(*) FROM sqlite_master WHERE name = 'seals';").out, "0\n");

  open_writer();
  close_writer();
  EXPECT_EQ(schema_version(db_path()), kSchemaVersion);
  EXPECT_EQ(run_sqlite3(db_path(),
                        "SELECT count(*) FROM sqlite_master WHERE name IN "
                        "('seals', 'events_by_kind', 'seals_no_update');")
                .out,
            "3\n");
}

TEST_F(SchemaTest, DataWrittenUnderAnOlderSchemaSurvivesTheMigration) {
  migrate(db_path(), 2);
  // What release 2 would have written: staff and a patient.
  ASSERT_EQ(run_sqlite3(db_path(), std::string("INSERT INTO users VALUES(1, 'root', 'admin', '") +
                                       kSeedPasswordHash + "', 'x'), (2, 'dr.ana', 'clinician', '" +
                                       kSeedPasswordHash +
                                       "', 'x'); INSERT INTO patients VALUES(1, 'P-0042', 'real', 'x');")
                .exit_code,
            0);
  JournalWriter writer(WriterOptions{db_path(), key_path()});
  EXPECT_EQ(schema_version(db_path()), kSchemaVersion);
  const auto session = writer.create_session_sync({1, 2, Tag::real, std::nullopt});
  ASSERT_TRUE(session.ok()) << session.error().message;
  const JournalReader reader(db_path());
  EXPECT_EQ(reader.session(session.value())->patient_pseudonym, "P-0042");
  EXPECT_TRUE(reader.verify().ok());
}

TEST_F(SchemaTest, RefusesADatabaseNewerThanTheCode) {
  migrate(db_path());
  ASSERT_EQ(run_sqlite3(db_path(), "PRAGMA user_version = 99;").exit_code, 0);
  try {
    JournalWriter writer(WriterOptions{db_path(), key_path()});
    FAIL() << "a newer database was opened";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.code(), Errc::schema_too_new);
    EXPECT_NE(std::string(e.what()).find("99 is newer than this program's (" +
                                         std::to_string(kSchemaVersion) + ")"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(JournalReader reader(db_path()), JournalError);
  EXPECT_EQ(schema_version(db_path()), 99);  // untouched
}

TEST_F(SchemaTest, WriterRunsWalWithFullSynchronousAndForeignKeys) {
  const DurabilitySettings settings = open_writer().durability();
  EXPECT_EQ(settings.journal_mode, "wal");
  EXPECT_EQ(settings.synchronous, 2);  // FULL
  EXPECT_TRUE(settings.foreign_keys);
  EXPECT_EQ(run_sqlite3(db_path(), "PRAGMA journal_mode;").out, "wal\n");  // persistent, seen by anyone
}

TEST_F(SchemaTest, TriggersRefuseUpdatingOrDeletingEvents) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  append(session, staff_.clinician, "note", {{"text", "hello"}});
  const auto update = run_sqlite3(db_path(), "UPDATE events SET payload = '{}' WHERE seq = 2;");
  EXPECT_NE(update.exit_code, 0);
  EXPECT_NE(update.err.find("append-only"), std::string::npos) << update.err;
  const auto remove = run_sqlite3(db_path(), "DELETE FROM events WHERE seq = 2;");
  EXPECT_NE(remove.exit_code, 0);
  EXPECT_NE(remove.err.find("never deleted"), std::string::npos) << remove.err;
  EXPECT_EQ(run_sqlite3(db_path(), "SELECT count(*) FROM events;").out, "2\n");
}

TEST_F(SchemaTest, TriggersRefuseChangingSealsOrReopeningSessions) {
  open_writer();
  const SessionId session = make_sealed_session();
  const std::string id = std::to_string(session);
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE seals SET event_count = 3;").err.find("never changed"),
            std::string::npos);
  EXPECT_NE(run_sqlite3(db_path(), "DELETE FROM seals;").err.find("never deleted"), std::string::npos);
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE sessions SET state = 'open' WHERE id = " + id + ";").exit_code, 0);
  EXPECT_NE(run_sqlite3(db_path(), "DELETE FROM sessions;").exit_code, 0);
  // Appending to a sealed session, even with a correct seq, is refused by SQL as well as by the API.
  const auto insert = run_sqlite3(db_path(),
                                  "INSERT INTO events SELECT session_id, seq + 1, utc, mono_ns, user_id, "
                                  "role, tag, kind, NULL, payload, hash, hash FROM events WHERE seq = 7;");
  EXPECT_NE(insert.err.find("open sessions only"), std::string::npos) << insert.err;
}

TEST_F(SchemaTest, TriggersKeepTestDataOutOfRealRecords) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  const std::string real = std::to_string(patients_.real);
  // A test-tagged session on a real patient.
  const auto mixed_session =
      run_sqlite3(db_path(), "INSERT INTO sessions(patient_id, user_id, tag, opened_utc) VALUES(" + real +
                                 ", 3, 'test', 'x');");
  EXPECT_NE(mixed_session.err.find("never enters a real patient's record"), std::string::npos)
      << mixed_session.err;
  // A test-tagged event in a real session.
  const auto mixed_event = run_sqlite3(
      db_path(), "INSERT INTO events VALUES(" + std::to_string(session) +
                     ", 2, 'x', 0, 3, 'qa', 'test', 'note', NULL, '{}', zeroblob(32), zeroblob(32));");
  EXPECT_NE(mixed_event.err.find("tag must be its session's tag"), std::string::npos) << mixed_event.err;
  // A patient's tag never changes (a test patient cannot be turned real, nor the other way).
  EXPECT_NE(run_sqlite3(db_path(), "UPDATE patients SET tag = 'test' WHERE id = " + real + ";").exit_code, 0);
}

TEST_F(SchemaTest, TriggersKeepSeqGapless) {
  open_writer();
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  const auto gap = run_sqlite3(db_path(), "INSERT INTO events VALUES(" + std::to_string(session) +
                                              ", 5, 'x', 0, 2, 'clinician', 'real', 'note', NULL, '{}', "
                                              "zeroblob(32), zeroblob(32));");
  EXPECT_NE(gap.err.find("without a gap"), std::string::npos) << gap.err;
}

}  // namespace
}  // namespace meso::journal::testing
