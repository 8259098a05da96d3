// Shared by the journal suites: a private directory per test, a journal with one user per role and one
// patient per tag, and a way to run programs (sqlite3, mesoaudit) and collect their output.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "meso/journal/station_key.hpp"
#include "meso/journal/writer.hpp"

namespace meso::journal::testing {

// The Argon2id hash (INTERACTIVE limits) of kSeedPassword, computed once when these tests were written, so
// that seeding users does not spend a fifth of a second per user in every test.
inline constexpr const char* kSeedPassword = "correct horse";
inline constexpr const char* kSeedPasswordHash =
    "$argon2id$v=19$m=65536,t=2,p=1$hgrMtnHNmalHQsu3XSpQ5Q$CcGPe5eGE+OrBz93zuxt7dJsUHNr9GuyUufOn8Z+dLo";

struct Staff {
  UserId admin = 1;
  UserId clinician = 2;
  UserId qa = 3;
  UserId auditor = 4;
};

struct Patients {
  PatientId real = 0;
  PatientId test = 0;
  PatientId demo = 0;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments, stdout and stderr captured; `drop_file_privileges` runs it without
// CAP_DAC_OVERRIDE (via setpriv) when we are root, so file modes apply to it as to any user.
CommandResult run_command(const std::vector<std::string>& argv, bool drop_file_privileges = false);
// Runs SQL through the sqlite3 command-line tool, as someone with the file (and no key) would.
CommandResult run_sqlite3(const std::filesystem::path& db, const std::string& sql);

// Re-signs every checkpoint of the station's log with `key` (same sizes and roots), as whoever holds the file
// and a key of their own would: through a raw connection, past the triggers.
void resign_checkpoints(const std::filesystem::path& db, const StationKey& key);

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::filesystem::path db_path() const { return dir_ / "journal.db"; }
  std::filesystem::path key_path() const { return dir_ / "station.key"; }
  std::filesystem::path dir() const { return dir_; }

  // Opens the writer and seeds the staff (raw inserts with the precomputed hash) and three patients.
  JournalWriter& open_writer();
  void close_writer() { writer_.reset(); }
  JournalWriter& writer() { return *writer_; }

  SessionId open_session(UserId user, PatientId patient, Tag tag);
  EventRef append(SessionId session, UserId user, const std::string& kind, const nlohmann::json& payload);
  // A sealed session: session.opened, five shot.recorded, session.closed (7 events).
  SessionId make_sealed_session();

  Staff staff_;
  Patients patients_;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<JournalWriter> writer_;
};

}  // namespace meso::journal::testing
