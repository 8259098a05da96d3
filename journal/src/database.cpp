#include "database.hpp"

#include <string>

#include "meso/journal/result.hpp"
#include "meso/journal/schema.hpp"
#include "migrations.hpp"

namespace meso::journal {

static_assert(kMigrations.size() == kSchemaVersion, "one migration per schema version");

namespace {

// A file: URI for `path`; the characters URIs reserve are percent-encoded.
std::string file_uri(const std::filesystem::path& path) {
  std::string uri = "file:";
  for (const char c : std::filesystem::absolute(path).string()) {
    if (c == '?' || c == '#' || c == '%') {
      constexpr const char* kHex = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      uri += '%';
      uri += kHex[byte >> 4U];
      uri += kHex[byte & 0xFU];
    } else {
      uri += c;
    }
  }
  return uri;
}

// Verification reads every page once: mapped, SQLite reads them in place instead of copying each through
// pread (docs/performance.md, "The station's log"). Reads only; the writer keeps its own settings.
void read_pages_in_place(sqlite::Connection& connection) {
  connection.exec("PRAGMA mmap_size=4294967296");
}

bool cannot_open(int extended_code) {
  const int primary = extended_code & 0xFF;
  return primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY;
}

}  // namespace

sqlite::Connection open_for_writing(const std::filesystem::path& path) {
  sqlite::Connection connection(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_busy_timeout(connection.get(), 5000);
  // WAL persists in the file; synchronous is per connection: FULL syncs the WAL at every commit, so a
  // commit reported durable survives a power cut, not only a crash of the process.
  const std::string mode = connection.query_text("PRAGMA journal_mode=WAL");
  if (mode != "wal") {
    throw JournalError(Errc::storage_failure,
                       path.string() + ": cannot switch to WAL mode (got " + mode + ")");
  }
  connection.exec("PRAGMA synchronous=FULL");
  connection.exec("PRAGMA foreign_keys=ON");
  return connection;
}

void migrate_connection(sqlite::Connection& connection, int target_version, const MigrationStep& after) {
  const auto version = static_cast<int>(connection.query_int("PRAGMA user_version"));
  if (version > target_version) {
    throw JournalError(Errc::schema_too_new,
                       "journal schema version " + std::to_string(version) +
                           " is newer than this program's (" + std::to_string(target_version) +
                           "): use the MesoStation release that wrote it; nothing was changed");
  }
  for (int next = version + 1; next <= target_version; ++next) {
    sqlite::Transaction transaction(connection);
    connection.exec(kMigrations.at(static_cast<std::size_t>(next - 1)));
    connection.exec(("PRAGMA user_version=" + std::to_string(next)).c_str());
    if (after) after(connection, next);
    transaction.commit();
  }
}

ReadOnlyConnection open_read_only(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw JournalError(Errc::storage_failure, path.string() + ": no such journal file");
  }
  const std::string uri = file_uri(path);
  try {
    sqlite::Connection connection(uri + "?mode=ro", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    // Opening is lazy: the first read is what creates (or fails to create) the WAL index.
    connection.query_int("PRAGMA user_version");
    read_pages_in_place(connection);
    return {std::move(connection), false, false};
  } catch (const sqlite::SqliteError& e) {
    if (!cannot_open(e.code())) throw;
  }
  // A read-only directory or medium: nothing can change the file under us, so SQLite may skip locking and
  // the WAL index. Committed transactions still in a "-wal" file are not seen then: say so.
  sqlite::Connection connection(uri + "?mode=ro&immutable=1", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  connection.query_int("PRAGMA user_version");
  read_pages_in_place(connection);
  const auto wal = std::filesystem::path(path.string() + "-wal");
  const bool wal_ignored = std::filesystem::exists(wal, error) && std::filesystem::file_size(wal, error) > 0;
  return {std::move(connection), true, wal_ignored};
}

void require_current_schema(ReadOnlyConnection& opened, const std::filesystem::path& path) {
  const auto version = static_cast<int>(opened.connection.query_int("PRAGMA user_version"));
  if (version == kSchemaVersion) return;
  if (version > kSchemaVersion) {
    throw JournalError(Errc::schema_too_new, path.string() + ": journal schema version " +
                                                 std::to_string(version) + " is newer than this program's (" +
                                                 std::to_string(kSchemaVersion) + ")");
  }
  // An old or missing schema says nothing about the journal while the -wal file may hold its migrations:
  // a journal copied while the station had it open is whole only with its -wal.
  if (opened.wal_ignored) {
    const std::string wal = path.string() + "-wal";
    throw JournalError(Errc::wal_unread, path.string() + ": the write-ahead log " + wal +
                                             " could not be read (SQLite must create " + path.string() +
                                             "-shm beside it and this folder cannot be written), and the "
                                             "journal is not whole without it: copy the folder, the database "
                                             "with its -wal file, to a writable place, or open it where it "
                                             "can be written; nothing was changed");
  }
  if (version == 0) throw JournalError(Errc::storage_failure, path.string() + ": not a MesoStation journal");
  throw JournalError(Errc::storage_failure, path.string() + ": journal schema version " +
                                                std::to_string(version) + " is older than this program's (" +
                                                std::to_string(kSchemaVersion) +
                                                "): let the station open it once to migrate it");
}

void migrate(const std::filesystem::path& path, int target_version) {
  if (target_version < 0 || target_version > kSchemaVersion) {
    throw JournalError(Errc::schema_too_new, "no schema version " + std::to_string(target_version));
  }
  sqlite::Connection connection = open_for_writing(path);
  migrate_connection(connection, target_version);
}

int schema_version(const std::filesystem::path& path) {
  ReadOnlyConnection opened = open_read_only(path);
  return static_cast<int>(opened.connection.query_int("PRAGMA user_version"));
}

}  // namespace meso::journal
