// The station's one configuration file (docs/configuration.md, examples/station.json): its journal, its
// devices (a serial port, a USB serial number or a TCP address each) and the serial numbers paired with it,
// its camera with the calibration and headband files, its clinical limits file and its lock timeout.
//
// JSON with // comments. Strict: a key this reader does not know is an error naming it, so a misspelling
// is never a silent default. Everything is read, checked and resolved here (relative paths against the
// file's folder, a USB serial number to today's port, the limits, calibration and headband files loaded)
// before a client opens anything: a bad file changes nothing.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "meso/hal/port_discovery.hpp"
#include "meso/station/app_config.hpp"
#include "meso/station/clinical_limits.hpp"

namespace meso::station {

// The serial ports present now (hal::list_serial_ports); tests give their own.
using PortLister = std::function<std::vector<hal::SerialPortInfo>()>;

// Throws std::invalid_argument "FILE: KEY: reason", KEY a path such as devices.mesogun.baud.
AppConfig load_station_file(const std::filesystem::path& file,
                            const PortLister& ports = hal::list_serial_ports);
// The same from the file's text; relative paths resolve against `folder`, errors start with `name`.
AppConfig station_file_from_text(const std::string& text, const std::filesystem::path& folder,
                                 const std::string& name, const PortLister& ports = hal::list_serial_ports);

// A limits file's limits (load_limits: never beyond the hard maxima) and the SHA-256 of its bytes (hex),
// which each session run under them journals.
struct LimitsFile {
  ClinicalLimits limits;
  std::string sha256;
};
LimitsFile load_limits_file(const std::filesystem::path& file);

}  // namespace meso::station
