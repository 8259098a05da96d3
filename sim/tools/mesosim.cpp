// mesosim: a simulated mesogun or microneedling pen, speaking the real protocol on a pty or a TCP port,
// with line-rate pacing, seeded line faults, a scenario timeline and a ground-truth shot log; or, for QA of
// the vision, synthetic camera frames with their ground truth.
//
//   mesosim --device mesogun --pty --link /tmp/mesogun --auto-trigger 2 --shot-log shots.jsonl
//   mesosim --device pen --tcp 127.0.0.1:5001 --faults bitflip=0.001,dup=0.02
//   mesosim --camera-frames /tmp/frames --frames 90 --seed 3 --thin crown
//
// Exit codes: 0 after SIGINT/SIGTERM (or once the frames are written), 1 when the port cannot be served or a
// frame cannot be written, 2 for a usage error.
#include <csignal>
#include <iostream>
#include <memory>
#include <variant>

#include "meso/hal/asio.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "meso/sim/synthetic_camera.hpp"
#include "mesosim_options.hpp"
#include "pty_host.hpp"
#include "tcp_host.hpp"

namespace {

using namespace meso;
using sim::tools::DeviceKind;
using sim::tools::MesosimOptions;

using Host = std::variant<std::unique_ptr<sim::tools::PtyHost>, std::unique_ptr<sim::tools::TcpHost>>;
using Device = std::variant<std::unique_ptr<sim::SimulatedMesogun>, std::unique_ptr<sim::SimulatedPen>>;

Host make_host(asio::io_context& io, const MesosimOptions& options) {
  if (options.tcp) return std::make_unique<sim::tools::TcpHost>(io, *options.tcp, std::cout);
  return std::make_unique<sim::tools::PtyHost>(io, options.link, std::cout);
}

// The device starts unplugged; the host plugs it in once the scenario and the shot log have been accepted.
Device make_device(asio::io_context& io, const MesosimOptions& options, Host& host) {
  sim::SimulationOptions line;
  line.seed = options.seed;
  line.baud = options.baud;
  line.faults = options.faults;
  line.scenario = options.scenario;
  line.on_unplug = [&host](std::chrono::milliseconds for_ms) {
    std::visit([&](auto& h) { h->unplug(for_ms); }, host);
  };
  line.on_disconnected = [&host](const std::string& reason) {
    std::visit([&](auto& h) { h->disconnected(reason); }, host);
  };
  if (options.device == DeviceKind::pen) {
    return std::make_unique<sim::SimulatedPen>(io, nullptr, sim::SimulatedPen::Config{std::move(line), {}});
  }
  sim::SimulatedMesogun::Config config;
  config.line = std::move(line);
  config.device.auto_trigger_hz = options.auto_trigger_hz;
  if (options.shot_log) config.shot_log = *options.shot_log;
  return std::make_unique<sim::SimulatedMesogun>(io, nullptr, std::move(config));
}

// The handpiece visits a 3 x 3 grid, 10 mm apart, over the first thinned region (else the plane's origin),
// so the frames show it moving and firing.
std::optional<sim::HandpiecePath> qa_path(const sim::tools::CameraFramesOptions& camera) {
  if (!camera.handpiece || !camera.layout.handpiece) return std::nullopt;
  vision::PointMm centre;
  for (const auto& region : camera.layout.regions)
    if (!camera.thin_regions.empty() && region.name == camera.thin_regions.front())
      centre = vision::centroid(region.polygon_mm);
  sim::HandpiecePath path;
  constexpr double kSpacingMm = 10;
  for (int row = -1; row <= 1; ++row)
    for (int column = -1; column <= 1; ++column)
      path.waypoints_mm.push_back({centre.x + column * kSpacingMm, centre.y + row * kSpacingMm});
  path.loop = true;
  return path;
}

int write_camera_frames(const MesosimOptions& options) {
  const auto& camera_options = *options.camera_frames;
  sim::SyntheticCameraOptions camera;
  camera.seed = options.seed;
  camera.layout = camera_options.layout;
  for (const auto& region : camera.layout.regions)
    for (const auto& name : camera_options.thin_regions)
      if (region.name == name) camera.thinning.push_back({region.polygon_mm, 0.3});
  camera.handpiece = qa_path(camera_options);
  sim::SyntheticCamera source(std::move(camera));
  sim::write_synthetic_frames(source, camera_options.frames, camera_options.dir);
  std::cout << "wrote " << camera_options.frames << " frames and truth.jsonl to "
            << camera_options.dir.string() << '\n';
  return 0;
}

int run(const MesosimOptions& options) {
  if (options.camera_frames) return write_camera_frames(options);
  asio::io_context io;
  Host host = make_host(io, options);
  Device device;
  try {
    device = make_device(io, options, host);
  } catch (const sim::ScenarioError& e) {
    std::cerr << "mesosim: --scenario: " << e.what() << '\n';
    return 2;
  } catch (const std::runtime_error& e) {  // the shot log cannot be opened
    std::cerr << "mesosim: " << e.what() << '\n';
    return 2;
  }
  sim::DeviceRunner& runner = std::visit([](auto& d) -> sim::DeviceRunner& { return d->runner(); }, device);
  std::visit([&](auto& h) { h->start(runner); }, host);

  // Shut down by draining: close the port and stop the clocks; run() returns once nothing is left.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    runner.stop();
    std::visit([](auto& h) { h->stop(); }, host);
  });
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MesosimOptions options;
  try {
    std::string help;
    options = sim::tools::parse_mesosim_options(argc, argv, help);
    if (!help.empty()) {
      std::cout << help;
      return 0;
    }
  } catch (const sim::tools::UsageError& e) {
    std::cerr << "mesosim: " << e.what() << "\n(mesosim --help lists the options)\n";
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "mesosim: " << e.what() << '\n';
    return 1;
  }
}
