// Frame sources: a folder of images, a video file, and the errors for what cannot be opened.
#include "meso/vision/frame_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <stdexcept>
#include <string>

#include "test_folder.hpp"

namespace meso::vision {
namespace {

std::string open_error(const std::string& spec) {
  try {
    open_frame_source(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(opened)";
}

TEST(FrameSourceFolder, ReadsImagesInNameOrderWithTimes) {
  const auto dir = testing::test_dir();
  // Written out of order, one of them gray, beside a file that is not an image.
  cv::imwrite((dir / "frame_002.png").string(), cv::Mat(24, 32, CV_8UC3, cv::Scalar(0, 0, 200)));
  cv::imwrite((dir / "frame_000.png").string(), cv::Mat(24, 32, CV_8UC3, cv::Scalar(200, 0, 0)));
  cv::imwrite((dir / "frame_001.png").string(), cv::Mat(24, 32, CV_8UC1, cv::Scalar(90)));
  std::ofstream(dir / "notes.txt") << "not an image";

  auto source = open_frame_source(dir.string());
  EXPECT_NE(source->describe().find("3 images"), std::string::npos) << source->describe();
  Frame f;
  ASSERT_TRUE(source->next(f));
  EXPECT_EQ(f.index, 0U);
  EXPECT_DOUBLE_EQ(f.time_s, 0.0);
  EXPECT_EQ(f.image.type(), CV_8UC3);
  EXPECT_EQ(f.image.at<cv::Vec3b>(0, 0), cv::Vec3b(200, 0, 0));
  ASSERT_TRUE(source->next(f));
  EXPECT_EQ(f.image.type(), CV_8UC3);  // the gray image comes out BGR
  EXPECT_EQ(f.image.at<cv::Vec3b>(0, 0), cv::Vec3b(90, 90, 90));
  EXPECT_DOUBLE_EQ(f.time_s, 1.0 / 30);
  ASSERT_TRUE(source->next(f));
  EXPECT_EQ(f.index, 2U);
  EXPECT_EQ(f.image.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 200));
  EXPECT_DOUBLE_EQ(f.time_s, 2.0 / 30);
  EXPECT_FALSE(source->next(f));
  EXPECT_EQ(source->error(), "");  // the end of the folder is not an error
  std::filesystem::remove_all(dir);
}

TEST(FrameSourceVideo, ReadsBackAWrittenVideoWithItsFrameRate) {
  const auto dir = testing::test_dir();
  const std::string path = (dir / "clip.avi").string();
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(64, 48));
    ASSERT_TRUE(writer.isOpened());
    for (int i = 0; i < 5; ++i)
      writer.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(40 + 40 * i)));
  }
  auto source = open_frame_source(path);
  Frame f;
  int frames = 0;
  while (source->next(f)) {
    EXPECT_EQ(f.index, static_cast<std::uint64_t>(frames));
    EXPECT_NEAR(f.time_s, frames / 10.0, 1e-9);
    EXPECT_EQ(f.image.size(), cv::Size(64, 48));
    EXPECT_NEAR(cv::mean(f.image)[0], 40 + 40 * frames, 6);  // JPEG keeps a flat frame's level
    ++frames;
  }
  EXPECT_EQ(frames, 5);
  std::filesystem::remove_all(dir);
}

TEST(FrameSourceErrors, NameWhatCouldNotBeOpened) {
  EXPECT_EQ(open_error("/dev/video97").rfind("no camera at /dev/video97: ", 0), 0U)
      << open_error("/dev/video97");
  EXPECT_EQ(open_error("/no/such/place").rfind("no such camera, folder or video file: /no/such/place", 0),
            0U);
  const auto dir = testing::test_dir();
  EXPECT_EQ(open_error(dir.string()).rfind("folder has no images", 0), 0U) << open_error(dir.string());
  std::ofstream(dir / "junk.avi") << "not a video";
  EXPECT_EQ(open_error((dir / "junk.avi").string()).rfind("cannot open video file", 0), 0U);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace meso::vision
