// mesosim's command line, parsed and checked before anything is opened: a bad flag, fault spec or
// scenario is a usage error (exit 2) that names the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/hal/tcp_endpoint.hpp"
#include "meso/sim/fault_spec.hpp"
#include "meso/sim/scenario.hpp"
#include "meso/vision/headband_layout.hpp"

namespace meso::sim::tools {

enum class DeviceKind : std::uint8_t { mesogun, pen };

using hal::TcpEndpoint;  // port 0: any free port, printed on stdout

// `--camera-frames DIR`: write synthetic camera frames and their ground truth for QA instead of serving a
// device.
struct CameraFramesOptions {
  std::filesystem::path dir;
  int frames = 30;
  vision::HeadbandLayout layout = vision::default_layout();
  std::vector<std::string> thin_regions;  // names of layout regions drawn with thinning hair
  bool handpiece = true;                  // false: a planning photo, with no handpiece over the hair
};

struct MesosimOptions {
  DeviceKind device = DeviceKind::mesogun;
  bool pty = false;
  std::optional<std::filesystem::path> link;
  std::optional<TcpEndpoint> tcp;
  std::uint32_t baud = 115200;
  FaultSpec faults;
  Scenario scenario;
  std::uint32_t seed = 1;
  double auto_trigger_hz = 0.0;
  std::optional<std::filesystem::path> shot_log;
  std::optional<CameraFramesOptions> camera_frames;  // set: no device, only the frames
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws UsageError with the message to print. `help` is set (and nothing else parsed) for --help.
MesosimOptions parse_mesosim_options(int argc, char** argv, std::string& help);

}  // namespace meso::sim::tools
