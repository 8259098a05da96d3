// mesostation plan: a camera image of the scalp becomes a metric treatment plan. Register the image through
// the headband, take the zones from a file or suggest them from hair density, plan the grid, print it (text
// or JSON) and draw it on the image. Exit 0 with a plan, 1 when no plan can be made (too few markers, no
// zones, a refused plan), 2 when the inputs cannot be read.
#include "plan_command.hpp"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "meso/vision/calibration.hpp"
#include "meso/vision/grid_planner.hpp"
#include "meso/vision/headband_layout.hpp"
#include "meso/vision/plan_report.hpp"
#include "meso/vision/registration.hpp"
#include "meso/vision/zones.hpp"

namespace meso::station {

namespace {

struct PlanOptions {
  std::string image;
  std::string layout;
  std::string zones;
  std::string calibration;
  std::string technique = "point";
  double spacing_mm = 0;
  double margin_mm = 2;
  int depth_um = 0;
  int dose_nl = 0;
  double cap_ml = 10;
  double px_per_mm = 2.5;
  bool json = false;
  std::string overlay;
  std::string zones_out;
};

constexpr double kDensityCellMm = 4;

std::vector<vision::Zone> zones_for(const PlanOptions& options, const cv::Mat& image,
                                    const vision::Registration& registration,
                                    const vision::HeadbandLayout& layout) {
  if (!options.zones.empty()) return vision::load_zones(options.zones);
  // The handpiece hides the hair under it, and would be read as thinning.
  if (layout.handpiece && registration.detection(layout.handpiece->id) != nullptr)
    throw std::invalid_argument(
        "the handpiece is in view: zones are suggested from a photo without it (or pass --zones FILE)");
  const vision::DensityMap map =
      vision::density_map(image, registration, vision::bounds(vision::scalp_outline(layout)), kDensityCellMm);
  return vision::suggest_zones(map, layout);
}

void print_text(const vision::Registration& registration, const std::vector<vision::Zone>& zones,
                const vision::GridPlan& plan, const PlanOptions& options) {
  std::cout << "registered with " << registration.markers_seen.size() << " headband markers, reprojection "
            << registration.reprojection_rms_px << " px RMS\n";
  std::cout << (options.zones.empty() ? "zones suggested from hair density (review them before treating):\n"
                                      : "zones from " + options.zones + ":\n");
  for (const auto& z : zones)
    std::cout << "  " << z.name << ": " << vision::area_mm2(z.polygon_mm) << " mm2\n";
  std::cout << vision::to_string(plan.technique) << " plan, spacing " << plan.spacing_mm << " mm, margin "
            << plan.margin_mm << " mm\n";
  for (const auto& z : plan.zones) {
    std::cout << "  " << z.name << ": " << z.points << " points, " << static_cast<double>(z.volume_nl) / 1e6
              << " ml";
    if (plan.technique != vision::Technique::pen)
      std::cout << std::fixed << std::setprecision(2) << ", every point within " << z.coverage_mm
                << " mm of a planned point (goal " << vision::coverage_goal_mm(plan.spacing_mm) << " mm)"
                << std::defaultfloat << std::setprecision(6);
    if (z.border_fills > 0)
      std::cout << std::fixed << std::setprecision(2) << "; " << z.border_fills
                << " added along the border nearer than 0.9 x spacing to cover it (nearest "
                << z.border_fill_gap_mm << " mm)" << std::defaultfloat << std::setprecision(6);
    std::cout << '\n';
  }
  std::cout << "total: " << plan.points.size() << " points, " << static_cast<double>(plan.volume_nl) / 1e6
            << " ml of the " << options.cap_ml << " ml session cap\n";
}

int run_plan(const PlanOptions& options) {
  cv::Mat image = cv::imread(options.image, cv::IMREAD_COLOR);
  if (image.empty()) {
    std::cerr << "mesostation plan: cannot read the image " << options.image
              << " (missing, or not an image)\n";
    return 2;
  }
  const vision::HeadbandLayout layout =
      options.layout.empty() ? vision::default_layout() : vision::load_layout(options.layout);
  if (!options.calibration.empty()) {
    const vision::Undistorter undistorter(vision::load_calibration(options.calibration));
    cv::Mat undistorted;
    undistorter.apply(image, undistorted);
    image = undistorted;
  }
  vision::RegistrationOptions reg_options;
  reg_options.expected_px_per_mm = options.px_per_mm;
  const vision::Registrar registrar(layout, reg_options);
  const vision::Registration registration = registrar.register_frame(image);
  if (!registration.ok) {
    std::cerr << "mesostation plan: no plan: " << registration.reason << '\n';
    return 1;
  }
  const std::vector<vision::Zone> zones = zones_for(options, image, registration, layout);
  if (zones.empty()) {
    std::cerr
        << "mesostation plan: no thinning zone found in the image; draw the zones and pass --zones FILE\n";
    return 1;
  }
  if (!options.zones_out.empty()) {
    std::ofstream(options.zones_out) << vision::zones_to_json_text(zones) << '\n';
  }

  vision::PlanRequest request;
  request.technique = vision::technique_from_string(options.technique);
  request.spacing_mm = options.spacing_mm;
  request.margin_mm = options.margin_mm;
  request.depth_um = options.depth_um;
  request.dose_nl = options.dose_nl;
  request.session_cap_nl = static_cast<std::int64_t>(std::llround(options.cap_ml * 1e6));
  vision::GridPlan plan;
  try {
    plan = vision::plan_grid(zones, request);
  } catch (const vision::PlanRefused& e) {
    std::cerr << "mesostation plan: plan refused: " << e.what() << '\n';
    return 1;
  }

  if (!options.overlay.empty()) {
    cv::Mat overlay = image.clone();
    vision::draw_plan_overlay(overlay, registration, zones, plan);
    if (!cv::imwrite(options.overlay, overlay)) {
      std::cerr << "mesostation plan: cannot write the overlay " << options.overlay << '\n';
      return 2;
    }
  }
  if (options.json)
    std::cout << vision::plan_report_json(registration, zones, plan).dump(2) << '\n';
  else
    print_text(registration, zones, plan, options);
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto options = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand("plan", "Plan the injection grid on a camera image of the scalp");
  cmd->add_option("--image", options->image, "Camera image of the scalp with the headband in view")
      ->required();
  cmd->add_option("--layout", options->layout, "Headband layout JSON (default: the one that ships)");
  cmd->add_option("--zones", options->zones, "Zones JSON; without it, zones are suggested from hair density");
  cmd->add_option("--zones-out", options->zones_out,
                  "Write the zones used (suggested or given) to this JSON file");
  cmd->add_option("--calibration", options->calibration, "Camera calibration from `mesostation calibrate`");
  cmd->add_option("--technique", options->technique, "point, nappage or pen")
      ->capture_default_str()
      ->check(CLI::IsMember({"point", "nappage", "pen"}));
  cmd->add_option("--spacing", options->spacing_mm, "Grid spacing in mm (default: the technique's)");
  cmd->add_option("--margin", options->margin_mm, "Margin kept free along zone borders, mm")
      ->capture_default_str();
  cmd->add_option("--depth-um", options->depth_um, "Depth per point (default: the technique's)");
  cmd->add_option("--dose-nl", options->dose_nl, "Dose per point (default: the technique's)");
  cmd->add_option("--cap-ml", options->cap_ml, "Session volume cap")->capture_default_str();
  cmd->add_option("--px-per-mm", options->px_per_mm,
                  "Expected scale of the plane in the image (marker search)")
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "Print the plan as JSON");
  cmd->add_option("--overlay", options->overlay, "Write the image with markers, zones and the numbered plan");
  cmd->callback([options] {
    int code = 2;
    try {
      code = run_plan(*options);
    } catch (const std::invalid_argument& e) {  // a layout, zones or calibration file that is wrong
      std::cerr << "mesostation plan: " << e.what() << '\n';
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
