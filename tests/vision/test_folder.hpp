// A folder of the running test's own, emptied first: tests that write images or calibration files.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace meso::vision::testing {

inline std::filesystem::path test_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) / (std::string("meso_") + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace meso::vision::testing
