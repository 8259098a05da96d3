#include "meso/hal/command_checks.hpp"

#include <string>

#include "meso/protocols/lease.hpp"

namespace meso::hal {

namespace {

using std::to_string;

bool on_step(std::uint32_t value, std::uint32_t min, std::uint32_t step) {
  return step == 0 || (value - min) % step == 0;
}

CommandResult check_depth(const Capabilities& caps, const DeviceLimits& limits, std::uint16_t depth_um) {
  if (depth_um < caps.depth_min_um || depth_um > caps.depth_max_um) {
    return CommandResult::refused(
        Refusal::depth_outside_capabilities,
        "depth " + to_string(depth_um) + " um is outside what the device can set (" +
            to_string(caps.depth_min_um) + ".." + to_string(caps.depth_max_um) + " um)");
  }
  if (!on_step(depth_um, caps.depth_min_um, caps.depth_step_um)) {
    return CommandResult::refused(Refusal::depth_off_step, "depth " + to_string(depth_um) +
                                                               " um is not a multiple of the device's " +
                                                               to_string(caps.depth_step_um) + " um step");
  }
  if (depth_um < limits.depth_min_um || depth_um > limits.depth_max_um) {
    return CommandResult::refused(Refusal::depth_outside_limits, "depth " + to_string(depth_um) +
                                                                     " um is outside this step's limits (" +
                                                                     to_string(limits.depth_min_um) + ".." +
                                                                     to_string(limits.depth_max_um) + " um)");
  }
  return CommandResult::accepted();
}

CommandResult check_mesogun(const Capabilities& caps, const DeviceLimits& limits,
                            const TreatmentSettings& s) {
  namespace mg = protocols::mesogun;
  if (s.dose_nl < caps.dose_min_nl || s.dose_nl > caps.dose_max_nl) {
    return CommandResult::refused(
        Refusal::dose_outside_capabilities,
        "dose " + to_string(s.dose_nl) + " nl is outside what the device can deliver (" +
            to_string(caps.dose_min_nl) + ".." + to_string(caps.dose_max_nl) + " nl)");
  }
  if (!on_step(s.dose_nl, caps.dose_min_nl, caps.dose_step_nl)) {
    return CommandResult::refused(Refusal::dose_off_step, "dose " + to_string(s.dose_nl) +
                                                              " nl is not a multiple of the device's " +
                                                              to_string(caps.dose_step_nl) + " nl step");
  }
  if (s.dose_nl > limits.dose_max_nl) {
    return CommandResult::refused(Refusal::dose_outside_limits,
                                  "dose " + to_string(s.dose_nl) +
                                      " nl per shot exceeds this step's limit of " +
                                      to_string(limits.dose_max_nl) + " nl");
  }
  const auto mode_bit = static_cast<std::uint8_t>(1U << (static_cast<unsigned>(s.mode) - 1U));
  if ((caps.modes & mode_bit) == 0) {
    return CommandResult::refused(Refusal::mode_unsupported, "the device does not support mode " +
                                                                 std::string(protocols::to_name(s.mode)));
  }
  if (s.mode == mg::FireMode::single && s.rate_mhz != 0) {
    return CommandResult::refused(Refusal::rate_outside_capabilities, "single mode takes no rate (give 0)");
  }
  if (s.rate_mhz > caps.max_shot_rate_mhz) {
    return CommandResult::refused(Refusal::rate_outside_capabilities,
                                  "rate " + to_string(s.rate_mhz) + " mHz exceeds the device's maximum of " +
                                      to_string(caps.max_shot_rate_mhz) + " mHz");
  }
  if (s.rate_mhz > limits.max_rate_mhz) {
    return CommandResult::refused(Refusal::rate_outside_limits, "rate " + to_string(s.rate_mhz) +
                                                                    " mHz exceeds this step's limit of " +
                                                                    to_string(limits.max_rate_mhz) + " mHz");
  }
  return CommandResult::accepted();
}

CommandResult check_pen(const Capabilities& caps, const DeviceLimits& limits, const TreatmentSettings& s) {
  if (s.speed_sps < caps.speed_min_sps || s.speed_sps > caps.speed_max_sps) {
    return CommandResult::refused(
        Refusal::speed_outside_capabilities,
        "speed " + to_string(s.speed_sps) + " stamps/s is outside the pen's range (" +
            to_string(caps.speed_min_sps) + ".." + to_string(caps.speed_max_sps) + ")");
  }
  if (s.speed_sps > limits.speed_max_sps) {
    return CommandResult::refused(Refusal::speed_outside_limits,
                                  "speed " + to_string(s.speed_sps) +
                                      " stamps/s exceeds this step's limit of " +
                                      to_string(limits.speed_max_sps));
  }
  return CommandResult::accepted();
}

}  // namespace

CommandResult check_settings(DeviceKind kind, const Capabilities& caps, const DeviceLimits& limits,
                             const TreatmentSettings& settings) {
  if (auto depth = check_depth(caps, limits, settings.depth_um); !depth.ok()) return depth;
  return kind == DeviceKind::mesogun ? check_mesogun(caps, limits, settings)
                                     : check_pen(caps, limits, settings);
}

CommandResult check_lease(std::uint16_t lease_ms) {
  if (!protocols::lease_in_range(lease_ms)) {
    return CommandResult::refused(Refusal::lease_outside_range,
                                  "lease " + to_string(lease_ms) + " ms is outside " +
                                      to_string(protocols::kLeaseMinMs) + ".." +
                                      to_string(protocols::kLeaseMaxMs) + " ms");
  }
  return CommandResult::accepted();
}

}  // namespace meso::hal
