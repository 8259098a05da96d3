#include "meso/sim/simulated_pen.hpp"

namespace meso::sim {

SimulatedPen::SimulatedPen(asio::io_context& io, std::unique_ptr<hal::ByteStream> stream, Config config)
    : device_(std::move(config.device), hal::SteadyClock::now()),
      runner_(io, device_, std::move(config.line), std::move(stream)) {}

}  // namespace meso::sim
