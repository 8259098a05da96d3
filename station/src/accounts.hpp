// Opening a journal for a profile: its kind must be one the profile opens (a demo never opens a real
// station's journal, a station never a demo's), and a journal nobody has commissioned is commissioned here
// only by a profile that makes its own (the demo's, the headless runner's), with a first administrator whose
// password is random (nobody logs in as it: it exists because a journal's first user is an admin) and then
// the profile's accounts. A real station is commissioned by `mesostation init` (StationApp::commission).
#pragma once

#include <filesystem>

#include "meso/journal/writer.hpp"
#include "meso/station/app_config.hpp"

namespace meso::station {

// Returns the journal's kind. Throws std::runtime_error saying what is wrong and what to do.
Tag open_journal(journal::JournalWriter& writer, const AppConfig& config);

}  // namespace meso::station
