// The writer's side of the station's log (docs/journal.md, "The station's log"): signing checkpoints,
// refusing to write on a log that does not extend its last one, and the upgrade that starts the log.
#pragma once

#include <filesystem>

#include "log_store.hpp"
#include "meso/journal/station_key.hpp"
#include "sqlite.hpp"

namespace meso::journal::detail {

// Signs a checkpoint of the whole log and stores it, inside the caller's transaction.
StoredCheckpoint sign_checkpoint(sqlite::Connection& connection, const StationKey& key);

// Before the writer writes anything: the log must hold at least what its last checkpoint signed, with the
// same root, and every open session's events must reach its last leaf. Otherwise the journal was altered
// (a cut-back or rolled-back log, a sealed session reopened) and nothing may extend it, not even the
// recovery of an open session: throws JournalError (Errc::log_altered) saying what and what to do.
void require_log_extends_last_checkpoint(sqlite::Connection& connection, const StationKey& key,
                                         const std::filesystem::path& path);

// Schema 6's step, inside its transaction once its SQL has entered the events already written as the
// log's first leaves: signs the first checkpoint, then verifies the whole journal with the station's key
// (the old seals, chains and headers, and the new log); any finding refuses the upgrade and rolls it back.
void start_station_log(sqlite::Connection& connection, const StationKey& key,
                       const std::filesystem::path& path);

}  // namespace meso::journal::detail
