// mesostation with no subcommand: the operator console. `--demo` runs it on the in-process simulated
// mesogun, the synthetic camera, a demo journal (tagged demo) and a demo clinician, so that a new user sees
// a whole session without hardware. `--config FILE` reads the station's configuration file; an option given
// here overrides its value. A bad file, or no display, is said on stderr with exit 2.
#include "console_command.hpp"

#include <iostream>

#include "meso/gui/console.hpp"
#include "meso/station/app_config.hpp"

namespace meso::station {

void add_console_command(CLI::App& app) {
  auto options = std::make_shared<gui::ConsoleOptions>();
  auto db = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto lock_minutes = std::make_shared<double>(5);
  app.require_subcommand(0, 1);
  auto* demo = app.add_flag(
      "--demo", options->demo,
      "Console: the simulated mesogun, the synthetic camera, a demo journal and a demo clinician");
  auto* config = app.add_option("--config", options->config,
                                "Console: the station's configuration file (docs/configuration.md); the "
                                "options below override it")
                     ->check(CLI::ExistingFile);
  config->excludes(demo);
  app.add_option("--db", *db,
                 "Console: the journal (default mesostation.db; with --demo mesostation-demo.db)");
  app.add_option("--key", *key, "Console: the station's signing key (default: DB.key)");
  app.add_option("--port", options->port, "Console: the mesogun's serial port");
  app.add_option("--pen-port", options->pen_port, "Console: the microneedling pen's serial port");
  app.add_option("--camera", options->camera,
                 "Console: the camera (index, /dev/videoN, a video or a folder)");
  app.add_option("--calibration", options->calibration,
                 "Console: the camera's calibration file (mesostation calibrate)")
      ->check(CLI::ExistingFile);
  app.add_option("--headband", options->headband, "Console: the headband's layout file (docs/vision.md)")
      ->check(CLI::ExistingFile);
  auto* lock = app.add_option("--lock-minutes", *lock_minutes, "Console: lock after this long without input")
                   ->capture_default_str()
                   ->check(CLI::PositiveNumber);
  app.add_option("--width", options->width, "Console: window width")->capture_default_str();
  app.add_option("--height", options->height, "Console: window height")->capture_default_str();
  app.add_flag("--fullscreen", options->fullscreen, "Console: full screen on the primary monitor");
  app.callback([&app, options, db, key, lock, lock_minutes] {
    if (!app.get_subcommands().empty()) return;  // a subcommand ran instead
    // The file's journal unless --db is given; without a file, the default journal.
    options->db = !db->empty()              ? std::filesystem::path(*db)
                  : options->demo           ? std::filesystem::path("mesostation-demo.db")
                  : options->config.empty() ? std::filesystem::path("mesostation.db")
                                            : std::filesystem::path();
    options->key = *key;
    if (lock->count() > 0) options->lock_minutes = *lock_minutes;
    // The configuration is read and checked before a window or the journal is opened: a bad file
    // changes nothing.
    try {
      profile_for({options->demo, options->db, options->key, options->port, options->pen_port,
                   options->camera, options->config, options->lock_minutes, options->calibration,
                   options->headband});
    } catch (const std::exception& e) {
      std::cerr << "mesostation: " << e.what() << '\n';
      throw CLI::RuntimeError(2);
    }
    if (const int code = gui::run_console(*options); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
