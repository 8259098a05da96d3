#include "meso/hal/port_discovery.hpp"

#include <libserialport.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace meso::hal {

namespace {

std::string text_or_empty(const char* text) {
  return text != nullptr ? std::string(text) : std::string();
}

PortTransport from_sp(sp_transport transport) {
  switch (transport) {
    case SP_TRANSPORT_NATIVE:
      return PortTransport::native;
    case SP_TRANSPORT_USB:
      return PortTransport::usb;
    case SP_TRANSPORT_BLUETOOTH:
      return PortTransport::bluetooth;
  }
  return PortTransport::unknown;
}

std::string hex4(std::uint16_t value) {
  char text[5];
  std::snprintf(text, sizeof text, "%04x", static_cast<unsigned>(value));
  return text;
}

SerialPortInfo describe_port(const sp_port* port) {
  SerialPortInfo info;
  info.name = text_or_empty(sp_get_port_name(port));
  info.description = text_or_empty(sp_get_port_description(port));
  info.transport = from_sp(sp_get_port_transport(port));
  if (info.transport == PortTransport::usb) {
    int vid = -1;
    int pid = -1;
    if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK && vid >= 0 && vid <= 0xffff && pid >= 0 &&
        pid <= 0xffff) {
      info.usb_vid = static_cast<std::uint16_t>(vid);
      info.usb_pid = static_cast<std::uint16_t>(pid);
    }
    info.usb_serial = text_or_empty(sp_get_port_usb_serial(port));
    info.usb_manufacturer = text_or_empty(sp_get_port_usb_manufacturer(port));
    info.usb_product = text_or_empty(sp_get_port_usb_product(port));
  }
  return info;
}

struct PortListFree {
  void operator()(sp_port** list) const { sp_free_port_list(list); }
};

}  // namespace

std::string_view to_string(PortTransport transport) {
  switch (transport) {
    case PortTransport::native:
      return "native";
    case PortTransport::usb:
      return "usb";
    case PortTransport::bluetooth:
      return "bluetooth";
    case PortTransport::unknown:
      break;
  }
  return "unknown";
}

std::string format_vid_pid(const SerialPortInfo& port) {
  if (!port.usb_vid || !port.usb_pid) return {};
  return hex4(*port.usb_vid) + ":" + hex4(*port.usb_pid);
}

std::vector<SerialPortInfo> list_serial_ports() {
  sp_port** raw_list = nullptr;
  if (const sp_return code = sp_list_ports(&raw_list); code != SP_OK) {
    std::string why = "libserialport error " + std::to_string(static_cast<int>(code));
    if (code == SP_ERR_FAIL) {
      char* message = sp_last_error_message();
      if (message != nullptr) why = message;
      sp_free_error_message(message);
    }
    throw std::runtime_error("cannot list serial ports: " + why);
  }
  const std::unique_ptr<sp_port*, PortListFree> list(raw_list);
  std::vector<SerialPortInfo> ports;
  for (sp_port** entry = list.get(); entry != nullptr && *entry != nullptr; ++entry) {
    ports.push_back(describe_port(*entry));
  }
  // libserialport returns them in udev's order; sorted, two listings of the same machine compare equal.
  std::sort(ports.begin(), ports.end(),
            [](const SerialPortInfo& a, const SerialPortInfo& b) { return a.name < b.name; });
  return ports;
}

std::optional<SerialPortInfo> find_port_by_usb_serial(std::span<const SerialPortInfo> ports,
                                                      std::string_view serial) {
  if (serial.empty()) return std::nullopt;  // adapters without a serial number must not all match
  const auto found = std::find_if(ports.begin(), ports.end(), [&](const SerialPortInfo& port) {
    return port.transport == PortTransport::usb && port.usb_serial == serial;
  });
  if (found == ports.end()) return std::nullopt;
  return *found;
}

std::optional<SerialPortInfo> find_port_by_usb_serial(std::string_view serial) {
  const std::vector<SerialPortInfo> ports = list_serial_ports();
  return find_port_by_usb_serial(ports, serial);
}

void to_json(nlohmann::json& json, const SerialPortInfo& port) {
  const auto hex_or_null = [](const std::optional<std::uint16_t>& id) {
    return id ? nlohmann::json(hex4(*id)) : nlohmann::json(nullptr);
  };
  json = nlohmann::json{
      {"name", port.name},
      {"description", port.description},
      {"transport", std::string(to_string(port.transport))},
      {"usb_vid", hex_or_null(port.usb_vid)},
      {"usb_pid", hex_or_null(port.usb_pid)},
      {"usb_serial", port.usb_serial},
      {"usb_manufacturer", port.usb_manufacturer},
      {"usb_product", port.usb_product},
  };
}

}  // namespace meso::hal
