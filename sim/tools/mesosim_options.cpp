#include "mesosim_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>

namespace meso::sim::tools {

namespace {

TcpEndpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError("--tcp: \"" + text + "\" is not HOST:PORT (e.g. 127.0.0.1:5000)");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    throw UsageError("--tcp: \"" + port_text + "\" is not a port number from 0 to 65535");
  }
  return TcpEndpoint{host, static_cast<std::uint16_t>(port)};
}

}  // namespace

MesosimOptions parse_mesosim_options(int argc, char** argv, std::string& help) {
  CLI::App app{"mesosim: a simulated mesogun or microneedling pen on a pty or a TCP port"};
  std::string device;
  std::string link;
  std::string tcp;
  std::string faults;
  std::string scenario;
  std::string shot_log;
  MesosimOptions options;
  app.add_option("--device", device, "mesogun or pen")->required()->check(CLI::IsMember({"mesogun", "pen"}));
  auto* pty =
      app.add_flag("--pty", options.pty, "serve on a new pseudo-terminal; its path is the first stdout line");
  app.add_option("--link", link, "keep a symlink to the pty at PATH (updated on re-plug)")->needs(pty);
  auto* tcp_option = app.add_option("--tcp", tcp, "listen on HOST:PORT, one connection at a time");
  pty->excludes(tcp_option);
  app.add_option("--baud", options.baud, "pace output at this line rate (8N1); 0 = no pacing")
      ->capture_default_str();
  app.add_option("--faults", faults, "line faults, e.g. bitflip=0.001,dup=0.02,delay=5:3,dir=both");
  app.add_option("--scenario", scenario, "JSON timeline of faults and events (sim/README.md)");
  app.add_option("--seed", options.seed, "seed for every random choice")->capture_default_str();
  app.add_option("--auto-trigger", options.auto_trigger_hz, "trigger pulls per second while armed (mesogun)")
      ->check(CLI::Range(0.0, 1000.0));
  app.add_option("--shot-log", shot_log, "append one JSON line per delivered shot (mesogun)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    help = app.help();
    return options;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }

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
