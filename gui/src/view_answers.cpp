#include "view_answers.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace meso::gui {

namespace {

cv::Mat rgba(const cv::Mat& bgr) {
  cv::Mat out;
  if (!bgr.empty()) cv::cvtColor(bgr, out, cv::COLOR_BGR2RGBA);
  return out;
}

}  // namespace

void show_profile(ConsoleView& v, const station::AppConfig& config, bool demo) {
  v.demo = demo;
  v.demo_login_hint = config.login_hint;
  v.defaults = config.forms;
  v.catalog = config.station.catalog;
  v.limits = config.station.limits;
  v.lock_after_s = config.lock_minutes * 60.0;
}

void show_login(ConsoleView& v, const station::StaffMember& member) {
  v.user = LoggedIn{member.id, member.name, member.role, member.must_change_password};
  v.password_error.clear();
  v.admin = {};
  v.tool = Tool::none;
  v.audit = {};
  v.qa = {};
  v.locked = false;
  v.login_error.clear();
}

void show_logout(ConsoleView& v, const station::Done&) {
  v.user.reset();
  v.locked = false;
  v.lookup.reset();
  v.tool = Tool::none;
  v.audit = {};  // the next user does not see what this one read
  v.qa = {};
  v.admin = {};
}

void show_locked(ConsoleView& v, const station::Done&) {
  v.locked = true;
}

void show_unlocked(ConsoleView& v, const station::Done&) {
  v.locked = false;
  v.unlock_error.clear();
}

void show_lookup(ConsoleView& v, const station::PatientLookup& found) {
  v.lookup = found;
  v.notice.clear();
}

void show_opened(ConsoleView& v, const station::OpenedSession&) {
  v.notice.clear();
  v.lookup.reset();
}

void show_recovered(ConsoleView& v, const station::OpenedSession&) {
  v.left_open.reset();
}

void show_preview(ConsoleView& v, const station::PlanPreview& preview) {
  v.preview = preview;
}

void show_signed(ConsoleView& v, const station::Done&) {
  v.sign_error.clear();
}

void show_export(ConsoleView& v, const station::Exported& e) {
  v.audit.export_ok = true;
  v.audit.export_result = "wrote session " + std::to_string(e.session) + " to " + e.path + " (" +
                          std::to_string(e.bytes) + " bytes)";
}

void show_qa(ConsoleView& v, const station::Done& done) {
  v.qa.last = done.message;
}

void show_capture(ConsoleView& v, const station::AssessmentCapture& c) {
  AssessmentView a;
  a.version = v.assessment.version + 1;
  a.message = c.message;
  a.photo_file = c.photo_file;
  a.photo_sha256 = c.photo_sha256;
  a.now_rgba = rgba(c.now_bgr);
  a.before_rgba = rgba(c.before_bgr);
  a.before_label = c.before_label;
  a.density_per_cm2 = c.density_per_cm2;
  a.density_method = c.density_method;
  // A density measured from a close-up file before this photo is not lost by it.
  if (a.density_per_cm2 <= 0 && v.assessment.density_per_cm2 > 0) {
    a.density_per_cm2 = v.assessment.density_per_cm2;
    a.density_method = v.assessment.density_method;
    a.density_file = v.assessment.density_file;
    a.density_sha256 = v.assessment.density_sha256;
    a.density_px_per_mm = v.assessment.density_px_per_mm;
  }
  a.closeup_message = v.assessment.closeup_message;
  a.closeup_ok = v.assessment.closeup_ok;
  v.assessment = std::move(a);
}

void show_closeup(ConsoleView& v, const station::CloseupDensity& m, const std::string& file,
                  double px_per_mm) {
  v.assessment.closeup_message = m.message;
  v.assessment.closeup_ok = m.ok;
  if (!m.ok) return;  // the photo and any earlier density stay as they were
  v.assessment.density_per_cm2 = m.hairs_per_cm2;
  v.assessment.density_method = m.method;
  v.assessment.density_file = file;
  v.assessment.density_sha256 = m.sha256;
  v.assessment.density_px_per_mm = px_per_mm;
  ++v.assessment.version;  // the count field takes the new measurement
}

void show_zones(ConsoleView& v, const station::ZoneSuggestion& suggestion) {
  v.zones = suggestion.zones;
  v.zones_message = suggestion.message;
  v.preview = {};
}

void show_post_care(ConsoleView& v, const station::PostCarePlan& plan) {
  v.appointments = plan.appointments;
  v.instructions = plan.instructions;
  if (!plan.note.empty()) v.notice = plan.note;
}

void show_sessions(ConsoleView& v, const std::vector<AuditSession>& sessions) {
  v.audit.listed = true;
  v.audit.sessions = sessions;
  v.audit.error.clear();
}

void show_reading(ConsoleView& v, const station::SessionReading& reading) {
  v.audit.shown = reading.session;
  v.audit.timeline = reading.timeline;
  show_integrity(v, reading.integrity);
  v.audit.export_result.clear();
}

void show_integrity(ConsoleView& v, const station::Integrity& integrity) {
  v.audit.error.clear();
  v.audit.verified = true;
  v.audit.intact = integrity.intact;
  v.audit.integrity = integrity.text;
}

std::string& login_error_of(ConsoleView& v, station::Refused) {
  return v.login_error;
}
std::string& unlock_error_of(ConsoleView& v, station::Refused) {
  return v.unlock_error;
}
std::string& sign_error_of(ConsoleView& v, station::Refused) {
  return v.sign_error;
}
std::string& audit_error_of(ConsoleView& v, station::Refused) {
  return v.audit.error;
}
std::string& export_result_of(ConsoleView& v, station::Refused) {
  v.audit.export_ok = false;
  return v.audit.export_result;
}
std::string& qa_of(ConsoleView& v, station::Refused why) {
  return why == station::Refused::state ? v.qa.last : v.notice;
}

void show_password_changed(ConsoleView& v, const station::Done& done) {
  if (v.user) v.user->must_change_password = false;
  v.password_error.clear();
  v.notice = done.message;
}

void show_staff(ConsoleView& v, const std::vector<station::StaffAccount>& staff) {
  v.admin.staff = staff;
}

void show_station_log(ConsoleView& v, const std::vector<station::StationLogEntry>& log) {
  v.admin.log = log;
}

void show_formulary(ConsoleView& v, const std::vector<station::FormularyEntry>& formulary) {
  v.admin.formulary = formulary;
  station::Catalog catalog;
  for (const auto& entry : formulary) {
    station::Product product;
    product.name = entry.name;
    product.ingredients = entry.ingredients;
    product.concentration = entry.concentration;
    product.vial_ml = entry.vial_ml;
    for (const auto& l : entry.lots) {
      station::Lot lot;
      lot.id = l.lot;
      lot.expiry = station::parse_date(l.expiry);
      lot.vials = l.vials;
      lot.retired = l.retired;
      lot.retired_reason = l.retired_reason;
      lot.remaining_nl = std::llround(l.remaining_ml * 1e6);
      product.lots.push_back(std::move(lot));
    }
    catalog.products.push_back(std::move(product));
  }
  v.catalog = std::move(catalog);
}

void show_admin_act(ConsoleView& v, const std::string& done, const std::string& refused) {
  v.admin.message = done;
  v.admin.error = refused;
}

std::string& password_error_of(ConsoleView& v, station::Refused) {
  return v.password_error;
}

std::string& admin_error_of(ConsoleView& v, station::Refused) {
  return v.admin.error;
}

}  // namespace meso::gui
