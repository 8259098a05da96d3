// Which serial ports this machine has, and which one a known device is on today.
//
// A device is remembered by its USB serial number, not by its path: /dev/ttyUSB0 can come back as
// /dev/ttyUSB1 after an unplug, while the adapter's serial number stays (DOMAIN.md §4).
//
// Listing goes through libserialport, which does not list pseudo-terminals: a simulator's pty never shows
// up here; open it by its path.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meso::hal {

enum class PortTransport : std::uint8_t { native, usb, bluetooth, unknown };

std::string_view to_string(PortTransport transport);

struct SerialPortInfo {
  std::string name;         // "/dev/ttyUSB0"
  std::string description;  // libserialport's, e.g. "FT232R USB UART - FT232R USB UART"
  PortTransport transport = PortTransport::unknown;
  // USB only; absent for native and Bluetooth ports, and empty when the adapter does not tell.
  std::optional<std::uint16_t> usb_vid;
  std::optional<std::uint16_t> usb_pid;
  std::string usb_serial;
  std::string usb_manufacturer;
  std::string usb_product;
};

// "0403:6001", or "" for a port without USB ids.
std::string format_vid_pid(const SerialPortInfo& port);

// Every port libserialport finds. Throws std::runtime_error if the system cannot be asked.
std::vector<SerialPortInfo> list_serial_ports();

// The port whose USB serial number is `serial` (exact match), among `ports` or among the ports present now.
std::optional<SerialPortInfo> find_port_by_usb_serial(std::span<const SerialPortInfo> ports,
                                                      std::string_view serial);
std::optional<SerialPortInfo> find_port_by_usb_serial(std::string_view serial);

// {"name", "description", "transport", "usb_vid": "0403" | null, "usb_pid": "6001" | null, "usb_serial",
//  "usb_manufacturer", "usb_product"}: ids as the 4 hex digits people read on labels and in lsusb.
void to_json(nlohmann::json& json, const SerialPortInfo& port);

}  // namespace meso::hal
