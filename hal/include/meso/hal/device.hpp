// The one device interface the station sees, whatever the device and its protocol (after ros2_control's
// hardware components): identity and capabilities, a lifecycle, commands checked against limits just
// before their bytes go out, and events. Devices are unique objects: neither copyable nor movable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "meso/hal/mesogun_link.hpp"
#include "meso/protocols/mesogun_messages.hpp"
#include "meso/protocols/pen_messages.hpp"

namespace meso::hal {

enum class DeviceKind : std::uint8_t { mesogun, pen };

struct Capabilities {
  std::uint16_t depth_min_um = 0;
  std::uint16_t depth_max_um = 0;
  std::uint16_t depth_step_um = 0;
  std::uint32_t dose_min_nl = 0;  // mesogun only
  std::uint32_t dose_max_nl = 0;
  std::uint32_t dose_step_nl = 0;
  std::uint32_t max_shot_rate_mhz = 0;
  std::uint32_t syringe_volume_ul = 0;
  std::uint8_t modes = 0;
  std::uint16_t speed_min_sps = 0;  // pen only
  std::uint16_t speed_max_sps = 0;
};

struct DeviceIdentity {
  DeviceKind kind = DeviceKind::mesogun;
  std::string model;
  std::string serial_number;
  std::string firmware;
  std::uint8_t protocol_version = 0;
  std::uint32_t boot_id = 0;       // mesogun: changes at every device boot
  std::uint32_t shot_counter = 0;  // mesogun: the device's counter when it identified itself
  Capabilities capabilities;
  // The device says it is a simulator (IDENTITY bit 7, IDR's simulated field). A claim, not a proof: a real
  // session also requires a paired serial number when the station names any (Station::arm_blockers).
  bool simulated = false;
};

// The envelope the station allows for the current treatment step: the driver's own last check, applied
// just before the bytes go out, on top of the device's capabilities.
struct DeviceLimits {
  std::uint16_t depth_min_um = 0;
  std::uint16_t depth_max_um = 0;
  std::uint32_t dose_max_nl = 0;    // mesogun
  std::uint32_t max_rate_mhz = 0;   // mesogun, continuous and nappage
  std::uint16_t speed_max_sps = 0;  // pen
  std::uint16_t lease_ms = 150;     // arm / run lease
};

struct TreatmentSettings {
  std::uint16_t depth_um = 0;
  std::uint32_t dose_nl = 0;  // mesogun
  protocols::mesogun::FireMode mode = protocols::mesogun::FireMode::single;
  std::uint32_t rate_mhz = 0;   // mesogun
  std::uint16_t speed_sps = 0;  // pen
};

enum class Refusal : std::uint8_t {
  not_connected,
  not_configured,
  not_armed,
  already_armed,
  depth_outside_capabilities,
  depth_off_step,
  depth_outside_limits,
  dose_outside_capabilities,
  dose_off_step,
  dose_outside_limits,
  rate_outside_capabilities,
  rate_outside_limits,
  mode_unsupported,
  speed_outside_capabilities,
  speed_outside_limits,
  lease_outside_range,
  outcome_uncertain,  // a FIRE's outcome is unknown: dosing is locked until reconciled or attested
  estopped,
  alarm_active,
  queue_full,
  not_supported,  // e.g. FIRE on a pen
  bad_command_id,
};

struct CommandResult {
  std::optional<Refusal> refusal;
  std::string detail;  // what was wrong and what to do, for the journal and the operator
  bool ok() const { return !refusal.has_value(); }
  static CommandResult accepted() { return {}; }
  static CommandResult refused(Refusal r, std::string why) { return {r, std::move(why)}; }
};

enum class DeviceState : std::uint8_t {
  disconnected,  // no link; nothing is armed (the device's lease sees to it)
  connecting,    // opening the port, handshaking
  reconciling,   // link up again; recovering shot records before anything else
  configured,    // link up, states readable, nothing armed
  active,        // armed (mesogun) or running (pen)
  fault,         // a high-priority device alarm is active
  estopped,      // latched until the next connection
};

enum class FireOutcome : std::uint8_t { delivered, not_delivered, unknown };

namespace device_event {
struct Connected {
  DeviceIdentity identity;
};
struct ConnectFailed {
  std::string reason;
};
struct StateChanged {
  DeviceState state;
  std::string reason;
};
struct Shot {  // a shot the device delivered; each shot_counter is reported exactly once
  protocols::mesogun::ShotRecord record;
  bool recovered = false;  // learned from QUERY_SHOTS after a gap, not from its SHOT frame
};
struct FireResolved {  // the outcome of a host FIRE: at once, or after reconciliation
  std::uint32_t command_id = 0;
  FireOutcome outcome = FireOutcome::unknown;
  std::string how;  // "SHOT 812", "refused: not_armed", "absent from records 800..815", ...
};
struct Status {
  DeviceState state = DeviceState::disconnected;
  bool armed = false;
  std::uint32_t shot_counter = 0;  // mesogun
  std::uint32_t reservoir_nl = 0;  // mesogun
  std::uint16_t line_pressure_mbar = 0;
  std::uint8_t battery_pct = 0;
  std::int16_t temperature_dc = 0;
  std::uint16_t depth_actual_um = 0;
  std::uint16_t speed_sps = 0;     // pen
  std::uint32_t stamps_total = 0;  // pen
  bool trigger_pressed = false;
};
struct Alarm {  // technical alarms from the device, as raised and cleared
  std::string code;
  protocols::mesogun::AlarmPriority priority = protocols::mesogun::AlarmPriority::high;
  bool active = true;
};
struct CommandRefused {  // the device refused a command the driver had accepted
  std::string command;
  std::string reason;
};
// The driver recovered from a refusal by applying settings again (after disarming the device): what it
// applied, and why. Nothing is armed afterwards; arming again is a person's act.
struct SettingsReapplied {
  TreatmentSettings settings;
  std::string reason;
};
struct Link {  // link quality and state changes
  LinkState state = LinkState::idle;
  LinkCounters counters;
};
}  // namespace device_event

using DeviceEvent =
    std::variant<device_event::Connected, device_event::ConnectFailed, device_event::StateChanged,
                 device_event::Shot, device_event::FireResolved, device_event::Status, device_event::Alarm,
                 device_event::CommandRefused, device_event::Link, device_event::SettingsReapplied>;

class Device {
 public:
  using EventHandler = std::function<void(const DeviceEvent&)>;

  Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  Device(Device&&) = delete;
  Device& operator=(Device&&) = delete;
  virtual ~Device() = default;

