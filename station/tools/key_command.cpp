#include "key_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "meso/journal/result.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::station {

namespace {

struct KeyExportOptions {
  std::string out;
  std::string db = "mesostation.db";
  std::string key;  // empty: DB.key, as the console and `run` use it
  bool force = false;
};

constexpr int kExitRefused = 2;

[[noreturn]] void refuse(const std::string& why) {
  std::cerr << "mesostation key export: " << why << '\n';
  throw CLI::RuntimeError(kExitRefused);
}

// Whether `out` already holds `key`; refuses a file that holds something else unless forced.
bool already_written(const std::filesystem::path& out, const journal::PublicKey& key, bool force) {
  std::error_code error;
  if (!std::filesystem::exists(out, error)) return false;
  std::string holds = "is not a public key file";
  try {
    const journal::PublicKey existing = journal::read_public_key_file(out);
    if (existing == key) return true;
    holds = "holds another key (" + journal::key_fingerprint(existing) + ")";
  } catch (const journal::JournalError&) {
    // described by `holds`
  }
  if (!force) {
    refuse(out.string() + " exists and " + holds +
           "; nothing was written (give --force to replace it, or choose another --out)");
  }
  return false;
}

void run_key_export(const KeyExportOptions& o) {
  const std::filesystem::path key_path =
      o.key.empty() ? std::filesystem::path(o.db + ".key") : std::filesystem::path(o.key);
  std::error_code error;
  // Exporting must never make a new station identity: a new key would sign nothing the journal holds.
  if (!std::filesystem::exists(key_path, error)) {
    refuse("no station key at " + key_path.string() +
           "; nothing was written. The key is made when the station first opens its journal: give the "
           "journal with --db (its key is DB.key) or the key file with --key");
  }
  journal::PublicKey public_key{};
  try {
    public_key = journal::StationKey::load(key_path).public_key();
  } catch (const journal::JournalError& e) {
    refuse(std::string(e.what()) + "; nothing was written");
  }
  const std::filesystem::path out = o.out;
  if (already_written(out, public_key, o.force)) {
    std::cout << out.string() << " already holds this station's public key\n";
  } else {
    try {
      journal::write_public_key_file(out, public_key);
    } catch (const journal::JournalError& e) {
      refuse(e.what());
    }
    std::cout << "wrote the station's public key to " << out.string() << '\n';
  }
  std::cout << "fingerprint: " << journal::key_fingerprint(public_key) << '\n';
}

}  // namespace

void add_key_command(CLI::App& app) {
  auto* key = app.add_subcommand("key", "The station's signing key: export its public half for auditors");
  key->require_subcommand(1);
  auto options = std::make_shared<KeyExportOptions>();
  auto* out = key->add_subcommand(
      "export",
      "Write the station's public key (64 hex digits, for `mesoaudit verify --public-key`) and print its "
      "fingerprint; never creates a key. Exit 2 when the key is missing or unreadable, or --out holds "
      "another key");
  out->add_option("--out", options->out, "Where the public key goes, e.g. station.pub")->required();
  out->add_option("--db", options->db, "The station's journal (its key is DB.key)")->capture_default_str();
  out->add_option("--key", options->key, "The station's signing key file (default: DB.key)");
  out->add_flag("--force", options->force, "Replace an --out file that holds another key");
  out->callback([options] { run_key_export(*options); });
}

}  // namespace meso::station
