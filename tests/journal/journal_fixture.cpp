#include "journal_fixture.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "meso/journal/hashing.hpp"
#include "meso/journal/log_checkpoint.hpp"

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace meso::journal::testing {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void exec_or_throw(sqlite3* raw, const std::string& sql, const char* what) {
  char* error = nullptr;
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  if (rc != SQLITE_OK) throw std::runtime_error(std::string(what) + ": " + message);
}

// The staff, as a station's admin adds them: each a users row and its "staff.added" entry in the station
// log (whose name is the one the journal shows), chained from the log's genesis.
void seed_users(const std::filesystem::path& db) {
  struct Seeded {
    UserId id;
    const char* name;
    const char* role;
  };
  constexpr std::array kStaff{Seeded{1, "root", "admin"}, Seeded{2, "dr.ana", "clinician"},
                              Seeded{3, "qa.bob", "qa"}, Seeded{4, "aud.cy", "auditor"}};
  constexpr const char* kUtc = "2025-01-01T00:00:00.000Z";
  sqlite3* raw = nullptr;
  if (sqlite3_open(db.c_str(), &raw) != SQLITE_OK) throw std::runtime_error("cannot open the test journal");
  std::string sql = "BEGIN; ";
  Digest previous = genesis_hash(0);
  for (const Seeded& user : kStaff) {
    const std::string payload = nlohmann::json{
        {"user_id", user.id},
        {"name", user.name},
        {"role", user.role},
        {"reason", "seeded"}}.dump();
    const Seq seq = user.id;
    const Digest hash =
        event_hash({0, seq, kUtc, 0, 1, "admin", "", "staff.added", std::nullopt, payload, previous});
    sql += "INSERT INTO users(id, name, role, password_hash, created_utc) VALUES (" +
           std::to_string(user.id) + ", '" + user.name + "', '" + user.role + "', '" + kSeedPasswordHash +
           "', '" + kUtc + "'); ";
    sql +=
        "INSERT INTO station_events(seq, utc, mono_ns, user_id, role, kind, payload, prev_hash, hash) "
        "VALUES (" +
        std::to_string(seq) + ", '" + kUtc + "', 0, 1, 'admin', 'staff.added', '" + payload + "', X'" +
        to_hex(previous) + "', X'" + to_hex(hash) + "'); ";
    previous = hash;
  }
  sql += "COMMIT;";
  try {
    exec_or_throw(raw, sql, "cannot seed users");
  } catch (...) {
    sqlite3_close(raw);
    throw;
  }
  sqlite3_close(raw);
}

}  // namespace

