// mesostation pivot: calibrates the handpiece's needle tip. The tip rests on one point (a dimple in a
// plate, not skin) while the handpiece is tilted about it in every direction; each view's handpiece marker
// gives a pose from the calibrated camera, and the least-squares pivot gives the tip's offset in the
// marker's axes, with its RMS. A fit above 0.5 mm RMS is refused. The result is a tip file, which the
// station file names as camera.tip.
#include "pivot_command.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/journal/types.hpp"
#include "meso/vision/calibration.hpp"
#include "meso/vision/frame_source.hpp"
#include "meso/vision/headband_layout.hpp"
#include "meso/vision/pivot.hpp"
#include "meso/vision/registration.hpp"

namespace meso::station {

namespace {

struct PivotCommandOptions {
  std::string images;
  std::string camera;
  int frames = 60;
  double interval_s = 0.2;
  std::string calibration;
  std::string headband;
  std::string out;
};

void print_fit(const vision::PivotResult& fit) {
  std::cout << std::fixed << std::setprecision(2) << "tip offset in the marker's axes: [" << fit.tip_mm[0]
            << ", " << fit.tip_mm[1] << ", " << fit.tip_mm[2] << "] mm\n  from " << fit.poses
            << " views turned through " << std::setprecision(1) << fit.spread_deg << " degrees; fit "
            << std::setprecision(2) << fit.rms_mm << " mm RMS, worst " << fit.max_mm << " mm\n"
            << std::defaultfloat << std::setprecision(6);
}

int run_pivot(const PivotCommandOptions& options) {
  const vision::CameraCalibration calibration = vision::load_calibration(options.calibration);
  if (const std::string problem = vision::calibration_problem(calibration); !problem.empty())
    throw std::invalid_argument(problem);
  const vision::HeadbandLayout layout =
      options.headband.empty() ? vision::default_layout() : vision::load_layout(options.headband);
  if (!layout.handpiece) throw std::invalid_argument("the headband layout names no handpiece marker");
  const vision::Registrar registrar(layout);
  auto source = vision::open_frame_source(options.images.empty() ? options.camera : options.images);
  if (options.images.empty())
    std::cerr << "taking " << options.frames << " views from " << source->describe()
              << ": rest the tip in the dimple and tilt the handpiece slowly in every direction\n";
  std::vector<std::vector<vision::MarkerPose>> views;
  int frames = 0;
  vision::Frame frame;
  double last_s = -options.interval_s;
  const bool from_camera = options.images.empty();
  while (!from_camera || frames < options.frames) {
    if (!source->next(frame)) break;
    if (!from_camera || frame.time_s - last_s >= options.interval_s) {
      last_s = frame.time_s;
      ++frames;
      if (frame.image.size() != calibration.image_size)
        throw std::invalid_argument(vision::calibration_problem(calibration, frame.image.size()));
      const vision::Registration seen = registrar.register_frame(frame.image);
      if (const auto* d = seen.detection(layout.handpiece->id)) {
        auto candidates = vision::marker_pose_candidates(
            *d, layout.handpiece->size_mm, cv::Matx33d(calibration.camera_matrix), calibration.dist_coeffs);
        if (!candidates.empty()) views.push_back(std::move(candidates));
      }
    }
  }
  if (!source->error().empty() && frames == 0) throw std::runtime_error(source->error());
  std::cout << "the handpiece marker (id " << layout.handpiece->id << ") was found in " << views.size()
            << " of " << frames << " views\n";
  vision::PivotResult fit;
  try {
    fit = vision::pivot_calibrate(views);
  } catch (const vision::PivotRefused& e) {
    if (e.result) print_fit(*e.result);
    std::cerr << "mesostation pivot: refused: " << e.what() << '\n';
    return 1;
  }
  print_fit(fit);
  vision::save_tip_calibration({layout.handpiece->id, layout.handpiece->size_mm, fit.tip_mm, fit.rms_mm,
                                fit.poses, fit.spread_deg, journal::utc_now_iso8601()},
                               options.out);
  std::cout << "wrote " << options.out << ": name it in the station file as camera.tip\n";
  return 0;
}

}  // namespace

void add_pivot_command(CLI::App& app) {
  auto options = std::make_shared<PivotCommandOptions>();
  auto* cmd = app.add_subcommand("pivot",
                                 "Calibrate the handpiece tip: views of the handpiece tilted about its "
                                 "resting tip (a folder or a camera)");
  auto* images = cmd->add_option("--images", options->images, "Folder of images, in order")
                     ->check(CLI::ExistingDirectory);
  auto* camera = cmd->add_option("--camera", options->camera, "Camera: index (0), camera:N or /dev/videoN");
  images->excludes(camera);
  cmd->add_option("--frames", options->frames, "With --camera: views to take")
      ->capture_default_str()
      ->check(CLI::Range(10, 1000));
  cmd->add_option("--interval", options->interval_s, "With --camera: seconds between views")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--calibration", options->calibration, "The camera's calibration (mesostation calibrate)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--headband", options->headband, "The headband layout (default: the one shipped)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", options->out, "Tip calibration file to write (JSON)")->required();
  cmd->callback([options, images, camera] {
    if (images->count() == 0 && camera->count() == 0)
      throw CLI::ValidationError("pivot", "give the views: --images DIR or --camera SPEC");
    int code = 0;
    try {
      code = run_pivot(*options);
    } catch (const std::exception& e) {
      std::cerr << "mesostation pivot: " << e.what() << '\n';
      throw CLI::RuntimeError(2);
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
