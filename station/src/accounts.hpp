// The one first-administrator bootstrap. A journal's first user must be an administrator, and nobody types
// one in yet (commissioning does, later): on a journal with no user at all, an administrator with a random
// password is made, then the configured accounts by it. A journal that has users but not these accounts is
// refused with what to do, never given them silently.
#pragma once

#include <filesystem>
#include <vector>

#include "meso/journal/writer.hpp"
#include "meso/station/app_config.hpp"

namespace meso::station {

// Throws std::runtime_error saying what is wrong and what to do.
void ensure_accounts(journal::JournalWriter& writer, const std::filesystem::path& db,
                     const std::vector<Account>& accounts);

}  // namespace meso::station
