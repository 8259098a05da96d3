// Verification of the station's log as a whole (docs/journal.md, "Verification"); the per-event comparison
// of each event with its leaf is part of the sessions' checks in verify.cpp.
#pragma once

#include "meso/journal/verify_report.hpp"
#include "sqlite.hpp"

namespace meso::journal::detail {

// The leaves are gapless and as many as the events (so none lacks its event); every stored checkpoint is
// signed by the station key and signs the root the leaves give at its size; every sealed session's last event
// is covered by one; and, with options.since, the log extends the kept checkpoint. Fills report.log; findings
// name session 0, but for not_checkpointed (the session).
void verify_log(sqlite::Connection& connection, const VerifyOptions& options, VerifyReport& report);

// JournalReader::verify on any connection: the writer's, inside the upgrade's transaction.
VerifyReport verify_connection(sqlite::Connection& connection, const VerifyOptions& options);

}  // namespace meso::journal::detail
