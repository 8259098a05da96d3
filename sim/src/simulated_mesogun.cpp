#include "meso/sim/simulated_mesogun.hpp"

namespace meso::sim {

MesogunModelConfig SimulatedMesogun::seeded(MesogunModelConfig device, std::uint32_t seed) {
  device.seed = seed;
  return device;
}

SimulatedMesogun::SimulatedMesogun(asio::io_context& io, std::unique_ptr<hal::ByteStream> stream,
                                   Config config)
    : shot_log_(config.shot_log.empty() ? std::nullopt : std::make_optional<ShotLogFile>(config.shot_log)),
      shot_sink_(std::move(config.shot_sink)),
      device_(seeded(std::move(config.device), config.line.seed), hal::SteadyClock::now()),
      runner_(io, device_, std::move(config.line), std::move(stream)) {
  device_.set_shot_sink([this](const protocols::mesogun::ShotRecord& record, std::uint32_t boot_id) {
    if (shot_log_) shot_log_->write(record, boot_id);
    if (shot_sink_) shot_sink_(record, boot_id);
  });
}

}  // namespace meso::sim
