// The journal's single writer: one thread owns the write connection (WAL, synchronous=FULL). Callers post
// requests from any thread; each callback runs on the writer thread after the COMMIT that made its request
// durable, so "reported durable" survives a SIGKILL of the process. Appends queued together share one
// transaction; a refused append is rolled back alone (a savepoint) and never holds up the others.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "meso/journal/result.hpp"
#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"

namespace meso::journal {

struct WriterOptions {
  std::filesystem::path database;
  std::filesystem::path key_file;  // the station's signing key, outside the database; created if missing
  std::size_t max_batch = 256;     // appends per transaction at most
};

// The connection's settings as SQLite reports them, read on the writer's own connection.
struct DurabilitySettings {
  std::string journal_mode;  // "wal"
  int synchronous = 0;       // 2 = FULL
  bool foreign_keys = false;
};

template <typename T>
using Callback = std::function<void(const Result<T>&)>;

class JournalWriter {
 public:
  // Opens (creating when missing) and migrates the database and loads or creates the key. Throws
  // JournalError when either cannot be used, e.g. Errc::schema_too_new.
  explicit JournalWriter(const WriterOptions& options);
  // Finishes every request already queued (their callbacks run), then stops the thread.
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  JournalWriter(JournalWriter&&) = delete;
  JournalWriter& operator=(JournalWriter&&) = delete;

  // Callbacks run on the writer thread and must not throw or block for long.
  void append(EventDraft draft, Callback<EventRef> done);
  // Opens a session and writes its first event, "session.opened", which carries the patient pseudonym,
  // tag, opener and plan hash so that the sealed chain covers the session's header too.
  void create_session(SessionDraft draft, Callback<SessionId> done);
  // Appends "session.closed" (by `user`, payload {"reason": reason}) and seals the session: the RFC 6962
  // root over its event hashes and the event count, signed with the station key.
  void seal_session(SessionId session, UserId user, std::string reason, Callback<SealInfo> done);

  // Blocking forms, for tools, tests and setup; never call them from a thread that must not wait.
  Result<EventRef> append_sync(EventDraft draft);
  Result<SessionId> create_session_sync(SessionDraft draft);
  Result<SealInfo> seal_session_sync(SessionId session, UserId user, std::string reason);
  // The first user needs no `by` and must be an admin; after that `by` must name an admin.
  Result<UserId> add_user(const NewUser& user, std::optional<UserId> by);
  Result<PatientId> add_patient(const NewPatient& patient, UserId by);
  // A treatment plan (a JSON object) for a patient, by a user allowed to write the patient's tag.
  Result<PlanId> add_plan(PatientId patient, const nlohmann::json& plan, UserId by);

  DurabilitySettings durability();
  const PublicKey& public_key() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace meso::journal
