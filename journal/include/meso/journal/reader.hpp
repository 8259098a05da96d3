// Read-only access for the auditor, exports and the station's recovery after a crash. Each reader opens its
// own read-only connection; a database on a read-only medium (where SQLite cannot create the WAL index)
// is opened immutable instead.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/formulary.hpp"
#include "meso/journal/staff.hpp"
#include "meso/journal/types.hpp"
#include "meso/journal/verify_report.hpp"

namespace meso::journal {

// A checkpoint of the station's log as stored: the signed note and what it says.
struct SignedCheckpoint {
  std::int64_t id = 0;
  std::uint64_t tree_size = 0;
  Digest root{};
  std::string utc;
  PublicKey public_key{};
  std::string note;  // C2SP signed note (docs/journal.md, "The station's log")
};

// An event's place in the station's log and its RFC 6962 inclusion proof against a checkpoint.
struct EventInclusion {
  Seq seq = 0;
  std::uint64_t index = 0;  // the leaf's index, from 0
  Digest leaf{};            // the event's hash
  std::vector<Digest> path;
};

// A session's events, each proven in the log that `checkpoint` signs; an open session's events written
// after the latest checkpoint are not in it (`unproven` counts them).
struct SessionInclusion {
  SignedCheckpoint checkpoint;
  std::vector<EventInclusion> events;
  std::int64_t unproven = 0;
};

struct SessionFilter {
  std::optional<std::string> patient;  // pseudonym
  std::optional<std::string> user;     // the name of who opened it
  std::optional<std::string> from;     // opened at or after this ISO-8601 prefix, e.g. 2025-11-01
  std::optional<std::string> to;       // opened at or before (a date includes that whole day)
  std::optional<Tag> tag;
  std::optional<SessionState> state;
};

class JournalReader {
 public:
  // Throws JournalError when the file is missing, is no journal, or has a schema other than this program's;
  // Errc::wal_unread when it was opened immutable and the schema it lacks may be in the unread "-wal" file.
  explicit JournalReader(const std::filesystem::path& database);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;
  JournalReader(JournalReader&&) noexcept;
  JournalReader& operator=(JournalReader&&) noexcept;

  // True when the file had to be opened immutable (read-only directory or medium); any committed data
  // still in a "-wal" file beside it is then not seen, which `wal_ignored()` reports.
  bool opened_immutable() const;
  bool wal_ignored() const;

  std::vector<SessionInfo> list_sessions(const SessionFilter& filter = {}) const;
  std::optional<SessionInfo> session(SessionId id) const;
  std::vector<Event> timeline(SessionId id) const;
  // The station's recovery reads its own kinds, e.g. every "fire.intent" and "shot.recorded", and matches
  // them by payload; the journal does not interpret payloads.
  std::vector<Event> events_of_kind(SessionId id, std::string_view kind) const;
  std::optional<SealInfo> seal(SessionId id) const;
  // Recovery: the sessions left open (state open), each with its last seq.
  std::vector<SessionInfo> open_sessions() const;
  std::optional<UserInfo> user(UserId id) const;
  // A patient's id by pseudonym (a run killed between adding the patient and opening a session finds it).
  std::optional<PatientId> patient_by_pseudonym(std::string_view pseudonym) const;
  // The user when the name exists, is not disabled and the password matches its Argon2id hash. An unknown
  // name takes as long as a known one.
  std::optional<UserInfo> authenticate(std::string_view name, std::string_view password) const;

  // The station (reader_staff.cpp): its kind (none before commissioning), its staff and its log.
  std::optional<Tag> station_kind() const;
  std::vector<StaffAccount> staff() const;
  std::optional<StaffAccount> staff_account(std::string_view name) const;
  std::vector<StationEvent> station_log() const;
  // The formulary (reader_formulary.cpp): every product by name, each lot with its stock (received less
  // what the sessions used), retired ones too.
  std::vector<FormularyProduct> formulary() const;

  // The station's log (reader_log.cpp): its latest signed checkpoint, and a session's inclusion proofs
  // against it (std::nullopt when no checkpoint exists yet). Proofs come from stored nodes; whoever checks
  // them against the signed root needs to trust neither this program nor the database.
  std::optional<SignedCheckpoint> latest_checkpoint() const;
  std::optional<SessionInclusion> prove_session(SessionId id) const;
  // The RFC 6962 consistency proof from the log's first `old_size` leaves to its first `new_size`
  // (0 < old_size <= new_size <= the log's size; std::invalid_argument otherwise).
  std::vector<Digest> prove_consistency(std::uint64_t old_size, std::uint64_t new_size) const;

  // Chain, seq, hashes, seals, signatures and counts (verify.cpp).
  VerifyReport verify(const VerifyOptions& options = {}) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace meso::journal
