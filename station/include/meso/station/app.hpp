// The application layer: every use case of a station, one call each, for every client (the console, the
// headless runner, the command line, and the clients to come). It owns the station thread's io_context, the
// Station, the journal's writer and a worker for its reads, the devices and the camera's hand-off, all built
// from an AppConfig (meso/station/app_config.hpp; the demo is one such profile).
//
// Threads: a call may come from any thread and returns at once. It is posted onto the station thread, which
// owns all state (the Station's, and who is logged in, the lock, the zones and the previewed plan); journal
// reads and password checks go on to the worker. Its Reply is called once, on one of those two threads.
//
// Gates, here and not in a client: a use case that changes the station needs someone logged in whose role
// may command it, and the console unlocked. While locked, only unlock, E-STOP, disarm and pause are taken.
// E-STOP is never refused, whoever asks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meso/station/app_config.hpp"
#include "meso/station/app_types.hpp"
#include "meso/station/camera_feed.hpp"
#include "meso/station/screening.hpp"
#include "meso/station/station_snapshot.hpp"

namespace meso::station {

class StationApp {
 public:
  // Opens (or creates) the journal, gives a fresh one its configured accounts, finds a session left open and
  // builds the devices and camera; nothing runs until start(). Throws std::runtime_error saying what to do.
  explicit StationApp(AppConfig config);
  StationApp(const StationApp&) = delete;
  StationApp& operator=(const StationApp&) = delete;
  StationApp(StationApp&&) = delete;
  StationApp& operator=(StationApp&&) = delete;
  // Disarms, lets the devices go, stops the camera and the threads.
  ~StationApp();

  // Before start(): told of every snapshot (station thread), and woken when a camera frame waits. They are
  // called until the layer is destroyed: what they touch must outlive it.
  void on_snapshot(std::function<void(const StationSnapshot&)> observer);
  void on_frame(std::function<void()> wake);
  void start();

  const AppConfig& config() const;
  // The session the journal held open at start-up, until it is recovered.
  std::optional<LeftOpenSession> left_open_at_start() const;
  // The camera's newest frame if newer than `after` (any thread); frames flow only while wanted.
  std::optional<CameraFrame> take_frame(std::uint64_t after);
  void set_camera_wanted(bool wanted);
  std::string camera_source() const;  // what the frames come from; empty: no camera
  bool demo_hand() const;             // the synthetic hand is pulling the trigger at the planned points
  // The station's signing key as auditors compare it (journal::key_fingerprint); any thread.
  std::string key_fingerprint() const;

  // Staff.
  void login(const std::string& name, const std::string& password, Reply<StaffMember> reply);
  void logout(Reply<Done> reply);  // refused while locked (nobody logs in past the lock) or mid-session
  void lock(Reply<Done> reply);
  void unlock(const std::string& password, Reply<Done> reply);

  // A new password for the one logged in (required after a reset or for a new account).
  void change_password(const std::string& old_password, const std::string& new_password, Reply<Done> reply);

  // Commissioning (no layer running): a real, test or demo station journal with its signing key (0600,
  // beside the database, never in it), its first administrator and the auditors' copy of the public key.
  // Refused, with nothing written, for a journal that exists already or a password too weak.
  static Result<Commissioned> commission(const Commission& request);

  // Administration, by an admin. Accounts are disabled, never deleted; every act is in the station log
  // with who, when and why.
  void list_staff(Reply<std::vector<StaffAccount>> reply);
  void add_staff(const NewStaff& staff, Reply<Done> reply);
  void disable_staff(const std::string& name, const std::string& reason, Reply<Done> reply);
  void reset_password(const std::string& name, const std::string& new_password, const std::string& reason,
                      Reply<Done> reply);
  void set_role(const std::string& name, Role role, const std::string& reason, Reply<Done> reply);
  void station_log(Reply<std::vector<StationLogEntry>> reply);  // admins and auditors

