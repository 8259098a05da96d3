#include <algorithm>
#include <array>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit_commands.hpp"
#include "meso/journal/reader.hpp"

namespace meso::journal::audit {

namespace {

struct ListOptions {
  std::string patient;
  std::string user;
  std::string from;
  std::string to;
  std::string tag;
  std::string state;
  bool json = false;
};

std::optional<std::string> given(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

nlohmann::json to_json(const SessionInfo& s) {
  return {{"id", s.id},
          {"patient", s.patient_pseudonym},
          {"opened_by", s.user_name},
          {"tag", to_string(s.tag)},
          {"state", to_string(s.state)},
          {"opened_utc", s.opened_utc},
          {"closed_utc", s.closed_utc ? nlohmann::json(*s.closed_utc) : nlohmann::json()},
          {"events", s.event_count}};
}

void print_table(const std::vector<SessionInfo>& sessions) {
  if (sessions.empty()) {
    std::cout << "No sessions match.\n";
    return;
  }
  using Row = std::array<std::string, 8>;
  std::vector<Row> rows = {
      {"ID", "STATE", "TAG", "PATIENT", "OPENED BY", "OPENED (UTC)", "CLOSED (UTC)", "EVENTS"}};
  for (const SessionInfo& s : sessions) {
    rows.push_back({std::to_string(s.id), std::string(to_string(s.state)), std::string(to_string(s.tag)),
                    s.patient_pseudonym, s.user_name, s.opened_utc, s.closed_utc.value_or("-"),
                    std::to_string(s.event_count)});
  }
  std::array<std::size_t, 8> widths{};
  for (const Row& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      line += row[column];
      if (column + 1 < row.size()) line += std::string(widths[column] - row[column].size() + 2, ' ');
    }
    std::cout << line << '\n';
  }
}

void run_list(const std::string& db, const ListOptions& options) {
  SessionFilter filter;
  filter.patient = given(options.patient);
  filter.user = given(options.user);
  filter.from = given(options.from);
  filter.to = given(options.to);
  if (!options.tag.empty()) filter.tag = parse_tag(options.tag);
  if (!options.state.empty()) filter.state = parse_session_state(options.state);
  const JournalReader reader(db);
  const std::vector<SessionInfo> sessions = reader.list_sessions(filter);
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const SessionInfo& s : sessions)
      out.push_back(to_json(s));
    std::cout << out.dump(2) << '\n';
  } else {
    print_table(sessions);
  }
}

}  // namespace

void add_list_command(CLI::App& app, const DbPath& db) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* command =
      app.add_subcommand("list", "List sessions, filtered by patient, user, date, tag or state");
  command->add_option("--patient", options->patient, "patient pseudonym");
  command->add_option("--user", options->user, "name of the user who opened the session");
  command->add_option("--from", options->from, "opened at or after (ISO-8601 UTC, e.g. 2025-11-01)");
  command->add_option("--to", options->to, "opened at or before (a date includes the whole day)");
  command->add_option("--tag", options->tag, "real, test or demo")
      ->check(CLI::IsMember({"real", "test", "demo"}));
  command->add_option("--state", options->state, "open or sealed")->check(CLI::IsMember({"open", "sealed"}));
  command->add_flag("--json", options->json, "print a JSON array instead of a table");
  command->callback([db, options] { run_list(*db, *options); });
}

}  // namespace meso::journal::audit
