// Where frames come from: a camera (OpenCV VideoCapture by index or V4L2 path), a video file, a folder of
// images, or the synthetic camera of sim/. Every source hands out BGR frames with a monotonic time.
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

namespace meso::vision {

struct Frame {
  cv::Mat image;      // 8-bit BGR
  double time_s = 0;  // seconds since the source opened (steady clock, or the file's own timing)
  std::uint64_t index = 0;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame; false at the end of a file or folder, or when a camera stops delivering (then
  // error() says why).
  virtual bool next(Frame& out) = 0;
  virtual std::string describe() const = 0;
  virtual std::string error() const { return {}; }
};

// "0" or "camera:0" (camera index), "/dev/video2" (V4L2 path), a directory (its images in name order) or
// a video file. Throws std::invalid_argument naming the spec when it cannot be opened ("no camera at
// /dev/video3: ...", "folder has no images: ..."). `requested_size` is asked of a camera (it may pick the
// nearest mode it has); files and folders are handed out at their own size.
std::unique_ptr<FrameSource> open_frame_source(const std::string& spec, cv::Size requested_size = {});

}  // namespace meso::vision