void resign_checkpoints(const std::filesystem::path& db, const StationKey& key) {
  sqlite3* raw = nullptr;
  if (sqlite3_open(db.c_str(), &raw) != SQLITE_OK) throw std::runtime_error("cannot open the test journal");
  struct Row {
    std::int64_t id;
    LogCheckpoint checkpoint;
  };
  std::vector<Row> rows;
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(raw, "SELECT id, tree_size, root, utc FROM log_checkpoints ORDER BY id", -1, &select,
                     nullptr);
  while (sqlite3_step(select) == SQLITE_ROW) {
    Row row{sqlite3_column_int64(select, 0), {log_origin(key.public_key()), 0, {}, {}}};
    row.checkpoint.tree_size = static_cast<std::uint64_t>(sqlite3_column_int64(select, 1));
    std::memcpy(row.checkpoint.root.data(), sqlite3_column_blob(select, 2), row.checkpoint.root.size());
    row.checkpoint.utc = reinterpret_cast<const char*>(sqlite3_column_text(select, 3));
    rows.push_back(row);
  }
  sqlite3_finalize(select);
  exec_or_throw(raw, "DROP TRIGGER IF EXISTS log_checkpoints_no_update;", "cannot drop the trigger");
  sqlite3_stmt* update = nullptr;
  sqlite3_prepare_v2(raw, "UPDATE log_checkpoints SET public_key = ?1, note = ?2 WHERE id = ?3", -1, &update,
                     nullptr);
  for (const Row& row : rows) {
    const std::string note = sign_log_checkpoint(row.checkpoint, key);
    sqlite3_reset(update);
    sqlite3_bind_blob(update, 1, key.public_key().data(), 32, SQLITE_TRANSIENT);
    sqlite3_bind_text(update, 2, note.c_str(), static_cast<int>(note.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(update, 3, row.id);
    if (sqlite3_step(update) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(raw));
  }
  sqlite3_finalize(update);
  sqlite3_close(raw);
}

CommandResult run_command(const std::vector<std::string>& argv, bool drop_file_privileges) {
  std::vector<std::string> full;
  if (drop_file_privileges && ::geteuid() == 0) {
    full = {"/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"};
  }
  full.insert(full.end(), argv.begin(), argv.end());
  const auto out_path =
      std::filesystem::temp_directory_path() / ("meso_cmd_out_" + std::to_string(::getpid()));
  const auto err_path =
      std::filesystem::temp_directory_path() / ("meso_cmd_err_" + std::to_string(::getpid()));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<char*> args;
  args.reserve(full.size() + 1);
  for (std::string& arg : full)
    args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + full[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

CommandResult run_sqlite3(const std::filesystem::path& db, const std::string& sql) {
  return run_command({SQLITE3_PATH, "-bail", db.string(), sql});
}

void JournalTest::SetUp() {
  std::random_device random;
  dir_ = std::filesystem::temp_directory_path() /
         ("meso_journal_" + std::to_string(::getpid()) + "_" + std::to_string(random()));
  std::filesystem::create_directories(dir_);
}

void JournalTest::TearDown() {
  writer_.reset();
  std::error_code error;
  // A test may leave files or directories read-only; make them removable again.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_, error)) {
    std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, error);
  }
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add,
                               error);
  std::filesystem::remove_all(dir_, error);
}

JournalWriter& JournalTest::open_writer() {
  writer_ = std::make_unique<JournalWriter>(WriterOptions{db_path(), key_path()});
  if (patients_.real != 0) return *writer_;  // reopened: already seeded
  seed_users(db_path());
  patients_.real = writer_->add_patient({"P-0001", Tag::real}, staff_.clinician).value();
  patients_.test = writer_->add_patient({"T-0001", Tag::test}, staff_.qa).value();
  patients_.demo = writer_->add_patient({"D-0001", Tag::demo}, staff_.clinician).value();
  return *writer_;
}

SessionId JournalTest::open_session(UserId user, PatientId patient, Tag tag) {
  const auto session = writer_->create_session_sync(SessionDraft{patient, user, tag, std::nullopt});
  if (!session.ok()) throw std::runtime_error(session.error().message);
  return session.value();
}

EventRef JournalTest::append(SessionId session, UserId user, const std::string& kind,
                             const nlohmann::json& payload) {
  EventDraft draft;
  draft.session = session;
  draft.user = user;
  draft.kind = kind;
  draft.payload = payload;
  const auto appended = writer_->append_sync(std::move(draft));
  if (!appended.ok()) throw std::runtime_error(appended.error().message);
  return appended.value();
}

SessionId JournalTest::make_sealed_session() {
  const SessionId session = open_session(staff_.clinician, patients_.real, Tag::real);
  for (int shot = 1; shot <= 5; ++shot) {
    append(session, staff_.clinician, "shot.recorded",
           {{"command_id", 100 + shot}, {"shot_counter", shot}, {"dose_nl", 20}, {"depth_um", 1500}});
  }
  const auto seal = writer_->seal_session_sync(session, staff_.clinician, "treatment complete");
  if (!seal.ok()) throw std::runtime_error(seal.error().message);
  return session;
}

}  // namespace meso::journal::testing
