#include "log_writer.hpp"

#include <string>

#include "meso/journal/log_checkpoint.hpp"
#include "meso/journal/result.hpp"
#include "verify_log.hpp"

namespace meso::journal::detail {

namespace {

[[noreturn]] void refuse_to_write(const std::filesystem::path& path, const std::string& what) {
  throw JournalError(
      Errc::log_altered,
      path.string() + ": " + what +
          ". The journal was altered outside MesoStation, so the station writes nothing to it, "
          "not even the recovery of an open session. Keep the file and its key untouched for the "
          "auditor (mesoaudit verify --public-key), and treat on a new journal");
}

}  // namespace

StoredCheckpoint sign_checkpoint(sqlite::Connection& connection, const StationKey& key) {
  LogStore log(connection);
  log.complete_nodes();
  const std::uint64_t size = log.size();
  const LogCheckpoint checkpoint{log_origin(key.public_key()), size, log.root(size), utc_now_iso8601()};
  StoredCheckpoint stored;
  stored.tree_size = size;
  stored.root = checkpoint.root;
  stored.utc = checkpoint.utc;
  stored.public_key = key.public_key();
  stored.note = sign_log_checkpoint(checkpoint, key);
  sqlite::Statement insert(connection,
                           "INSERT INTO log_checkpoints(tree_size, root, utc, public_key, note) "
                           "VALUES(?1, ?2, ?3, ?4, ?5)");
  insert.bind(1, static_cast<std::int64_t>(size))
      .bind(2, std::span<const std::uint8_t>(stored.root))
      .bind(3, stored.utc)
      .bind(4, std::span<const std::uint8_t>(stored.public_key))
      .bind(5, stored.note);
  insert.run();
  stored.id = connection.last_insert_rowid();
  return stored;
}

void require_log_extends_last_checkpoint(sqlite::Connection& connection, const StationKey& key,
                                         const std::filesystem::path& path) {
  LogStore log(connection);
  if (const auto last = log.latest_checkpoint()) {
    std::string why;
    const auto opened = open_log_checkpoint(last->note, key.public_key(), &why);
    if (!opened) refuse_to_write(path, "its last checkpoint does not open with this station's key: " + why);
    const std::uint64_t size = log.size();
    if (size < opened->tree_size) {
      refuse_to_write(path, "its log holds " + std::to_string(size) + " entries, fewer than the " +
                                std::to_string(opened->tree_size) + " its last signed checkpoint (" +
                                opened->utc + ") covers: it was cut back or rolled back to an older copy");
    }
    if (log.root(opened->tree_size) != opened->root) {
      refuse_to_write(path, "the first " + std::to_string(opened->tree_size) +
                                " entries of its log are not those its last signed checkpoint (" +
                                opened->utc + ") covers: they were changed, removed or reordered");
    }
  }
  sqlite::Statement open_sessions(
      connection,
      "SELECT s.id, (SELECT coalesce(max(seq), 0) FROM events e WHERE e.session_id = s.id), "
      "(SELECT coalesce(max(seq), 0) FROM log_leaves l WHERE l.session_id = s.id) FROM sessions s "
      "WHERE s.state = 'open'");
  while (open_sessions.step()) {
    const std::int64_t events = open_sessions.column_int(1);
    const std::int64_t leaves = open_sessions.column_int(2);
    if (events != leaves) {
      refuse_to_write(path, "open session " + std::to_string(open_sessions.column_int(0)) + " holds " +
                                std::to_string(events) +
                                " events, its leaves in the station's log reach seq " +
                                std::to_string(leaves) + " (a sealed session reopened by cutting its tail?)");
    }
  }
}

void start_station_log(sqlite::Connection& connection, const StationKey& key,
                       const std::filesystem::path& path) {
  if (LogStore(connection).size() > 0) sign_checkpoint(connection, key);
  VerifyOptions options;
  options.expected_key = key.public_key();
  const VerifyReport report = verify_connection(connection, options);
  if (!report.ok()) {
    throw JournalError(
        Errc::log_altered,
        path.string() +
            ": not upgraded to schema 6 (one signed log per station): the journal does "
            "not verify as it stands (" +
            describe(report) +
            "). Nothing was changed. Give the file to the auditor (mesoaudit verify --public-key) "
            "and treat on a new journal");
  }
}

}  // namespace meso::journal::detail
