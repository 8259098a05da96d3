#include "meso/hal/port_discovery.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "meso/hal/pty.hpp"

namespace meso::hal::test {
namespace {

SerialPortInfo usb_port(std::string name, std::string serial) {
  SerialPortInfo port;
  port.name = std::move(name);
  port.description = "FT232R USB UART";
  port.transport = PortTransport::usb;
  port.usb_vid = 0x0403;
  port.usb_pid = 0x6001;
  port.usb_serial = std::move(serial);
  port.usb_manufacturer = "FTDI";
  port.usb_product = "FT232R USB UART";
  return port;
}

// The build machine most likely has no USB serial adapter; the call itself must work and give sane entries.
TEST(PortDiscovery, ListingWorksOnThisMachine) {
  const std::vector<SerialPortInfo> ports = list_serial_ports();
  for (const auto& port : ports) {
    EXPECT_FALSE(port.name.empty());
    const nlohmann::json json = port;
    EXPECT_EQ(json.at("name"), port.name);
  }
  EXPECT_TRUE(
      std::is_sorted(ports.begin(), ports.end(),
                     [](const SerialPortInfo& a, const SerialPortInfo& b) { return a.name < b.name; }));
}

TEST(PortDiscovery, PtysAreNotListed) {
  const PtyPair pty = create_pty(PtyOptions{.hold_slave_open = true});
  for (const auto& port : list_serial_ports())
    EXPECT_NE(port.name, pty.slave_path);
}

TEST(PortDiscovery, JsonHasOneShapeForUsbAndNativePorts) {
  const nlohmann::json usb = usb_port("/dev/ttyUSB0", "A10K4XYZ");
  EXPECT_EQ(usb, nlohmann::json::parse(R"({"name": "/dev/ttyUSB0", "description": "FT232R USB UART",
      "transport": "usb", "usb_vid": "0403", "usb_pid": "6001", "usb_serial": "A10K4XYZ",
      "usb_manufacturer": "FTDI", "usb_product": "FT232R USB UART"})"));

  SerialPortInfo native;
  native.name = "/dev/ttyS0";
  native.transport = PortTransport::native;
  const nlohmann::json json = native;
  EXPECT_EQ(json.at("transport"), "native");
  EXPECT_TRUE(json.at("usb_vid").is_null());
  EXPECT_TRUE(json.at("usb_pid").is_null());
  EXPECT_EQ(json.size(), usb.size());
  EXPECT_EQ(format_vid_pid(native), "");
  EXPECT_EQ(format_vid_pid(usb_port("/dev/ttyUSB0", "x")), "0403:6001");
}

TEST(PortDiscovery, ADeviceIsFoundAgainUnderItsNewName) {
  // Before the unplug the gun was ttyUSB0; afterwards the pen came up first and took that name.
  const std::vector<SerialPortInfo> after = {usb_port("/dev/ttyUSB0", "PEN00042"),
                                             usb_port("/dev/ttyUSB1", "GUN00007")};
  const auto gun = find_port_by_usb_serial(after, "GUN00007");
  ASSERT_TRUE(gun.has_value());
  EXPECT_EQ(gun->name, "/dev/ttyUSB1");
  EXPECT_FALSE(find_port_by_usb_serial(after, "GUN0000").has_value()) << "exact match only";
}

TEST(PortDiscovery, AnEmptySerialMatchesNothing) {
  const std::vector<SerialPortInfo> ports = {usb_port("/dev/ttyUSB0", "")};
  EXPECT_FALSE(find_port_by_usb_serial(ports, "").has_value());
  EXPECT_FALSE(find_port_by_usb_serial("").has_value());
}

}  // namespace
}  // namespace meso::hal::test
