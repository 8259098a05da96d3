// What each of the application layer's answers changes in the console's view: one function per kind of
// answer, run on the render thread when the runtime's view queue is drained. Pure view bookkeeping: the
// layer has already decided.
#pragma once

#include <string>
#include <vector>

#include "meso/gui/console_view.hpp"
#include "meso/station/app_config.hpp"
#include "meso/station/app_types.hpp"

namespace meso::gui {

// The profile's catalog, limits, hints, form defaults and lock time, as the console starts.
void show_profile(ConsoleView& v, const station::AppConfig& config, bool demo);
void show_login(ConsoleView& v, const station::StaffMember& member);
void show_logout(ConsoleView& v, const station::Done& done);
void show_locked(ConsoleView& v, const station::Done& done);
void show_unlocked(ConsoleView& v, const station::Done& done);
void show_lookup(ConsoleView& v, const station::PatientLookup& found);
void show_opened(ConsoleView& v, const station::OpenedSession& opened);
void show_recovered(ConsoleView& v, const station::OpenedSession& recovered);
void show_preview(ConsoleView& v, const station::PlanPreview& preview);
void show_signed(ConsoleView& v, const station::Done& done);
void show_export(ConsoleView& v, const station::Exported& exported);
void show_qa(ConsoleView& v, const station::Done& done);
void show_capture(ConsoleView& v, const station::AssessmentCapture& capture);
void show_closeup(ConsoleView& v, const station::CloseupDensity& measured, const std::string& file,
                  double px_per_mm);
void show_zones(ConsoleView& v, const station::ZoneSuggestion& suggestion);
void show_post_care(ConsoleView& v, const station::PostCarePlan& plan);
void show_sessions(ConsoleView& v, const std::vector<AuditSession>& sessions);
void show_reading(ConsoleView& v, const station::SessionReading& reading);
void show_integrity(ConsoleView& v, const station::Integrity& integrity);
void show_password_changed(ConsoleView& v, const station::Done& done);
void show_staff(ConsoleView& v, const std::vector<station::StaffAccount>& staff);
void show_station_log(ConsoleView& v, const std::vector<station::StationLogEntry>& log);
// The formulary as the journal holds it now; the planning form's catalog follows it, so a lot added or
// retired here is offered (or not) at the next plan.
void show_formulary(ConsoleView& v, const std::vector<station::FormularyEntry>& formulary);
// An admin act's answer: what it did, or why it was refused (one of the two is empty).
void show_admin_act(ConsoleView& v, const std::string& done, const std::string& refused);

// Where a refusal's sentence goes: the notice, or the screen that asked.
std::string& login_error_of(ConsoleView& v, station::Refused why);
std::string& unlock_error_of(ConsoleView& v, station::Refused why);
std::string& sign_error_of(ConsoleView& v, station::Refused why);
std::string& audit_error_of(ConsoleView& v, station::Refused why);
std::string& export_result_of(ConsoleView& v, station::Refused why);
std::string& password_error_of(ConsoleView& v, station::Refused why);
std::string& admin_error_of(ConsoleView& v, station::Refused why);
// QA's: the gate's (role, lock) in the notice, the device's (not now, not this device) on its screen.
std::string& qa_of(ConsoleView& v, station::Refused why);

}  // namespace meso::gui
