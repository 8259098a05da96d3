// Everything an export shows about one session, read once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "meso/journal/reader.hpp"

namespace meso::journal {

struct SessionExport {
  SessionInfo session;
  std::vector<Event> events;
  std::optional<SealInfo> seal;
  VerifyReport integrity;
  std::optional<SessionInclusion>
      inclusion;  // the events' proofs in the station's log, once a checkpoint exists
};

SessionExport load_export(const JournalReader& reader, SessionId session);
std::string export_html(const SessionExport& data);
// "intact and sealed", "intact, open (not sealed)" or the first problem.
std::string integrity_text(const SessionExport& data);
// The fingerprint (key_fingerprint) of the key stored with the session's seal, or "not sealed": what an
// auditor compares with the station's own fingerprint, since a seal proves only that it matches its key.
std::string seal_key_text(const SessionExport& data);

}  // namespace meso::journal
