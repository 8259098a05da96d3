#include "meso/station/station_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "json_fields.hpp"
#include "meso/hal/tcp_endpoint.hpp"
#include "meso/journal/hashing.hpp"

namespace meso::station {
namespace {

constexpr std::uint32_t kLowestBaud = 300;
constexpr std::uint32_t kHighestBaud = 4'000'000;

std::string read_bytes(const std::filesystem::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument(std::string("cannot open ") + what + " " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A path as the file gives it: relative ones are relative to the station file's folder, so the file can
// be moved with what it names and read from any working directory.
std::filesystem::path resolve(const std::filesystem::path& folder, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : (folder / p).lexically_normal();
}

// A camera spec is a path unless it is an index ("0", "camera:0").
bool names_a_file(const std::string& source) {
  if (source.rfind("camera:", 0) == 0) return false;
  return !std::all_of(source.begin(), source.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string non_empty(JsonFields& f, const std::string& key) {
  auto value = f.get<std::string>(key);
  if (value.empty()) throw std::invalid_argument(f.path(key) + ": must not be empty");
  return value;
}

class Reader {
 public:
  Reader(std::filesystem::path folder, const PortLister& ports) : folder_(std::move(folder)), ports_(ports) {}

  AppConfig read(const nlohmann::json& root) {
    AppConfig c;
    JsonFields f(root, "");
    journal(f.member("journal"), c);
    if (f.has("devices")) devices(f.member("devices"), c);
    if (f.has("camera")) camera(f.member("camera"), c.camera);
    if (f.has("limits")) {
      const auto file = resolve(folder_, non_empty(f, "limits"));
      try {
        auto limits = load_limits_file(file);
        c.station.limits = limits.limits;
        c.station.limits_sha256 = std::move(limits.sha256);
      } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("limits: ") + e.what());
      }
    }
    c.lock_minutes = f.get_or("lock_minutes", c.lock_minutes);
    if (!(c.lock_minutes > 0))
      throw std::invalid_argument(
          "lock_minutes: must be above 0 (the console locks after this many minutes)");
    f.finish();
    return c;
  }

 private:
  void journal(const nlohmann::json& j, AppConfig& c) const {
    JsonFields f(j, "journal");
    c.db = resolve(folder_, non_empty(f, "db"));
    if (f.has("key")) c.key = resolve(folder_, non_empty(f, "key"));
    f.finish();
  }

  void devices(const nlohmann::json& j, AppConfig& c) {
    JsonFields f(j, "devices");
    if (f.has("mesogun")) c.mesogun = device(f.member("mesogun"), "devices.mesogun");
    if (f.has("pen")) c.pen = device(f.member("pen"), "devices.pen");
    if (f.has("paired")) {
      const auto& paired = f.member("paired");
      if (!paired.is_array())
        throw std::invalid_argument("devices.paired: expected an array of device serial numbers");
      std::set<std::string> seen;
      for (std::size_t i = 0; i < paired.size(); ++i) {
        const std::string where = "devices.paired[" + std::to_string(i) + "]";
        if (!paired[i].is_string() || paired[i].get<std::string>().empty())
          throw std::invalid_argument(where + ": expected a device serial number (a non-empty string)");
        const auto serial = paired[i].get<std::string>();
        if (!seen.insert(serial).second) {
          std::string twice = where;
          twice += ": " + serial + " is named twice";
          throw std::invalid_argument(twice);
        }
        c.station.paired_devices.push_back(serial);
      }
    }
    f.finish();
  }

  // Exactly one of port, usb_serial and tcp; baud with a serial line only.
  DeviceSpec device(const nlohmann::json& j, const std::string& where) {
    JsonFields f(j, where);
    const int ways = static_cast<int>(f.has("port")) + static_cast<int>(f.has("usb_serial")) +
                     static_cast<int>(f.has("tcp"));
    if (ways != 1)
      throw std::invalid_argument(where +
                                  ": give exactly one of port (a serial port's path), usb_serial (the "
                                  "USB adapter's serial number) or tcp (HOST:PORT)");
    DeviceSpec d;
    if (f.has("tcp")) {
      if (f.has("baud")) throw std::invalid_argument(f.path("baud") + ": a TCP device has no baud rate");
      try {
        const auto endpoint = hal::parse_tcp_endpoint(f.get<std::string>("tcp"));
        d.kind = DeviceSpec::Kind::tcp;
        d.host = endpoint.host;
        d.port = endpoint.port;
      } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        throw std::invalid_argument(what.rfind(f.path("tcp"), 0) == 0 ? what : f.path("tcp") + ": " + what);
      }
    } else {
      d.kind = DeviceSpec::Kind::serial;
      d.path = f.has("port") ? non_empty(f, "port") : port_of_usb_serial(non_empty(f, "usb_serial"), f);
      d.baud = f.get_or("baud", d.baud);
      if (d.baud < kLowestBaud || d.baud > kHighestBaud)
        throw std::invalid_argument(f.path("baud") + ": " + std::to_string(d.baud) +
                                    " is not a serial baud rate (" + std::to_string(kLowestBaud) + " to " +
                                    std::to_string(kHighestBaud) + ")");
    }
    f.finish();
    return d;
  }

  // A USB adapter found by its serial number among the ports present now: /dev/ttyUSBn may change after an
  // unplug, the adapter's number does not (DOMAIN.md §4).
  std::string port_of_usb_serial(const std::string& serial, const JsonFields& f) {
    if (!listed_) listed_ = ports_();
    if (const auto found = hal::find_port_by_usb_serial(*listed_, serial)) return found->name;
    std::string present;
    for (const auto& p : *listed_)
      if (!p.usb_serial.empty()) present += (present.empty() ? "" : ", ") + p.usb_serial + " on " + p.name;
    throw std::invalid_argument(f.path("usb_serial") + ": no USB serial port with serial number " + serial +
                                " is connected (connected: " + (present.empty() ? "none" : present) +
                                "): plug the device in, or check its number with `mesostation ports`");
  }

  void camera(const nlohmann::json& j, CameraSpec& c) const {
    JsonFields f(j, "camera");
    c.source = non_empty(f, "source");
    if (names_a_file(c.source)) c.source = resolve(folder_, c.source).string();
    c.fps = f.get_or("fps", c.fps);
    if (!(c.fps > 0) || c.fps > 120)
      throw std::invalid_argument("camera.fps: must be above 0 and at most 120");
    // A file the camera needs, loaded now, or an error naming the key and the command that makes one.
    const auto load = [&](const char* key, std::filesystem::path& file, auto& value, const auto& loader,
                          const char* maker) {
      file = resolve(folder_, non_empty(f, key));
      try {
        value = loader(file);
      } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("camera.") + key + ": " + e.what() + " (make one with `" +
                                    maker + "`)");
      }
    };
    if (f.has("calibration"))
      load("calibration", c.calibration_file, c.calibration, vision::load_calibration,
           "mesostation calibrate");
    if (f.has("headband")) {
      c.headband_file = resolve(folder_, non_empty(f, "headband"));
      try {
        c.headband = vision::load_layout(c.headband_file);
      } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("camera.headband: ") + c.headband_file.string() + ": " +
                                    e.what());
      }
    }
    if (f.has("tip")) {
      load("tip", c.tip_file, c.tip, vision::load_tip_calibration, "mesostation pivot");
      const auto& layout = c.headband ? *c.headband : vision::default_layout();
      if (!layout.handpiece || layout.handpiece->id != c.tip->marker_id ||
          std::abs(layout.handpiece->size_mm - c.tip->marker_size_mm) > 1e-9)
        throw std::invalid_argument(
            "camera.tip: " + c.tip_file.string() + " was calibrated with handpiece marker " +
            std::to_string(c.tip->marker_id) + " of " + std::to_string(c.tip->marker_size_mm) +
            " mm, not the headband layout's: pivot again with this headband");
    }
    f.finish();
  }

  std::filesystem::path folder_;
  const PortLister& ports_;
  std::optional<std::vector<hal::SerialPortInfo>> listed_;  // asked once, and only for a usb_serial
};

}  // namespace

