#include <iostream>
#include <string>

#include "audit_commands.hpp"
#include "meso/journal/event_reason.hpp"
#include "meso/journal/reader.hpp"
#include "meso/journal/result.hpp"

namespace meso::journal::audit {

namespace {

void run_show(const std::string& db, SessionId id) {
  const JournalReader reader(db);
  const auto session = reader.session(id);
  if (!session) throw JournalError(Errc::unknown_session, "no session " + std::to_string(id));
  VerifyOptions options;
  options.session = id;
  const VerifyReport report = reader.verify(options);
  std::cout << "Session " << session->id << "  patient " << session->patient_pseudonym << "  ("
            << to_string(session->tag) << ", " << to_string(session->state) << ")\n"
            << "Opened " << session->opened_utc << " by " << session->user_name << ", closed "
            << session->closed_utc.value_or("-") << ", " << session->event_count << " events\n"
            << "Integrity: " << (report.ok() ? "" : "FAILED: ") << describe(report) << "\n\n";
  for (const Event& event : reader.timeline(id)) {
    std::cout << event.seq << "  " << event.utc << "  " << event.user_name << " (" << event.role << ")  "
              << event.kind;
    if (event.corrects) std::cout << "  corrects seq " << *event.corrects;
    const std::string why = reason_of(event);
    if (!why.empty()) std::cout << "  why: " << why;
    std::cout << "\n      " << event.payload << '\n';
  }
}

}  // namespace

void add_show_command(CLI::App& app, const DbPath& db) {
  auto session = std::make_shared<SessionId>(0);
  CLI::App* command = app.add_subcommand("show", "Print a session's timeline: who did what, when and why");
  command->add_option("session", *session, "session id")->required();
  command->callback([db, session] { run_show(*db, *session); });
}

}  // namespace meso::journal::audit
