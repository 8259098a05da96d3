// Ways for a driver to (re)open its port: a serial port by path, a known USB device by its serial number
// (found again under whatever /dev/ttyUSBn it got after an unplug), a TCP endpoint, or a stream handed over
// once (the in-process simulator, tests).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/mesogun_driver.hpp"
#include "meso/hal/serial_port.hpp"

namespace meso::hal {

StreamOpener serial_opener(asio::io_context& io, SerialSettings settings);
StreamOpener usb_serial_opener(asio::io_context& io, std::string usb_serial, SerialSettings settings);
StreamOpener tcp_opener(asio::io_context& io, std::string host, std::uint16_t port,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
// Hands over `stream` on the first open; later opens fail ("the in-process stream is gone").
StreamOpener once_opener(std::unique_ptr<ByteStream> stream);

}  // namespace meso::hal
