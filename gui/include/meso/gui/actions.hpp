// What a panel may ask for. Every call returns at once: the runtime forwards it to the station's application
// layer (meso/station/app.hpp); answers come back in the next snapshots or view.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meso/station/app_types.hpp"
#include "meso/station/screening.hpp"
#include "meso/station/station_snapshot.hpp"
#include "meso/vision/zones.hpp"

namespace meso::gui {

// What the planning form holds: the layer's plan choice.
using PlanForm = station::PlanChoice;

// The screens beside a session: the auditor's (read-only journal) and QA's (faults into the simulator).
// The admin's (staff and formulary).
enum class Tool : std::uint8_t { none, audit, qa, admin };

// The audit's filters, export formats and QA's faults: the layer's own values.
using AuditFilter = station::AuditFilter;
using ExportFormat = station::ExportFormat;
using QaFault = station::QaFault;

class Actions {
 public:
  Actions() = default;
  Actions(const Actions&) = delete;
  Actions& operator=(const Actions&) = delete;
  Actions(Actions&&) = delete;
  Actions& operator=(Actions&&) = delete;
  virtual ~Actions() = default;

  // Staff.
  virtual void login(const std::string& user, const std::string& password) = 0;
  virtual void logout() = 0;
  virtual void lock() = 0;
  virtual void unlock(const std::string& password) = 0;
  // One's own new password (required after a reset or for a new account); the answer lands in the view.
  virtual void change_password(const std::string& old_password, const std::string& new_password) = 0;
  // Patients and the session.
  virtual void find_patient(const std::string& pseudonym) = 0;
  // Adds the patient when new. A test-tagged session (QA's, or a clinician's on a simulator) never enters a
  // real patient's record; otherwise the station's kind decides (real, or test on a test station).
  virtual void open_session(const std::string& pseudonym, bool test_tagged) = 0;
  // The session left open (view.left_open): its chain verified, its events replayed, the device's records
  // reconciled; it comes back paused, never treating.
  virtual void recover_session() = 0;
  virtual void record_screening(const station::ScreeningAnswers& answers) = 0;
  virtual void record_assessment(const nlohmann::json& findings) = 0;
  // The scalp photo of this session, registered and saved, beside the patient's previous one; in demo mode
  // also a simulated close-up's hair density. Lands in the view's assessment.
  virtual void capture_assessment_photo() = 0;
  // The hair density from a close-up image file at the lens's calibrated scale (a station without a close-up
  // camera); lands in the view's assessment, or says there why not, leaving what was measured before.
  virtual void estimate_density_from_file(const std::string& path, double px_per_mm) = 0;
  // Planning.
  virtual void suggest_zones() = 0;
  virtual void set_zones(const std::vector<vision::Zone>& zones) = 0;  // as edited; the preview is dropped
  virtual void preview_plan(const PlanForm& form) = 0;
  virtual void accept_plan() = 0;  // the previewed plan: set and accepted
  virtual void start_treatment() = 0;
  // Treatment.
  virtual void arm() = 0;
  virtual void disarm() = 0;
  virtual void fire_next() = 0;
  virtual void pull_trigger() = 0;  // demo: the simulated handpiece's trigger
  virtual void set_demo_hand(bool on) = 0;
  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual void next_step() = 0;
  virtual void finish_treatment() = 0;
  virtual void acknowledge_alarm(std::uint32_t id) = 0;
  // A fire whose outcome is unknown, settled by the clinician who saw the handpiece (with why they know).
  virtual void attest(std::uint32_t command_id, bool delivered, const std::string& reason) = 0;
  virtual void estop(const std::string& source) = 0;
  // Sign-off.
  virtual void sign_and_close(const std::string& password) = 0;
  virtual void abort_session(const std::string& reason) = 0;
  virtual void dismiss_session() = 0;  // the final screen is read: back to the patients
  // The audit or QA screen (Tool::none: back to the patients); refused for a role that may not see it.
  virtual void open_tool(Tool tool) = 0;
  // Audit: read-only journal queries on the runtime's worker; the answers land in the view's audit.
  virtual void list_sessions(const AuditFilter& filter) = 0;
  virtual void show_session(std::int64_t id) = 0;  // its timeline and its verification
  virtual void verify_session(std::int64_t id) = 0;
  virtual void export_session(std::int64_t id, ExportFormat format, const std::string& path) = 0;
  // Administration (the admin's screen): answers land in the view's admin, the list is read again after
  // each act.
  virtual void list_staff() = 0;
  virtual void add_staff(const station::NewStaff& staff) = 0;
  virtual void disable_staff(const std::string& name, const std::string& reason) = 0;
  virtual void reset_password(const std::string& name, const std::string& password,
                              const std::string& reason) = 0;
  virtual void set_role(const std::string& name, station::Role role, const std::string& reason) = 0;
  // The formulary: read by anyone, changed by an admin, each change with its reason.
  virtual void import_formulary(const std::string& path, const std::string& reason) = 0;
  virtual void add_lot(const std::string& product, const station::NewLot& lot, const std::string& reason) = 0;
  virtual void retire_lot(const std::string& product, const std::string& lot, const std::string& reason) = 0;
  // QA, demo only: a fault into the simulated device, now.
  virtual void inject_fault(const QaFault& fault) = 0;
  // QA, demo only, no session open: the simulated device the station is connected to (the mesogun or the
  // pen); the other one is disconnected. Refused, with the reason in the view, otherwise.
  virtual void choose_simulated_device(hal::DeviceKind kind) = 0;
};

}  // namespace meso::gui
