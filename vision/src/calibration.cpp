#include "meso/vision/calibration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/aruco.hpp>
#include <opencv2/aruco/charuco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "meso/vision/headband_layout.hpp"

namespace meso::vision {

namespace {

constexpr std::string_view kFileFormat = "meso.camera_calibration";
constexpr int kFileVersion = 1;

// OpenCV's predefined dictionaries, in the order of cv::aruco::PREDEFINED_DICTIONARY_NAME.
constexpr std::array<std::string_view, 17> kDictionaryNames{
    "DICT_4X4_50",  "DICT_4X4_100",  "DICT_4X4_250", "DICT_4X4_1000", "DICT_5X5_50",        "DICT_5X5_100",
    "DICT_5X5_250", "DICT_5X5_1000", "DICT_6X6_50",  "DICT_6X6_100",  "DICT_6X6_250",       "DICT_6X6_1000",
    "DICT_7X7_50",  "DICT_7X7_100",  "DICT_7X7_250", "DICT_7X7_1000", "DICT_ARUCO_ORIGINAL"};

cv::Ptr<cv::aruco::Dictionary> dictionary_named(const std::string& name) {
  const auto* it = std::find(kDictionaryNames.begin(), kDictionaryNames.end(), name);
  if (it == kDictionaryNames.end())
    throw std::invalid_argument("unknown ArUco dictionary " + name + " (e.g. DICT_5X5_100)");
  return cv::aruco::getPredefinedDictionary(static_cast<int>(it - kDictionaryNames.begin()));
}

cv::Ptr<cv::aruco::CharucoBoard> make_board(const CharucoBoardSpec& spec) {
  if (spec.squares_x < 3 || spec.squares_y < 3)
    throw std::invalid_argument("a ChArUco board needs at least 3x3 squares");
  if (!(spec.square_mm > 0) || !(spec.marker_mm > 0) || spec.marker_mm >= spec.square_mm)
    throw std::invalid_argument("the marker must be smaller than the square, both positive (mm)");
  const int markers = spec.squares_x * spec.squares_y / 2;
  const int available = dictionary_size(spec.dictionary);
  if (available > 0 && markers > available)
    throw std::invalid_argument("a " + std::to_string(spec.squares_x) + "x" + std::to_string(spec.squares_y) +
                                " board needs " + std::to_string(markers) + " markers; " + spec.dictionary +
                                " has " + std::to_string(available));
  return cv::aruco::CharucoBoard::create(spec.squares_x, spec.squares_y, static_cast<float>(spec.square_mm),
                                         static_cast<float>(spec.marker_mm),
                                         dictionary_named(spec.dictionary));
}

struct ViewCorners {
  cv::Mat corners;  // Nx1 CV_32FC2
  cv::Mat ids;      // Nx1 CV_32S
};

// The ChArUco corners seen in one image; empty when no marker of the board was found.
ViewCorners detect_corners(const cv::Mat& image, const cv::Ptr<cv::aruco::CharucoBoard>& board) {
  cv::Mat gray;
  if (image.channels() == 1) {
    gray = image;
  } else {
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  std::vector<std::vector<cv::Point2f>> marker_corners;
  std::vector<int> marker_ids;
  cv::aruco::detectMarkers(gray, board->dictionary, marker_corners, marker_ids);
  ViewCorners view;
  if (marker_ids.empty()) return view;
  cv::aruco::interpolateCornersCharuco(marker_corners, marker_ids, gray, board, view.corners, view.ids);
  return view;
}

cv::Mat json_to_mat(const nlohmann::json& j, int rows, int cols, const std::string& where) {
  cv::Mat m(rows, cols, CV_64F);
  const bool nested = rows > 1;
  if (!j.is_array() || j.size() != static_cast<std::size_t>(nested ? rows : cols))
    throw std::invalid_argument(where + ": expected " + std::to_string(rows) + "x" + std::to_string(cols) +
                                " numbers");
  for (int r = 0; r < rows; ++r) {
    const nlohmann::json& row = nested ? j[static_cast<std::size_t>(r)] : j;
    if (!row.is_array() || row.size() != static_cast<std::size_t>(cols))
      throw std::invalid_argument(where + ": expected rows of " + std::to_string(cols) + " numbers");
    for (int c = 0; c < cols; ++c) {
      const auto& v = row[static_cast<std::size_t>(c)];
      if (!v.is_number() || !std::isfinite(v.get<double>()))
        throw std::invalid_argument(where + ": expected finite numbers");
      m.at<double>(r, c) = v.get<double>();
    }
  }
  return m;
}

nlohmann::json mat_to_json(const cv::Mat& m) {
  cv::Mat d;
  m.convertTo(d, CV_64F);
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < d.rows; ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (int c = 0; c < d.cols; ++c)
      row.push_back(d.at<double>(r, c));
    rows.push_back(row);
  }
  return d.rows == 1 ? rows[0] : rows;
}

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& file) {
  const auto it = j.find(key);
  if (it == j.end()) throw std::invalid_argument(file + ": " + key + ": missing");
  return *it;
}

int positive_int(const nlohmann::json& j, const char* key, const std::string& file) {
  const auto& v = field(j, key, file);
  if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > 100000)
    throw std::invalid_argument(file + ": " + key + ": expected a positive integer");
  return v.get<int>();
}

}  // namespace

