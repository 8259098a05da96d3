#include "mesosim_options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

namespace meso::sim::tools {

namespace {

TcpEndpoint parse_endpoint(const std::string& text) {
  try {
    return hal::parse_tcp_endpoint(text, hal::PortZero::any_free_port);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--tcp: ") + e.what());
  }
}

bool has_region(const vision::HeadbandLayout& layout, const std::string& name) {
  return std::any_of(layout.regions.begin(), layout.regions.end(),
                     [&](const auto& r) { return r.name == name; });
}

// The camera mode has no device: its options are checked against the layout it will draw.
CameraFramesOptions camera_frames_options(const std::string& dir, int frames, const std::string& layout,
                                          const std::vector<std::string>& thin) {
  CameraFramesOptions camera;
  camera.dir = dir;
  camera.frames = frames;
  if (!layout.empty()) {
    try {
      camera.layout = vision::load_layout(layout);
    } catch (const std::exception& e) {
      throw UsageError(std::string("--layout: ") + e.what());
    }
  }
  for (const auto& name : thin) {
    if (!has_region(camera.layout, name))
      throw UsageError("--thin: the layout has no region \"" + name + "\" (see its \"regions\")");
  }
  camera.thin_regions = thin;
  return camera;
}

}  // namespace

MesosimOptions parse_mesosim_options(int argc, char** argv, std::string& help) {
  CLI::App app{
      "mesosim: a simulated mesogun or microneedling pen on a pty or a TCP port, or synthetic camera frames "
      "with their ground truth (--camera-frames)"};
  std::string device;
  std::string link;
  std::string tcp;
  std::string faults;
  std::string scenario;
  std::string shot_log;
  MesosimOptions options;
  std::string camera_dir;
  int frames = 30;
  std::string layout;
  std::vector<std::string> thin;
  auto* device_option =
      app.add_option("--device", device, "mesogun or pen")->check(CLI::IsMember({"mesogun", "pen"}));
  auto* pty =
      app.add_flag("--pty", options.pty, "serve on a new pseudo-terminal; its path is the first stdout line");
  auto* link_option =
      app.add_option("--link", link, "keep a symlink to the pty at PATH (updated on re-plug)")->needs(pty);
  auto* tcp_option = app.add_option("--tcp", tcp, "listen on HOST:PORT, one connection at a time");
  pty->excludes(tcp_option);
  auto* baud = app.add_option("--baud", options.baud, "pace output at this line rate (8N1); 0 = no pacing")
                   ->capture_default_str();
  auto* faults_option =
      app.add_option("--faults", faults, "line faults, e.g. bitflip=0.001,dup=0.02,delay=5:3,dir=both");
  auto* scenario_option =
      app.add_option("--scenario", scenario, "JSON timeline of faults and events (sim/README.md)");
  app.add_option("--seed", options.seed, "seed for every random choice")->capture_default_str();
  auto* auto_trigger = app.add_option("--auto-trigger", options.auto_trigger_hz,
                                      "trigger pulls per second while armed (mesogun)")
                           ->check(CLI::Range(0.0, 1000.0));
  auto* shot_log_option =
      app.add_option("--shot-log", shot_log, "append one JSON line per delivered shot (mesogun)");
  auto* camera = app.add_option("--camera-frames", camera_dir,
                                "write synthetic camera frames (PNG) and truth.jsonl into DIR, then exit");
  for (auto* device_only : {device_option, pty, link_option, tcp_option, baud, faults_option, scenario_option,
                            auto_trigger, shot_log_option})
    camera->excludes(device_only);
  app.add_option("--frames", frames, "with --camera-frames: how many frames")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000))
      ->needs(camera);
  app.add_option("--layout", layout, "with --camera-frames: headband layout JSON (default: the built-in one)")
      ->needs(camera);
  app.add_option("--thin", thin,
                 "with --camera-frames: a layout region drawn with thinning hair (repeatable)")
      ->needs(camera);
  bool no_handpiece = false;
  app.add_flag("--no-handpiece", no_handpiece,
               "with --camera-frames: leave the handpiece out (a planning photo)")
      ->needs(camera);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    help = app.help();
    return options;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }

  if (!camera_dir.empty()) {
    options.camera_frames = camera_frames_options(camera_dir, frames, layout, thin);
    options.camera_frames->handpiece = !no_handpiece;
    return options;
  }
  if (device.empty()) throw UsageError("--device mesogun|pen is needed (or --camera-frames DIR)");
  options.device = device == "pen" ? DeviceKind::pen : DeviceKind::mesogun;
  if (!options.pty && tcp.empty()) throw UsageError("one of --pty or --tcp HOST:PORT is needed");
  if (!link.empty()) options.link = link;
  if (!tcp.empty()) options.tcp = parse_endpoint(tcp);
  if (options.device == DeviceKind::pen && (options.auto_trigger_hz > 0 || !shot_log.empty())) {
    throw UsageError("--auto-trigger and --shot-log are for --device mesogun: a pen has no trigger or shots");
  }
  try {
    options.faults = parse_fault_spec(faults);
  } catch (const FaultSpecError& e) {
    throw UsageError(std::string("--faults: ") + e.what());
  }
  if (!scenario.empty()) {
    try {
      options.scenario = load_scenario(scenario);
    } catch (const ScenarioError& e) {
      throw UsageError(std::string("--scenario: ") + e.what());
    }
  }
  if (!shot_log.empty()) options.shot_log = shot_log;
  return options;
}

}  // namespace meso::sim::tools
