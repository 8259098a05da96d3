#include <iostream>
#include <optional>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/result.hpp"
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
  if (options.session && !reader.session(*options.session))
    throw JournalError(Errc::unknown_session, "no session " + std::to_string(*options.session));
  VerifyOptions verify_options;
  verify_options.session = options.session;
  if (!options.public_key_file.empty())
    verify_options.expected_key = read_public_key_file(options.public_key_file);
  const VerifyReport report = reader.verify(verify_options);
  if (options.json) {
    std::cout << to_json(report).dump(2) << '\n';
  } else if (!report.ok()) {
    std::cout << "FAILED: " << describe(report) << '\n';
  } else {
    // "OK" only when the signer is known: an intact journal re-signed with a new key is intact too.
    std::cout << (report.signer_established() ? "OK: " : "") << describe(report) << '\n'
              << describe_signer(report) << '\n';
  }
  if (!report.ok()) return kExitProblem;
  return report.signer_established() ? 0 : kExitSignerNotEstablished;
}

}  // namespace

void add_verify_command(CLI::App& app, const DbPath& db) {
  auto options = std::make_shared<VerifyCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "verify",
      "Check hash chains, seq, seals and signatures; exit 1 naming the first bad event, 3 when intact but "
      "the signer is not established (no --public-key, or nothing sealed), 0 only with the station's key");
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
