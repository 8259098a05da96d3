// Finds out what answers on a port: the mesogun's HELLO alone first (nothing but HELLO, A.6), and only when
// no IDENTITY comes back in its half of the time, the pen's IDQ, so that neither device reads the other's
// bytes unless it failed to answer its own. Says which protocol answered, and what each attempt saw. Used by
// `mesostation probe` and by anyone who must not guess which device sits on a port.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"
#include "meso/hal/device.hpp"

namespace meso::hal {

struct ProbeAttempt {
  DeviceKind protocol = DeviceKind::mesogun;  // the protocol spoken: mesogun HELLO or pen IDQ
  bool answered = false;
  std::chrono::microseconds elapsed{0};  // from this attempt's first byte to its answer or its end
  std::string note;                      // "IDENTITY", "no answer", "ERROR unsupported_version", ...
};

struct ProbeResult {
  std::optional<DeviceIdentity> identity;  // empty: nothing answered
  std::chrono::microseconds handshake_time{0};
  std::string error;
  std::vector<ProbeAttempt> attempts;  // in the order they were made
};

// Runs on `io` until an identity arrives or `timeout` passes (half of it for each protocol), then calls
// `done` once. The stream is borrowed and must outlive the probe. The HELLO's nonce is random (A.6): a
// probe keeps no record of earlier ones.
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
