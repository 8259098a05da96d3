#include "meso/station/plan_preview.hpp"

#include <algorithm>
#include <cmath>

#include "meso/vision/grid_planner.hpp"
#include "meso/vision/registration.hpp"
#include "meso/vision/zones.hpp"

namespace meso::station {

namespace {

constexpr double kDensityCellMm = 4;

}  // namespace

ZoneSuggestion suggest_zones_from(const cv::Mat& bgr, const vision::HeadbandLayout& layout) {
  if (bgr.empty()) return {{}, "no camera image yet"};
  const vision::Registrar registrar(layout);
  const vision::Registration registration = registrar.register_frame(bgr);
  if (!registration.ok) return {{}, "no zones: " + registration.reason};
  // The handpiece hides the hair under it and would be read as thinning.
  if (layout.handpiece && registration.detection(layout.handpiece->id) != nullptr)
    return {{}, "the handpiece is in view: put it down to suggest zones"};
  const auto map =
      vision::density_map(bgr, registration, vision::bounds(vision::scalp_outline(layout)), kDensityCellMm);
  auto zones = vision::suggest_zones(map, layout);
  if (zones.empty()) return {{}, "no thinning zone found in the image"};
  return {std::move(zones), "zones suggested from hair density: review them before treating"};
}

PlanPreview make_preview(const std::vector<vision::Zone>& zones, const PlanChoice& form,
                         const Catalog& catalog, const ClinicalLimits& limits) {
  PlanPreview out;
  out.cap_nl = limits.session_volume_cap_nl;
  if (zones.empty()) {
    out.error = "no zones: suggest them from the image first";
    return out;
  }
  const bool pen = form.technique == 2;
  vision::PlanRequest request;
  request.technique = pen                   ? vision::Technique::pen
                      : form.technique == 0 ? vision::Technique::point
                                            : vision::Technique::nappage;
  request.spacing_mm = form.spacing_mm;
  request.margin_mm = form.margin_mm;
  request.depth_um = form.depth_um;
  request.dose_nl = pen ? 0 : form.dose_nl;  // the pen injects nothing
  request.session_cap_nl = static_cast<std::int64_t>(limits.session_volume_cap_nl);
  vision::GridPlan grid;
  try {
    grid = vision::plan_grid(zones, request);
  } catch (const vision::PlanRefused& e) {
    out.error = std::string("plan refused: ") + e.what();
    return out;
  } catch (const std::invalid_argument& e) {
    out.error = std::string("plan refused: ") + e.what();
    return out;
  }
  PlanStep step;
  step.technique = pen                   ? Technique::microneedling
                   : form.technique == 0 ? Technique::point_by_point
                                         : Technique::nappage;
  step.name = std::string(to_string(step.technique));
  step.depth_um = static_cast<std::uint16_t>(form.depth_um);
  for (const auto& z : grid.zones)
    step.zones.push_back(z.name);
  if (pen) {
    // The station's pen step runs the pen at this speed and depth; its path is the clinician's guide only.
    step.speed_sps = static_cast<std::uint16_t>(std::clamp(form.speed_sps, 0, 0xffff));
    step.passes = static_cast<std::uint32_t>(std::max(form.passes, 0));
  } else {
    step.dose_nl = static_cast<std::uint32_t>(form.dose_nl);
    step.spacing_mm = grid.spacing_mm;
    for (const auto& p : grid.points)
      step.points.push_back({p.mm.x, p.mm.y, p.zone});
    const double goal = vision::coverage_goal_mm(grid.spacing_mm);
    for (const auto& z : grid.zones)
      step.coverage.push_back({z.name, z.coverage_mm, goal, z.border_fills, z.border_fill_gap_mm});
  }
  TreatmentPlan plan;
  if (!catalog.products.empty()) {
    const auto& product = catalog.products[static_cast<std::size_t>(
        std::clamp(form.product, 0, static_cast<int>(catalog.products.size()) - 1))];
    plan.product = product.name;
    if (!product.lots.empty())
      plan.lot = product
                     .lots[static_cast<std::size_t>(
                         std::clamp(form.lot, 0, static_cast<int>(product.lots.size()) - 1))]
                     .id;
  }
  plan.session_cap_nl = limits.session_volume_cap_nl;
  plan.steps.push_back(std::move(step));
  if (const auto problems = validate(plan, limits); !problems.empty()) {
    out.error = "outside the clinical limits:";
    for (const auto& p : problems)
      out.error += " " + p + ";";
    out.error.pop_back();
    return out;
  }
  out.ready = true;
  out.points = plan.steps.front().points.size();
  out.volume_nl = plan.planned_volume_nl();
  out.zones = grid.zones;
  for (const auto& pass : grid.passes)
    for (std::size_t i = 1; i < pass.path.size(); i += 2)  // strokes: the pen is lifted between them
      out.path_mm += std::hypot(pass.path[i].x - pass.path[i - 1].x, pass.path[i].y - pass.path[i - 1].y);
  out.passes = std::move(grid.passes);
  out.plan = std::move(plan);
  return out;
}

}  // namespace meso::station
