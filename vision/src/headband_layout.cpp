#include "meso/vision/headband_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace meso::vision {

const LayoutMarker* HeadbandLayout::find(int id) const {
  const auto it = std::find_if(markers.begin(), markers.end(), [id](const auto& m) { return m.id == id; });
  return it == markers.end() ? nullptr : &*it;
}

double HeadbandLayout::smallest_marker_mm() const {
  double smallest = handpiece ? handpiece->size_mm : 0.0;
  for (const auto& m : markers)
    smallest = smallest == 0.0 ? m.size_mm : std::min(smallest, m.size_mm);
  return smallest;
}

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument(where + ": " + what);
}

const nlohmann::json& field(const nlohmann::json& object, const std::string& where, const char* key) {
  if (!object.is_object()) fail(where, "expected a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) fail(where + "." + key, "missing");
  return *it;
}

double number(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number()) fail(where, "expected a number");
  const double d = v.get<double>();
  if (!std::isfinite(d)) fail(where, "expected a finite number");
  return d;
}

int integer(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number_integer()) fail(where, "expected an integer");
  const auto i = v.get<std::int64_t>();
  if (!std::in_range<int>(i)) fail(where, "out of range");
  return static_cast<int>(i);
}

PointMm point(const nlohmann::json& v, const std::string& where) {
  if (!v.is_array() || v.size() != 2) fail(where, "expected [x, y] in millimetres");
  return {number(v[0], where + "[0]"), number(v[1], where + "[1]")};
}

void only_keys(const nlohmann::json& object, const std::string& where,
               std::initializer_list<std::string_view> keys) {
  for (const auto& [key, unused] : object.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      fail(std::string(where).append(".").append(key), "unknown field");
}

double positive_size(const nlohmann::json& object, const std::string& where) {
  const double size = number(field(object, where, "size_mm"), where + ".size_mm");
  if (!(size > 0)) fail(where + ".size_mm", "must be above 0");
  return size;
}

bool squares_overlap(const LayoutMarker& a, const LayoutMarker& b) {
  const double half = (a.size_mm + b.size_mm) / 2;
  return std::abs(a.center_mm.x - b.center_mm.x) < half && std::abs(a.center_mm.y - b.center_mm.y) < half;
}

}  // namespace

HeadbandLayout layout_from_json_text(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail("layout", std::string("not valid JSON: ") + e.what());
  }
  const std::string where = "layout";
  if (!j.is_object()) fail(where, "expected a JSON object");
  only_keys(j, where, {"dictionary", "markers", "handpiece", "regions"});

  HeadbandLayout layout;
  const auto& dict = field(j, where, "dictionary");
  if (!dict.is_string()) fail(where + ".dictionary", "expected a string such as \"DICT_4X4_50\"");
  layout.dictionary = dict.get<std::string>();
  const int dict_size = dictionary_size(layout.dictionary);
  if (dict_size == 0) fail(where + ".dictionary", "unknown ArUco dictionary \"" + layout.dictionary + "\"");

  const auto check_id = [&](int id, const std::string& at) {
    if (id < 0 || id >= dict_size)
      fail(at, "marker id " + std::to_string(id) + " is not in " + layout.dictionary + " (0 to " +
                   std::to_string(dict_size - 1) + ")");
  };

  const auto& markers = field(j, where, "markers");
  if (!markers.is_array()) fail(where + ".markers", "expected an array");
  std::set<int> ids;
  for (std::size_t i = 0; i < markers.size(); ++i) {
    const std::string at = where + ".markers[" + std::to_string(i) + "]";
    only_keys(markers[i], at, {"id", "center_mm", "size_mm"});
    LayoutMarker m;
    m.id = integer(field(markers[i], at, "id"), at + ".id");
    check_id(m.id, at + ".id");
    if (!ids.insert(m.id).second) fail(at + ".id", "marker id " + std::to_string(m.id) + " appears twice");
    m.center_mm = point(field(markers[i], at, "center_mm"), at + ".center_mm");
    m.size_mm = positive_size(markers[i], at);
    for (const auto& other : layout.markers)
      if (squares_overlap(m, other))
        fail(at, "marker " + std::to_string(m.id) + " overlaps marker " + std::to_string(other.id));
    layout.markers.push_back(m);
  }
  if (layout.markers.size() < 3)
    fail(where + ".markers", "at least 3 markers are needed to register the plane; the layout has " +
                                 std::to_string(layout.markers.size()));

  if (j.contains("handpiece")) {
    const std::string at = where + ".handpiece";
    const auto& h = j["handpiece"];
    only_keys(h, at, {"id", "size_mm", "tip_offset_mm"});
    HandpieceMarker hp;
    hp.id = integer(field(h, at, "id"), at + ".id");
    check_id(hp.id, at + ".id");
    if (ids.contains(hp.id))
      fail(at + ".id", "the handpiece marker id " + std::to_string(hp.id) + " is also a headband marker");
    hp.size_mm = positive_size(h, at);
    hp.tip_offset_mm = point(field(h, at, "tip_offset_mm"), at + ".tip_offset_mm");
    layout.handpiece = hp;
  }

  if (j.contains("regions")) {
    const auto& regions = j["regions"];
    if (!regions.is_array()) fail(where + ".regions", "expected an array");
    for (std::size_t i = 0; i < regions.size(); ++i) {
      const std::string at = where + ".regions[" + std::to_string(i) + "]";
      only_keys(regions[i], at, {"name", "polygon_mm"});
      Region r;
      const auto& name = field(regions[i], at, "name");
      if (!name.is_string() || name.get<std::string>().empty())
        fail(at + ".name", "expected a non-empty string");
      r.name = name.get<std::string>();
      const auto& poly = field(regions[i], at, "polygon_mm");
      if (!poly.is_array() || poly.size() < 3)
        fail(at + ".polygon_mm", "expected at least 3 [x, y] vertices");
      for (std::size_t k = 0; k < poly.size(); ++k)
        r.polygon_mm.push_back(point(poly[k], at + ".polygon_mm[" + std::to_string(k) + "]"));
      if (area_mm2(r.polygon_mm) <= 0) fail(at + ".polygon_mm", "the polygon has no area");
      layout.regions.push_back(std::move(r));
    }
  }
  return layout;
}

HeadbandLayout load_layout(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot open layout file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return layout_from_json_text(text.str());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path.string() + ": " + e.what());
  }
}

std::string layout_to_json_text(const HeadbandLayout& layout) {
  nlohmann::json j;
  j["dictionary"] = layout.dictionary;
  j["markers"] = nlohmann::json::array();
  for (const auto& m : layout.markers)
    j["markers"].push_back(
        {{"id", m.id}, {"center_mm", {m.center_mm.x, m.center_mm.y}}, {"size_mm", m.size_mm}});
  if (layout.handpiece)
    j["handpiece"] = {
        {"id", layout.handpiece->id},
        {"size_mm", layout.handpiece->size_mm},
        {"tip_offset_mm", {layout.handpiece->tip_offset_mm.x, layout.handpiece->tip_offset_mm.y}}};
  j["regions"] = nlohmann::json::array();
  for (const auto& r : layout.regions) {
    nlohmann::json poly = nlohmann::json::array();
    for (const auto& p : r.polygon_mm)
      poly.push_back({p.x, p.y});
    j["regions"].push_back({{"name", r.name}, {"polygon_mm", poly}});
  }
  return j.dump(2);
}

}  // namespace meso::vision
