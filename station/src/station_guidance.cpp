// Camera guidance on the station thread: the tip positions the camera thread posts, and where each shot of
// the current step landed against its planned points (vision::CoverageTracker).
#include <chrono>
#include <nlohmann/json.hpp>

#include "meso/station/station.hpp"

namespace meso::station {

namespace {

// A shot is placed at the tip of the frame nearest in time; a frame further than this from the shot says
// nothing about where it landed.
constexpr double kMaxFrameGapS = 0.25;
constexpr double kDefaultToleranceMm = 3;

double seconds_between(hal::TimePoint from, hal::TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

vision::GridPlan grid_of(const PlanStep& step) {
  vision::GridPlan grid;
  grid.spacing_mm = step.spacing_mm;
  for (std::size_t i = 0; i < step.points.size(); ++i) {
    const auto& p = step.points[i];
    grid.points.push_back(
        {static_cast<int>(i + 1), {p.x_mm, p.y_mm}, p.zone, step.depth_um, static_cast<int>(step.dose_nl)});
  }
  return grid;
}

}  // namespace

void Station::camera_frame(hal::TimePoint time, bool registered, std::string why_not,
                           std::optional<vision::PointMm> tip) {
  if (!camera_epoch_) camera_epoch_ = time;
  if (!registered) tip.reset();  // nothing is mapped without a registration
  auto& g = snap_.guidance;
  const bool changed = !g.camera || g.registered != registered || g.tip_mm != tip || g.why_stopped != why_not;
  g.camera = true;
  g.registered = registered;
  g.why_stopped = registered ? std::string() : std::move(why_not);
  g.tip_mm = tip;
  tips_.push({seconds_between(*camera_epoch_, time), tip});
  if (changed) publish();
}

void Station::camera_calibration(std::string warning) {
  if (warning == camera_warning_) return;
  camera_warning_ = std::move(warning);
  snap_.guidance.calibration_warning = camera_warning_;
  journal_camera_warning();
  publish();
}

// Once per session: a clinic may treat while it recalibrates, and the session says that it did.
void Station::journal_camera_warning() {
  if (camera_warning_.empty() || camera_warning_journaled_ || !snap_.session_open || is_final(snap_.state) ||
      replaying_)
    return;
  camera_warning_journaled_ = true;
  journal("camera.uncalibrated", {{"reason", camera_warning_}});
}

void Station::start_guidance() {
  coverage_.reset();
  auto& g = snap_.guidance;
  GuidanceView fresh;  // the camera's view carries over; the new step's coverage starts empty
  fresh.camera = g.camera;
  fresh.registered = g.registered;
  fresh.why_stopped = g.why_stopped;
  fresh.calibration_warning = g.calibration_warning;
  fresh.tip_mm = g.tip_mm;
  g = std::move(fresh);
  const PlanStep* step = current_step();
  if (step == nullptr || step->points.empty()) return;  // a pen pass: no points to cover
  coverage_.emplace(grid_of(*step), step->spacing_mm > 0 ? 0.0 : kDefaultToleranceMm);
  g.planned = static_cast<int>(step->points.size());
  g.zones = coverage_->zones();
  g.next_target = coverage_->next_target();
}

nlohmann::json Station::place_shot(hal::TimePoint at) {
  if (!coverage_ || !camera_epoch_) return nullptr;  // no camera, or nothing planned: nothing to place
  const auto sample = tips_.nearest(seconds_between(*camera_epoch_, at), kMaxFrameGapS);
  const vision::PlacedShot placed = coverage_->record_shot(sample ? sample->tip_mm : std::nullopt);
  auto& g = snap_.guidance;
  g.done = coverage_->done();
  g.zones = coverage_->zones();
  g.missed = coverage_->missed();
  g.repeats = coverage_->repeats();
  g.off_plan = coverage_->off_plan();
  g.not_seen = coverage_->not_seen();
  g.next_target = coverage_->next_target();
  g.last_shot = placed;
  nlohmann::json j{{"outcome", vision::to_string(placed.outcome)}, {"point", placed.point_order}};
  if (placed.at_mm) {
    j["x_mm"] = std::round(placed.at_mm->x * 100) / 100;
    j["y_mm"] = std::round(placed.at_mm->y * 100) / 100;
    j["error_mm"] = std::round(placed.error_mm * 100) / 100;
  }
  return j;
}

}  // namespace meso::station
