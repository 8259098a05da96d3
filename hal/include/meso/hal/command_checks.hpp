// The driver's layer of the safety limits: every command is checked against the device's capabilities and
// the station's limits immediately before its bytes are written. Pure functions, so each rule is tested
// on its own.
#pragma once

#include "meso/hal/device.hpp"

namespace meso::hal {

CommandResult check_settings(DeviceKind kind, const Capabilities& caps, const DeviceLimits& limits,
                             const TreatmentSettings& settings);
CommandResult check_lease(std::uint16_t lease_ms);

}  // namespace meso::hal
