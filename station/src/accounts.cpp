#include "accounts.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "meso/journal/reader.hpp"

namespace meso::station {

namespace {

std::string kinds_text(const std::vector<Tag>& kinds) {
  std::string out;
  for (const Tag k : kinds)
    out += (out.empty() ? "" : " or ") + std::string(journal::to_string(k));
  return out;
}

[[noreturn]] void refuse_kind(const AppConfig& c, Tag kind) {
  const std::string db = c.db.string();
  if (kind == Tag::demo)
    throw std::runtime_error(db +
                             " is a demo journal: its accounts are demo accounts and it never treats a "
                             "real patient. Open it with --demo, or commission a station journal with "
                             "`mesostation init --db PATH`");
  if (std::find(c.journal_kinds.begin(), c.journal_kinds.end(), Tag::demo) != c.journal_kinds.end())
    throw std::runtime_error(
        db + " is a " + std::string(journal::to_string(kind)) +
        " station's journal: the demo never opens it (demo accounts and data stay out of "
        "it). Give the demo a journal of its own (--db demo.db)");
  throw std::runtime_error(db + " is a " + std::string(journal::to_string(kind)) + " station's journal; " +
                           c.profile + " opens only a " + kinds_text(c.journal_kinds) + " one");
}

std::string random_password() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd()) + std::to_string(rd()) + std::to_string(rd());
}

void add_accounts(journal::JournalWriter& writer, const journal::JournalReader& reader, const AppConfig& c) {
  const auto staff = reader.staff();
  const auto admin = std::find_if(staff.begin(), staff.end(), [](const journal::StaffAccount& a) {
    return a.role == Role::admin && !a.disabled;
  });
  for (const auto& a : c.accounts) {
    if (reader.authenticate(a.name, a.password)) continue;
    const bool taken = std::any_of(staff.begin(), staff.end(),
                                   [&a](const journal::StaffAccount& s) { return s.name == a.name; });
    if (taken || admin == staff.end())
      throw std::runtime_error(c.db.string() + " has a user '" + a.name +
                               "' with another password: use its accounts, or give a fresh journal (--db)");
    const journal::NewUser user{a.name, a.role, a.password};
    if (auto added = writer.add_user(user, admin->id, {false, c.profile + " profile account"}); !added)
      throw std::runtime_error("cannot add user '" + a.name + "': " + added.error().message);
  }
}

}  // namespace

Tag open_journal(journal::JournalWriter& writer, const AppConfig& c) {
  std::optional<Tag> kind;
  bool has_staff = false;
  {
    const journal::JournalReader reader(c.db);
    kind = reader.station_kind();
    has_staff = !reader.staff().empty();
  }
  if (!kind) {
    if (!c.fresh_journal_kind)
      throw std::runtime_error(
          c.db.string() + " is not a commissioned station journal" +
          (has_staff ? " (it was made before stations had kinds)" : "") +
          ": commission one with `mesostation init --db PATH` (README, \"Commissioning a "
          "station\"), or run the demo with --demo");
    kind = *c.fresh_journal_kind;
    if (!has_staff) {
      const journal::NewUser admin{"admin", Role::admin, random_password()};
      if (auto made = writer.commission(*kind, admin, "commissioned by the " + c.profile + " profile"); !made)
        throw std::runtime_error("cannot commission " + c.db.string() + ": " + made.error().message);
    } else if (auto set = writer.set_station_kind(*kind, std::nullopt); !set) {
      throw std::runtime_error("cannot give " + c.db.string() + " its kind: " + set.error().message);
    }
  }
  if (std::find(c.journal_kinds.begin(), c.journal_kinds.end(), *kind) == c.journal_kinds.end())
    refuse_kind(c, *kind);
  // A real station's staff are added by its administrator, never by a profile.
  if (*kind != Tag::real && !c.accounts.empty()) {
    const journal::JournalReader reader(c.db);
    add_accounts(writer, reader, c);
  }
  return *kind;
}

}  // namespace meso::station
