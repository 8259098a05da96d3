// Clinical limits: configuration, bounded by hard maxima that live in code and cannot be configured away.
// The plan is validated against them (the first layer); the station checks them again at arm and fire; the
// driver checks the device's own envelope last.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace meso::station {

enum class Technique : std::uint8_t { point_by_point, nappage, microneedling };
std::string_view to_string(Technique t);
Technique parse_technique(std::string_view name);  // throws std::invalid_argument naming the choices

struct TechniqueLimits {
  std::uint16_t depth_min_um = 0;
  std::uint16_t depth_max_um = 0;
  std::uint32_t dose_min_nl = 0;  // per point (mesotherapy); 0 for microneedling
  std::uint32_t dose_max_nl = 0;
  double spacing_min_mm = 0;
  double spacing_max_mm = 0;
};

struct ClinicalLimits {
  TechniqueLimits point_by_point;
  TechniqueLimits nappage;
  TechniqueLimits microneedling;
  std::uint64_t session_volume_cap_nl = 0;  // the most any one session may deliver
  std::uint16_t pen_speed_max_sps = 0;

  const TechniqueLimits& of(Technique t) const;
};

// The hard maxima (DOMAIN.md §1): mesotherapy 1 to 4 mm deep (nappage under 2 mm), 0.05 ml per point at
// most; pen 0.25 to 2.5 mm; never more than a 10 ml syringe in one session; pens at most 150 stamps/s.
ClinicalLimits hard_maxima();
// The working defaults: point by point 10 mm apart (5 to 20), nappage 2 to 4 mm apart, 0.01 to 0.05 ml per
// point, a 5 ml session cap.
ClinicalLimits default_limits();

// Reads a limits file (strict JSON, every field optional over the defaults) and refuses any value beyond a
// hard maximum, naming it: configuration may narrow the limits, never widen them.
ClinicalLimits limits_from_json(const nlohmann::json& j);
ClinicalLimits load_limits(const std::filesystem::path& file);
nlohmann::json to_json(const ClinicalLimits& limits);

}  // namespace meso::station
