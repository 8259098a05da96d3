#include "meso/vision/pivot.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <opencv2/calib3d.hpp>
#include <sstream>

namespace meso::vision {

namespace {

// The angle between two poses' marker normals (their z axes), in degrees.
double normals_angle_deg(const MarkerPose& a, const MarkerPose& b) {
  const cv::Vec3d na(a.R(0, 2), a.R(1, 2), a.R(2, 2));
  const cv::Vec3d nb(b.R(0, 2), b.R(1, 2), b.R(2, 2));
  return std::acos(std::clamp(na.dot(nb), -1.0, 1.0)) * 180 / std::numbers::pi;
}

std::string fixed_point(double value, int places) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(places);
  out << value;
  return out.str();
}

}  // namespace

std::vector<MarkerPose> marker_pose_candidates(const MarkerDetection& detection, double size_mm,
                                               const cv::Matx33d& camera_matrix, const cv::Mat& dist_coeffs) {
  // SOLVEPNP_IPPE_SQUARE wants its corners in this order, in axes with y up the marker; ours has y down it,
  // so each pose found is turned half a turn about x below.
  const auto h = static_cast<float>(size_mm / 2);
  const std::vector<cv::Point3f> object{{-h, h, 0}, {h, h, 0}, {h, -h, 0}, {-h, -h, 0}};
  const std::vector<cv::Point2f> image(detection.corners.begin(), detection.corners.end());
  std::vector<cv::Mat> rvecs;
  std::vector<cv::Mat> tvecs;
  cv::solvePnPGeneric(object, image, cv::Mat(camera_matrix), dist_coeffs, rvecs, tvecs, false,
                      cv::SOLVEPNP_IPPE_SQUARE);
  std::vector<MarkerPose> poses;
  for (std::size_t i = 0; i < rvecs.size(); ++i) {
    cv::Matx33d R_y_up;
    cv::Rodrigues(rvecs[i], R_y_up);
    MarkerPose pose;
    pose.R = R_y_up * cv::Matx33d(1, 0, 0, 0, -1, 0, 0, 0, -1);
    pose.t = cv::Vec3d(tvecs[i].at<double>(0), tvecs[i].at<double>(1), tvecs[i].at<double>(2));
    if (pose.t[2] > 0) poses.push_back(pose);  // a marker behind the camera is no solution
  }
  return poses;
}

std::optional<MarkerPose> marker_pose(const MarkerDetection& detection, double size_mm,
                                      const cv::Matx33d& camera_matrix, const cv::Mat& dist_coeffs) {
  auto poses = marker_pose_candidates(detection, size_mm, camera_matrix, dist_coeffs);
  if (poses.empty()) return std::nullopt;
  return poses.front();
}

PivotResult pivot_calibrate(const std::vector<MarkerPose>& poses, const PivotOptions& options) {
  const auto n = static_cast<int>(poses.size());
  if (n < options.min_poses)
    throw PivotRefused("only " + std::to_string(n) + " poses of the handpiece marker; the pivot needs " +
                           std::to_string(options.min_poses) +
                           ": keep the marker in view while turning the handpiece about its tip",
                       std::nullopt);
  double spread = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      spread = std::max(
          spread, normals_angle_deg(poses[static_cast<std::size_t>(i)], poses[static_cast<std::size_t>(j)]));
  if (spread < options.min_spread_deg)
    throw PivotRefused(
        "the handpiece turned only " + fixed_point(spread, 1) + " degrees; tilt it at least " +
            fixed_point(options.min_spread_deg, 0) +
            " degrees each way about the resting tip, so that the tip's depth along it is fixed",
        std::nullopt);
  // R_i tip - pivot = -t_i, for every pose: 3n equations in the 6 unknowns.
  cv::Mat A(3 * n, 6, CV_64F, cv::Scalar(0));
  cv::Mat b(3 * n, 1, CV_64F);
  for (int i = 0; i < n; ++i) {
    const MarkerPose& p = poses[static_cast<std::size_t>(i)];
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c)
        A.at<double>(3 * i + r, c) = p.R(r, c);
      A.at<double>(3 * i + r, 3 + r) = -1;
      b.at<double>(3 * i + r) = -p.t[r];
    }
  }
  cv::Mat x;
  cv::solve(A, b, x, cv::DECOMP_SVD);
  PivotResult result;
  result.tip_mm = {x.at<double>(0), x.at<double>(1), x.at<double>(2)};
  result.pivot_mm = {x.at<double>(3), x.at<double>(4), x.at<double>(5)};
  result.poses = n;
  result.spread_deg = spread;
  double sum2 = 0;
  for (const MarkerPose& p : poses) {
    const double e = cv::norm(p.to_camera(result.tip_mm) - result.pivot_mm);
    sum2 += e * e;
    result.max_mm = std::max(result.max_mm, e);
  }
  result.rms_mm = std::sqrt(sum2 / n);
  if (result.rms_mm > options.max_rms_mm)
    throw PivotRefused("the pivot fit is off by " + fixed_point(result.rms_mm, 2) + " mm RMS, above the " +
                           fixed_point(options.max_rms_mm, 2) +
                           " mm limit: keep the tip still on one point (a dimple, not skin), hold the marker "
                           "nearer the camera and in focus, and pivot again",
                       result);
  return result;
}

