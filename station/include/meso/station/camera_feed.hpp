// The camera thread: frames from a source through the vision pipeline; each result goes to the station (by
// a callback that posts onto the station thread) and the latest frame waits in a mailbox for the render
// thread, which takes it once per frame and uploads it only when it is new.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "meso/vision/vision_pipeline.hpp"

namespace meso::station {

struct CameraFrame {
  std::uint64_t index = 0;  // counts frames handed out by this worker
  cv::Mat rgba;
  vision::FrameResult result;
};

class CameraFeed {
 public:
  // Called on the camera thread after each frame, with the source (the demo reads the synthetic truth).
  using OnResult = std::function<void(const vision::FrameResult&, std::chrono::steady_clock::time_point,
                                      vision::FrameSource&)>;

  // Frames are undistorted with `calibration` when it fits their size (vision::VisionPipeline).
  CameraFeed(std::unique_ptr<vision::FrameSource> source, const vision::HeadbandLayout& layout, double fps,
             OnResult on_result, std::function<void()> wake,
             std::optional<vision::CameraCalibration> calibration = std::nullopt);
  CameraFeed(const CameraFeed&) = delete;
  CameraFeed& operator=(const CameraFeed&) = delete;
  CameraFeed(CameraFeed&&) = delete;
  CameraFeed& operator=(CameraFeed&&) = delete;
  ~CameraFeed();

  void start();
  void stop();
  // Takes effect before the next frame (the demo swaps the synthetic camera when the hand's path changes).
  void replace_source(std::unique_ptr<vision::FrameSource> source);
  // Frames only while someone looks: no camera screen, no frames and no redraws.
  void set_wanted(bool wanted);
  // The newest frame if it is newer than `after`; its pixels move out of the mailbox.
  std::optional<CameraFrame> take(std::uint64_t after);
  // A copy of the newest BGR image, for planning on another thread; empty before the first frame.
  cv::Mat latest_image();

 private:
  void run();

  vision::VisionPipeline pipeline_;
  double fps_;
  OnResult on_result_;
  std::function<void()> wake_;
  std::unique_ptr<vision::FrameSource> source_;  // camera thread only

  std::mutex mutex_;  // guards what follows
  std::condition_variable cv_;
  std::unique_ptr<vision::FrameSource> replacement_;
  std::optional<CameraFrame> mailbox_;
  cv::Mat latest_bgr_;
  bool wanted_ = false;
  bool stopping_ = false;

  std::uint64_t count_ = 0;  // camera thread only
  std::thread thread_;
};

}  // namespace meso::station
