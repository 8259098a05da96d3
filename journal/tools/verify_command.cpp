#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/log_checkpoint.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/result.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::journal::audit {

namespace {

struct VerifyCommandOptions {
  std::optional<SessionId> session;
  std::string public_key_file;
  std::string since_file;
  bool json = false;
};

// The checkpoint the auditor kept: a signed note that must open with the station's key (the one given, or
// else the key of the journal's own latest checkpoint, whose trust the signer report then settles).
KeptCheckpoint read_kept_checkpoint(const std::string& file, const std::optional<PublicKey>& given,
                                    const JournalReader& reader) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream note;
  note << in.rdbuf();
  if (!in.good() && !in.eof()) throw JournalError(Errc::storage_failure, file + ": cannot be read");
  std::optional<PublicKey> key = given;
  if (!key) {
    if (const auto latest = reader.latest_checkpoint()) key = latest->public_key;
  }
  if (!key) {
    throw JournalError(Errc::key_file,
                       file +
                           ": the journal holds no checkpoint and no --public-key was given, so "
                           "the kept checkpoint's signature cannot be checked");
  }
  std::string why;
  const auto opened = open_log_checkpoint(note.str(), *key, &why);
  if (!opened) throw JournalError(Errc::key_file, file + ": " + why);
  return KeptCheckpoint{opened->tree_size, opened->root};
}

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
  if (!options.since_file.empty())
    verify_options.since = read_kept_checkpoint(options.since_file, verify_options.expected_key, reader);
  const VerifyReport report = reader.verify(verify_options);
  if (options.json) {
    nlohmann::json out = to_json(report);
    if (options.session) out["log"] = nullptr;  // one session's verification does not check the whole log
    std::cout << out.dump(2) << '\n';
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
  command
      ->add_option(
          "--since", options->since_file,
          "a checkpoint kept earlier (`mesoaudit checkpoint`): prove, by a consistency proof, that the "
          "log extends it; exit 1 when it does not (rolled back, rewritten, or two histories signed)")
      ->check(CLI::ExistingFile);
  command->add_flag("--json", options->json, "print the report as JSON");
  command->callback([db, options] {
    const int code = run_verify(*db, *options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::journal::audit
