// mesoaudit checkpoint and prove: the station's log for auditors who keep checkpoints and check proofs
// without the database (docs/journal.md, "The station's log").
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/export.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/result.hpp"

namespace meso::journal::audit {

namespace {

int run_checkpoint(const std::string& db) {
  const JournalReader reader(db);
  const auto checkpoint = reader.latest_checkpoint();
  if (!checkpoint) {
    std::cerr << "mesoaudit: " << db << " holds no checkpoint yet: one is signed when a session is sealed\n";
    return kExitNoSession;
  }
  std::cout << checkpoint->note;
  return 0;
}

nlohmann::json proof_json(SessionId session, const SessionInclusion& proof) {
  nlohmann::json out = inclusion_json(proof);
  out["session"] = session;
  return out;
}

int run_prove(const std::string& db, SessionId session, const std::string& out) {
  const JournalReader reader(db);
  const auto proof = reader.prove_session(session);
  if (!proof) {
    std::cerr << "mesoaudit: " << db << " holds no checkpoint yet: nothing can be proven\n";
    return kExitNoSession;
  }
  const std::string text = proof_json(session, *proof).dump(2) + "\n";
  if (out.empty() || out == "-") {
    std::cout << text;
  } else {
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) throw JournalError(Errc::storage_failure, out + ": cannot be written");
    std::cerr << "mesoaudit: " << proof->events.size() << " events of session " << session
              << " proven against checkpoint " << proof->checkpoint.id << " (" << proof->checkpoint.tree_size
              << " entries), written to " << out << '\n';
  }
  if (proof->unproven > 0) {
    std::cerr << "mesoaudit: " << proof->unproven
              << " later events of the session are not covered by a checkpoint yet\n";
  }
  return 0;
}

}  // namespace

void add_checkpoint_command(CLI::App& app, const DbPath& db) {
  CLI::App* command = app.add_subcommand(
      "checkpoint",
      "Print the station log's latest signed checkpoint (a C2SP signed note): keep it, and later "
      "prove with `verify --since FILE` that the log still extends it");
  command->callback([db] {
    const int code = run_checkpoint(*db);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

void add_prove_command(CLI::App& app, const DbPath& db) {
  auto session = std::make_shared<SessionId>(0);
  auto out = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "prove",
      "Write the RFC 6962 inclusion proof of each event of SESSION against the latest checkpoint (JSON)");
  command->add_option("session", *session, "the session")->required();
  command->add_option("--out", *out, "the file to write (standard output when absent or -)");
  command->callback([db, session, out] {
    const int code = run_prove(*db, *session, *out);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::journal::audit
