// Camera intrinsics from a ChArUco board, their file, and undistortion of frames.
#pragma once

#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace meso::vision {

struct CharucoBoardSpec {
  int squares_x = 7;
  int squares_y = 5;
  double square_mm = 30;
  double marker_mm = 22;
  std::string dictionary = "DICT_5X5_100";  // apart from the headband's, so a board is never taken for one
};

struct CameraCalibration {
  cv::Mat camera_matrix;  // 3x3 CV_64F
  cv::Mat dist_coeffs;    // 1x5 CV_64F
  cv::Size image_size;
  double rms_px = 0;  // reprojection error of the calibration itself
  int views = 0;
};

// Throws std::invalid_argument when fewer than `min_views` images show enough of the board, saying how many
// did.
CameraCalibration calibrate_charuco(const std::vector<cv::Mat>& images, const CharucoBoardSpec& board,
                                    int min_views = 4);
cv::Mat render_charuco_board(const CharucoBoardSpec& board, double dpi);

void save_calibration(const CameraCalibration& calibration, const std::filesystem::path& path);
CameraCalibration load_calibration(const std::filesystem::path& path);  // throws naming the file and field

// A calibration whose own reprojection error is above this is not trusted for guidance: points 2 to 4 mm
// apart in nappage leave little room for a camera that is off by more than half a pixel.
constexpr double kMaxCalibrationRmsPx = 0.5;

// Why frames of `frame_size` are not properly calibrated by `calibration`, in a sentence for the clinician:
// none at all, an RMS above kMaxCalibrationRmsPx, or one made for another resolution (checked only when
// `frame_size` is known, not empty). Empty when they are.
std::string calibration_problem(const std::optional<CameraCalibration>& calibration,
                                cv::Size frame_size = {});

// Precomputes the remap tables once for an image size, then undistorts each frame.
class Undistorter {
 public:
  explicit Undistorter(const CameraCalibration& calibration);
  void apply(const cv::Mat& in, cv::Mat& out) const;

 private:
  cv::Mat map1_, map2_;
  cv::Size size_;
};

}  // namespace meso::vision
