#include "probe_command.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meso/hal/device_probe.hpp"
#include "meso/hal/serial_port.hpp"
#include "meso/hal/tcp_endpoint.hpp"
#include "meso/hal/tcp_stream.hpp"
#include "tcp_option.hpp"

namespace meso::station {

namespace {

constexpr std::chrono::milliseconds kAnswerWithin{2000};

struct ProbeOptions {
  std::string port;
  std::string tcp;
  std::uint32_t baud = 115200;
  bool json = false;
};

struct OpenedPort {
  std::unique_ptr<hal::ByteStream> stream;
  std::string low_latency;  // serial ports only
};

OpenedPort open_port(asio::io_context& io, const ProbeOptions& options) {
  if (!options.tcp.empty()) {
    const auto endpoint = hal::parse_tcp_endpoint(options.tcp);
    return {hal::connect_tcp_stream(io, endpoint.host, endpoint.port, kAnswerWithin), ""};
  }
  hal::SerialSettings settings;
  settings.path = options.port;
  settings.baud = options.baud;
  auto serial = hal::open_serial_stream(io, settings);
  std::string note = serial->low_latency_note();
  return {std::move(serial), note};
}

nlohmann::json to_json(const hal::DeviceIdentity& id, const std::string& port, const std::string& low_latency,
                       std::chrono::microseconds handshake) {
  const auto& c = id.capabilities;
  nlohmann::json caps{
      {"depth_min_um", c.depth_min_um}, {"depth_max_um", c.depth_max_um}, {"depth_step_um", c.depth_step_um}};
  if (id.kind == hal::DeviceKind::mesogun) {
    caps.update({{"dose_min_nl", c.dose_min_nl},
                 {"dose_max_nl", c.dose_max_nl},
                 {"dose_step_nl", c.dose_step_nl},
                 {"max_shot_rate_mhz", c.max_shot_rate_mhz},
                 {"syringe_volume_ul", c.syringe_volume_ul},
                 {"modes",
                  {{"single", (c.modes & 1U) != 0},
                   {"continuous", (c.modes & 2U) != 0},
                   {"nappage", (c.modes & 4U) != 0}}}});
  } else {
    caps.update({{"speed_min_sps", c.speed_min_sps}, {"speed_max_sps", c.speed_max_sps}});
  }
  nlohmann::json out{{"port", port},
                     {"device", id.kind == hal::DeviceKind::mesogun ? "mesogun" : "pen"},
                     {"model", id.model},
                     {"serial_number", id.serial_number},
                     {"firmware", id.firmware},
                     {"protocol_version", id.protocol_version},
                     {"simulated", id.simulated},
                     {"capabilities", caps},
                     {"handshake_ms", static_cast<double>(handshake.count()) / 1000.0}};
  if (id.kind == hal::DeviceKind::mesogun) {
    out["boot_id"] = id.boot_id;
    out["shot_counter"] = id.shot_counter;
  }
  if (!low_latency.empty()) out["low_latency"] = low_latency;
  return out;
}

nlohmann::json to_json(const std::vector<hal::ProbeAttempt>& attempts) {
  nlohmann::json tried = nlohmann::json::array();
  for (const auto& a : attempts) {
    tried.push_back({{"protocol", a.protocol == hal::DeviceKind::mesogun ? "mesogun" : "pen"},
                     {"sent", a.protocol == hal::DeviceKind::mesogun ? "HELLO" : "IDQ"},
                     {"answered", a.answered},
                     {"answer", a.note},
                     {"ms", static_cast<double>(a.elapsed.count()) / 1000.0}});
  }
  return tried;
}

// "mesogun (HELLO): no answer in 1000 ms; pen (IDQ): IDR in 12.3 ms"
std::string describe(const nlohmann::json& tried) {
  std::string text;
  for (const auto& t : tried) {
    if (!text.empty()) text += "; ";
    text += t["protocol"].get<std::string>() + " (" + t["sent"].get<std::string>() +
            "): " + t["answer"].get<std::string>() + " in " +
            std::to_string(static_cast<int>(t["ms"].get<double>())) + " ms";
  }
  return text;
}

void print_text(const nlohmann::json& j) {
  std::cout << j["device"].get<std::string>() << " " << j["model"].get<std::string>() << ", serial "
            << j["serial_number"].get<std::string>() << ", firmware " << j["firmware"].get<std::string>()
            << ", protocol " << j["protocol_version"] << "\n  on " << j["port"].get<std::string>()
            << ", answered in " << j["handshake_ms"] << " ms\n";
  if (j["simulated"].get<bool>())
    std::cout << "  a simulator (it says so in its identity): not for real patients\n";
  if (j.contains("low_latency"))
    std::cout << "  low latency: " << j["low_latency"].get<std::string>() << "\n";
  if (j.contains("shot_counter"))
    std::cout << "  shot counter " << j["shot_counter"] << ", boot id " << j["boot_id"] << "\n";
  std::cout << "  probed: " << describe(j["tried"]) << "\n";
  std::cout << "  capabilities:\n";
  for (const auto& [key, value] : j["capabilities"].items())
    std::cout << "    " << key << ": " << value.dump() << "\n";
}

int run_probe(const ProbeOptions& options) {
  asio::io_context io;
  OpenedPort port = open_port(io, options);
  const std::string where = port.stream->describe();
  std::optional<hal::ProbeResult> result;
  hal::DeviceProbe probe(io, *port.stream, kAnswerWithin, [&](const hal::ProbeResult& r) {
    result = r;
    io.stop();
  });
  io.run();
  port.stream->close();
  if (!result || !result->identity) {
    std::cerr << "mesostation probe: " << where << ": "
              << (result ? result->error : std::string("nothing answered")) << "\n";
    if (result) std::cerr << "  probed: " << describe(to_json(result->attempts)) << "\n";
    return 3;
  }
  auto json = to_json(*result->identity, where, port.low_latency, result->handshake_time);
  json["tried"] = to_json(result->attempts);
  if (options.json) {
    std::cout << json.dump(2) << "\n";
  } else {
    print_text(json);
  }
  return 0;
}

}  // namespace

void add_probe_command(CLI::App& app) {
  auto options = std::make_shared<ProbeOptions>();
  auto* cmd =
      app.add_subcommand("probe", "Connect to a device, handshake, print its identity and capabilities");
  auto* port = cmd->add_option("--port", options->port, "Serial port or pty path (/dev/ttyUSB0, /dev/pts/3)");
  auto* tcp = cmd->add_option("--tcp", options->tcp, "Device server or simulator, HOST:PORT")
                  ->check(tcp_endpoint_check());
  port->excludes(tcp);
  cmd->add_option("--baud", options->baud, "Line speed for a serial port")->capture_default_str();
  cmd->add_flag("--json", options->json, "Print JSON");
  cmd->callback([options, port, tcp] {
    if (port->count() == 0 && tcp->count() == 0) throw CLI::RequiredError("--port or --tcp");
    const int code = run_probe(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
