#include <iostream>
#include <optional>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::journal::audit {

namespace {

struct VerifyCommandOptions {
  std::optional<SessionId> session;
  std::string public_key_file;
  bool json = false;
};

int run_verify(const std::string& db, const VerifyCommandOptions& options) {
  const JournalReader reader(db);
  if (reader.wal_ignored()) {
    std::cerr << "mesoaudit: warning: opened read-only and immutable; the committed transactions in " << db
              << "-wal are not seen (copy the database with its -wal file to a writable place)\n";
  }
  VerifyOptions verify_options;
  verify_options.session = options.session;
  if (!options.public_key_file.empty())
    verify_options.expected_key = read_public_key_file(options.public_key_file);
  const VerifyReport report = reader.verify(verify_options);
  if (options.json) {
    std::cout << to_json(report).dump(2) << '\n';
  } else {
    std::cout << (report.ok() ? "OK: " : "FAILED: ") << describe(report) << '\n';
  }
  return report.ok() ? 0 : kExitProblem;
}

}  // namespace

void add_verify_command(CLI::App& app, const DbPath& db) {
  auto options = std::make_shared<VerifyCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "verify", "Check hash chains, seq, seals and signatures; exit 1 naming the first bad event");
  command->add_option("--session", options->session, "only this session");
  command
      ->add_option("--public-key", options->public_key_file,
                   "file with the station's public key (64 hex digits): refuse seals by any other key")
      ->check(CLI::ExistingFile);
  command->add_flag("--json", options->json, "print the report as JSON");
  command->callback([db, options] {
    const int code = run_verify(*db, *options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::journal::audit
