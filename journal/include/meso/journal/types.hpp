// The journal's vocabulary: ids, data tags, roles, and the rows callers write and read.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace meso::journal {

using SessionId = std::int64_t;
using UserId = std::int64_t;
using PatientId = std::int64_t;
using PlanId = std::int64_t;
using Seq = std::int64_t;  // per session, gapless from 1
using Digest = std::array<std::uint8_t, 32>;

// Every patient, session and event is tagged, and a session's tag must equal its patient's: simulated or
// demonstration data can never enter a real patient's record.
enum class Tag : std::uint8_t { real, test, demo };
// auditor: read-only. qa: writes test-tagged data only. clinician: treats. admin: also manages users.
enum class Role : std::uint8_t { clinician, qa, auditor, admin };
enum class SessionState : std::uint8_t { open, sealed };

std::string_view to_string(Tag tag);
std::string_view to_string(Role role);
std::string_view to_string(SessionState state);
std::optional<Tag> parse_tag(std::string_view text);
std::optional<Role> parse_role(std::string_view text);
std::optional<SessionState> parse_session_state(std::string_view text);

// Whether a user with `role` may write data tagged `tag` (create patients and sessions, append, seal).
bool may_write(Role role, Tag tag);

struct NewUser {
  std::string name;
  Role role = Role::clinician;
  std::string password;
};

// How an account is made, for the station log and its first login.
struct AccountNote {
  bool must_change_password = false;  // an account an admin makes for someone: they choose their own
  std::string reason;                 // why, for the station log
};

struct NewPatient {
  std::string pseudonym;  // never a name: the link to the person lives outside the station
  Tag tag = Tag::real;
};

struct SessionDraft {
  PatientId patient = 0;
  UserId user = 0;  // who opens it
  Tag tag = Tag::real;
  std::optional<PlanId> plan;
};

// One event to append. Its tag is the session's; its role is the user's. Times default to the moment
// append() is called, not the moment of the commit.
struct EventDraft {
  SessionId session = 0;
  UserId user = 0;
  std::string kind;  // dotted, e.g. "fire.intent", "shot.recorded", "alarm.link_lost"
  nlohmann::json payload = nlohmann::json::object();  // a JSON object; "reason" says why, when it matters
  std::optional<Seq> corrects;     // a correction names the earlier event it corrects and needs a "reason"
  std::optional<std::string> utc;  // ISO-8601 UTC with milliseconds, e.g. 2025-11-26T10:14:38.123Z
  std::optional<std::int64_t> mono_ns;
};

struct EventRef {
  SessionId session = 0;
  Seq seq = 0;
  Digest hash{};
};

struct SealInfo {
  SessionId session = 0;
  std::int64_t event_count = 0;
  Digest merkle_root{};
  std::string sealed_utc;
  std::array<std::uint8_t, 32> public_key{};
  std::array<std::uint8_t, 64> signature{};
};

struct Event {
  SessionId session = 0;
  Seq seq = 0;
  std::string utc;
  std::int64_t mono_ns = 0;
  UserId user = 0;
  std::string user_name;  // filled by the reader from the users table (not hashed)
  std::string role;
  std::string tag;
  std::string kind;
  std::optional<Seq> corrects;
  std::string payload;  // the JSON text exactly as stored and hashed
  Digest prev_hash{};
  Digest hash{};
};

struct SessionInfo {
  SessionId id = 0;
  PatientId patient = 0;
  std::string patient_pseudonym;
  UserId user = 0;
  std::string user_name;
  std::optional<PlanId> plan;
  Tag tag = Tag::real;
  SessionState state = SessionState::open;
  std::string opened_utc;
  std::optional<std::string> closed_utc;
  std::int64_t event_count = 0;
  Seq last_seq = 0;
};

struct UserInfo {
  UserId id = 0;
  std::string name;
  Role role = Role::clinician;
};

// A time as stored in the journal (ISO-8601 UTC with milliseconds), and the current one.
std::string utc_iso8601(std::chrono::system_clock::time_point at);
std::string utc_now_iso8601();
std::int64_t monotonic_now_ns();

}  // namespace meso::journal
