// The journal's schema version (PRAGMA user_version) and its migrations, applied in order, each in one
// transaction. A database newer than this program is refused: the code cannot know what it must keep.
#pragma once

#include <filesystem>

namespace meso::journal {

inline constexpr int kSchemaVersion = 6;

// Brings the database at `path` (created when missing) to `target_version`; tests build the older schemas
// with it. Throws JournalError (Errc::schema_too_new) when the database is newer than `target_version`.
void migrate(const std::filesystem::path& path, int target_version = kSchemaVersion);
// The database's PRAGMA user_version, read through a read-only connection.
int schema_version(const std::filesystem::path& path);

}  // namespace meso::journal
