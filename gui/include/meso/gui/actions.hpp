// What a panel may ask for. Every call returns at once: the runtime posts station commands onto the
// station thread and journal queries onto its worker; answers come back in the next snapshots or view.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "meso/station/screening.hpp"

namespace meso::gui {

struct PlanForm {
  int technique = 0;  // 0 point by point, 1 nappage
  float spacing_mm = 12;
  int depth_um = 2000;
  int dose_nl = 20000;
  float margin_mm = 2;
  int product = 0;  // index in the catalog
  int lot = 0;      // index in the product's lots
};

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
  // Patients and the session.
  virtual void find_patient(const std::string& pseudonym) = 0;
  virtual void open_session(const std::string& pseudonym) = 0;  // adds the patient when new
  virtual void record_screening(const station::ScreeningAnswers& answers) = 0;
  virtual void record_assessment(const nlohmann::json& findings) = 0;
  // Planning.
  virtual void suggest_zones() = 0;
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
  virtual void estop(const std::string& source) = 0;
  // Sign-off.
  virtual void sign_and_close(const std::string& password) = 0;
  virtual void abort_session(const std::string& reason) = 0;
  virtual void dismiss_session() = 0;  // the final screen is read: back to the patients
};

}  // namespace meso::gui
