// The station's staff and its own log: accounts are disabled, never deleted; a reset forces a new password
// at the next login; failed logins make an account wait; every act goes into the station log, an
// append-only chain of station events hashed exactly like a session's events (as session 0, tag "").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meso/journal/types.hpp"

namespace meso::journal {

// Passwords: at least this long (NIST SP 800-63B asks for 8; staff type them at a shared station).
inline constexpr std::size_t kMinPasswordLength = 10;
// Empty when `password` may be `name`'s; otherwise what is wrong, as a sentence.
std::string password_problem(std::string_view name, std::string_view password);

// Failed logins: the first kFreeFailedLogins cost nothing; from then on each one makes the account wait
// 30 s, doubling with each further failure, at most 15 minutes.
inline constexpr int kFreeFailedLogins = 5;
std::chrono::seconds login_wait_after(int failed_logins);

struct StaffAccount {
  UserId id = 0;
  std::string name;
  Role role = Role::clinician;
  bool disabled = false;
  bool must_change_password = false;
  int failed_logins = 0;
  std::optional<std::string> wait_until_utc;  // no login before this time
  std::string created_utc;
};

// One entry of the station log.
struct StationEvent {
  Seq seq = 0;
  std::string utc;
  std::int64_t mono_ns = 0;
  UserId user = 0;  // 0: nobody identified (a login under an unknown name)
  std::string user_name;
  std::string role;
  std::string kind;     // "station.commissioned", "staff.added", "login.failed", "formulary.lot_added", ...
  std::string payload;  // JSON text as stored and hashed
  Digest prev_hash{};
  Digest hash{};
};

// A login's outcome as recorded.
struct LoginRecord {
  bool succeeded = false;
  std::optional<UserInfo> user;  // when succeeded
  bool must_change_password = false;
  int failed_logins = 0;
  std::chrono::seconds wait{0};  // how long the account now waits before the next try
  std::string message;           // for the person at the station
};

}  // namespace meso::journal