  // Formulary and stock (docs/formulary.md). Anyone logged in reads it; an admin changes it, each change one
  // journal transaction with its station-log entry (who, when, why), and the station's catalog follows at
  // once: plans and arming refuse an expired, retired or used-up lot. config().station.catalog is the
  // formulary as the layer started; list_formulary is the formulary now.
  void list_formulary(Reply<std::vector<FormularyEntry>> reply);
  // A formulary file (JSON with comments): every product and lot the formulary lacks is added, those it has
  // must match; all or nothing. A bad field is refused naming its JSON path and line, and nothing changes.
  void import_formulary(const std::filesystem::path& file, const std::string& reason, Reply<Done> reply);
  void add_product(const NewProduct& product, const std::string& reason, Reply<Done> reply);
  void add_lot(const std::string& product, const NewLot& lot, const std::string& reason, Reply<Done> reply);
  // A lot never used again (a recall, damage): the reason shows in every refusal that names it.
  void retire_lot(const std::string& product, const std::string& lot, const std::string& reason,
                  Reply<Done> reply);

  // Patients and the session.
  void find_patient(const std::string& pseudonym, Reply<PatientLookup> reply);
  // Adds the patient when new; the session is tagged as the configuration says, or `tag` (QA's test runs).
  void open_session(const std::string& pseudonym, Reply<OpenedSession> reply,
                    std::optional<Tag> tag = std::nullopt);
  // The session left open: its chain verified, its events replayed, the device's records reconciled; it
  // comes back paused, never treating. The devices connect only once it is recovered, so that the shots they
  // report on connecting are journaled in it.
  void recover_session(Reply<OpenedSession> reply);
  void record_screening(const ScreeningAnswers& answers, Reply<Done> reply);
  void record_assessment(const nlohmann::json& findings, Reply<Done> reply);
  // The scalp photo of this session, registered and saved beside the patient's previous one; with a
  // simulated close-up, its hair density too.
  void capture_assessment_photo(Reply<AssessmentCapture> reply);
  void estimate_density_from_file(const std::string& path, double px_per_mm, Reply<CloseupDensity> reply);

  // Planning.
  void suggest_zones(Reply<ZoneSuggestion> reply);
  void set_zones(const std::vector<vision::Zone>& zones, Reply<Done> reply);  // as edited: drops the preview
  void preview_plan(const PlanChoice& choice, Reply<PlanPreview> reply);
  void accept_plan(Reply<Done> reply);                             // the previewed plan
  void accept_plan(const TreatmentPlan& plan, Reply<Done> reply);  // a plan made elsewhere (a scenario)
  void start_treatment(Reply<Done> reply);

  // Treatment.
  void arm(Reply<Done> reply);
  void disarm(Reply<Done> reply);  // taken while locked
  void fire_next(Reply<Done> reply);
  void pull_trigger(Reply<Done> reply);  // the simulated mesogun's trigger
  void set_demo_hand(bool on, Reply<Done> reply);
  void pause(Reply<Done> reply);  // taken while locked
  void resume(Reply<Done> reply);
  void next_step(Reply<Done> reply);
  // Journaled as "finished by USER", and ": NOTE" when one is given.
  void finish_treatment(const std::string& note, Reply<Done> reply);
  void acknowledge_alarm(std::uint32_t id, Reply<Done> reply);
  // A fire whose outcome is unknown, settled by the clinician who saw the handpiece (with why they know).
  void attest(std::uint32_t command_id, bool delivered, const std::string& reason, Reply<Done> reply);
  void estop(const std::string& source);  // never refused

  // Sign-off.
  void sign_and_close(const std::string& password, Reply<Done> reply);
  void abort_session(const std::string& reason, Reply<Done> reply);
  void post_care_plan(Reply<PostCarePlan> reply);

  // Audit: read-only, for auditors and admins.
  void list_sessions(const AuditFilter& filter, Reply<std::vector<AuditSession>> reply);
  void read_session(std::int64_t id, Reply<SessionReading> reply);  // its timeline and verification
  void verify_session(std::int64_t id, Reply<Integrity> reply);
  void export_session(std::int64_t id, ExportFormat format, const std::string& path, Reply<Exported> reply);

  // QA, on simulated devices only.
  void may_inject_faults(Reply<Done> reply);  // the QA screen's gate
  void inject_fault(const QaFault& fault, Reply<Done> reply);
  // No session open: which simulated device the station has (the other is let go).
  void choose_simulated_device(hal::DeviceKind kind, Reply<Done> reply);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace meso::station
