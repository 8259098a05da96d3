#include "ports_command.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meso/hal/port_discovery.hpp"

namespace meso::station {

namespace {

struct PortsOptions {
  bool json = false;
};

void print_table(const std::vector<hal::SerialPortInfo>& ports, std::ostream& out) {
  if (ports.empty()) {
    out << "No serial ports found. (A simulator's pty is never listed: pass its /dev/pts/N path.)\n";
    return;
  }
  using Row = std::array<std::string, 4>;
  std::vector<Row> rows = {{"NAME", "DESCRIPTION", "VID:PID", "USB SERIAL"}};
  for (const auto& port : ports) {
    rows.push_back({port.name, port.description, hal::format_vid_pid(port), port.usb_serial});
  }
  std::array<std::size_t, 4> widths{};
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      line += row[column];
      if (column + 1 < row.size()) line += std::string(widths[column] - row[column].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }
}

void run_ports(const PortsOptions& options) {
  const std::vector<hal::SerialPortInfo> ports = hal::list_serial_ports();
  if (options.json) {  // NOLINT(bugprone-branch-clone): clang-tidy 14 sees the two outputs as one
    std::cout << nlohmann::json(ports).dump(2) << '\n';
  } else {
    print_table(ports, std::cout);
  }
}

}  // namespace

void add_ports_command(CLI::App& app) {
  // Shared with the callback, which CLI11 runs after parsing, when this function has long returned.
  auto options = std::make_shared<PortsOptions>();
  CLI::App* command = app.add_subcommand(
      "ports", "List the serial ports present, with USB VID:PID and serial number (ptys are not listed)");
  command->add_flag("--json", options->json, "print a JSON array instead of a table");
  command->callback([options] { run_ports(*options); });
}

}  // namespace meso::station
