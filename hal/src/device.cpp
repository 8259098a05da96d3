#include "meso/hal/device.hpp"

namespace meso::hal {

DeviceIdentity to_identity(const protocols::mesogun::Identity& id) {
  DeviceIdentity out;
  out.kind = DeviceKind::mesogun;
  out.model = id.model;
  out.serial_number = id.serial_number;
  out.firmware = std::to_string(id.firmware_major) + "." + std::to_string(id.firmware_minor) + "." +
                 std::to_string(id.firmware_patch);
  out.protocol_version = id.protocol_version;
  out.boot_id = id.boot_id;
  out.shot_counter = id.shot_counter;
  out.capabilities.depth_min_um = id.depth_min_um;
  out.capabilities.depth_max_um = id.depth_max_um;
  out.capabilities.depth_step_um = id.depth_step_um;
  out.capabilities.dose_min_nl = id.dose_min_nl;
  out.capabilities.dose_max_nl = id.dose_max_nl;
  out.capabilities.dose_step_nl = id.dose_step_nl;
  out.capabilities.max_shot_rate_mhz = id.max_shot_rate_mhz;
  out.capabilities.syringe_volume_ul = id.syringe_volume_ul;
  out.capabilities.modes = id.modes;
  out.simulated = id.simulated;
  return out;
}

DeviceIdentity to_identity(const protocols::pen::Identity& id) {
  DeviceIdentity out;
  out.kind = DeviceKind::pen;
  out.model = id.model;
  out.serial_number = id.serial_number;
  out.firmware = id.firmware;
  out.protocol_version = id.protocol_version;
  out.capabilities.depth_min_um = id.depth_min_um;
  out.capabilities.depth_max_um = id.depth_max_um;
  out.capabilities.depth_step_um = id.depth_step_um;
  out.capabilities.speed_min_sps = id.speed_min_sps;
  out.capabilities.speed_max_sps = id.speed_max_sps;
  out.simulated = id.simulated;
  return out;
}

std::string_view to_string(DeviceState state) {
  switch (state) {
    case DeviceState::disconnected:
      return "disconnected";
    case DeviceState::connecting:
      return "connecting";
    case DeviceState::reconciling:
      return "reconciling";
    case DeviceState::configured:
      return "configured";
    case DeviceState::active:
      return "active";
    case DeviceState::fault:
      return "fault";
    case DeviceState::estopped:
      return "estopped";
  }
  return "unknown";
}

std::string_view to_string(FireOutcome outcome) {
  switch (outcome) {
    case FireOutcome::delivered:
      return "delivered";
    case FireOutcome::not_delivered:
      return "not_delivered";
    case FireOutcome::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::not_connected:
      return "not_connected";
    case Refusal::not_configured:
      return "not_configured";
    case Refusal::not_armed:
      return "not_armed";
    case Refusal::already_armed:
      return "already_armed";
    case Refusal::depth_outside_capabilities:
      return "depth_outside_capabilities";
    case Refusal::depth_off_step:
      return "depth_off_step";
    case Refusal::depth_outside_limits:
      return "depth_outside_limits";
    case Refusal::dose_outside_capabilities:
      return "dose_outside_capabilities";
    case Refusal::dose_off_step:
      return "dose_off_step";
    case Refusal::dose_outside_limits:
      return "dose_outside_limits";
    case Refusal::rate_outside_capabilities:
      return "rate_outside_capabilities";
    case Refusal::rate_outside_limits:
      return "rate_outside_limits";
    case Refusal::mode_unsupported:
      return "mode_unsupported";
    case Refusal::speed_outside_capabilities:
      return "speed_outside_capabilities";
    case Refusal::speed_outside_limits:
      return "speed_outside_limits";
    case Refusal::lease_outside_range:
      return "lease_outside_range";
    case Refusal::outcome_uncertain:
      return "outcome_uncertain";
    case Refusal::estopped:
      return "estopped";
    case Refusal::alarm_active:
      return "alarm_active";
    case Refusal::queue_full:
      return "queue_full";
    case Refusal::not_supported:
      return "not_supported";
    case Refusal::bad_command_id:
      return "bad_command_id";
  }
  return "unknown";
}

}  // namespace meso::hal
