#include "init_command.hpp"

#include <iostream>

#include "meso/journal/staff.hpp"
#include "meso/station/app.hpp"
#include "secret_input.hpp"

namespace meso::station {

namespace {

struct InitOptions {
  std::string db;
  std::string key;
  std::string public_key;
  std::string kind = "real";
  std::string admin;
};

int run_init(const InitOptions& o) {
  Commission request;
  request.db = o.db;
  request.key = o.key;
  request.public_key = o.public_key;
  request.kind = *journal::parse_tag(o.kind);  // checked by CLI11
  request.admin = o.admin;
  try {
    request.password = read_new_secret("password for " + o.admin + " (at least " +
                                       std::to_string(journal::kMinPasswordLength) + " characters)");
  } catch (const std::exception& e) {
    std::cerr << "mesostation init: " << e.what() << '\n';
    return 2;
  }
  const auto made = StationApp::commission(request);
  if (!made.ok()) {
    std::cerr << "mesostation init: " << made.refusal().message << '\n';
    return 2;
  }
  const auto& c = made.value();
  std::cout << "commissioned a " << o.kind << " station\n"
            << "  journal:             " << o.db << '\n'
            << "  signing key:         " << c.key.string() << " (stays on this station, mode 0600)\n"
            << "  public key:          " << c.public_key.string() << " (for the auditors)\n"
            << "  fingerprint:         " << c.fingerprint << '\n'
            << "  first administrator: " << o.admin << '\n'
            << "next: add the staff (mesostation staff add), import the formulary (mesostation formulary "
               "import), and give the auditors the public key with its fingerprint\n";
  return 0;
}

}  // namespace

void add_init_command(CLI::App& app) {
  auto o = std::make_shared<InitOptions>();
  CLI::App* init = app.add_subcommand(
      "init", "Commission a station: a new journal with its kind, signing key and first administrator");
  init->add_option("--db", o->db, "the new journal (must not exist yet)")->required();
  init->add_option("--key", o->key, "the signing key to create (default: DB.key)");
  init->add_option("--public-key-out", o->public_key,
                   "where the auditors' public key goes (default: DB.pub)");
  init->add_option("--kind", o->kind, "real: treats patients (test sessions allowed for QA); test: QA only")
      ->capture_default_str()
      ->check(CLI::IsMember({"real", "test"}));
  init->add_option("--admin", o->admin, "the first administrator's user name")->required();
  init->footer("The password is typed twice without echo; a script gives it as one line on standard input.");
  init->callback([o] {
    if (const int code = run_init(*o); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
