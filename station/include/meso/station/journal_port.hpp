// What the station needs from the journal: append an event to the open session and be told, on the station
// thread, once it is durable (committed with synchronous=FULL), or that it could not be. The SQLite journal
// (journal/) sits behind it in the product; the station never waits on it.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "meso/station/staff.hpp"

namespace meso::station {

struct JournalDraft {
  std::int64_t session = 0;
  std::int64_t user_id = 0;  // the journal's id of the user
  std::string user;
  Role role = Role::clinician;
  std::string kind;  // "session.transition", "fire.intent", "shot.recorded", "refusal", ...
  nlohmann::json payload;
};

class JournalPort {
 public:
  // Empty error: the event is durable. Called on the station thread, after append() has returned.
  using Durable = std::function<void(const std::string& error)>;

  JournalPort() = default;
  JournalPort(const JournalPort&) = delete;
  JournalPort& operator=(const JournalPort&) = delete;
  JournalPort(JournalPort&&) = delete;
  JournalPort& operator=(JournalPort&&) = delete;
  virtual ~JournalPort() = default;

  // Appends to the draft's session; `on_durable` may be empty.
  virtual void append(JournalDraft draft, Durable on_durable) = 0;
  // Closes the session for good: its events are sealed (a signed Merkle root over them and their count).
  virtual void seal(std::int64_t session, std::int64_t user_id, std::string reason, Durable on_durable) = 0;
};

}  // namespace meso::station
