// The console's runtime itself, on a fresh demo journal in a temporary directory: the real station, device
// and journal threads behind Actions, with the view refreshed as the render thread would.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "runtime.hpp"

namespace meso::gui::testing {

class DemoRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gui_demo_runtime_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.demo = true;
    options_.db = dir_ / "demo.db";
    runtime_ = std::make_unique<ConsoleRuntime>(options_, nullptr);
    runtime_->start();
    runtime_->init_view(view_);
  }
  void TearDown() override {
    runtime_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Refreshes the view until `done` holds or 20 s have passed.
  template <class Done>
  bool wait(Done done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      runtime_->refresh(view_);
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // The demo accounts' passwords are their names.
  void login(const std::string& name) {
    runtime_->login(name, name);
    ASSERT_TRUE(wait([&] { return view_.user.has_value() && !view_.busy; })) << view_.login_error;
  }

  std::filesystem::path dir_;
  ConsoleOptions options_;
  std::unique_ptr<ConsoleRuntime> runtime_;
  ConsoleView view_;
};

}  // namespace meso::gui::testing
