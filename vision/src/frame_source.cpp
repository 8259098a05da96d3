#include "meso/vision/frame_source.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace meso::vision {

namespace {

namespace fs = std::filesystem;

// Files without a frame rate of their own (folders, some containers) are played as if filmed at this rate.
constexpr double kFallbackFps = 30.0;

// Hands out BGR whatever the file held (gray PNGs, BGRA screenshots), so consumers need one code path.
cv::Mat to_bgr(const cv::Mat& image) {
  if (image.channels() == 3) return image;
  cv::Mat bgr;
  cv::cvtColor(image, bgr, image.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
  return bgr;
}

std::optional<int> camera_index(std::string_view spec) {
  if (spec.starts_with("camera:")) spec.remove_prefix(7);
  if (spec.empty() || spec.size() > 3) return std::nullopt;
  if (!std::all_of(spec.begin(), spec.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  return std::stoi(std::string(spec));
}

bool is_image_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::string_view kImageExtensions[] = {".png",  ".jpg", ".jpeg", ".bmp", ".tif",
                                                          ".tiff", ".ppm", ".pgm",  ".webp"};
  return std::find(std::begin(kImageExtensions), std::end(kImageExtensions), ext) !=
         std::end(kImageExtensions);
}

class CameraSource final : public FrameSource {
 public:
  CameraSource(std::unique_ptr<cv::VideoCapture> capture, std::string name)
      : capture_(std::move(capture)), name_(std::move(name)), opened_(std::chrono::steady_clock::now()) {}

  bool next(Frame& out) override {
    cv::Mat image;
    if (!capture_->read(image) || image.empty()) {
      error_ = name_ + " stopped delivering frames (unplugged, or taken by another program?)";
      return false;
    }
    out.image = to_bgr(image);
    out.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - opened_).count();
    out.index = index_++;
    return true;
  }
  std::string describe() const override { return name_; }
  std::string error() const override { return error_; }

 private:
  std::unique_ptr<cv::VideoCapture> capture_;  // VideoCapture copies share the device; one owner
  std::string name_;
  std::chrono::steady_clock::time_point opened_;
  std::uint64_t index_ = 0;
  std::string error_;
};

class VideoFileSource final : public FrameSource {
 public:
  VideoFileSource(std::unique_ptr<cv::VideoCapture> capture, std::string path)
      : capture_(std::move(capture)), path_(std::move(path)) {
    const double fps = capture_->get(cv::CAP_PROP_FPS);
    fps_ = fps > 0 && fps < 1000 ? fps : kFallbackFps;
  }

  bool next(Frame& out) override {
    cv::Mat image;
    if (!capture_->read(image) || image.empty()) return false;  // the end of the file
    out.image = to_bgr(image);
    out.time_s = static_cast<double>(index_) / fps_;
    out.index = index_++;
    return true;
  }
  std::string describe() const override { return "video file " + path_; }

 private:
  std::unique_ptr<cv::VideoCapture> capture_;  // VideoCapture copies share the device; one owner
  std::string path_;
  double fps_ = kFallbackFps;
  std::uint64_t index_ = 0;
};

class FolderSource final : public FrameSource {
 public:
  FolderSource(std::string folder, std::vector<fs::path> files)
      : folder_(std::move(folder)), files_(std::move(files)) {}

  bool next(Frame& out) override {
    if (index_ >= files_.size()) return false;
    const fs::path& file = files_[index_];
    cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
    if (image.empty()) {
      error_ = "cannot read image " + file.string();
      return false;
    }
    out.image = std::move(image);
    out.time_s = static_cast<double>(index_) / kFallbackFps;
    out.index = index_++;
    return true;
  }
  std::string describe() const override {
    return "folder " + folder_ + " (" + std::to_string(files_.size()) + " images)";
  }
  std::string error() const override { return error_; }

 private:
  std::string folder_;
  std::vector<fs::path> files_;
  std::uint64_t index_ = 0;
  std::string error_;
};

void request_size(cv::VideoCapture& capture, cv::Size size) {
  if (size.width <= 0 || size.height <= 0) return;
  capture.set(cv::CAP_PROP_FRAME_WIDTH, size.width);
  capture.set(cv::CAP_PROP_FRAME_HEIGHT, size.height);
}

std::unique_ptr<FrameSource> open_camera_index(int index, cv::Size size) {
  auto capture = std::make_unique<cv::VideoCapture>();
  const std::string name = "camera " + std::to_string(index);
  // V4L2 by name, as for a path: CAP_ANY falls back to GStreamer, whose plugin scan enumerates USB devices
  // through libusb and never frees the list (LeakSanitizer reports it in every process that tries).
  if (!capture->open(index, cv::CAP_V4L2) || !capture->isOpened())
    throw std::invalid_argument("no camera at index " + std::to_string(index) +
                                ": it could not be opened (not connected, or busy)");
  request_size(*capture, size);
  return std::make_unique<CameraSource>(std::move(capture), name);
}

std::unique_ptr<FrameSource> open_camera_path(const std::string& path, cv::Size size) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw std::invalid_argument("no camera at " + path + ": the device does not exist");
  auto capture = std::make_unique<cv::VideoCapture>();
  // By path, V4L2 is named explicitly: CAP_ANY may hand a /dev/video node to GStreamer or FFmpeg, which
  // then fail with messages about pipelines rather than about the camera.
  if (!capture->open(path, cv::CAP_V4L2) || !capture->isOpened())
    throw std::invalid_argument("no camera at " + path +
                                ": it could not be opened (busy, no permission, or not a capture device)");
  request_size(*capture, size);
  return std::make_unique<CameraSource>(std::move(capture), "camera " + path);
}

std::unique_ptr<FrameSource> open_folder(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path());
  if (files.empty()) throw std::invalid_argument("folder has no images: " + folder);
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return std::make_unique<FolderSource>(folder, std::move(files));
}

std::unique_ptr<FrameSource> open_video_file(const std::string& path) {
  auto capture = std::make_unique<cv::VideoCapture>();
  // FFmpeg by name: it reads every container a clinic camera records, and a file it cannot read would only
  // reach GStreamer's plugin scan (which leaks, see open_camera_index) and the image-sequence reader, whose
  // error about "starting numbers" would mislead.
  if (!capture->open(path, cv::CAP_FFMPEG) || !capture->isOpened())
    throw std::invalid_argument("cannot open video file " + path + ": unknown format or codec");
  return std::make_unique<VideoFileSource>(std::move(capture), path);
}

}  // namespace

std::unique_ptr<FrameSource> open_frame_source(const std::string& spec, cv::Size requested_size) {
  if (const auto index = camera_index(spec)) return open_camera_index(*index, requested_size);
  if (spec.starts_with("/dev/video")) return open_camera_path(spec, requested_size);
  std::error_code ec;
  if (fs::is_directory(spec, ec)) return open_folder(spec);
  if (fs::is_regular_file(spec, ec)) return open_video_file(spec);
  throw std::invalid_argument("no such camera, folder or video file: " + spec);
}

}  // namespace meso::vision
