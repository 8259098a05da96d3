#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "meso/vision/zones.hpp"

namespace meso::vision {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument(where + ": " + what);
}

PointMm vertex(const nlohmann::json& v, const std::string& where) {
  if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
    fail(where, "expected [x, y] in millimetres");
  return {v[0].get<double>(), v[1].get<double>()};
}

}  // namespace

std::vector<Zone> zones_from_json_text(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail("zones", std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("zones") || !j["zones"].is_array())
    fail("zones", R"(expected {"zones": [{"name": ..., "polygon_mm": [[x, y], ...]}, ...]})");
  for (const auto& [key, unused] : j.items())
    if (key != "zones") fail("zones." + key, "unknown field");

  std::vector<Zone> zones;
  std::set<std::string> names;
  const auto& list = j["zones"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "zones[" + std::to_string(i) + "]";
    const auto& z = list[i];
    if (!z.is_object()) fail(at, "expected a JSON object");
    for (const auto& [key, unused] : z.items())
      if (key != "name" && key != "polygon_mm")
        fail(std::string(at).append(".").append(key), "unknown field");
    if (!z.contains("name") || !z["name"].is_string() || z["name"].get<std::string>().empty())
      fail(at + ".name", "expected a non-empty string");
    Zone zone;
    zone.name = z["name"].get<std::string>();
    if (!names.insert(zone.name).second) fail(at + ".name", "\"" + zone.name + "\" is used by two zones");
    if (!z.contains("polygon_mm") || !z["polygon_mm"].is_array() || z["polygon_mm"].size() < 3)
      fail(at + ".polygon_mm", "expected at least 3 [x, y] vertices");
    const auto& poly = z["polygon_mm"];
    for (std::size_t k = 0; k < poly.size(); ++k)
      zone.polygon_mm.push_back(vertex(poly[k], at + ".polygon_mm[" + std::to_string(k) + "]"));
    if (area_mm2(zone.polygon_mm) < 1.0) fail(at + ".polygon_mm", "the polygon encloses less than 1 mm2");
    zones.push_back(std::move(zone));
  }
  return zones;
}

std::vector<Zone> load_zones(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot open zones file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return zones_from_json_text(text.str());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path.string() + ": " + e.what());
  }
}

std::string zones_to_json_text(const std::vector<Zone>& zones) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& z : zones) {
    nlohmann::json poly = nlohmann::json::array();
    for (const auto& p : z.polygon_mm)
      poly.push_back({p.x, p.y});
    list.push_back({{"name", z.name}, {"polygon_mm", poly}});
  }
  return nlohmann::json{{"zones", list}}.dump(2);
}

}  // namespace meso::vision
