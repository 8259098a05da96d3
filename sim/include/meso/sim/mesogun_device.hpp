// The whole simulated mesogun behind its port, sans-I/O: the device-role link core (framing, sequencing,
// retransmission, heartbeats) and the application model, glued as the firmware would glue them.
#pragma once

#include <functional>
#include <memory>

#include "meso/hal/mesogun_link.hpp"
#include "meso/sim/mesogun_model.hpp"
#include "meso/sim/sim_device.hpp"

namespace meso::sim {

// Told of every shot the device delivers (the ground truth), with the boot it happened in.
using ShotSink = std::function<void(const protocols::mesogun::ShotRecord& record, std::uint32_t boot_id)>;

class MesogunDevice final : public SimDevice {
 public:
  MesogunDevice(MesogunModelConfig config, TimePoint now, hal::LinkTiming timing = {});

  void receive(std::span<const std::uint8_t> bytes, TimePoint now) override;
  void poll(TimePoint now) override;
  TimePoint next_deadline() const override;
  std::vector<std::uint8_t> take_output() override;
  std::uint8_t frame_delimiter() const override { return 0x00; }
  std::string kind() const override { return "mesogun"; }
  bool supports(const ScenarioAction& action) const override;
  void apply(const ScenarioAction& action, TimePoint now) override;

  // A power cycle: the model keeps its PersistentState; the link core starts from nothing.
  void reboot(TimePoint now);
  void set_shot_sink(ShotSink sink) { shot_sink_ = std::move(sink); }

  MesogunModel& model() { return model_; }
  const MesogunModel& model() const { return model_; }
  const hal::MesogunLink& link() const { return *link_; }

 private:
  void handle_events(TimePoint now);
  void send_outgoing(TimePoint now);
  std::uint64_t frames_from_host() const;

  hal::LinkTiming timing_;
  MesogunModel model_;
  std::unique_ptr<hal::MesogunLink> link_;
  std::uint16_t rx_seq_ = 0;  // seq of the last reliable frame delivered in order: ERROR names it
  std::vector<std::uint8_t> output_;
  ShotSink shot_sink_;
};

}  // namespace meso::sim
