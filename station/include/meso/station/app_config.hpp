// What an application layer (meso/station/app.hpp) is built from: the journal, the devices and the camera
// chosen by configuration (a real serial port, a TCP device, the in-process simulator; a camera index, a
// video, a folder or the synthetic camera), the catalog, the staff accounts a fresh journal starts with and
// the planning defaults. The demo is one such configuration, a profile (demo_profile below), not a code path:
// the console's --demo and `mesostation run --sim` are built from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "meso/sim/synthetic_camera.hpp"
#include "meso/station/app_types.hpp"
#include "meso/station/screening.hpp"
#include "meso/station/station.hpp"
#include "meso/vision/calibration.hpp"
#include "meso/vision/headband_layout.hpp"
#include "meso/vision/pivot.hpp"

namespace meso::station {

// One handpiece's connection, in the manner of ros2_control's hardware chosen by configuration: the same
// driver either way, only the byte stream under it differs.
struct DeviceSpec {
  enum class Kind : std::uint8_t { none, serial, tcp, simulated };
  Kind kind = Kind::none;
  std::string path;             // serial: the port or pty
  std::uint32_t baud = 115200;  // serial
  std::string host;             // tcp
  std::uint16_t port = 0;       // tcp
  // simulated: the in-process device on a memory cable.
  std::uint32_t seed = 7;
  std::string faults;  // mesosim --faults syntax
  // A mesosim scenario's JSON text ({"events": [...]}); empty: none. Text, not a json value: a spec is copied
  // and moved freely, and nlohmann::json's moves are not noexcept to clang-tidy.
  std::string scenario;
  double auto_trigger_hz = 0;      // the simulated clinician's trigger pulls (mesogun)
  std::filesystem::path shot_log;  // the simulator's ground truth, a JSON line per shot
};
std::string describe(const DeviceSpec& spec);  // "serial /dev/ttyUSB0", "tcp 10.0.0.5:7000", "simulated"

struct CameraSpec {
  std::string source;  // vision::open_frame_source's spec (an index, a video, a folder); empty: none
  double fps = 30;
  std::optional<sim::SyntheticCameraOptions> synthetic;  // instead of a source: the rendered scalp
  // The source's intrinsics (vision::load_calibration), loaded when the configuration is read: frames are
  // undistorted with them. A real source without them, or with poor ones, runs with a warning.
  std::filesystem::path calibration_file;
  std::optional<vision::CameraCalibration> calibration;
  // The headband's layout (vision::load_layout); absent: the default headband.
  std::filesystem::path headband_file;
  std::optional<vision::HeadbandLayout> headband;
  // The handpiece tip calibrated by `mesostation pivot` (vision::load_tip_calibration): its offset in 3D, in
  // the handpiece marker's axes. Absent: the headband layout's offset in the plane.
  std::filesystem::path tip_file;
  std::optional<vision::TipCalibration> tip;
};

// What a client's forms start with: the demo fills them for a suitable patient, a station leaves them empty.
struct FormDefaults {
  std::string user;                           // the login name
  std::optional<ScreeningAnswers> screening;  // the screening's answers
  std::string assessment_notes;
  PlanChoice plan;
};

// A staff account a fresh journal is given (after its first administrator).
struct Account {
  std::string name;
  Role role = Role::clinician;
  std::string password;
};

struct AppConfig {
  std::string profile = "station";  // "demo", "station": for the screens and the logs
  std::filesystem::path db;         // the journal; created when missing
  std::filesystem::path key;        // the station's signing key (empty: DB.key)
  Tag tag = Tag::real;              // what this station's sessions are (a scenario may ask for test)
  StationConfig station;            // limits, catalog, course rules
  DeviceSpec mesogun;
  DeviceSpec pen;
  CameraSpec camera;
  // The journal kinds this profile opens: a demo never opens a real or test station's journal, a station
  // never a demo's (demo accounts stay out of real records).
  std::vector<Tag> journal_kinds = {Tag::real, Tag::test};
  // What a journal nobody has commissioned becomes when this profile opens it first (the demo's and the
  // headless runner's); none: refused, with `mesostation init` as what to do.
  std::optional<Tag> fresh_journal_kind;
  std::vector<Account> accounts;  // made on a journal this profile commissions (a demo or test one)
  FormDefaults forms;
  // The simulated close-up's hair density (a station without a close-up camera has 0: the clinician loads
  // a close-up file or types the count).
  double simulated_closeup_per_cm2 = 0;
  std::string login_hint;   // shown on the login screen
  double lock_minutes = 5;  // a console locks after this long without input
};

// What a station's operator gives on the command line.
struct StationSetup {
  bool demo = false;
  std::filesystem::path db;
  std::filesystem::path key;
  std::string mesogun_port;  // serial; empty: none (not in demo mode)
  std::string pen_port;
  std::string camera;  // a frame source spec; empty: none
  // The station file (station_file.hpp, docs/configuration.md); every flag above and below that is given
  // overrides its value.
  std::filesystem::path config;
  std::optional<double> lock_minutes;
  std::filesystem::path calibration;  // the camera's calibration file
  std::filesystem::path headband;     // the headband's layout file
};

// The demo profile: the simulated mesogun and pen (QA may switch between them), the synthetic camera with a
// thinning crown, a demo catalog, the demo accounts (demo/demo clinician, auditor/auditor, qa/qa) and the
// demo's form defaults (a suitable patient's screening, the notes, the plan); sessions tagged demo.
AppConfig demo_profile(const std::filesystem::path& db, const std::filesystem::path& key = {});
// The station's real devices and camera as set up: its station file (when given) with the flags given over
// it; --demo gives the demo profile. Throws std::invalid_argument naming the file, the key and the reason,
// before anything is opened.
AppConfig profile_for(const StationSetup& setup);

}  // namespace meso::station
