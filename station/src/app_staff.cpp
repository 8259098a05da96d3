// StationApp's commissioning and administration use cases: a journal's kind, key and first administrator;
// the staff's accounts; one's own new password; the station log.
#include <fstream>

#include "app_impl.hpp"
#include "meso/journal/passwords.hpp"
#include "meso/journal/station_key.hpp"
#include "meso/station/app.hpp"

namespace meso::station {

namespace {

// An admin act, on the worker (the journal's own checks run on its writer): `act` returns the journal's
// result for the account named, found by name first.
template <class Act>
void administer(StationApp::Impl& s, Reply<Done> reply, const std::string& name, Act act) {
  s.post([&s, reply = std::move(reply), name, act = std::move(act)] {
    if (auto refused = s.may_administer()) return answer(reply, Result<Done>(*refused));
    s.worker->post([&s, reply, name, act, by = s.user->id] {
      std::optional<journal::StaffAccount> account;
      try {
        account = s.reader().staff_account(name);
      } catch (const std::exception& e) {
        return answer(reply, Result<Done>(refusal(Refused::failed, e.what())));
      }
      if (!account)
        return answer(reply, Result<Done>(refusal(Refused::input,
                                                  "no account is named '" + name + "' on this station")));
      const journal::Result<journal::Seq> done = act(*account, by);
      if (!done) return answer(reply, Result<Done>(refusal(Refused::input, done.error().message)));
      answer(reply, Result<Done>(Done{"station log entry " + std::to_string(done.value())}));
    });
  });
}

std::string reason_of(const std::string& payload) {
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return {};
  const auto it = j.find("reason");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<Commissioned> StationApp::commission(const Commission& request) {
  if (request.admin.empty())
    return refusal(Refused::input, "the first administrator needs a name (--admin NAME)");
  if (auto weak = journal::password_problem(request.admin, request.password); !weak.empty())
    return refusal(Refused::input, weak + ": nothing was written");
  if (request.kind == Tag::demo)
    return refusal(Refused::input, "a demo journal is made by `mesostation --demo`, not commissioned");
  std::error_code ec;
  if (std::filesystem::exists(request.db, ec) && std::filesystem::file_size(request.db, ec) > 0)
    return refusal(Refused::state,
                   request.db.string() +
                       " exists already: a station is commissioned on a new journal (give another "
                       "--db), and an existing one keeps its kind and its staff");
  const std::filesystem::path key =
      request.key.empty() ? std::filesystem::path(request.db.string() + ".key") : request.key;
  if (std::filesystem::exists(key, ec))
    return refusal(Refused::state,
                   key.string() +
                       " exists already: a new station gets a new signing key; move the old key "
                       "away (it signed another journal) or give another --key");
  const std::filesystem::path pub =
      request.public_key.empty() ? std::filesystem::path(request.db.string() + ".pub") : request.public_key;
  try {
    journal::JournalWriter writer({request.db, key, 256});
    const journal::NewUser admin{request.admin, Role::admin, request.password};
    if (auto made = writer.commission(request.kind, admin, "commissioned the station"); !made)
      return refusal(Refused::failed, made.error().message);
    journal::write_public_key_file(pub, writer.public_key());
    return Commissioned{key, pub, journal::key_fingerprint(writer.public_key())};
  } catch (const std::exception& e) {
    return refusal(Refused::failed, std::string("commissioning failed: ") + e.what());
  }
}

void StationApp::change_password(const std::string& old_password, const std::string& new_password,
                                 Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, old_password, new_password, reply = std::move(reply)] {
    if (auto r = s.unlocked()) return answer(reply, Result<Done>(*r));
    if (!s.user) return answer(reply, Result<Done>(refusal(Refused::not_logged_in, "nobody is logged in")));
    s.worker->post([&s, me = *s.user, old_password, new_password, reply] {
      if (auto weak = journal::password_problem(me.name, new_password); !weak.empty())
        return answer(reply, Result<Done>(refusal(Refused::input, weak)));
      if (new_password == old_password)
        return answer(reply,
                      Result<Done>(refusal(Refused::input, "the new password must differ from the old")));
      if (!s.password_ok(me.name, old_password))
        return answer(reply, Result<Done>(refusal(Refused::input, "the current password is wrong")));
      if (auto changed = s.writer.change_password(me.id, new_password); !changed)
        return answer(reply, Result<Done>(refusal(Refused::failed, changed.error().message)));
      s.post([&s, id = me.id, reply] {
        if (s.user && s.user->id == id) s.user->must_change_password = false;
        answer(reply, Result<Done>(Done{"password changed"}));
      });
    });
  });
}

void StationApp::list_staff(Reply<std::vector<StaffAccount>> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto refused = s.may_administer()) return answer(reply, Result<std::vector<StaffAccount>>(*refused));
    s.worker->post([&s, reply] {
      try {
        answer(reply, Result<std::vector<StaffAccount>>(s.reader().staff()));
      } catch (const std::exception& e) {
        answer(reply, Result<std::vector<StaffAccount>>(refusal(Refused::failed, e.what())));
      }
    });
  });
}

