// What the administration commands share (`mesostation staff`, `mesostation formulary`): the journal and
// who acts, the application layer opened on it with no device and no camera, and that person logged in.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "meso/station/app.hpp"

namespace meso::station {

struct AdminOptions {
  std::string db;
  std::string key;
  std::string as;  // the user acting; their password is read from the terminal or standard input
};

void add_admin_options(CLI::App& command, AdminOptions& options);

// The layer's configuration for administration: the journal of any kind, no device, no camera.
AppConfig admin_config(const AdminOptions& options);

// Opens the layer on the journal and logs `options.as` in. Throws std::runtime_error saying what to do.
std::unique_ptr<StationApp> open_as(const AdminOptions& options);

// The value of a use case's reply, or std::runtime_error with its refusal.
template <class T, class Call>
T must(Call call) {
  auto result = wait_for_reply<T>(call);
  if (!result.ok()) throw std::runtime_error(result.refusal().message);
  return std::move(result.value());
}

// Runs an administration command: its error on stderr and exit 2 (CLI::RuntimeError).
template <class Body>
void run_admin(const char* name, Body body) {
  try {
    body();
  } catch (const std::exception& e) {
    std::cerr << "mesostation " << name << ": " << e.what() << '\n';
    throw CLI::RuntimeError(2);
  }
}

}  // namespace meso::station
