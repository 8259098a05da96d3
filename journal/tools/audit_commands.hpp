// mesoaudit's subcommands. Each registers itself on the app from its own file and reads the journal named
// by the shared --db option, which CLI11 fills in before any subcommand's callback runs.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace meso::journal::audit {

// Exit codes, the same for every subcommand.
inline constexpr int kExitProblem = 1;     // verification found a problem
inline constexpr int kExitCannotRead = 2;  // the database cannot be opened or read
inline constexpr int kExitNoSession = 3;   // the session asked for does not exist

using DbPath = std::shared_ptr<std::string>;

void add_list_command(CLI::App& app, const DbPath& db);
void add_show_command(CLI::App& app, const DbPath& db);
void add_verify_command(CLI::App& app, const DbPath& db);
void add_export_command(CLI::App& app, const DbPath& db);

}  // namespace meso::journal::audit
