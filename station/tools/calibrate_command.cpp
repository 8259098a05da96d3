// mesostation calibrate: camera intrinsics from views of a ChArUco board (a folder of images, or frames
// taken from a camera while the board is moved), written to a file; or the board itself, rendered at true
// scale for printing.
#include "calibrate_command.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/vision/calibration.hpp"
#include "meso/vision/frame_source.hpp"

namespace meso::station {

namespace {

// "Good" per the usual rule for a calibrated lens used for measurement: the model explains each corner to
// within half a pixel.
constexpr double kGoodRmsPx = 0.5;

struct CalibrateOptions {
  std::string images;
  std::string camera;
  int frames = 15;
  double interval_s = 1.0;
  std::string out;
  std::string board_squares = "7x5";
  double square_mm = 30;
  double marker_mm = 22;
  std::string dictionary = "DICT_5X5_100";
  std::string print_board;
  double dpi = 300;
};

vision::CharucoBoardSpec board_spec(const CalibrateOptions& options) {
  vision::CharucoBoardSpec spec;
  int x = 0;
  int y = 0;
  char sep = 0;
  char extra = 0;
  if (std::sscanf(options.board_squares.c_str(), "%d%c%d%c", &x, &sep, &y, &extra) != 3 || sep != 'x')
    throw std::invalid_argument("--board-squares takes COLSxROWS, e.g. 7x5");
  spec.squares_x = x;
  spec.squares_y = y;
  spec.square_mm = options.square_mm;
  spec.marker_mm = options.marker_mm;
  spec.dictionary = options.dictionary;
  return spec;
}

// Every image of the folder; unreadable files stop the run rather than quietly shrinking the set.
std::vector<cv::Mat> read_folder(const std::string& folder) {
  auto source = vision::open_frame_source(folder);
  std::vector<cv::Mat> images;
  vision::Frame frame;
  while (source->next(frame))
    images.push_back(frame.image.clone());
  if (!source->error().empty()) throw std::runtime_error(source->error());
  return images;
}

// Takes one frame every `interval_s` so consecutive views differ: the user moves the board meanwhile.
std::vector<cv::Mat> capture_camera(const CalibrateOptions& options) {
  auto source = vision::open_frame_source(options.camera);
  std::cerr << "capturing " << options.frames << " views from " << source->describe() << ", one every "
            << options.interval_s << " s: move and tilt the board between them\n";
  std::vector<cv::Mat> images;
  vision::Frame frame;
  double last_s = -options.interval_s;
  while (static_cast<int>(images.size()) < options.frames) {
    if (!source->next(frame)) throw std::runtime_error(source->error());
    if (frame.time_s - last_s < options.interval_s) continue;
    last_s = frame.time_s;
    images.push_back(frame.image.clone());
    std::cerr << "  view " << images.size() << "/" << options.frames << "\n";
  }
  return images;
}

int print_board(const CalibrateOptions& options) {
  const auto spec = board_spec(options);
  const cv::Mat image = vision::render_charuco_board(spec, options.dpi);
  if (!cv::imwrite(options.print_board, image))
    throw std::runtime_error("cannot write " + options.print_board);
  const double square_printed_mm = std::round(spec.square_mm / 25.4 * options.dpi) * 25.4 / options.dpi;
  std::cout << "wrote " << options.print_board << " (" << image.cols << "x" << image.rows << " px at "
            << options.dpi << " dpi)\n  print at " << options.dpi
            << " dpi with no scaling (\"actual size\"), then measure a square: it should be "
            << square_printed_mm << " mm; pass the measured sizes as --square-mm and --marker-mm\n";
  return 0;
}

int calibrate(const CalibrateOptions& options, const std::vector<cv::Mat>& images) {
  vision::CameraCalibration calibration;
  try {
    calibration = vision::calibrate_charuco(images, board_spec(options));
  } catch (const std::invalid_argument& e) {
    std::cerr << "mesostation calibrate: " << e.what() << '\n';
    return 1;
  }
  vision::save_calibration(calibration, options.out);
  const auto& k = calibration.camera_matrix;
  std::cout << "calibrated from " << calibration.views << " of " << images.size() << " views, "
            << calibration.image_size.width << "x" << calibration.image_size.height << " px\n"
            << "  fx " << k.at<double>(0, 0) << "  fy " << k.at<double>(1, 1) << "  cx " << k.at<double>(0, 2)
            << "  cy " << k.at<double>(1, 2) << "\n  wrote " << options.out << "\n"
            << "RMS reprojection error " << calibration.rms_px << " px: ";
  if (calibration.rms_px < kGoodRmsPx) {
    std::cout << "good: under " << kGoodRmsPx << " px\n";
    return 0;
  }
  std::cout << "poor: " << kGoodRmsPx
            << " px or more; recapture with the board filling more of the view at varied angles\n";
  return 1;
}

int run_calibrate(const CalibrateOptions& options) {
  if (!options.print_board.empty()) return print_board(options);
  board_spec(options);  // a mistyped board fails before the camera is opened
  const std::vector<cv::Mat> images =
      options.images.empty() ? capture_camera(options) : read_folder(options.images);
  return calibrate(options, images);
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto options = std::make_shared<CalibrateOptions>();
  auto* cmd = app.add_subcommand("calibrate",
                                 "Camera intrinsics from a ChArUco board (folder of images or a camera); "
                                 "or --print-board to render the board for printing");
  auto* images = cmd->add_option("--images", options->images, "Folder of images of the board")
                     ->check(CLI::ExistingDirectory);
  auto* camera = cmd->add_option("--camera", options->camera, "Camera: index (0), camera:N or /dev/videoN");
  images->excludes(camera);
  cmd->add_option("--frames", options->frames, "With --camera: views to capture")
      ->capture_default_str()
      ->check(CLI::Range(4, 200));
  cmd->add_option("--interval", options->interval_s, "With --camera: seconds between views")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  auto* out = cmd->add_option("--out", options->out, "Calibration file to write (JSON)");
  cmd->add_option("--board-squares", options->board_squares, "Board squares, COLSxROWS")
      ->capture_default_str();
  cmd->add_option("--square-mm", options->square_mm, "Chessboard square side, mm")->capture_default_str();
  cmd->add_option("--marker-mm", options->marker_mm, "Marker side, mm")->capture_default_str();
  cmd->add_option("--dictionary", options->dictionary, "ArUco dictionary of the board")
      ->capture_default_str();
  auto* print =
      cmd->add_option("--print-board", options->print_board, "Render the board to this PNG and exit");
  cmd->add_option("--dpi", options->dpi, "With --print-board: printer resolution")->capture_default_str();
  print->excludes(images)->excludes(camera);
  cmd->callback([options, images, camera, out, print] {
    if (print->count() == 0) {
      if (images->count() == 0 && camera->count() == 0)
        throw CLI::ValidationError("calibrate", "give the views: --images DIR or --camera SPEC");
      if (out->count() == 0) throw CLI::RequiredError("--out");
    }
    int code = 0;
    try {
      code = run_calibrate(*options);
    } catch (const std::exception& e) {
      std::cerr << "mesostation calibrate: " << e.what() << '\n';
      throw CLI::RuntimeError(2);
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
