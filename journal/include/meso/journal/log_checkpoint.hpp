// The station log's checkpoints (docs/journal.md, "The station's log"): a C2SP tlog-checkpoint body, the
// log's origin, its tree size and root, and one extension line with the time it was signed, "utc <ISO-8601>",
// signed as a C2SP signed note by the station key, under the origin as the key's name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"

namespace meso::journal {

// "mesostation.local/" and 32 lowercase hex digits: the 16 bytes of the key's fingerprint, so each station
// key names its own log.
std::string log_origin(const PublicKey& key);

struct LogCheckpoint {
  std::string origin;
  std::uint64_t tree_size = 0;
  Digest root{};
  std::string utc;
};

std::string sign_log_checkpoint(const LogCheckpoint& checkpoint, const StationKey& key);
// The checkpoint a signed note carries, when `key` signed it under log_origin(key) and its body is a
// MesoStation checkpoint for that origin; std::nullopt and *why otherwise.
std::optional<LogCheckpoint> open_log_checkpoint(std::string_view note, const PublicKey& key,
                                                 std::string* why);

}  // namespace meso::journal
