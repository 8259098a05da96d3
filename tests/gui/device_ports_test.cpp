// A real station's console reaches its devices on the serial ports it is given: here a simulated pen on a
// pseudo-terminal, opened by its slave path exactly as /dev/ttyUSB0 would be.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "meso/hal/asio.hpp"
#include "meso/hal/fd_stream.hpp"
#include "meso/hal/pty.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "runtime.hpp"

namespace meso::gui {
namespace {

TEST(DevicePorts, TheConsoleConnectsThePenOnItsSerialPort) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gui_device_ports_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // A station opens a commissioned journal only: a test station's, for QA's simulator.
  const auto db = dir / "station.db";
  const auto commissioned =
      station::StationApp::commission({db, {}, {}, station::Tag::test, "boss", "Admin-secret-1"});
  ASSERT_TRUE(commissioned.ok()) << commissioned.message();
  hal::PtyPair pty = hal::create_pty(hal::PtyOptions{.hold_slave_open = true});
  asio::io_context sim_io;
  sim::SimulatedPen::Config config;
  config.line.seed = 3;
  config.line.baud = 0;
  sim::SimulatedPen pen(sim_io, std::make_unique<hal::FdStream>(sim_io, std::move(pty.master), "pty master"),
                        config);
  auto work = asio::make_work_guard(sim_io);
  std::thread sim_thread([&] { sim_io.run(); });

  ConsoleOptions options;
  options.db = db;
  options.pen_port = pty.slave_path;
  ConsoleView view;
  bool connected = false;
  {
    ConsoleRuntime runtime(options, nullptr);
    runtime.start();
    runtime.init_view(view);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!connected && std::chrono::steady_clock::now() < until) {
      runtime.refresh(view);
      const auto it = view.snap.devices.find(hal::DeviceKind::pen);
      connected = it != view.snap.devices.end() && it->second.identity.has_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  asio::post(sim_io, [&] { pen.stop(); });
  work.reset();
  sim_thread.join();
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(connected) << "the pen on " << pty.slave_path << " was never identified";
  const auto& identity = *view.snap.devices.at(hal::DeviceKind::pen).identity;
  EXPECT_EQ(identity.kind, hal::DeviceKind::pen);
  EXPECT_FALSE(identity.serial_number.empty());
  EXPECT_EQ(view.snap.devices.count(hal::DeviceKind::mesogun), 0U);  // no --port, no mesogun
}

}  // namespace
}  // namespace meso::gui