void StationApp::add_staff(const NewStaff& staff, Reply<Done> reply) {
  auto& s = *impl_;
  s.post([&s, staff, reply = std::move(reply)] {
    if (auto refused = s.may_administer()) return answer(reply, Result<Done>(*refused));
    s.worker->post([&s, staff, reply, by = s.user->id] {
      if (staff.name.empty())
        return answer(reply, Result<Done>(refusal(Refused::input, "the account needs a name")));
      if (staff.reason.empty())
        return answer(reply, Result<Done>(refusal(Refused::input, "say why the account is added")));
      if (auto weak = journal::password_problem(staff.name, staff.password); !weak.empty())
        return answer(reply, Result<Done>(refusal(Refused::input, weak)));
      const journal::NewUser user{staff.name, staff.role, staff.password};
      const auto added = s.writer.add_user(user, by, {true, staff.reason});
      if (!added) return answer(reply, Result<Done>(refusal(Refused::input, added.error().message)));
      answer(reply,
             Result<Done>(Done{"added " + staff.name + " (" + std::string(journal::to_string(staff.role)) +
                               "); they choose their own password at the first login"}));
    });
  });
}

void StationApp::disable_staff(const std::string& name, const std::string& reason, Reply<Done> reply) {
  administer(*impl_, std::move(reply), name,
             [&s = *impl_, reason](const StaffAccount& a, journal::UserId by) {
               return s.writer.disable_user(a.id, by, reason);
             });
}

void StationApp::reset_password(const std::string& name, const std::string& new_password,
                                const std::string& reason, Reply<Done> reply) {
  administer(*impl_, std::move(reply), name,
             [&s = *impl_, name, new_password, reason](const StaffAccount& a,
                                                       journal::UserId by) -> journal::Result<journal::Seq> {
               if (auto weak = journal::password_problem(name, new_password); !weak.empty())
                 return journal::Error{journal::Errc::bad_request, weak};
               return s.writer.reset_password(a.id, new_password, by, reason);
             });
}

void StationApp::set_role(const std::string& name, Role role, const std::string& reason, Reply<Done> reply) {
  administer(*impl_, std::move(reply), name,
             [&s = *impl_, role, reason](const StaffAccount& a, journal::UserId by) {
               return s.writer.set_role(a.id, role, by, reason);
             });
}

void StationApp::station_log(Reply<std::vector<StationLogEntry>> reply) {
  auto& s = *impl_;
  s.post([&s, reply = std::move(reply)] {
    if (auto refused = s.may_audit()) return answer(reply, Result<std::vector<StationLogEntry>>(*refused));
    s.worker->post([&s, reply] {
      try {
        std::vector<StationLogEntry> out;
        for (const auto& e : s.reader().station_log())
          out.push_back({e.seq, e.utc, e.user_name.empty() ? "-" : e.user_name, e.kind, reason_of(e.payload),
                         e.payload});
        answer(reply, Result<std::vector<StationLogEntry>>(std::move(out)));
      } catch (const std::exception& e) {
        answer(reply, Result<std::vector<StationLogEntry>>(refusal(Refused::failed, e.what())));
      }
    });
  });
}

}  // namespace meso::station
