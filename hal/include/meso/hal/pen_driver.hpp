// The microneedling pen driver: the Device interface over the pen's NMEA sentences (docs/protocol.md B).
// The pen protocol has no sequencing, so the driver makes it safe by the rules of B.4: commands are
// idempotent and repeated until answered, a status poll every 50 ms renews the run lease and proves the
// link alive, and 250 ms without a valid sentence is a link loss.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "meso/hal/asio.hpp"
#include "meso/hal/byte_stream.hpp"
#include "meso/hal/device.hpp"
#include "meso/hal/mesogun_driver.hpp"  // StreamOpener
#include "meso/protocols/pen_codec.hpp"

namespace meso::hal {

struct PenDriverOptions {
  DeviceLimits limits;
  milliseconds poll_period{50};
  milliseconds link_loss_after{250};
  milliseconds answer_timeout{100};
  int max_attempts = 3;
  milliseconds identify_timeout{2000};
  milliseconds reconnect_period{500};
};

class PenDriver final : public Device {
 public:
  PenDriver(asio::io_context& io, StreamOpener opener, PenDriverOptions options);
  ~PenDriver() override;

  DeviceKind kind() const override { return DeviceKind::pen; }
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

 private:
  struct Pending {
    protocols::pen::Message message;
    TimePoint sent_at;
    int attempts = 0;
  };

  void open_port();
  void port_opened(std::unique_ptr<ByteStream> stream, const std::string& error);
  void on_bytes(std::span<const std::uint8_t> bytes);
  void on_closed(const std::string& reason);
  void tick();
  void schedule_tick();
  void handle(const protocols::pen::Message& message);
  void answer(protocols::pen::Kind command, std::optional<protocols::pen::NakReason> nak);
  void enqueue(protocols::pen::Message message);
  void transmit(const protocols::pen::Message& message);
  void lose_link(const std::string& reason);
  // configured <-> fault as the pen reports a high-priority alarm active or cleared.
  void follow_pen_fault(const std::string& why);
  void set_state(DeviceState state, const std::string& reason);
  void emit(const DeviceEvent& event);

  asio::io_context& io_;
  StreamOpener opener_;
  PenDriverOptions options_;
  EventHandler handler_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  std::unique_ptr<ByteStream> stream_;
  protocols::pen::SentenceDecoder decoder_;
  asio::steady_timer timer_;
  DeviceState state_ = DeviceState::disconnected;
  bool wanted_ = false;
  bool opening_ = false;
  bool estop_latched_ = false;
  bool run_acknowledged_ = false;
  bool stop_needed_ = false;  // the motor may be running: a RUN went out, or an STA said RUNNING
  bool pen_fault_ = false;    // the pen last reported a high-priority alarm active (STA FAULT, ALM)
  std::optional<DeviceIdentity> identity_;
  std::optional<TreatmentSettings> settings_;
  std::deque<Pending> pending_;  // commands awaiting ACK/NAK, oldest first
  TimePoint last_valid_rx_{};
  TimePoint connect_started_{};
  TimePoint next_identify_{};
  TimePoint next_reconnect_{};
};

}  // namespace meso::hal
