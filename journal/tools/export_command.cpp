#include <fstream>
#include <iostream>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/export.hpp"
#include "meso/journal/result.hpp"

namespace meso::journal::audit {

namespace {

struct ExportOptions {
  SessionId session = 0;
  std::string format = "json";
  std::string out;
};

void run_export(const std::string& db, const ExportOptions& options) {
  const JournalReader reader(db);
  const std::string text = export_session(reader, options.session,
                                          parse_export_format(options.format).value_or(ExportFormat::json));
  if (options.out.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream file(options.out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw JournalError(Errc::storage_failure, "cannot write " + options.out);
}

}  // namespace

void add_export_command(CLI::App& app, const DbPath& db) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command =
      app.add_subcommand("export", "Export a session as JSON, CSV (RFC 4180) or an HTML page");
  command->add_option("session", options->session, "session id")->required();
  command->add_option("--format", options->format, "json, csv or html")
      ->check(CLI::IsMember({"json", "csv", "html"}))
      ->capture_default_str();
  command->add_option("--out", options->out, "write to this file instead of standard output");
  command->callback([db, options] { run_export(*db, *options); });
}

}  // namespace meso::journal::audit