  virtual DeviceKind kind() const = 0;
  virtual void set_event_handler(EventHandler handler) = 0;

  // Lifecycle. configure: open the port, handshake, read states; nothing is armed. activate: arm (mesogun)
  // or run (pen). deactivate: disarm or stop. cleanup: close the port.
  virtual void configure() = 0;
  virtual CommandResult apply_settings(const TreatmentSettings& settings) = 0;
  virtual CommandResult activate() = 0;
  virtual void deactivate() = 0;
  virtual void cleanup() = 0;
  // Disarms and stops at once, from any state; latched until the next configure().
  virtual void estop() = 0;
  // A host-commanded shot (mesogun). The caller has journaled the intent before calling.
  virtual CommandResult fire(std::uint32_t command_id) = 0;
  // A clinician settles a FIRE whose outcome stayed unknown after reconciliation (devices without FIRE have
  // nothing to settle).
  virtual std::optional<device_event::FireResolved> attest(std::uint32_t /*command_id*/,
                                                           FireOutcome /*outcome*/) {
    return std::nullopt;
  }

  virtual void set_limits(const DeviceLimits& limits) = 0;
  virtual DeviceState state() const = 0;
  virtual const std::optional<DeviceIdentity>& identity() const = 0;
};

// The one mapping from each protocol's identity message to the station's view of a device.
DeviceIdentity to_identity(const protocols::mesogun::Identity& id);
DeviceIdentity to_identity(const protocols::pen::Identity& id);

std::string_view to_string(DeviceState state);
std::string_view to_string(Refusal refusal);
std::string_view to_string(FireOutcome outcome);

}  // namespace meso::hal
