#include "staff_command.hpp"

#include <iomanip>
#include <iostream>

#include "admin_session.hpp"
#include "secret_input.hpp"

namespace meso::station {

namespace {

struct StaffOptions {
  AdminOptions admin;
  std::string name;
  std::string role;
  std::string reason;
};

Role role_named(const std::string& text) {
  return *journal::parse_role(text);  // checked by CLI11
}

void print_staff(const std::vector<StaffAccount>& staff) {
  std::cout << std::left << std::setw(20) << "name" << std::setw(11) << "role" << std::setw(10) << "state"
            << "created\n";
  for (const auto& a : staff) {
    std::string state = a.disabled ? "disabled" : a.must_change_password ? "new pw" : "active";
    if (a.wait_until_utc) state = "waiting";
    std::cout << std::setw(20) << a.name << std::setw(11) << journal::to_string(a.role) << std::setw(10)
              << state << a.created_utc << '\n';
  }
}

CLI::App* subcommand(CLI::App& staff, const char* name, const char* what,
                     const std::shared_ptr<StaffOptions>& o) {
  CLI::App* c = staff.add_subcommand(name, what);
  add_admin_options(*c, o->admin);
  return c;
}

void add_reason(CLI::App& c, StaffOptions& o) {
  c.add_option("--reason", o.reason, "why, for the station log")->required();
}

CLI::IsMember roles() {
  return CLI::IsMember({"clinician", "qa", "auditor", "admin"});
}

}  // namespace

void add_staff_command(CLI::App& cli) {
  CLI::App* staff = cli.add_subcommand("staff", "The station's staff accounts (an admin's)");
  staff->require_subcommand(1);
  auto o = std::make_shared<StaffOptions>();

  CLI::App* add =
      subcommand(*staff, "add", "Add an account; its owner chooses a new password at the first login", o);
  add->add_option("name", o->name, "the new user's name")->required();
  add->add_option("--role", o->role, "clinician, qa, auditor or admin")->required()->check(roles());
  add_reason(*add, *o);
  add->callback([o] {
    run_admin("staff add", [&] {
      auto station = open_as(o->admin);
      const NewStaff account{o->name, role_named(o->role), read_new_secret(o->name + "'s first password"),
                             o->reason};
      std::cout << must<Done>([&](auto r) { station->add_staff(account, r); }).message << '\n';
    });
  });

  CLI::App* list = subcommand(*staff, "list", "List the accounts, disabled ones too", o);
  list->callback([o] {
    run_admin("staff list", [&] {
      auto station = open_as(o->admin);
      print_staff(must<std::vector<StaffAccount>>([&](auto r) { station->list_staff(r); }));
    });
  });

  CLI::App* disable = subcommand(*staff, "disable", "Disable an account (accounts are never deleted)", o);
  disable->add_option("name", o->name, "the account")->required();
  add_reason(*disable, *o);
  disable->callback([o] {
    run_admin("staff disable", [&] {
      auto station = open_as(o->admin);
      must<Done>([&](auto r) { station->disable_staff(o->name, o->reason, r); });
      std::cout << "disabled " << o->name << '\n';
    });
  });

  CLI::App* reset =
      subcommand(*staff, "reset-password", "Give a new password, to be changed at the next login", o);
  reset->add_option("name", o->name, "the account")->required();
  add_reason(*reset, *o);
  reset->callback([o] {
    run_admin("staff reset-password", [&] {
      auto station = open_as(o->admin);
      const std::string password = read_new_secret(o->name + "'s new password");
      must<Done>([&](auto r) { station->reset_password(o->name, password, o->reason, r); });
      std::cout << "reset " << o->name << "'s password; they choose their own at the next login\n";
    });
  });

  CLI::App* set_role = subcommand(*staff, "set-role", "Give an account another role", o);
  set_role->add_option("name", o->name, "the account")->required();
  set_role->add_option("role", o->role, "clinician, qa, auditor or admin")->required()->check(roles());
  add_reason(*set_role, *o);
  set_role->callback([o] {
    run_admin("staff set-role", [&] {
      auto station = open_as(o->admin);
      must<Done>([&](auto r) { station->set_role(o->name, role_named(o->role), o->reason, r); });
      std::cout << o->name << " is now " << o->role << '\n';
    });
  });

  CLI::App* passwd =
      staff->add_subcommand("passwd", "Choose your own new password (after a reset, or any time)");
  add_admin_options(*passwd, o->admin);
  passwd->callback([o] {
    run_admin("staff passwd", [&] {
      StationApp station(admin_config(o->admin));
      station.start();
      const std::string old_password = read_secret(o->admin.as + "'s current password");
      must<StaffMember>([&](auto r) { station.login(o->admin.as, old_password, r); });
      const std::string new_password = read_new_secret(o->admin.as + "'s new password");
      must<Done>([&](auto r) { station.change_password(old_password, new_password, r); });
      std::cout << "password changed\n";
    });
  });

  CLI::App* log =
      subcommand(*staff, "log", "The station log: staff and formulary acts and logins (admins, auditors)", o);
  log->callback([o] {
    run_admin("staff log", [&] {
      AdminOptions as = o->admin;
      auto station = open_as(as);
      for (const auto& e : must<std::vector<StationLogEntry>>([&](auto r) { station->station_log(r); }))
        std::cout << e.seq << "  " << e.utc << "  " << std::setw(12) << std::left << e.who << "  "
                  << std::setw(24) << e.kind << "  " << e.why << '\n';
    });
  });
}

}  // namespace meso::station
