#include "admin_session.hpp"

#include "secret_input.hpp"

namespace meso::station {

void add_admin_options(CLI::App& command, AdminOptions& options) {
  command.add_option("--db", options.db, "the station's journal")->required()->check(CLI::ExistingFile);
  command.add_option("--key", options.key, "the station's signing key (default: DB.key)");
  command.add_option("--as", options.as, "who acts (an admin; their password is asked for)")->required();
}

AppConfig admin_config(const AdminOptions& options) {
  AppConfig config;
  config.profile = "administration";
  config.db = options.db;
  config.key = options.key;
  config.journal_kinds = {Tag::real, Tag::test, Tag::demo};
  return config;
}

std::unique_ptr<StationApp> open_as(const AdminOptions& options) {
  auto app = std::make_unique<StationApp>(admin_config(options));
  app->start();
  const std::string password = read_secret(options.as + "'s password");
  const auto me = must<StaffMember>([&](auto r) { app->login(options.as, password, r); });
  if (me.must_change_password)
    throw std::runtime_error(me.name + " must choose a new password first: `mesostation staff passwd --db " +
                             options.db + " --as " + me.name + "`, or at the console");
  return app;
}

}  // namespace meso::station
