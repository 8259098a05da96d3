// mesostation markers: the headband layout at true scale, as a PNG to print.
#include "markers_command.hpp"

#include <iostream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string>

#include "meso/vision/headband_layout.hpp"
#include "meso/vision/marker_sheet.hpp"

namespace meso::station {

namespace {

struct MarkersOptions {
  std::string out;
  std::string layout;
  double dpi = 300;
};

int run_markers(const MarkersOptions& options) {
  const vision::HeadbandLayout layout =
      options.layout.empty() ? vision::default_layout() : vision::load_layout(options.layout);
  const cv::Mat sheet = vision::render_marker_sheet(layout, options.dpi);
  if (!cv::imwrite(options.out, sheet)) {
    std::cerr << "mesostation markers: cannot write " << options.out
              << " (is the folder there and writable?)\n";
    return 2;
  }
  std::cout << "wrote " << options.out << ": " << layout.markers.size() << " headband markers"
            << (layout.handpiece ? " and the handpiece marker" : "") << ", " << sheet.cols << "x"
            << sheet.rows << " px at " << options.dpi
            << " dpi. Print at 100% scale and check that the bar measures 50 mm.\n";
  return 0;
}

}  // namespace

void add_markers_command(CLI::App& app) {
  auto options = std::make_shared<MarkersOptions>();
  auto* cmd = app.add_subcommand("markers", "Render the headband's markers at true scale, for printing");
  cmd->add_option("--out", options->out, "PNG file to write")->required();
  cmd->add_option("--layout", options->layout, "Headband layout JSON (default: the one that ships)");
  cmd->add_option("--dpi", options->dpi, "Printer resolution")
      ->capture_default_str()
      ->check(CLI::Range(72.0, 2400.0));
  cmd->callback([options] {
    int code = 2;
    try {
      code = run_markers(*options);
    } catch (const std::invalid_argument& e) {  // a layout file that is wrong
      std::cerr << "mesostation markers: " << e.what() << '\n';
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace meso::station
