#include "meso/hal/stream_openers.hpp"

#include <stdexcept>
#include <utility>

#include "meso/hal/port_discovery.hpp"
#include "meso/hal/tcp_stream.hpp"

namespace meso::hal {

StreamOpener serial_opener(asio::io_context& io, SerialSettings settings) {
  return [&io, settings = std::move(settings)](const StreamReady& ready) {
    std::unique_ptr<ByteStream> stream;
    std::string error;
    try {
      stream = open_serial_stream(io, settings);
    } catch (const std::exception& e) {
      error = e.what();
    }
    ready(std::move(stream), error);
  };
}

StreamOpener usb_serial_opener(asio::io_context& io, std::string usb_serial, SerialSettings settings) {
  return [&io, usb_serial = std::move(usb_serial), settings = std::move(settings)](const StreamReady& ready) {
    const auto port = find_port_by_usb_serial(usb_serial);
    if (!port) {
      ready(nullptr, "no serial port with USB serial number " + usb_serial + " (is it plugged in?)");
      return;
    }
    SerialSettings here = settings;
    here.path = port->name;
    std::unique_ptr<ByteStream> stream;
    std::string error;
    try {
      stream = open_serial_stream(io, here);
    } catch (const std::exception& e) {
      error = e.what();
    }
    ready(std::move(stream), error);
  };
}

StreamOpener tcp_opener(asio::io_context& io, std::string host, std::uint16_t port,
                        std::chrono::milliseconds timeout) {
  // The attempt in progress lives with the opener (so with the driver): destroying it abandons the attempt.
  auto pending = std::make_shared<std::unique_ptr<PendingTcpConnect>>();
  return [&io, host = std::move(host), port, timeout, pending](StreamReady ready) {
    *pending = async_connect_tcp_stream(
        io, host, port, timeout,
        [ready = std::move(ready)](std::unique_ptr<FdStream> stream, const std::string& error) {
          ready(std::move(stream), error);
        });
  };
}

StreamOpener once_opener(std::unique_ptr<ByteStream> stream) {
  auto slot = std::make_shared<std::unique_ptr<ByteStream>>(std::move(stream));
  return [slot](const StreamReady& ready) {
    if (*slot) {
      ready(std::move(*slot), "");
    } else {
      ready(nullptr, "the in-process stream is gone");
    }
  };
}

}  // namespace meso::hal
