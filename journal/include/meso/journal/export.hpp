// One session out of the journal for people and other programs: JSON (everything, hashes in hex), CSV
// (RFC 4180, one row per event) and a self-contained HTML page (staff, timeline, doses, alarms, integrity).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "meso/journal/reader.hpp"

namespace meso::journal {

enum class ExportFormat : std::uint8_t { json, csv, html };
std::optional<ExportFormat> parse_export_format(std::string_view text);

// Throws JournalError (Errc::unknown_session) for an unknown session. The integrity status in each format
// is the result of verifying that session.
std::string export_session(const JournalReader& reader, SessionId session, ExportFormat format);
// A session's inclusion proofs as the JSON export's "log" and `mesoaudit prove` write them (docs/journal.md).
nlohmann::json inclusion_json(const SessionInclusion& proof);

}  // namespace meso::journal
