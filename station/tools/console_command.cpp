// mesostation with no subcommand: the operator console. `--demo` runs it on the in-process simulated
// mesogun, the synthetic camera, a demo journal (tagged demo) and a demo clinician, so that a new user sees
// a whole session without hardware. Without a display it says so and exits 2.
#include "console_command.hpp"

#include "meso/gui/console.hpp"

namespace meso::station {

void add_console_command(CLI::App& app) {
  auto options = std::make_shared<gui::ConsoleOptions>();
  auto db = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  app.require_subcommand(0, 1);
  app.add_flag("--demo", options->demo,
               "Console: the simulated mesogun, the synthetic camera, a demo journal and a demo clinician");
  app.add_option("--db", *db,
                 "Console: the journal (default mesostation.db; with --demo mesostation-demo.db)");
  app.add_option("--key", *key, "Console: the station's signing key (default: DB.key)");
  app.add_option("--port", options->port, "Console: the mesogun's serial port");
  app.add_option("--pen-port", options->pen_port, "Console: the microneedling pen's serial port");
  app.add_option("--camera", options->camera,
                 "Console: the camera (index, /dev/videoN, a video or a folder)");
  app.add_option("--lock-minutes", options->lock_minutes, "Console: lock after this long without input")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--width", options->width, "Console: window width")->capture_default_str();
  app.add_option("--height", options->height, "Console: window height")->capture_default_str();
  app.add_flag("--fullscreen", options->fullscreen, "Console: full screen on the primary monitor");
  app.callback([&app, options, db, key] {
    if (!app.get_subcommands().empty()) return;  // a subcommand ran instead
    options->db = db->empty() ? (options->demo ? "mesostation-demo.db" : "mesostation.db") : *db;
    options->key = *key;
    if (const int code = gui::run_console(*options); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
