// The mesogun driver: the Device interface over the binary link protocol, on the station's io_context.
// It owns the link core and the port (through a StreamOpener, so a serial port, a pty or TCP all work),
// checks every command last, keeps the shot ledger, and after any link loss reconnects and reconciles
// shots, but never re-arms by itself.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"
#include "meso/hal/device.hpp"
#include "meso/hal/mesogun_link.hpp"
#include "meso/hal/shot_ledger.hpp"

namespace meso::hal {

// Opens the port (again, after an unplug) and calls `ready` with the stream, or with nullptr and what was
// wrong. Asynchronous, since a TCP connect takes a round trip; a serial port answers at once.
using StreamReady = std::function<void(std::unique_ptr<ByteStream> stream, const std::string& error)>;
using StreamOpener = std::function<void(StreamReady ready)>;

struct MesogunDriverOptions {
  DeviceLimits limits;
  std::optional<std::uint32_t> known_last_counter;  // from the journal, for this device
  std::vector<std::uint32_t> uncertain_fires;       // from the journal: intents without an outcome
  LinkTiming timing;
  milliseconds reconnect_period{500};
  std::uint32_t hello_nonce_seed = 0;  // 0: random
};

class MesogunDriver final : public Device {
 public:
  MesogunDriver(asio::io_context& io, StreamOpener opener, MesogunDriverOptions options);
  ~MesogunDriver() override;

  DeviceKind kind() const override { return DeviceKind::mesogun; }
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }
  void configure() override;
  CommandResult apply_settings(const TreatmentSettings& settings) override;
  CommandResult activate() override;
  void deactivate() override;
  void cleanup() override;
  void estop() override;
  CommandResult fire(std::uint32_t command_id) override;
  void set_limits(const DeviceLimits& limits) override { options_.limits = limits; }
  DeviceState state() const override { return state_; }
  const std::optional<DeviceIdentity>& identity() const override { return identity_; }

  // A clinician settles a FIRE whose outcome stayed unknown after reconciliation.
  std::optional<device_event::FireResolved> attest(std::uint32_t command_id, FireOutcome outcome) override;
  const LinkCounters& link_counters() const { return link_.counters(); }
  const ShotLedger& ledger() const { return ledger_; }

 private:
  void open_port();
  void port_opened(std::unique_ptr<ByteStream> stream, const std::string& error);
  void on_bytes(std::span<const std::uint8_t> bytes);
  void on_closed(const std::string& reason);
  void pump();
  void arm_timer();
  void on_timer();
  void handle(const LinkEvent& event);
  void handle_up(const protocols::mesogun::Identity& identity);
  void handle_message(const protocols::mesogun::Message& message, std::uint16_t ack);
  void handle_error(const protocols::mesogun::Error& error);
  void handle_status(const protocols::mesogun::Status& status, std::uint16_t ack);
  // Whether a frame whose own ack is `ack` was built after the device had received the last ARM (A.5).
  bool after_arm(std::uint16_t ack) const;
  // configured <-> fault as the device reports a high-priority alarm active or cleared.
  void follow_device_fault(const std::string& why);
  void handle_shot_records(const protocols::mesogun::ShotRecords& records);
  void record_shot(const protocols::mesogun::ShotRecord& shot, bool recovered);
  void continue_reconciliation();
  void lose_link(const std::string& reason);
  void schedule_reconnect();
  CommandResult send_checked(protocols::mesogun::Message message);
  // A FIRE goes out once the device has had the CONFIGURE and ARM before it and its maximum rate allows.
  void release_paced_fire();
  void send_fire_now(std::uint32_t command_id);
  void cancel_paced_fire(const std::string& why);
  // The device refused CONFIGURE with `busy`: it is still armed, with settings that may not be these.
  void recover_from_busy(const TreatmentSettings& settings);
  std::string settings_text(const TreatmentSettings& settings) const;
  void set_state(DeviceState state, const std::string& reason);
  void emit(const DeviceEvent& event);

  asio::io_context& io_;
  StreamOpener opener_;
  MesogunDriverOptions options_;
  EventHandler handler_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // handlers check it: the driver may be gone

  std::unique_ptr<ByteStream> stream_;
  MesogunLink link_;
  asio::steady_timer timer_;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer pace_timer_;
  std::uint32_t nonce_;

  DeviceState state_ = DeviceState::disconnected;
  bool wanted_ = false;  // configure() called and not cleaned up: keep the link, reconnect after losses
  bool opening_ = false;
  bool estop_latched_ = false;
  std::optional<DeviceIdentity> identity_;
  std::optional<TreatmentSettings> settings_;
  std::optional<TimePoint> last_fire_;       // the device refuses shots faster than its maximum rate
  std::optional<std::uint32_t> paced_fire_;  // accepted, waiting for the rate or for CONFIGURE/ARM acks
  std::uint16_t arm_seq_ = 0;        // seq of the last ARM: a STATUS after its acknowledgement reflects it
  std::uint16_t configure_seq_ = 0;  // seq of the last CONFIGURE
  bool disarm_needed_ = false;       // the device may be armed: an ARM went out, or a STATUS said armed
  bool busy_recovered_ = false;      // settings were applied again once after `busy`; never in a loop
  std::map<std::uint16_t, std::uint32_t> fire_seq_;   // seq -> command id, for ERROR.refused_seq
  std::map<std::uint16_t, std::string> command_seq_;  // seq -> command name, for other refusals
  ShotLedger ledger_;
  std::uint32_t queried_from_ = 0;
  std::uint8_t active_alarms_ = 0;  // bit code - 1, as in STATUS
  bool device_fault_ = false;       // the device last reported a high-priority alarm active
};

}  // namespace meso::hal
