// What a restarted station reads from the journal before it recovers a session left open: where its
// driver resumes reading the device's shot records, the session's events to replay, and the fires whose
// outcome was never written. Used by `mesostation run` and the console alike.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "meso/journal/reader.hpp"
#include "meso/station/journal_port.hpp"

namespace meso::station {

// Every shot at or below the returned counter is accounted for in the journal. Without it the driver takes
// the counter the device reports on connecting, and a shot fired just before a crash, before any shot had
// been journaled, would count as old and never be journaled (the ASan crash test found this).
// The highest shot counter the journal accounts for, over every session: a shot.recorded, or a device's
// counter announced when it connected during a session (device.connected) or when a session started
// (session.started, "devices"). Nullopt when the journal names no counter at all. One device per station.
std::optional<std::uint32_t> accounted_shot_counter(const journal::JournalReader& reader);

// A session's events in seq order, as Station::recover replays them.
std::vector<JournalDraft> session_events(const journal::JournalReader& reader, journal::SessionId id);

// The fire intents among `events` with no outcome (no fire.resolved other than unknown, no fire.attested):
// the driver settles them from the device's records like any uncertain FIRE.
std::vector<std::uint32_t> unsettled_intents(const std::vector<JournalDraft>& events);

}  // namespace meso::station
