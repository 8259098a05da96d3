// The ground truth of a simulated run: one JSON line per shot the device actually delivered, whether or
// not the station ever heard of it. Tests and QA compare the station's journal with it.
//
// {"shot_counter":12,"command_id":42,"depth_um":1500,"dose_nl":20150,"device_time_ms":5230,
//  "boot_id":3735928559,"wall_time":"2024-05-01T10:22:33.123Z"}
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "meso/protocols/mesogun_messages.hpp"

namespace meso::sim {

nlohmann::json shot_log_entry(const protocols::mesogun::ShotRecord& record, std::uint32_t boot_id,
                              std::chrono::system_clock::time_point wall_time);

class ShotLogFile {
 public:
  // Appends to the file; throws std::runtime_error naming the path when it cannot be opened.
  explicit ShotLogFile(const std::filesystem::path& path);

  // Written and flushed at once: a run killed mid-way still leaves every delivered shot on disk.
  void write(const protocols::mesogun::ShotRecord& record, std::uint32_t boot_id);

 private:
  std::ofstream out_;
};

}  // namespace meso::sim
