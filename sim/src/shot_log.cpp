#include "meso/sim/shot_log.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace meso::sim {

namespace {

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::ostringstream out;
  out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << ms << 'Z';
  return out.str();
}

}  // namespace

nlohmann::json shot_log_entry(const protocols::mesogun::ShotRecord& record, std::uint32_t boot_id,
                              std::chrono::system_clock::time_point wall_time) {
  return nlohmann::json{{"shot_counter", record.shot_counter},
                        {"command_id", record.command_id},
                        {"depth_um", record.depth_um},
                        {"dose_nl", record.dose_nl},
                        {"device_time_ms", record.device_time_ms},
                        {"boot_id", boot_id},
                        {"wall_time", iso8601_utc(wall_time)}};
}

ShotLogFile::ShotLogFile(const std::filesystem::path& path) : out_(path, std::ios::app) {
  if (!out_) throw std::runtime_error("cannot open shot log " + path.string());
}

void ShotLogFile::write(const protocols::mesogun::ShotRecord& record, std::uint32_t boot_id) {
  out_ << shot_log_entry(record, boot_id, std::chrono::system_clock::now()).dump() << '\n';
  out_.flush();
}

}  // namespace meso::sim
