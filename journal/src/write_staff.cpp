// The station's own acts, each in one transaction with its entry in the station log: commissioning, the
// staff's accounts and their logins, and the admin's acts on the formulary.
#include <chrono>

#include "transaction.hpp"
#include "write_store.hpp"

namespace meso::journal {

namespace {

struct Account {
  UserId id = 0;
  Role role = Role::clinician;
  bool disabled = false;
  int failed_logins = 0;
  std::string wait_until_utc;  // empty: no wait
};

std::optional<Account> account_by(sqlite::Connection& connection, const char* where, auto key) {
  sqlite::Statement select(
      connection,
      (std::string(
           "SELECT id, role, disabled, failed_logins, coalesce(wait_until_utc, '') FROM users WHERE ") +
       where)
          .c_str());
  select.bind(1, key);
  if (!select.step()) return std::nullopt;
  return Account{select.column_int(0), parse_role(select.column_text(1)).value_or(Role::auditor),
                 select.column_int(2) != 0, static_cast<int>(select.column_int(3)),
                 std::string(select.column_text(4))};
}

std::string name_of(sqlite::Connection& connection, UserId user) {
  sqlite::Statement select(connection, "SELECT name FROM users WHERE id = ?1");
  select.bind(1, user);
  return select.step() ? std::string(select.column_text(0)) : std::to_string(user);
}

// Refused when `account` is the station's last enabled admin, whom a disable or another role would remove.
std::optional<Error> last_admin(sqlite::Connection& connection, const Account& account) {
  if (account.role != Role::admin || account.disabled ||
      connection.query_int("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0") > 1)
    return std::nullopt;
  return detail::refuse(
      Errc::role_refused,
      "the station would have no administrator left: give another account the admin role first");
}

void insert_station(sqlite::Connection& connection, Tag kind, const std::string& utc) {
  sqlite::Statement station(connection, "INSERT INTO station(id, kind, commissioned_utc) VALUES(1, ?1, ?2)");
  station.bind(1, to_string(kind)).bind(2, utc);
  station.run();
}

Error needs_reason() {
  return detail::refuse(Errc::bad_request, "say why: an act on the staff or the formulary needs a reason");
}

}  // namespace

std::optional<Tag> WriteStore::station_kind() {
  sqlite::Statement select(connection_, "SELECT kind FROM station WHERE id = 1");
  if (!select.step()) return std::nullopt;
  return parse_tag(select.column_text(0));
}

Seq WriteStore::log_station_event(UserId user, std::string_view role, std::string_view kind,
                                  const nlohmann::json& payload) {
  sqlite::Statement last(connection_, "SELECT seq, hash FROM station_events ORDER BY seq DESC LIMIT 1");
  Seq seq = 1;
  Digest prev = genesis_hash(0);
  if (last.step()) {
    seq = last.column_int(0) + 1;
    const auto blob = last.column_blob(1);
    if (blob.size() == prev.size()) std::copy(blob.begin(), blob.end(), prev.begin());
  }
  const std::string text = payload.dump();
  const std::string utc = utc_now_iso8601();
  const EventFields fields{0, seq, utc, monotonic_now_ns(), user, role, "", kind, std::nullopt, text, prev};
  const Digest hash = hasher_.hash(fields);
  sqlite::Statement insert(connection_,
                           "INSERT INTO station_events(seq, utc, mono_ns, user_id, role, kind, payload, "
                           "prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  insert.bind(1, seq)
      .bind(2, fields.utc)
      .bind(3, fields.mono_ns)
      .bind(4, user)
      .bind(5, role)
      .bind(6, kind)
      .bind(7, text)
      .bind(8, prev)
      .bind(9, hash);
  insert.run();
  return seq;
}

std::optional<Error> WriteStore::admin_refused(UserId by) {
  const auto admin = account_by(connection_, "id = ?1", by);
  if (!admin) return detail::refuse(Errc::unknown_user, "no user " + std::to_string(by));
  if (admin->role != Role::admin || admin->disabled)
    return detail::refuse(Errc::role_refused, "only an enabled admin manages the staff and the formulary");
  return std::nullopt;
}

Result<UserId> WriteStore::commission(Tag kind, const NewUser& admin, const std::string& password_hash,
                                      const std::string& reason) {
  return detail::in_transaction<UserId>(connection_, [&]() -> Result<UserId> {
    if (const auto existing = station_kind())
      return detail::refuse(Errc::duplicate, "this journal is already commissioned, as a " +
                                                 std::string(to_string(*existing)) + " station");
    if (connection_.query_int("SELECT count(*) FROM users") != 0)
      return detail::refuse(Errc::duplicate,
                            "this journal already has staff from before commissioning: commission a new "
                            "journal (another --db)");
    if (admin.role != Role::admin)
      return detail::refuse(Errc::role_refused, "the first user must be an admin");
    if (admin.name.empty()) return detail::refuse(Errc::bad_request, "the first administrator needs a name");
    const std::string utc = utc_now_iso8601();
    insert_station(connection_, kind, utc);
    sqlite::Statement insert(
        connection_, "INSERT INTO users(name, role, password_hash, created_utc) VALUES(?1, ?2, ?3, ?4)");
    insert.bind(1, admin.name).bind(2, to_string(Role::admin)).bind(3, password_hash).bind(4, utc);
    insert.run();
    const UserId id = connection_.last_insert_rowid();
    log_station_event(id, to_string(Role::admin), "station.commissioned",
                      {{"kind", to_string(kind)},
                       {"admin", admin.name},
                       {"public_key", to_hex(key_.public_key())},
                       {"reason", reason}});
    return id;
  });
}

Result<Seq> WriteStore::set_station_kind(Tag kind, std::optional<UserId> by) {
  return detail::in_transaction<Seq>(connection_, [&]() -> Result<Seq> {
    if (const auto existing = station_kind()) {
      if (*existing == kind) return Seq{0};
      return detail::refuse(Errc::tag_refused, "this journal is a " + std::string(to_string(*existing)) +
                                                   " station's; its kind never changes");
    }
    if (by) {
      if (auto refused = admin_refused(*by)) return *refused;
    }
    // The sessions it holds already must fit the kind, as every later one will (the schema's trigger).
    const char* misfits = kind == Tag::real   ? "SELECT count(*) FROM sessions WHERE tag = 'demo'"
                          : kind == Tag::test ? "SELECT count(*) FROM sessions WHERE tag <> 'test'"
                                              : "SELECT count(*) FROM sessions WHERE tag = 'real'";
    if (const auto n = connection_.query_int(misfits); n != 0)
      return detail::refuse(Errc::tag_refused, "this journal holds " + std::to_string(n) + " session(s) a " +
                                                   std::string(to_string(kind)) + " station may not hold");
    insert_station(connection_, kind, utc_now_iso8601());
    return log_station_event(by.value_or(0), by ? to_string(Role::admin) : "", "station.kind_set",
                             {{"kind", to_string(kind)},
                              {"reason", "first opened as a " + std::string(to_string(kind)) + " station"}});
  });
}

Result<Seq> WriteStore::disable_user(UserId target, UserId by, const std::string& reason) {
  return detail::in_transaction<Seq>(connection_, [&]() -> Result<Seq> {
    if (reason.empty()) return needs_reason();
    if (auto refused = admin_refused(by)) return *refused;
    const auto account = account_by(connection_, "id = ?1", target);
    if (!account) return detail::refuse(Errc::unknown_user, "no user " + std::to_string(target));
    if (account->disabled)
      return detail::refuse(Errc::bad_request, name_of(connection_, target) + " is disabled already");
    if (auto refused = last_admin(connection_, *account)) return *refused;
    sqlite::Statement update(connection_, "UPDATE users SET disabled = 1 WHERE id = ?1");
    update.bind(1, target);
    update.run();
    roles_.erase(target);
    return log_station_event(
        by, to_string(Role::admin), "staff.disabled",
        {{"user_id", target}, {"name", name_of(connection_, target)}, {"reason", reason}});
  });
}

Result<Seq> WriteStore::set_password(UserId target, const std::string& password_hash, UserId by,
                                     const std::string& reason) {
  return detail::in_transaction<Seq>(connection_, [&]() -> Result<Seq> {
    const bool own = target == by;  // one's own new password (after a reset, or by choice)
    if (!own) {
      if (reason.empty()) return needs_reason();
      if (auto refused = admin_refused(by)) return *refused;
    }
    const auto account = account_by(connection_, "id = ?1", target);
    if (!account) return detail::refuse(Errc::unknown_user, "no user " + std::to_string(target));
    if (account->disabled)
      return detail::refuse(Errc::role_refused, name_of(connection_, target) + "'s account is disabled");
    sqlite::Statement update(
        connection_,
        "UPDATE users SET password_hash = ?2, must_change_password = ?3, failed_logins = 0, "
        "wait_until_utc = NULL WHERE id = ?1");
    update.bind(1, target).bind(2, password_hash).bind(3, std::int64_t{own ? 0 : 1});
    update.run();
    const auto role = own ? to_string(account->role) : to_string(Role::admin);
    return log_station_event(by, role, own ? "staff.password_changed" : "staff.password_reset",
                             {{"user_id", target},
                              {"name", name_of(connection_, target)},
                              {"reason", own ? "chosen by the user" : reason}});
  });
}

Result<Seq> WriteStore::set_role(UserId target, Role role, UserId by, const std::string& reason) {
  return detail::in_transaction<Seq>(connection_, [&]() -> Result<Seq> {
    if (reason.empty()) return needs_reason();
    if (auto refused = admin_refused(by)) return *refused;
    const auto account = account_by(connection_, "id = ?1", target);
    if (!account) return detail::refuse(Errc::unknown_user, "no user " + std::to_string(target));
    if (account->role == role)
      return detail::refuse(Errc::bad_request, name_of(connection_, target) + " has that role already");
    if (auto refused = last_admin(connection_, *account)) return *refused;
    sqlite::Statement update(connection_, "UPDATE users SET role = ?2 WHERE id = ?1");
    update.bind(1, target).bind(2, to_string(role));
    update.run();
    roles_.erase(target);
    return log_station_event(by, to_string(Role::admin), "staff.role_changed",
                             {{"user_id", target},
                              {"name", name_of(connection_, target)},
                              {"from", to_string(account->role)},
                              {"to", to_string(role)},
                              {"reason", reason}});
  });
}

Result<LoginRecord> WriteStore::record_login(const std::string& name, bool password_matched) {
  return detail::in_transaction<LoginRecord>(connection_, [&]() -> Result<LoginRecord> {
    LoginRecord record;
    const auto account = account_by(connection_, "name = ?1", std::string_view(name));
    if (!account) {
      record.message = "wrong user name or password";
      log_station_event(0, "", "login.failed", {{"name", name}, {"reason", "no such user name"}});
      return record;
    }
    if (account->disabled) {
      record.message = "the account " + name + " is disabled: ask an administrator";
      log_station_event(account->id, to_string(account->role), "login.failed",
                        {{"name", name}, {"reason", "the account is disabled"}});
      return record;
    }
    const auto role = to_string(account->role);
    if (const std::string now = utc_now_iso8601();
        !account->wait_until_utc.empty() && now < account->wait_until_utc) {
      record.failed_logins = account->failed_logins;
      record.message = "after " + std::to_string(account->failed_logins) + " failed logins the account " +
                       name + " waits until " + account->wait_until_utc + " (UTC) before the next try";
      log_station_event(account->id, role, "login.failed",
                        {{"name", name}, {"reason", "tried while waiting after failed logins"}});
      return record;
    }
    if (password_matched) {
      sqlite::Statement update(connection_,
                               "UPDATE users SET failed_logins = 0, wait_until_utc = NULL WHERE id = ?1");
      update.bind(1, account->id);
      update.run();
      sqlite::Statement must(connection_, "SELECT must_change_password FROM users WHERE id = ?1");
      must.bind(1, account->id);
      record.must_change_password = must.step() && must.column_int(0) != 0;
      record.succeeded = true;
      record.user = UserInfo{account->id, name, account->role};
      log_station_event(account->id, role, "login",
                        {{"name", name}, {"must_change_password", record.must_change_password}});
      return record;
    }
    record.failed_logins = account->failed_logins + 1;
    record.wait = login_wait_after(record.failed_logins);
    sqlite::Statement update(connection_,
                             "UPDATE users SET failed_logins = ?2, wait_until_utc = ?3 WHERE id = ?1");
    update.bind(1, account->id).bind(2, std::int64_t{record.failed_logins});
    if (record.wait.count() > 0)
      update.bind(3, utc_iso8601(std::chrono::system_clock::now() + record.wait));
    else
      update.bind_null(3);
    update.run();
    record.message = "wrong user name or password";
    if (record.wait.count() > 0)
      record.message += "; after " + std::to_string(record.failed_logins) +
                        " failed logins the account waits " + std::to_string(record.wait.count()) +
                        " s before the next try";
    log_station_event(account->id, role, "login.failed",
                      {{"name", name},
                       {"reason", "wrong password"},
                       {"failed_logins", record.failed_logins},
                       {"wait_s", record.wait.count()}});
    return record;
  });
}

Result<Seq> WriteStore::admin_act(UserId by, const std::string& kind, nlohmann::json payload,
                                  const AdminWrite& write) {
  return detail::in_transaction<Seq>(connection_, [&]() -> Result<Seq> {
    const auto reason = payload.find("reason");
    if (reason == payload.end() || !reason->is_string() || reason->get<std::string>().empty())
      return needs_reason();
    if (auto refused = admin_refused(by)) return *refused;
    if (auto failed = write(connection_, payload)) return *failed;
    // An act that changed nothing (an import of what the formulary holds already) is no entry.
    if (payload.value("unchanged", false)) return Seq{0};
    return log_station_event(by, to_string(Role::admin), kind, payload);
  });
}

}  // namespace meso::journal
