#include "meso/station/camera_feed.hpp"

#include <opencv2/imgproc.hpp>

namespace meso::station {

CameraFeed::CameraFeed(std::unique_ptr<vision::FrameSource> source, const vision::HeadbandLayout& layout,
                       double fps, OnResult on_result, std::function<void()> wake,
                       std::optional<vision::CameraCalibration> calibration)
    : pipeline_(layout, std::move(calibration)),
      fps_(fps),
      on_result_(std::move(on_result)),
      wake_(std::move(wake)),
      source_(std::move(source)) {}

CameraFeed::~CameraFeed() {
  stop();
}

void CameraFeed::start() {
  thread_ = std::thread([this] { run(); });
}

void CameraFeed::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CameraFeed::replace_source(std::unique_ptr<vision::FrameSource> source) {
  const std::lock_guard lock(mutex_);
  replacement_ = std::move(source);
}

void CameraFeed::set_wanted(bool wanted) {
  {
    const std::lock_guard lock(mutex_);
    if (wanted_ == wanted) return;
    wanted_ = wanted;
  }
  cv_.notify_all();
}

std::optional<CameraFrame> CameraFeed::take(std::uint64_t after) {
  const std::lock_guard lock(mutex_);
  if (!mailbox_ || mailbox_->index <= after) return std::nullopt;
  std::optional<CameraFrame> out = std::move(mailbox_);
  mailbox_.reset();
  return out;
}

cv::Mat CameraFeed::latest_image() {
  const std::lock_guard lock(mutex_);
  return latest_bgr_.clone();
}

void CameraFeed::run() {
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / fps_));
  auto next_at = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      if (replacement_) source_ = std::move(replacement_);
    }
    vision::Frame frame;
    const bool got = source_ && source_->next(frame);
    const auto captured = std::chrono::steady_clock::now();
    if (got) {
      vision::FrameResult result = pipeline_.process(frame);
      if (on_result_) on_result_(result, captured, *source_);
      CameraFrame out{++count_, {}, std::move(result)};
      cv::cvtColor(frame.image, out.rgba, cv::COLOR_BGR2RGBA);
      {
        const std::lock_guard lock(mutex_);
        mailbox_ = std::move(out);
        latest_bgr_ = frame.image;
      }
      if (wake_) wake_();
    }
    // Paced at the source's rate; a slow frame does not make the next ones hurry to catch up.
    next_at += got ? period : std::chrono::milliseconds(200);
    if (next_at < std::chrono::steady_clock::now()) next_at = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, next_at, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace meso::station
