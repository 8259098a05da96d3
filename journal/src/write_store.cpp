#include "write_store.hpp"

#include <utility>
#include <vector>

#include "log_writer.hpp"
#include "meso/journal/merkle.hpp"
#include "transaction.hpp"

namespace meso::journal {

namespace {

using detail::in_transaction;
using detail::is_constraint;
using detail::refuse;

std::string who(UserId user, Role role) {
  return std::string(to_string(role)) + " user " + std::to_string(user);
}

Error write_refused(UserId user, Role role, Tag tag) {
  if (role == Role::auditor)
    return refuse(Errc::role_refused, who(user, role) + " may only read the journal");
  return refuse(Errc::role_refused, who(user, role) + " may write test-tagged data only, not " +
                                        std::string(to_string(tag)) + " data");
}

}  // namespace

WriteStore::WriteStore(sqlite::Connection connection, StationKey key,
                       std::chrono::seconds checkpoint_interval)
    : connection_(std::move(connection)),
      key_(std::move(key)),
      checkpoint_interval_(checkpoint_interval),
      last_checkpoint_(std::chrono::steady_clock::now()),
      insert_event_(connection_,
                    "INSERT INTO events(session_id, seq, utc, mono_ns, user_id, role, tag, kind, corrects, "
                    "payload, prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
      select_user_role_(connection_, "SELECT role FROM users WHERE id = ?1"),
      select_session_(connection_, "SELECT tag, state FROM sessions WHERE id = ?1"),
      select_last_event_(connection_,
                         "SELECT seq, hash FROM events WHERE session_id = ?1 ORDER BY seq DESC LIMIT 1") {}

std::optional<Role> WriteStore::role_of(UserId user) {
  if (const auto found = roles_.find(user); found != roles_.end()) return found->second;
  select_user_role_.reset().bind(1, user);
  if (!select_user_role_.step()) return std::nullopt;
  const auto role = parse_role(select_user_role_.column_text(0));
  select_user_role_.reset();
  if (role) roles_.emplace(user, *role);
  return role;
}

WriteStore::Head* WriteStore::head_of(SessionId session) {
  if (const auto found = heads_.find(session); found != heads_.end()) return &found->second;
  Head head;
  select_session_.reset().bind(1, session);
  if (!select_session_.step()) return nullptr;
  head.tag = parse_tag(select_session_.column_text(0)).value_or(Tag::real);
  head.open = select_session_.column_text(1) == "open";
  select_session_.reset();
  head.last_hash = genesis_hash(session);
  select_last_event_.reset().bind(1, session);
  if (select_last_event_.step()) {
    head.last_seq = select_last_event_.column_int(0);
    const auto hash = select_last_event_.column_blob(1);
    if (hash.size() == head.last_hash.size()) std::copy(hash.begin(), hash.end(), head.last_hash.begin());
  }
  select_last_event_.reset();
  return &heads_.emplace(session, head).first->second;
}

std::optional<Tag> WriteStore::patient_tag(PatientId patient) {
  sqlite::Statement select(connection_, "SELECT tag FROM patients WHERE id = ?1");
  select.bind(1, patient);
  if (!select.step()) return std::nullopt;
  return parse_tag(select.column_text(0));
}

Result<EventRef> WriteStore::append(const EventDraft& draft) {
  if (draft.kind.empty()) return refuse(Errc::bad_request, "an event needs a kind");
  if (!draft.payload.is_object())
    return refuse(Errc::bad_request, "an event's payload must be a JSON object");
  const auto role = role_of(draft.user);
  if (!role) return refuse(Errc::unknown_user, "no user " + std::to_string(draft.user));
  Head* head = head_of(draft.session);
  if (head == nullptr) return refuse(Errc::unknown_session, "no session " + std::to_string(draft.session));
  if (!may_write(*role, head->tag)) return write_refused(draft.user, *role, head->tag);
  if (!head->open) {
    return refuse(Errc::session_sealed, "session " + std::to_string(draft.session) + " is sealed");
  }
  if (draft.corrects) {
    if (*draft.corrects < 1 || *draft.corrects > head->last_seq) {
      return refuse(Errc::bad_request,
                    "a correction must name an earlier event of session " + std::to_string(draft.session));
    }
    const auto reason = draft.payload.find("reason");
    if (reason == draft.payload.end() || !reason->is_string() || reason->get<std::string>().empty()) {
      return refuse(Errc::bad_request, "a correction must say why: payload needs a non-empty \"reason\"");
    }
  }

  const std::string payload = draft.payload.dump();
  const std::string utc = draft.utc.value_or(utc_now_iso8601());
  const std::int64_t mono_ns = draft.mono_ns.value_or(monotonic_now_ns());
  const std::string_view role_name = to_string(*role);
  const std::string_view tag_name = to_string(head->tag);
  EventFields fields{draft.session,  head->last_seq + 1, utc,        mono_ns,        draft.user,
                     role_name,      tag_name,           draft.kind, draft.corrects, payload,
                     head->last_hash};
  const Digest hash = hasher_.hash(fields);

  insert_event_.reset()
      .bind(1, fields.session)
      .bind(2, fields.seq)
      .bind(3, fields.utc)
      .bind(4, fields.mono_ns)
      .bind(5, fields.user)
      .bind(6, fields.role)
      .bind(7, fields.tag)
      .bind(8, fields.kind)
      .bind(9, fields.corrects)
      .bind(10, fields.payload)
      .bind(11, fields.prev_hash)
      .bind(12, hash);
  insert_event_.run();
  head->last_seq = fields.seq;
  head->last_hash = hash;
  return EventRef{draft.session, fields.seq, hash};
}

Result<SessionId> WriteStore::create_session(const SessionDraft& draft) {
  Result<SessionId> result = in_transaction<SessionId>(connection_, [&]() -> Result<SessionId> {
    const auto role = role_of(draft.user);
    if (!role) return refuse(Errc::unknown_user, "no user " + std::to_string(draft.user));
    if (!may_write(*role, draft.tag)) return write_refused(draft.user, *role, draft.tag);
    sqlite::Statement patient(connection_, "SELECT tag, pseudonym FROM patients WHERE id = ?1");
    patient.bind(1, draft.patient);
    if (!patient.step()) return refuse(Errc::unknown_patient, "no patient " + std::to_string(draft.patient));
    const std::string patient_tag(patient.column_text(0));
    const std::string pseudonym(patient.column_text(1));
    if (patient_tag != to_string(draft.tag)) {
      return refuse(Errc::tag_refused, "test or demo data never enters a real patient's record: patient " +
                                           pseudonym + " is " + patient_tag + ", the session would be " +
                                           std::string(to_string(draft.tag)));
    }
    nlohmann::json opened = {{"patient_id", draft.patient}, {"patient", pseudonym},
                             {"tag", to_string(draft.tag)}, {"user_id", draft.user},
                             {"plan_id", nullptr},          {"plan_sha256", nullptr}};
    if (draft.plan) {
      sqlite::Statement plan(connection_, "SELECT patient_id, plan FROM plans WHERE id = ?1");
      plan.bind(1, *draft.plan);
      if (!plan.step() || plan.column_int(0) != draft.patient) {
        return refuse(Errc::unknown_plan,
                      "no plan " + std::to_string(*draft.plan) + " for patient " + pseudonym);
      }
      const auto text = plan.column_text(1);
      opened["plan_id"] = *draft.plan;
      opened["plan_sha256"] =
          to_hex(sha256({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
    }
    const std::string utc = utc_now_iso8601();
    sqlite::Statement insert(connection_,
                             "INSERT INTO sessions(patient_id, user_id, plan_id, tag, opened_utc) "
                             "VALUES(?1, ?2, ?3, ?4, ?5)");
    insert.bind(1, draft.patient)
        .bind(2, draft.user)
        .bind(3, draft.plan)
        .bind(4, to_string(draft.tag))
        .bind(5, utc);
    insert.run();
    const SessionId session = connection_.last_insert_rowid();
    heads_.erase(session);
    EventDraft first{session,      draft.user, "session.opened", std::move(opened),
                     std::nullopt, utc,        std::nullopt};
    Result<EventRef> appended = append(first);
    if (!appended.ok()) return appended.error();
    return session;
  });
  // Rolled back: the cache may hold a head for a session id that was never committed.
  if (!result.ok()) heads_.clear();
  return result;
}

Result<SealInfo> WriteStore::seal_session(SessionId session, UserId user, const std::string& reason) {
  Result<SealInfo> result = in_transaction<SealInfo>(connection_, [&]() -> Result<SealInfo> {
    Result<EventRef> closed =
        append(EventDraft{session, user, "session.closed", {{"reason", reason}}, std::nullopt, {}, {}});
    if (!closed.ok()) return closed.error();

    std::vector<Digest> leaves;
    leaves.reserve(static_cast<std::size_t>(closed.value().seq));
    sqlite::Statement hashes(connection_, "SELECT hash FROM events WHERE session_id = ?1 ORDER BY seq");
    hashes.bind(1, session);
    while (hashes.step()) {
      const auto blob = hashes.column_blob(0);
      Digest& leaf = leaves.emplace_back();
      std::copy(blob.begin(), blob.end(), leaf.begin());
    }
    SealInfo seal;
    seal.session = session;
    seal.event_count = static_cast<std::int64_t>(leaves.size());
    seal.merkle_root = merkle_root(leaves);
    seal.sealed_utc = utc_now_iso8601();
    seal.public_key = key_.public_key();
    seal.signature = key_.sign(seal_message(session, seal.event_count, seal.merkle_root, seal.sealed_utc));
    const std::span<const std::uint8_t> leaf_bytes(leaves.front().data(), leaves.size() * sizeof(Digest));

    sqlite::Statement insert(
        connection_,
        "INSERT INTO seals(session_id, event_count, merkle_root, leaf_hashes, sealed_utc, "
        "public_key, signature) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    insert.bind(1, session)
        .bind(2, seal.event_count)
        .bind(3, seal.merkle_root)
        .bind(4, leaf_bytes)
        .bind(5, seal.sealed_utc)
        .bind(6, seal.public_key)
        .bind(7, seal.signature);
    insert.run();
    sqlite::Statement close(connection_,
                            "UPDATE sessions SET state = 'sealed', closed_utc = ?2 WHERE id = ?1");
    close.bind(1, session).bind(2, seal.sealed_utc);
    close.run();
    // Sealing means a signed checkpoint of the station's log covers the session's last event.
    sign_checkpoint();
    return seal;
  });
  if (!result.ok()) checkpointed_size_.reset();  // rolled back: reread it
  heads_.erase(session);                         // sealed now, or rolled back: reread either way
  return result;
}

Result<UserId> WriteStore::add_user(const NewUser& user, const std::string& password_hash,
                                    std::optional<UserId> by, const AccountNote& note) {
  return in_transaction<UserId>(connection_, [&]() -> Result<UserId> {
    if (user.name.empty()) return refuse(Errc::bad_request, "a user needs a name");
    const std::int64_t users = connection_.query_int("SELECT count(*) FROM users");
    if (users == 0) {
      if (user.role != Role::admin) return refuse(Errc::role_refused, "the first user must be an admin");
    } else {
      if (!by) return refuse(Errc::role_refused, "only an admin may add users");
      if (auto refused = admin_refused(*by)) return *refused;
    }
    sqlite::Statement insert(
        connection_,
        "INSERT INTO users(name, role, password_hash, created_utc, must_change_password) "
        "VALUES(?1, ?2, ?3, ?4, ?5)");
    insert.bind(1, user.name)
        .bind(2, to_string(user.role))
        .bind(3, password_hash)
        .bind(4, utc_now_iso8601())
        .bind(5, std::int64_t{note.must_change_password ? 1 : 0});
    try {
      insert.run();
    } catch (const sqlite::SqliteError& e) {
      if (is_constraint(e)) return refuse(Errc::duplicate, "user name " + user.name + " is taken");
      throw;
    }
    const UserId id = connection_.last_insert_rowid();
    log_station_event(by.value_or(id), to_string(Role::admin), "staff.added",
                      {{"user_id", id},
                       {"name", user.name},
                       {"role", to_string(user.role)},
                       {"reason", note.reason.empty() ? std::string("added") : note.reason}});
    return id;
  });
}

Result<PatientId> WriteStore::add_patient(const NewPatient& patient, UserId by) {
  return in_transaction<PatientId>(connection_, [&]() -> Result<PatientId> {
    if (patient.pseudonym.empty()) return refuse(Errc::bad_request, "a patient needs a pseudonym");
    const auto role = role_of(by);
    if (!role) return refuse(Errc::unknown_user, "no user " + std::to_string(by));
    if (!may_write(*role, patient.tag)) return write_refused(by, *role, patient.tag);
    sqlite::Statement insert(connection_,
                             "INSERT INTO patients(pseudonym, tag, created_utc) VALUES(?1, ?2, ?3)");
    insert.bind(1, patient.pseudonym).bind(2, to_string(patient.tag)).bind(3, utc_now_iso8601());
    try {
      insert.run();
    } catch (const sqlite::SqliteError& e) {
      if (is_constraint(e)) return refuse(Errc::duplicate, "pseudonym " + patient.pseudonym + " is taken");
      throw;
    }
    return connection_.last_insert_rowid();
  });
}

Result<PlanId> WriteStore::add_plan(PatientId patient, const std::string& plan_json, UserId by) {
  return in_transaction<PlanId>(connection_, [&]() -> Result<PlanId> {
    const auto role = role_of(by);
    if (!role) return refuse(Errc::unknown_user, "no user " + std::to_string(by));
    const auto tag = patient_tag(patient);
    if (!tag) return refuse(Errc::unknown_patient, "no patient " + std::to_string(patient));
    if (!may_write(*role, *tag)) return write_refused(by, *role, *tag);
    sqlite::Statement insert(connection_,
                             "INSERT INTO plans(patient_id, created_utc, plan) VALUES(?1, ?2, ?3)");
    insert.bind(1, patient).bind(2, utc_now_iso8601()).bind(3, plan_json);
    insert.run();
    return connection_.last_insert_rowid();
  });
}

void WriteStore::sign_checkpoint() {
  checkpointed_size_ = detail::sign_checkpoint(connection_, key_).tree_size;
  last_checkpoint_ = std::chrono::steady_clock::now();
}

void WriteStore::checkpoint_if_grown() {
  if (!checkpointed_size_) {
    const auto last = detail::LogStore(connection_).latest_checkpoint();
    checkpointed_size_ = last ? last->tree_size : 0;
  }
  if (detail::LogStore(connection_).size() == *checkpointed_size_) return;
  try {
    sqlite::Transaction transaction(connection_);
    sign_checkpoint();
    transaction.commit();
  } catch (const sqlite::SqliteError&) {
    checkpointed_size_.reset();
    throw;
  }
}

void WriteStore::checkpoint_if_due() {
  if (std::chrono::steady_clock::now() - last_checkpoint_ < checkpoint_interval_) return;
  checkpoint_if_grown();
}

DurabilitySettings WriteStore::durability() {
  return {connection_.query_text("PRAGMA journal_mode"),
          static_cast<int>(connection_.query_int("PRAGMA synchronous")),
          connection_.query_int("PRAGMA foreign_keys") != 0};
}

}  // namespace meso::journal
