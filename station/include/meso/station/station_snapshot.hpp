// An immutable picture of the station, made on the station thread after every change and handed to other
// threads (the console, the headless runner's progress) by value: they never touch the live state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meso/hal/device.hpp"
#include "meso/station/alarm_board.hpp"
#include "meso/station/screening.hpp"
#include "meso/station/session_state.hpp"
#include "meso/station/staff.hpp"
#include "meso/station/treatment_plan.hpp"
#include "meso/vision/coverage.hpp"

namespace meso::station {

struct DeviceView {
  hal::DeviceKind kind = hal::DeviceKind::mesogun;
  hal::DeviceState state = hal::DeviceState::disconnected;
  std::string state_reason;
  std::optional<hal::DeviceIdentity> identity;
  hal::device_event::Status status;
  hal::LinkCounters link;
};

struct UncertainFire {
  std::uint32_t command_id = 0;
  std::size_t step = 0;
  std::size_t point = 0;
  std::string why;
};

// What the camera adds during treatment: whether guidance runs (and why not), the tip, and where the shots
// of the current step landed against its plan.
struct GuidanceView {
  bool camera = false;      // frames are arriving
  bool registered = false;  // the last frame was registered to the headband
  std::string why_stopped;  // when not registered: why, for the clinician
  // Why the camera's frames are not properly calibrated (none, a poor one, another resolution): guidance
  // still runs, with this warning. Empty when they are, or with no camera.
  std::string calibration_warning;
  std::optional<vision::PointMm> tip_mm;
  int done = 0;
  int planned = 0;
  std::vector<vision::ZoneCoverage> zones;
  std::vector<int> missed;  // point orders (1-based) skipped by the hand
  int repeats = 0;
  int off_plan = 0;
  int not_seen = 0;
  std::optional<vision::PlannedPoint> next_target;
  std::optional<vision::PlacedShot> last_shot;
};

struct StationSnapshot {
  std::uint64_t version = 0;  // increases with every change
  std::int64_t session_id = 0;
  std::string patient;
  Tag tag = Tag::real;
  std::string user;
  Role role = Role::clinician;
  SessionState state = SessionState::check_in;
  bool session_open = false;
  std::optional<ScreeningVerdict> screening;
  std::optional<TreatmentPlan> plan;
  std::size_t step = 0;        // index of the current plan step
  std::size_t next_point = 0;  // index of the next target in the current step
  std::vector<bool> points_done;
  std::uint64_t delivered_nl = 0;
  std::uint64_t shots = 0;
  bool armed = false;
  std::string dosing_locked;  // why dosing is locked, empty when it is not
  std::vector<UncertainFire> uncertain;
  std::map<hal::DeviceKind, DeviceView> devices;
  std::vector<AlarmEntry> alarms;
  GuidanceView guidance;
  std::string last_message;  // the answer to the last command, refused or not
};

}  // namespace meso::station
