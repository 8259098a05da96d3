// The name each account was given in the station log, which is hashed and chained, unlike the users table:
// "staff.added" for every account an admin added, "station.commissioned" for the first administrator. What
// the journal shows as "who" is this name, so renaming a users row changes nothing shown, and verification
// reports the row (Problem::staff_mismatch). An account without such an entry (added before the station
// log existed, schema 3 and older) shows its row's name, marked as not in the log.
#pragma once

namespace meso::journal::detail {

// A common table expression, `logged_names(id, name)`, to put before a SELECT.
inline constexpr const char* kLoggedNamesCte =
    "WITH logged_names(id, name) AS MATERIALIZED ("
    "SELECT json_extract(payload, '$.user_id'), json_extract(payload, '$.name') FROM station_events "
    "WHERE kind = 'staff.added' "
    "UNION ALL SELECT user_id, json_extract(payload, '$.admin') FROM station_events "
    "WHERE kind = 'station.commissioned') ";

// The name to show for the users row `u` joined with `logged_names n` on its id.
inline constexpr const char* kShownName = "coalesce(n.name, u.name || ' (not in the station log)')";

}  // namespace meso::journal::detail
