// mesoaudit's subcommands. Each registers itself on the app from its own file and reads the journal named
// by the shared --db option, which CLI11 fills in before any subcommand's callback runs.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace meso::journal::audit {

// Exit codes, the same for every subcommand (docs/journal.md, and `mesoaudit --help` prints them).
inline constexpr int kExitProblem = 1;               // verification found a problem
inline constexpr int kExitCannotRead = 2;            // the database cannot be opened or read
inline constexpr int kExitSignerNotEstablished = 3;  // intact, but who signed is not known (no key, no seal)
inline constexpr int kExitNoSession = 4;             // the session (or checkpoint) asked for does not exist
inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 fine (verify: intact and every seal signed by the --public-key given); 1 verification "
    "found a problem (the first bad event, or a seal signed by another key, is named); 2 the database or "
    "a key file cannot be read; 3 verify: intact, but the signer is not established (no --public-key, or "
    "no sealed session): compare the printed fingerprint with the station's; 4 no such session (or no "
    "checkpoint yet).";

using DbPath = std::shared_ptr<std::string>;

void add_list_command(CLI::App& app, const DbPath& db);
void add_show_command(CLI::App& app, const DbPath& db);
void add_verify_command(CLI::App& app, const DbPath& db);
void add_export_command(CLI::App& app, const DbPath& db);
void add_checkpoint_command(CLI::App& app, const DbPath& db);
void add_prove_command(CLI::App& app, const DbPath& db);

}  // namespace meso::journal::audit
