// The whole simulated pen behind its port, sans-I/O: sentence framing and the pen model.
#pragma once

#include <string>

#include "meso/protocols/pen_codec.hpp"
#include "meso/sim/pen_model.hpp"
#include "meso/sim/sim_device.hpp"

namespace meso::sim {

class PenDevice final : public SimDevice {
 public:
  PenDevice(PenModelConfig config, TimePoint now);

  void receive(std::span<const std::uint8_t> bytes, TimePoint now) override;
  void poll(TimePoint now) override;
  TimePoint next_deadline() const override { return model_.next_deadline(); }
  std::vector<std::uint8_t> take_output() override;
  std::uint8_t frame_delimiter() const override { return '\n'; }
  std::string kind() const override { return "pen"; }
  bool supports(const ScenarioAction& action) const override;
  void apply(const ScenarioAction& action, TimePoint now) override;

  void reboot(TimePoint now);
  PenModel& model() { return model_; }
  const PenModel& model() const { return model_; }

 private:
  void handle(const protocols::pen::DecodeResult& result, TimePoint now);
  void flush();

  PenModel model_;
  protocols::pen::SentenceDecoder decoder_;
  std::string sentence_;  // the raw sentence under way: a malformed command is still named in its NAK
  std::vector<std::uint8_t> output_;
};

}  // namespace meso::sim
