// The operator console: `mesostation` (no subcommand) opens it on the station's devices, `mesostation
// --demo` on the in-process simulated mesogun, the synthetic camera and a demo journal.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace meso::gui {

struct ConsoleOptions {
  bool demo = false;
  std::filesystem::path db;   // the journal; created when missing
  std::filesystem::path key;  // the station's signing key (default: DB.key)
  std::string port;           // the mesogun's serial port (not in demo mode)
  std::string pen_port;       // the microneedling pen's serial port (not in demo mode)
  std::string camera;         // a frame source spec (vision::open_frame_source); empty: none
  // The station file (docs/configuration.md): what it names, unless an option above or below is given.
  std::filesystem::path config;
  std::optional<double> lock_minutes;  // the console locks after this long without input (default 5)
  std::filesystem::path calibration;   // the camera's calibration file
  std::filesystem::path headband;      // the headband's layout file
  int width = 1280;
  int height = 720;
  bool fullscreen = false;
};

// Runs the console until its window is closed. 0 on a clean exit, 2 when there is no display or the
// journal cannot be opened (said on stderr).
int run_console(const ConsoleOptions& options);

}  // namespace meso::gui
