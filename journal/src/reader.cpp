#include "meso/journal/reader.hpp"

#include <algorithm>
#include <utility>

#include "logged_names.hpp"
#include "meso/journal/passwords.hpp"
#include "meso/journal/result.hpp"
#include "reader_state.hpp"

namespace meso::journal {

namespace {

using detail::kLoggedNamesCte;
using detail::kShownName;

std::string session_columns() {
  return std::string(kLoggedNamesCte) + "SELECT s.id, s.patient_id, p.pseudonym, s.user_id, " + kShownName +
         // The times shown are the signed ones: the opening event's and the seal's, not the row's copies.
         ", s.plan_id, s.tag, s.state, "
         "coalesce((SELECT e.utc FROM events e WHERE e.session_id = s.id AND e.seq = 1), s.opened_utc), "
         "(SELECT x.sealed_utc FROM seals x WHERE x.session_id = s.id), "
         "(SELECT count(*) FROM events e WHERE e.session_id = s.id), "
         "(SELECT coalesce(max(seq), 0) FROM events e WHERE e.session_id = s.id) "
         "FROM sessions s LEFT JOIN patients p ON p.id = s.patient_id LEFT JOIN users u ON u.id = s.user_id "
         "LEFT JOIN logged_names n ON n.id = s.user_id ";
}

std::string event_columns() {
  return std::string(kLoggedNamesCte) + "SELECT e.session_id, e.seq, e.utc, e.mono_ns, e.user_id, " +
         kShownName +
         ", e.role, e.tag, e.kind, e.corrects, e.payload, e.prev_hash, e.hash FROM events e "
         "LEFT JOIN users u ON u.id = e.user_id LEFT JOIN logged_names n ON n.id = e.user_id ";
}

SessionInfo session_from_row(const sqlite::Statement& row) {
  SessionInfo info;
  info.id = row.column_int(0);
  info.patient = row.column_int(1);
  info.patient_pseudonym = row.column_text(2);
  info.user = row.column_int(3);
  info.user_name = row.column_text(4);
  info.plan = row.column_optional_int(5);
  info.tag = parse_tag(row.column_text(6)).value_or(Tag::real);
  info.state = parse_session_state(row.column_text(7)).value_or(SessionState::open);
  info.opened_utc = row.column_text(8);
  if (!row.column_is_null(9)) info.closed_utc = std::string(row.column_text(9));
  info.event_count = row.column_int(10);
  info.last_seq = row.column_int(11);
  return info;
}

void copy_digest(std::span<const std::uint8_t> blob, Digest& out) {
  if (blob.size() == out.size()) std::copy(blob.begin(), blob.end(), out.begin());
}

Event event_from_row(const sqlite::Statement& row) {
  Event event;
  event.session = row.column_int(0);
  event.seq = row.column_int(1);
  event.utc = row.column_text(2);
  event.mono_ns = row.column_int(3);
  event.user = row.column_int(4);
  event.user_name = row.column_text(5);
  event.role = row.column_text(6);
  event.tag = row.column_text(7);
  event.kind = row.column_text(8);
  event.corrects = row.column_optional_int(9);
  event.payload = row.column_text(10);
  copy_digest(row.column_blob(11), event.prev_hash);
  copy_digest(row.column_blob(12), event.hash);
  return event;
}

void bind_optional(sqlite::Statement& statement, int index, const std::optional<std::string>& text) {
  if (text) {
    statement.bind(index, std::string_view(*text));
  } else {
    statement.bind_null(index);
  }
}

std::optional<std::string> optional_name(std::optional<std::string_view> name) {
  if (!name) return std::nullopt;
  return std::string(*name);
}

}  // namespace

JournalReader::JournalReader(const std::filesystem::path& database) {
  try {
    state_ = std::make_unique<State>(State{database, open_read_only(database)});
    require_current_schema(state_->db, database);
  } catch (const sqlite::SqliteError& e) {
    throw JournalError(Errc::storage_failure, database.string() + ": " + e.what());
  }
}

JournalReader::~JournalReader() = default;
JournalReader::JournalReader(JournalReader&&) noexcept = default;
JournalReader& JournalReader::operator=(JournalReader&&) noexcept = default;

bool JournalReader::opened_immutable() const {
  return state_->db.immutable;
}
bool JournalReader::wal_ignored() const {
  return state_->db.wal_ignored;
}

std::vector<SessionInfo> JournalReader::list_sessions(const SessionFilter& filter) const {
  const std::string sql =
      session_columns() +
      "WHERE (?1 IS NULL OR p.pseudonym = ?1) AND (?2 IS NULL OR coalesce(n.name, u.name) = ?2) "
      "AND (?3 IS NULL OR s.opened_utc >= ?3) "
      "AND (?4 IS NULL OR substr(s.opened_utc, 1, length(?4)) <= ?4) "
      "AND (?5 IS NULL OR s.tag = ?5) AND (?6 IS NULL OR s.state = ?6) ORDER BY s.id";
  sqlite::Statement query(state_->db.connection, sql.c_str());
  bind_optional(query, 1, filter.patient);
  bind_optional(query, 2, filter.user);
  bind_optional(query, 3, filter.from);
  bind_optional(query, 4, filter.to);
  bind_optional(query, 5, optional_name(filter.tag ? std::optional(to_string(*filter.tag)) : std::nullopt));
  bind_optional(query, 6,
                optional_name(filter.state ? std::optional(to_string(*filter.state)) : std::nullopt));
  std::vector<SessionInfo> sessions;
  while (query.step())
    sessions.push_back(session_from_row(query));
  return sessions;
}

std::optional<SessionInfo> JournalReader::session(SessionId id) const {
  const std::string sql = session_columns() + "WHERE s.id = ?1";
  sqlite::Statement query(state_->db.connection, sql.c_str());
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return session_from_row(query);
}

std::vector<Event> JournalReader::timeline(SessionId id) const {
  const std::string sql = event_columns() + "WHERE e.session_id = ?1 ORDER BY e.seq";
  sqlite::Statement query(state_->db.connection, sql.c_str());
  query.bind(1, id);
  std::vector<Event> events;
  while (query.step())
    events.push_back(event_from_row(query));
  return events;
}

std::vector<Event> JournalReader::events_of_kind(SessionId id, std::string_view kind) const {
  const std::string sql = event_columns() + "WHERE e.session_id = ?1 AND e.kind = ?2 ORDER BY e.seq";
  sqlite::Statement query(state_->db.connection, sql.c_str());
  query.bind(1, id).bind(2, kind);
  std::vector<Event> events;
  while (query.step())
    events.push_back(event_from_row(query));
  return events;
}

std::optional<SealInfo> JournalReader::seal(SessionId id) const {
  sqlite::Statement query(state_->db.connection,
                          "SELECT event_count, merkle_root, sealed_utc, public_key, signature FROM seals "
                          "WHERE session_id = ?1");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  SealInfo seal;
  seal.session = id;
  seal.event_count = query.column_int(0);
  copy_digest(query.column_blob(1), seal.merkle_root);
  seal.sealed_utc = query.column_text(2);
  const auto key = query.column_blob(3);
  if (key.size() == seal.public_key.size()) std::copy(key.begin(), key.end(), seal.public_key.begin());
  const auto signature = query.column_blob(4);
  if (signature.size() == seal.signature.size()) {
    std::copy(signature.begin(), signature.end(), seal.signature.begin());
  }
  return seal;
}

std::vector<SessionInfo> JournalReader::open_sessions() const {
  SessionFilter filter;
  filter.state = SessionState::open;
  return list_sessions(filter);
}

std::optional<UserInfo> JournalReader::user(UserId id) const {
  sqlite::Statement query(state_->db.connection, "SELECT name, role FROM users WHERE id = ?1");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return UserInfo{id, std::string(query.column_text(0)),
                  parse_role(query.column_text(1)).value_or(Role::auditor)};
}

std::optional<PatientId> JournalReader::patient_by_pseudonym(std::string_view pseudonym) const {
  sqlite::Statement query(state_->db.connection, "SELECT id FROM patients WHERE pseudonym = ?1");
  query.bind(1, pseudonym);
  if (!query.step()) return std::nullopt;
  return query.column_int(0);
}

std::optional<UserInfo> JournalReader::authenticate(std::string_view name, std::string_view password) const {
  sqlite::Statement query(state_->db.connection,
                          "SELECT id, role, password_hash, disabled FROM users WHERE name = ?1");
  query.bind(1, name);
  if (!query.step()) {
    // An unknown name costs one Argon2id check too, so that the time taken does not say which names exist.
    (void)verify_password(kUnknownUserHash, password);
    return std::nullopt;
  }
  if (!verify_password(query.column_text(2), password) || query.column_int(3) != 0) return std::nullopt;
  const auto role = parse_role(query.column_text(1));
  if (!role) return std::nullopt;
  return UserInfo{query.column_int(0), std::string(name), *role};
}

}  // namespace meso::journal
