// Verification of the station's log as a whole (docs/journal.md, "Verification").
#pragma once

#include <unordered_map>
#include <vector>

#include "meso/journal/verify_report.hpp"
#include "sqlite.hpp"

namespace meso::journal::detail {

// The hashes of each session's events that verification found good, in seq order (session 0: the station's
// own events). 32 bytes an event in memory, so that each leaf is compared with its event without a second
// pass over the events in SQLite.
using EventHashes = std::unordered_map<SessionId, std::vector<Digest>>;

// The leaves are gapless and each is its event's hash, a session's in seq order, every event in them (a
// finding at the event otherwise, unless its session has one already); every stored checkpoint is signed
// by the station key and signs the root the leaves give at its size; every sealed session's last event is
// covered by one; and, with options.since, the log extends the kept checkpoint. Fills report.log; findings
// about the log as a whole name session 0.
void verify_log(sqlite::Connection& connection, const VerifyOptions& options, const EventHashes& events,
                VerifyReport& report);

// JournalReader::verify on any connection: the writer's, inside the upgrade's transaction.
VerifyReport verify_connection(sqlite::Connection& connection, const VerifyOptions& options);

}  // namespace meso::journal::detail
