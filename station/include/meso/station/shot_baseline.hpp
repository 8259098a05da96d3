// Where a restarted station's driver resumes reading a device's shot records: every shot at or below the
// returned counter is accounted for in the journal. Without it the driver takes the counter the device
// reports on connecting, and a shot fired just before a crash, before any shot had been journaled, would
// count as old and never be journaled (the ASan crash test found this).
#pragma once

#include <cstdint>
#include <optional>

#include "meso/journal/reader.hpp"

namespace meso::station {

// The highest shot counter the journal accounts for, over every session: a shot.recorded, or a device's
// counter announced when it connected during a session (device.connected) or when a session started
// (session.started, "devices"). Nullopt when the journal names no counter at all. One device per station.
std::optional<std::uint32_t> accounted_shot_counter(const journal::JournalReader& reader);

}  // namespace meso::station
