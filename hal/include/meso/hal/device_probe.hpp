// Finds out what answers on a port: sends the mesogun's HELLO and the pen's IDQ side by side (each protocol
// reads the other's bytes as line noise and resynchronises), and returns the first identity that comes
// back. Used by `mesostation probe` and by anyone who must not guess which device sits on a port.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"
#include "meso/hal/device.hpp"

namespace meso::hal {

struct ProbeResult {
  std::optional<DeviceIdentity> identity;  // empty: nothing answered
  std::chrono::microseconds handshake_time{0};
  std::string error;
};

// Runs on `io` until an identity arrives or `timeout` passes, then calls `done` once. The stream is
// borrowed and must outlive the probe.
class DeviceProbe {
 public:
  DeviceProbe(asio::io_context& io, ByteStream& stream, std::chrono::milliseconds timeout,
              std::function<void(const ProbeResult&)> done);
  DeviceProbe(const DeviceProbe&) = delete;
  DeviceProbe& operator=(const DeviceProbe&) = delete;
  ~DeviceProbe();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace meso::hal
