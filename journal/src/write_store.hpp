// What the writer thread does to the database: validation, the API's role and tag checks, hashing and the
// inserts. Only the writer thread touches it; it never opens or commits a transaction itself, except in
// the whole-request operations (create_session, seal_session, add_*), which are atomic on their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "database.hpp"
#include "meso/journal/formulary.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/result.hpp"
#include "meso/journal/staff.hpp"
#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"
#include "meso/journal/writer.hpp"
#include "sqlite.hpp"

namespace meso::journal {

class WriteStore {
 public:
  WriteStore(sqlite::Connection connection, StationKey key, std::chrono::seconds checkpoint_interval);

  sqlite::Connection& connection() { return connection_; }
  const PublicKey& public_key() const { return key_.public_key(); }

  // Inside a transaction the caller holds. On a refusal nothing was written.
  Result<EventRef> append(const EventDraft& draft);
  // After a failed COMMIT: what the cache believed may never have reached the disk.
  void forget_cached_heads() { heads_.clear(); }

  // Each in its own transaction.
  Result<SessionId> create_session(const SessionDraft& draft);
  Result<SealInfo> seal_session(SessionId session, UserId user, const std::string& reason);
  Result<UserId> add_user(const NewUser& user, const std::string& password_hash, std::optional<UserId> by,
                          const AccountNote& note);
  Result<PatientId> add_patient(const NewPatient& patient, UserId by);
  Result<PlanId> add_plan(PatientId patient, const std::string& plan_json, UserId by);
  DurabilitySettings durability();

  // The station's log's checkpoints, each in its own transaction: when the log grew and the interval has
  // passed since the last one, or whenever it grew (the writer idle or stopping). Sealing signs its own.
  std::chrono::seconds checkpoint_interval() const { return checkpoint_interval_; }
  void checkpoint_if_due();
  void checkpoint_if_grown();

  // The station and its staff (write_staff.cpp), each in its own transaction and each an entry of the
  // station log.
  Result<UserId> commission(Tag kind, const NewUser& admin, const std::string& password_hash,
                            const std::string& reason);
  Result<Seq> set_station_kind(Tag kind, std::optional<UserId> by);
  Result<Seq> disable_user(UserId target, UserId by, const std::string& reason);
  Result<Seq> set_password(UserId target, const std::string& password_hash, UserId by,
                           const std::string& reason);
  Result<Seq> set_role(UserId target, Role role, UserId by, const std::string& reason);
  Result<LoginRecord> record_login(const std::string& name, bool password_matched);
  // An act of an admin (the formulary's), logged after `write` (run in the same transaction) succeeds;
  // `write` may add what it did to the payload, or set "unchanged": true when it did nothing (then no entry,
  // Seq 0).
  using AdminWrite = std::function<std::optional<Error>(sqlite::Connection&, nlohmann::json& payload)>;
  Result<Seq> admin_act(UserId by, const std::string& kind, nlohmann::json payload, const AdminWrite& write);

  // The formulary (write_formulary.cpp), each an admin act in its own transaction.
  Result<Seq> add_product(const FormularyProduct& product, UserId by, const std::string& reason);
  Result<Seq> add_lot(const std::string& product, const FormularyLot& lot, UserId by,
                      const std::string& reason);
  Result<Seq> retire_lot(const std::string& product, const std::string& lot, UserId by,
                         const std::string& reason);
  Result<Seq> import_formulary(const std::vector<FormularyProduct>& products, UserId by,
                               const std::string& reason, const std::string& source);

 private:
  struct Head {  // where a session's chain ends, so an append needs no query
    Tag tag = Tag::real;
    bool open = true;
    Seq last_seq = 0;
    Digest last_hash{};
  };

  std::optional<Role> role_of(UserId user);
  // Inside the caller's transaction: one more entry of the station log.
  Seq log_station_event(UserId user, std::string_view role, std::string_view kind,
                        const nlohmann::json& payload);
  // Refused unless `by` is an enabled admin.
  std::optional<Error> admin_refused(UserId by);
  std::optional<Tag> station_kind();
  Head* head_of(SessionId session);
  std::optional<Tag> patient_tag(PatientId patient);

  void sign_checkpoint();

  sqlite::Connection connection_;
  StationKey key_;
  std::chrono::seconds checkpoint_interval_;
  std::chrono::steady_clock::time_point last_checkpoint_{};  // when this writer last signed one
  std::optional<std::uint64_t> checkpointed_size_;           // what the last checkpoint covers
  EventHasher hasher_;
  std::unordered_map<SessionId, Head> heads_;
  std::unordered_map<UserId, Role> roles_;
  sqlite::Statement insert_event_;
  sqlite::Statement select_user_role_;
  sqlite::Statement select_session_;
  sqlite::Statement select_last_event_;
};

}  // namespace meso::journal