CameraCalibration calibrate_charuco(const std::vector<cv::Mat>& images, const CharucoBoardSpec& board_spec,
                                    int min_views) {
  const auto board = make_board(board_spec);
  const int all_corners = (board_spec.squares_x - 1) * (board_spec.squares_y - 1);
  // A view with a handful of corners along one edge pins down little and skews the fit.
  const int enough_corners = std::max(6, all_corners / 3);
  std::vector<cv::Mat> corners;
  std::vector<cv::Mat> ids;
  cv::Size size;
  for (const auto& image : images) {
    if (image.empty()) continue;
    if (size.empty()) size = image.size();
    if (image.size() != size)
      throw std::invalid_argument("calibration images differ in size (" + std::to_string(size.width) + "x" +
                                  std::to_string(size.height) + " and " + std::to_string(image.cols) + "x" +
                                  std::to_string(image.rows) + "): use one camera mode");
    ViewCorners view = detect_corners(image, board);
    if (view.ids.total() < static_cast<std::size_t>(enough_corners)) continue;
    corners.push_back(view.corners);
    ids.push_back(view.ids);
  }
  const int views = static_cast<int>(corners.size());
  if (views < std::max(min_views, 1))
    throw std::invalid_argument("only " + std::to_string(views) + " of " + std::to_string(images.size()) +
                                " images show enough of the ChArUco board (at least " +
                                std::to_string(enough_corners) + " corners); need " +
                                std::to_string(min_views) + " such views at varied angles");
  CameraCalibration result;
  result.camera_matrix = cv::Mat::eye(3, 3, CV_64F);
  result.dist_coeffs = cv::Mat::zeros(1, 5, CV_64F);
  result.rms_px =
      cv::aruco::calibrateCameraCharuco(corners, ids, board, size, result.camera_matrix, result.dist_coeffs);
  result.dist_coeffs = result.dist_coeffs.reshape(1, 1);
  result.image_size = size;
  result.views = views;
  return result;
}

cv::Mat render_charuco_board(const CharucoBoardSpec& board_spec, double dpi) {
  if (!(dpi >= 50 && dpi <= 2400)) throw std::invalid_argument("dpi must be 50 to 2400");
  const auto board = make_board(board_spec);
  // Whole pixels per square, so the chessboard corners fall exactly where the board says they are.
  const int square_px = static_cast<int>(std::lround(board_spec.square_mm / 25.4 * dpi));
  const int margin_px = square_px / 2;  // a quiet zone around the board helps the marker detector
  const cv::Size size(square_px * board_spec.squares_x + 2 * margin_px,
                      square_px * board_spec.squares_y + 2 * margin_px);
  cv::Mat image;
  board->draw(size, image, margin_px, 1);
  return image;
}

