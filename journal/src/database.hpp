// Opening the journal's connections: the writer's (WAL, synchronous=FULL, foreign keys, migrated) and the
// readers' (read-only, immutable when the medium forbids the WAL index).
#pragma once

#include <filesystem>
#include <functional>

#include "sqlite.hpp"

namespace meso::journal {

sqlite::Connection open_for_writing(const std::filesystem::path& path);
// Runs inside a migration's transaction, after its SQL and before the commit; throwing rolls it back.
using MigrationStep = std::function<void(sqlite::Connection& connection, int version)>;
// Applies the migrations after the database's user_version up to `target_version`, each in one transaction.
void migrate_connection(sqlite::Connection& connection, int target_version, const MigrationStep& after = {});

struct ReadOnlyConnection {
  sqlite::Connection connection;
  bool immutable = false;
  bool wal_ignored = false;  // immutable, and a non-empty "-wal" file lies beside the database
};
ReadOnlyConnection open_read_only(const std::filesystem::path& path);
// Throws JournalError unless the schema is exactly this program's; Errc::wal_unread when it may be only
// because the -wal file was not read.
void require_current_schema(ReadOnlyConnection& opened, const std::filesystem::path& path);

}  // namespace meso::journal
