// mesoaudit: the auditor's view of a station journal. It only ever opens the database read-only, so it
// works on a copy handed over on read-only media.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/result.hpp"

int main(int argc, char** argv) try {
  namespace audit = meso::journal::audit;
  CLI::App app{"mesoaudit: list, show, verify and export the sessions of a MesoStation journal (read-only)"};
  app.require_subcommand(1);
  app.footer(audit::kExitCodesHelp);
  auto db = std::make_shared<std::string>();
  app.add_option("--db", *db, "The journal database (SQLite file)")->required();
  audit::add_list_command(app, db);
  audit::add_show_command(app, db);
  audit::add_verify_command(app, db);
  audit::add_export_command(app, db);
  audit::add_checkpoint_command(app, db);
  audit::add_prove_command(app, db);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const meso::journal::JournalError& e) {
    std::cerr << "mesoaudit: " << e.what() << '\n';
    return e.code() == meso::journal::Errc::unknown_session ? audit::kExitNoSession : audit::kExitCannotRead;
  } catch (const std::exception& e) {
    std::cerr << "mesoaudit: " << e.what() << '\n';
    return audit::kExitCannotRead;
  }
  return 0;
} catch (...) {
  return 2;  // setting up the command line itself failed (out of memory): nothing sensible to print
}
