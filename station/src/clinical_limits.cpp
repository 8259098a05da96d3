#include "meso/station/clinical_limits.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "json_fields.hpp"

namespace meso::station {
namespace {

constexpr std::uint32_t kMlInNl = 1'000'000;

// 4000 and 2.5 as people write them, not 4000.000000.
std::string limit_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

TechniqueLimits technique_from_json(const nlohmann::json& j, const std::string& where, TechniqueLimits base,
                                    const TechniqueLimits& hard) {
  JsonFields f(j, where);
  base.depth_min_um = f.get_or("depth_min_um", base.depth_min_um);
  base.depth_max_um = f.get_or("depth_max_um", base.depth_max_um);
  base.dose_min_nl = f.get_or("dose_min_nl", base.dose_min_nl);
  base.dose_max_nl = f.get_or("dose_max_nl", base.dose_max_nl);
  base.spacing_min_mm = f.get_or("spacing_min_mm", base.spacing_min_mm);
  base.spacing_max_mm = f.get_or("spacing_max_mm", base.spacing_max_mm);
  f.finish();
  const auto beyond = [&](const char* field, double value, double lo, double hi) {
    if (value < lo || value > hi)
      throw std::invalid_argument(where + "." + field + ": " + limit_text(value) +
                                  " is beyond the hard limits " + limit_text(lo) + " to " + limit_text(hi) +
                                  " (configuration may narrow the limits, not widen them)");
  };
  beyond("depth_min_um", base.depth_min_um, hard.depth_min_um, hard.depth_max_um);
  beyond("depth_max_um", base.depth_max_um, hard.depth_min_um, hard.depth_max_um);
  beyond("dose_min_nl", base.dose_min_nl, hard.dose_min_nl, hard.dose_max_nl);
  beyond("dose_max_nl", base.dose_max_nl, hard.dose_min_nl, hard.dose_max_nl);
  beyond("spacing_min_mm", base.spacing_min_mm, hard.spacing_min_mm, hard.spacing_max_mm);
  beyond("spacing_max_mm", base.spacing_max_mm, hard.spacing_min_mm, hard.spacing_max_mm);
  if (base.depth_min_um > base.depth_max_um || base.dose_min_nl > base.dose_max_nl ||
      base.spacing_min_mm > base.spacing_max_mm)
    throw std::invalid_argument(where + ": a minimum is above its maximum");
  return base;
}

nlohmann::json technique_to_json(const TechniqueLimits& t) {
  return {{"depth_min_um", t.depth_min_um},     {"depth_max_um", t.depth_max_um},
          {"dose_min_nl", t.dose_min_nl},       {"dose_max_nl", t.dose_max_nl},
          {"spacing_min_mm", t.spacing_min_mm}, {"spacing_max_mm", t.spacing_max_mm}};
}

}  // namespace

std::string_view to_string(Technique t) {
  switch (t) {
    case Technique::point_by_point:
      return "point";
    case Technique::nappage:
      return "nappage";
    case Technique::microneedling:
      return "pen";
  }
  return "unknown";
}

Technique parse_technique(std::string_view name) {
  if (name == "point") return Technique::point_by_point;
  if (name == "nappage") return Technique::nappage;
  if (name == "pen") return Technique::microneedling;
  throw std::invalid_argument("technique '" + std::string(name) + "' is not one of point, nappage, pen");
}

const TechniqueLimits& ClinicalLimits::of(Technique t) const {
  switch (t) {
    case Technique::point_by_point:
      return point_by_point;
    case Technique::nappage:
      return nappage;
    case Technique::microneedling:
      return microneedling;
  }
  return point_by_point;
}

ClinicalLimits hard_maxima() {
  ClinicalLimits h;
  h.point_by_point = {1000, 4000, 1'000, 50'000, 5.0, 20.0};
  h.nappage = {1000, 2000, 1'000, 50'000, 2.0, 4.0};
  h.microneedling = {250, 2500, 0, 0, 0.0, 20.0};
  h.session_volume_cap_nl = 10ULL * kMlInNl;
  h.pen_speed_max_sps = 150;
  return h;
}

ClinicalLimits default_limits() {
  ClinicalLimits d;
  d.point_by_point = {1000, 4000, 10'000, 50'000, 5.0, 20.0};
  d.nappage = {1000, 2000, 1'000, 20'000, 2.0, 4.0};
  d.microneedling = {250, 2500, 0, 0, 0.0, 20.0};
  d.session_volume_cap_nl = 5ULL * kMlInNl;
  d.pen_speed_max_sps = 150;
  return d;
}

ClinicalLimits limits_from_json(const nlohmann::json& j) {
  const auto hard = hard_maxima();
  auto out = default_limits();
  JsonFields f(j, "limits");
  if (f.has("point"))
    out.point_by_point =
        technique_from_json(f.member("point"), "limits.point", out.point_by_point, hard.point_by_point);
  if (f.has("nappage"))
    out.nappage = technique_from_json(f.member("nappage"), "limits.nappage", out.nappage, hard.nappage);
  if (f.has("pen"))
    out.microneedling =
        technique_from_json(f.member("pen"), "limits.pen", out.microneedling, hard.microneedling);
  out.session_volume_cap_nl = f.get_or("session_volume_cap_nl", out.session_volume_cap_nl);
  if (out.session_volume_cap_nl == 0 || out.session_volume_cap_nl > hard.session_volume_cap_nl)
    throw std::invalid_argument("limits.session_volume_cap_nl: " + std::to_string(out.session_volume_cap_nl) +
                                " must be 1 to " + std::to_string(hard.session_volume_cap_nl) +
                                " nl (10 ml)");
  out.pen_speed_max_sps = f.get_or("pen_speed_max_sps", out.pen_speed_max_sps);
  if (out.pen_speed_max_sps == 0 || out.pen_speed_max_sps > hard.pen_speed_max_sps)
    throw std::invalid_argument("limits.pen_speed_max_sps: must be 1 to 150 stamps/s");
  f.finish();
  return out;
}

ClinicalLimits load_limits(const std::filesystem::path& file) {
  // The file is named with the limit: the person fixing it may have several.
  return read_json_file(file, "limits file", [&file](const nlohmann::json& j) {
    try {
      return limits_from_json(j);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(file.string() + ": " + e.what());
    }
  });
}

nlohmann::json to_json(const ClinicalLimits& l) {
  return {{"point", technique_to_json(l.point_by_point)},
          {"nappage", technique_to_json(l.nappage)},
          {"pen", technique_to_json(l.microneedling)},
          {"session_volume_cap_nl", l.session_volume_cap_nl},
          {"pen_speed_max_sps", l.pen_speed_max_sps}};
}

}  // namespace meso::station
