// The application layer with a real camera source (a folder of frames): its calibration problem reaches the
// snapshot the console draws, and the session's journal says it once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "meso/journal/reader.hpp"
#include "meso/station/app.hpp"

namespace meso::station {
namespace {

class AppCamera : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("app_camera_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "frames");
    for (int i = 0; i < 3; ++i)
      cv::imwrite((dir_ / "frames" / ("f" + std::to_string(i) + ".png")).string(),
                  cv::Mat(480, 640, CV_8UC3, cv::Scalar::all(40)));
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The demo's accounts and simulators, with the folder as the camera and `calibration`.
  void start(std::optional<vision::CameraCalibration> calibration) {
    auto config = demo_profile(dir_ / "camera.db");
    config.camera = {};
    config.camera.source = (dir_ / "frames").string();
    config.camera.calibration = std::move(calibration);
    app_ = std::make_unique<StationApp>(config);
    app_->on_snapshot([this](const StationSnapshot& s) {
      const std::lock_guard lock(mutex_);
      warning_ = s.guidance.calibration_warning;
    });
    app_->start();
    ASSERT_TRUE(wait_for_reply<StaffMember>([&](auto r) { app_->login("demo", "demo", r); }).ok());
    const auto opened = wait_for_reply<OpenedSession>([&](auto r) { app_->open_session("P-CAM", r); });
    ASSERT_TRUE(opened.ok());
    session_ = opened.value().id;
  }
  // Waits up to 10 s for the shown warning to start with `prefix`.
  bool shows(const std::string& prefix) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      {
        const std::lock_guard lock(mutex_);
        if (warning_.rfind(prefix, 0) == 0) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  std::vector<journal::Event> journaled() const {
    return journal::JournalReader(dir_ / "camera.db").events_of_kind(session_, "camera.uncalibrated");
  }

  std::filesystem::path dir_;
  std::unique_ptr<StationApp> app_;
  std::int64_t session_ = 0;
  std::mutex mutex_;
  std::string warning_;
};

TEST_F(AppCamera, ACameraWithoutCalibrationIsShownAndJournaledOnceForTheSession) {
  start(std::nullopt);
  ASSERT_TRUE(shows("no camera calibration")) << warning_;
  app_->set_camera_wanted(true);  // frames flow; the same warning is not journaled again
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  app_.reset();  // the journal's writer drained
  const auto events = journaled();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_NE(events[0].payload.find("no camera calibration"), std::string::npos) << events[0].payload;
}

TEST_F(AppCamera, ACalibrationForAnotherResolutionIsSaidOnceFramesArrive) {
  vision::CameraCalibration c;
  c.camera_matrix = (cv::Mat_<double>(3, 3) << 900, 0, 640, 0, 900, 360, 0, 0, 1);
  c.dist_coeffs = cv::Mat::zeros(1, 5, CV_64F);
  c.image_size = {1280, 720};
  c.rms_px = 0.2;
  start(c);
  app_->set_camera_wanted(true);
  ASSERT_TRUE(shows("the camera calibration was made for 1280x720 but the camera gives 640x480")) << warning_;
  app_.reset();
  const auto events = journaled();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_NE(events[0].payload.find("640x480"), std::string::npos) << events[0].payload;
}

}  // namespace
}  // namespace meso::station
