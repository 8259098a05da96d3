// mesostation: the station from the command line. Each subcommand registers itself from its own file
// (add_<name>_command), so adding one touches this file by one line.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "calibrate_command.hpp"
#include "console_command.hpp"
#include "formulary_command.hpp"
#include "init_command.hpp"
#include "key_command.hpp"
#include "markers_command.hpp"
#include "pivot_command.hpp"
#include "plan_command.hpp"
#include "ports_command.hpp"
#include "probe_command.hpp"
#include "run_command.hpp"
#include "staff_command.hpp"

int main(int argc, char** argv) try {
  CLI::App app{"MesoStation: the treatment station's devices, sessions and journal"};
  meso::station::add_console_command(app);  // no subcommand: the operator console
  meso::station::add_ports_command(app);
  meso::station::add_probe_command(app);
  meso::station::add_run_command(app);
  meso::station::add_calibrate_command(app);
  meso::station::add_pivot_command(app);
  meso::station::add_markers_command(app);
  meso::station::add_plan_command(app);
  meso::station::add_init_command(app);
  meso::station::add_staff_command(app);
  meso::station::add_key_command(app);
  meso::station::add_formulary_command(app);
  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // the subcommand has said what went wrong
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "mesostation: " << e.what() << '\n';
    return 1;
  }
  return 0;
} catch (...) {
  return 1;  // setting up the command line itself failed (out of memory): nothing sensible to print
}
