// The journal's single writer: one thread owns the write connection (WAL, synchronous=FULL). Callers post
// requests from any thread; each callback runs on the writer thread after the COMMIT that made its request
// durable, so "reported durable" survives a SIGKILL of the process. Appends queued together share one
// transaction; a refused append is rolled back alone (a savepoint) and never holds up the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/journal/formulary.hpp"
#include "meso/journal/result.hpp"
#include "meso/journal/staff.hpp"
#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"

namespace meso::journal {

struct WriterOptions {
  std::filesystem::path database;
  std::filesystem::path key_file;  // the station's signing key, outside the database; created if missing
  std::size_t max_batch = 256;     // appends per transaction at most
  // While events are written, a signed checkpoint of the station's log at least this often (and after
  // every sealed session, and when the writer stops).
  std::chrono::seconds checkpoint_interval{300};
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
  Result<UserId> add_user(const NewUser& user, std::optional<UserId> by, const AccountNote& note = {});
  Result<PatientId> add_patient(const NewPatient& patient, UserId by);
  // A treatment plan (a JSON object) for a patient, by a user allowed to write the patient's tag.
  Result<PlanId> add_plan(PatientId patient, const nlohmann::json& plan, UserId by);

  // The station and its staff. Each act is one transaction with its entry in the station log (who, when,
  // why); accounts are disabled, never deleted; the last enabled admin is neither disabled nor demoted.
  // Commissioning: the station's kind (written once) and its first administrator, on a journal with no user.
  Result<UserId> commission(Tag kind, const NewUser& first_admin, const std::string& reason);
  // The kind of a journal made before kinds existed, once (by an admin, or by the program opening it when
  // `by` is none), when the sessions it holds fit the kind.
  Result<Seq> set_station_kind(Tag kind, std::optional<UserId> by);
  Result<Seq> disable_user(UserId target, UserId by, const std::string& reason);
  // By an admin: the user must choose a new password at the next login.
  Result<Seq> reset_password(UserId target, const std::string& new_password, UserId by,
                             const std::string& reason);
  // By the user: clears a reset.
  Result<Seq> change_password(UserId self, const std::string& new_password);
  Result<Seq> set_role(UserId target, Role role, UserId by, const std::string& reason);
  // After the password was checked (by the caller, off this thread): the failed-login count and wait, a
  // disabled account, and the log entry. A refusal in the record is not an Error.
  Result<LoginRecord> record_login(const std::string& name, bool password_matched);

  // The formulary, by an admin, each act one transaction with its station-log entry ("formulary.*"); a
  // refusal (a bad field, a product or lot that exists with other fields, no reason) writes nothing.
  Result<Seq> add_product(const FormularyProduct& product, UserId by, const std::string& reason);
  Result<Seq> add_lot(const std::string& product, const FormularyLot& lot, UserId by,
                      const std::string& reason);
  Result<Seq> retire_lot(const std::string& product, const std::string& lot, UserId by,
                         const std::string& reason);
  // Adds the products and lots the formulary lacks; those it has must match field for field. All or
  // nothing. Seq 0 (no log entry) when it held everything already. `source` names the file for the log.
  Result<Seq> import_formulary(const std::vector<FormularyProduct>& products, UserId by,
                               const std::string& reason, const std::string& source);

  DurabilitySettings durability();
  const PublicKey& public_key() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace meso::journal
