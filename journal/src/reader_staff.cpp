// The reader's view of the station itself: its kind, its staff and its log.
#include "logged_names.hpp"
#include "meso/journal/reader.hpp"
#include "reader_state.hpp"

namespace meso::journal {

namespace {

constexpr const char* kStaffColumns =
    "SELECT id, name, role, disabled, must_change_password, failed_logins, wait_until_utc, created_utc "
    "FROM users ";

StaffAccount account_from_row(const sqlite::Statement& row) {
  StaffAccount a;
  a.id = row.column_int(0);
  a.name = row.column_text(1);
  a.role = parse_role(row.column_text(2)).value_or(Role::auditor);
  a.disabled = row.column_int(3) != 0;
  a.must_change_password = row.column_int(4) != 0;
  a.failed_logins = static_cast<int>(row.column_int(5));
  if (!row.column_is_null(6)) a.wait_until_utc = std::string(row.column_text(6));
  a.created_utc = row.column_text(7);
  return a;
}

}  // namespace

std::optional<Tag> JournalReader::station_kind() const {
  sqlite::Statement query(state_->db.connection, "SELECT kind FROM station WHERE id = 1");
  if (!query.step()) return std::nullopt;
  return parse_tag(query.column_text(0));
}

std::vector<StaffAccount> JournalReader::staff() const {
  sqlite::Statement query(state_->db.connection, (std::string(kStaffColumns) + "ORDER BY id").c_str());
  std::vector<StaffAccount> out;
  while (query.step())
    out.push_back(account_from_row(query));
  return out;
}

std::optional<StaffAccount> JournalReader::staff_account(std::string_view name) const {
  sqlite::Statement query(state_->db.connection, (std::string(kStaffColumns) + "WHERE name = ?1").c_str());
  query.bind(1, name);
  if (!query.step()) return std::nullopt;
  return account_from_row(query);
}

std::vector<StationEvent> JournalReader::station_log() const {
  const std::string sql =
      std::string(detail::kLoggedNamesCte) +
      "SELECT e.seq, e.utc, e.mono_ns, e.user_id, CASE WHEN e.user_id = 0 THEN '' ELSE " +
      detail::kShownName +
      " END, e.role, e.kind, e.payload, e.prev_hash, e.hash FROM station_events e "
      "LEFT JOIN users u ON u.id = e.user_id LEFT JOIN logged_names n ON n.id = e.user_id "
      "ORDER BY e.seq";
  sqlite::Statement query(state_->db.connection, sql.c_str());
  std::vector<StationEvent> out;
  while (query.step()) {
    StationEvent e;
    e.seq = query.column_int(0);
    e.utc = query.column_text(1);
    e.mono_ns = query.column_int(2);
    e.user = query.column_int(3);
    e.user_name = query.column_text(4);
    e.role = query.column_text(5);
    e.kind = query.column_text(6);
    e.payload = query.column_text(7);
    const auto prev = query.column_blob(8);
    const auto hash = query.column_blob(9);
    if (prev.size() == e.prev_hash.size()) std::copy(prev.begin(), prev.end(), e.prev_hash.begin());
    if (hash.size() == e.hash.size()) std::copy(hash.begin(), hash.end(), e.hash.begin());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace meso::journal