void save_calibration(const CameraCalibration& calibration, const std::filesystem::path& path) {
  if (calibration.camera_matrix.size() != cv::Size(3, 3) || calibration.dist_coeffs.total() != 5)
    throw std::invalid_argument(
        "save_calibration: expected a 3x3 camera matrix and 5 distortion coefficients");
  const nlohmann::json j{{"format", kFileFormat},
                         {"version", kFileVersion},
                         {"image_width", calibration.image_size.width},
                         {"image_height", calibration.image_size.height},
                         {"camera_matrix", mat_to_json(calibration.camera_matrix)},
                         {"dist_coeffs", mat_to_json(calibration.dist_coeffs.reshape(1, 1))},
                         {"rms_px", calibration.rms_px},
                         {"views", calibration.views}};
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << j.dump(2) << '\n';
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

CameraCalibration load_calibration(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(file + ": cannot open");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::invalid_argument(file + ": not a JSON object");
  if (field(j, "format", file) != kFileFormat)
    throw std::invalid_argument(file + ": format: expected \"" + std::string(kFileFormat) + "\"");
  if (field(j, "version", file) != kFileVersion)
    throw std::invalid_argument(file + ": version: expected " + std::to_string(kFileVersion));
  CameraCalibration c;
  c.image_size = {positive_int(j, "image_width", file), positive_int(j, "image_height", file)};
  c.camera_matrix = json_to_mat(field(j, "camera_matrix", file), 3, 3, file + ": camera_matrix");
  c.dist_coeffs = json_to_mat(field(j, "dist_coeffs", file), 1, 5, file + ": dist_coeffs");
  if (!(c.camera_matrix.at<double>(0, 0) > 0) || !(c.camera_matrix.at<double>(1, 1) > 0))
    throw std::invalid_argument(file + ": camera_matrix: focal lengths must be positive");
  const auto& rms = field(j, "rms_px", file);
  if (!rms.is_number()) throw std::invalid_argument(file + ": rms_px: expected a number");
  c.rms_px = rms.get<double>();
  c.views = positive_int(j, "views", file);
  return c;
}

std::string calibration_problem(const std::optional<CameraCalibration>& calibration, cv::Size frame_size) {
  const auto size_text = [](cv::Size s) { return std::to_string(s.width) + "x" + std::to_string(s.height); };
  if (!calibration)
    return "no camera calibration: guidance places shots less exactly; calibrate the camera (mesostation "
           "calibrate) and name the file in the station's configuration";
  if (calibration->rms_px > kMaxCalibrationRmsPx) {
    std::ostringstream rms;
    rms.precision(2);
    rms << std::fixed << calibration->rms_px;
    return "the camera calibration's error is " + rms.str() + " px, above 0.5 px: calibrate the camera again";
  }
  if (!frame_size.empty() && frame_size != calibration->image_size)
    return "the camera calibration was made for " + size_text(calibration->image_size) +
           " but the camera gives " + size_text(frame_size) +
           ": frames are not undistorted; calibrate at this resolution";
  return {};
}

Undistorter::Undistorter(const CameraCalibration& calibration) : size_(calibration.image_size) {
  if (size_.empty()) throw std::invalid_argument("Undistorter: the calibration has no image size");
  // The same camera matrix on both sides keeps pixel scale and centre, so a registration fitted to
  // undistorted frames speaks in the calibrated camera's pixels.
  cv::initUndistortRectifyMap(calibration.camera_matrix, calibration.dist_coeffs, cv::noArray(),
                              calibration.camera_matrix, size_, CV_16SC2, map1_, map2_);
}

void Undistorter::apply(const cv::Mat& in, cv::Mat& out) const {
  if (in.size() != size_)
    throw std::invalid_argument("Undistorter: frame is " + std::to_string(in.cols) + "x" +
                                std::to_string(in.rows) + " but the calibration is for " +
                                std::to_string(size_.width) + "x" + std::to_string(size_.height));
  if (in.data == out.data) {  // remap cannot work in place
    cv::Mat undistorted;
    cv::remap(in, undistorted, map1_, map2_, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    out = undistorted;
    return;
  }
  cv::remap(in, out, map1_, map2_, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
}

}  // namespace meso::vision