AppConfig station_file_from_text(const std::string& text, const std::filesystem::path& folder,
                                 const std::string& name, const PortLister& ports) {
  try {
    nlohmann::json root;
    try {
      root = nlohmann::json::parse(text, nullptr, true, /*ignore_comments=*/true);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::invalid_argument(std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) throw std::invalid_argument("expected a JSON object, { ... }");
    return Reader(folder, ports).read(root);
  } catch (const std::exception& e) {
    throw std::invalid_argument(name + ": " + e.what());
  }
}

AppConfig load_station_file(const std::filesystem::path& file, const PortLister& ports) {
  const auto text = read_bytes(file, "station file");
  return station_file_from_text(text, std::filesystem::absolute(file).parent_path(), file.string(), ports);
}

LimitsFile load_limits_file(const std::filesystem::path& file) {
  // Parsed from the very bytes hashed: the hash journaled is that of the limits in force.
  const auto bytes = read_bytes(file, "limits file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(file.string() + ": not valid JSON: " + e.what());
  }
  LimitsFile out;
  try {
    out.limits = limits_from_json(j);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(file.string() + ": " + e.what());
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());  // NOLINT: the file's bytes
  out.sha256 = journal::to_hex(journal::sha256(std::span(data, bytes.size())));
  return out;
}

}  // namespace meso::station
