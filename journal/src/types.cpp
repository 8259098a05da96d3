#include "meso/journal/types.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

#include "meso/journal/result.hpp"

namespace meso::journal {

namespace {

// One name table per enum, used both ways.
constexpr std::array<std::pair<Tag, std::string_view>, 3> kTags{
    {{Tag::real, "real"}, {Tag::test, "test"}, {Tag::demo, "demo"}}};
constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{
    {{Role::clinician, "clinician"}, {Role::qa, "qa"}, {Role::auditor, "auditor"}, {Role::admin, "admin"}}};
constexpr std::array<std::pair<SessionState, std::string_view>, 2> kStates{
    {{SessionState::open, "open"}, {SessionState::sealed, "sealed"}}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::pair<E, std::string_view>, N>& table,
                            std::string_view text) {
  for (const auto& [entry, name] : table) {
    if (name == text) return entry;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Tag tag) {
  return name_of(kTags, tag);
}
std::string_view to_string(Role role) {
  return name_of(kRoles, role);
}
std::string_view to_string(SessionState state) {
  return name_of(kStates, state);
}
std::optional<Tag> parse_tag(std::string_view text) {
  return parse_name(kTags, text);
}
std::optional<Role> parse_role(std::string_view text) {
  return parse_name(kRoles, text);
}
std::optional<SessionState> parse_session_state(std::string_view text) {
  return parse_name(kStates, text);
}

bool may_write(Role role, Tag tag) {
  switch (role) {
    case Role::auditor:
      return false;
    case Role::qa:
      return tag == Tag::test;
    case Role::clinician:
    case Role::admin:
      return true;
  }
  return false;
}

const char* to_string(Errc code) {
  switch (code) {
    case Errc::role_refused:
      return "role_refused";
    case Errc::tag_refused:
      return "tag_refused";
    case Errc::unknown_user:
      return "unknown_user";
    case Errc::unknown_patient:
      return "unknown_patient";
    case Errc::unknown_session:
      return "unknown_session";
    case Errc::unknown_plan:
      return "unknown_plan";
    case Errc::session_sealed:
      return "session_sealed";
    case Errc::bad_request:
      return "bad_request";
    case Errc::bad_password:
      return "bad_password";
    case Errc::duplicate:
      return "duplicate";
    case Errc::storage_failure:
      return "storage_failure";
    case Errc::schema_too_new:
      return "schema_too_new";
    case Errc::wal_unread:
      return "wal_unread";
    case Errc::key_file:
      return "key_file";
    case Errc::writer_stopped:
      return "writer_stopped";
    case Errc::log_altered:
      return "log_altered";
  }
  return "?";
}

std::string utc_now_iso8601() {
  return utc_iso8601(std::chrono::system_clock::now());
}

std::string utc_iso8601(std::chrono::system_clock::time_point at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  const auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  std::array<char, 32> text{};
  const int length = std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                                   parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                                   parts.tm_min, parts.tm_sec, static_cast<int>(ms % 1000));
  return {text.data(), static_cast<std::size_t>(length)};
}

std::int64_t monotonic_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace meso::journal
