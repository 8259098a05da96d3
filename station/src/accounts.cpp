#include "accounts.hpp"

#include <random>
#include <stdexcept>

#include "meso/journal/reader.hpp"

namespace meso::station {

void ensure_accounts(journal::JournalWriter& writer, const std::filesystem::path& db,
                     const std::vector<Account>& accounts) {
  const Account* missing = nullptr;
  {
    const journal::JournalReader reader(db);
    for (const auto& a : accounts)
      if (!reader.authenticate(a.name, a.password)) {
        missing = &a;
        break;
      }
  }
  if (missing == nullptr) return;
  std::random_device rd;
  const auto admin = writer.add_user(
      {"admin", journal::Role::admin, std::to_string(rd()) + std::to_string(rd()) + std::to_string(rd())},
      std::nullopt);
  if (!admin)
    throw std::runtime_error(db.string() + " already has users, and user '" + missing->name +
                             "' is not one of them or has another password: use its accounts, or give a "
                             "fresh journal (--db)");
  for (const auto& a : accounts)
    if (auto added = writer.add_user({a.name, a.role, a.password}, admin.value()); !added)
      throw std::runtime_error("cannot add user '" + a.name + "': " + added.error().message);
}

}  // namespace meso::station