PivotResult pivot_calibrate(const std::vector<std::vector<MarkerPose>>& candidates,
                            const PivotOptions& options) {
  std::vector<const std::vector<MarkerPose>*> views;
  for (const auto& view : candidates)
    if (!view.empty()) views.push_back(&view);
  std::vector<std::size_t> choice(views.size(), 0);
  std::vector<MarkerPose> chosen(views.size());
  const auto fit = [&] {
    for (std::size_t i = 0; i < views.size(); ++i)
      chosen[i] = (*views[i])[choice[i]];
    PivotOptions unchecked = options;
    unchecked.max_rms_mm = std::numeric_limits<double>::infinity();  // judged once the choice settles
    return pivot_calibrate(chosen, unchecked);
  };
  PivotResult result = fit();
  for (int round = 0; round < 20; ++round) {
    bool changed = false;
    for (std::size_t i = 0; i < views.size(); ++i) {
      std::size_t best = choice[i];
      double best_error = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < views[i]->size(); ++k) {
        const double error = cv::norm((*views[i])[k].to_camera(result.tip_mm) - result.pivot_mm);
        if (error < best_error) best_error = error, best = k;
      }
      changed = changed || best != choice[i];
      choice[i] = best;
    }
    if (!changed) break;
    result = fit();
  }
  return pivot_calibrate(chosen, options);
}

void save_tip_calibration(const TipCalibration& tip, const std::filesystem::path& path) {
  const nlohmann::json j{{"marker_id", tip.marker_id},
                         {"marker_size_mm", tip.marker_size_mm},
                         {"tip_mm", {tip.tip_mm[0], tip.tip_mm[1], tip.tip_mm[2]}},
                         {"rms_mm", tip.rms_mm},
                         {"poses", tip.poses},
                         {"spread_deg", tip.spread_deg},
                         {"utc", tip.utc}};
  std::ofstream out(path);
  out << j.dump(2) << '\n';
  if (!out) throw std::runtime_error("cannot write the tip calibration " + path.string());
}

TipCalibration load_tip_calibration(const std::filesystem::path& path) {
  const std::string where = path.string() + ": ";
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(where + "cannot be read");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) throw std::invalid_argument(where + "not JSON: expected a tip calibration object");
  const auto number = [&](const char* key) {
    if (!j.contains(key) || !j.at(key).is_number())
      throw std::invalid_argument(where + key + ": expected a number");
    return j.at(key).get<double>();
  };
  TipCalibration tip;
  tip.marker_id = static_cast<int>(number("marker_id"));
  tip.marker_size_mm = number("marker_size_mm");
  tip.rms_mm = number("rms_mm");
  tip.poses = static_cast<int>(number("poses"));
  tip.spread_deg = number("spread_deg");
  const auto& v = j.contains("tip_mm") ? j.at("tip_mm") : nlohmann::json();
  if (!v.is_array() || v.size() != 3 || !v[0].is_number() || !v[1].is_number() || !v[2].is_number())
    throw std::invalid_argument(where + "tip_mm: expected [x, y, z] in mm");
  tip.tip_mm = {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
  if (j.contains("utc") && j.at("utc").is_string()) tip.utc = j.at("utc").get<std::string>();
  if (!(tip.marker_size_mm > 0)) throw std::invalid_argument(where + "marker_size_mm: expected more than 0");
  if (!(tip.rms_mm <= PivotOptions{}.max_rms_mm))
    throw std::invalid_argument(where + "rms_mm: " + fixed_point(tip.rms_mm, 2) + " mm is above the " +
                                fixed_point(PivotOptions{}.max_rms_mm, 2) +
                                " mm a tip calibration may have: run mesostation pivot again");
  return tip;
}

}  // namespace meso::vision
