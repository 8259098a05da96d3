// The station's configuration file: the documented example parses to what it says, each bad value is named
// by its key, unknown keys are refused, the command line wins over the file, and the limits file's hash is
// journaled with each session run under it.
#include "meso/station/station_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "meso/station/app_config.hpp"
#include "meso/station/station.hpp"

namespace meso::station {
namespace {

namespace fs = std::filesystem;

// The ports a station file's usb_serial is looked up in: one FTDI adapter, as `mesostation ports` lists it.
std::vector<hal::SerialPortInfo> one_adapter() {
  hal::SerialPortInfo p;
  p.name = "/dev/ttyUSB3";
  p.transport = hal::PortTransport::usb;
  p.usb_serial = "FT7ABC12";
  return {p};
}

class StationFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("station_file_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) const {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  // The error a station file's text gives, or "" when it parses.
  std::string error_of(const std::string& text) const {
    try {
      station_file_from_text(text, dir_, "station.json", one_adapter);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(StationFile, TheDocumentedExampleParsesToWhatItsCommentsSay) {
  const fs::path example = fs::path(EXAMPLES_DIR) / "station.json";
  const AppConfig c = load_station_file(example, one_adapter);
  const fs::path folder = fs::absolute(example).parent_path();
  EXPECT_EQ(c.db, (folder / "station.db").lexically_normal());
  EXPECT_EQ(c.key, (folder / "station.db.key").lexically_normal());
  // The mesogun by its adapter's USB serial number: found on whichever port it is today.
  EXPECT_EQ(c.mesogun.kind, DeviceSpec::Kind::serial);
  EXPECT_EQ(c.mesogun.path, "/dev/ttyUSB3");
  EXPECT_EQ(c.mesogun.baud, 115200U);
  EXPECT_EQ(c.pen.kind, DeviceSpec::Kind::serial);
  EXPECT_EQ(c.pen.path, "/dev/ttyACM0");
  EXPECT_EQ(c.station.paired_devices, (std::vector<std::string>{"MG-2025-00017", "PEN-0042"}));
  EXPECT_EQ(c.camera.source, "0");  // an index, not a path
  EXPECT_DOUBLE_EQ(c.camera.fps, 30);
  ASSERT_TRUE(c.camera.calibration.has_value());
  EXPECT_EQ(c.camera.calibration->image_size, cv::Size(1280, 720));
  EXPECT_LE(c.camera.calibration->rms_px, 0.5);
  ASSERT_TRUE(c.camera.headband.has_value());
  EXPECT_EQ(c.camera.headband->markers.size(), vision::default_layout().markers.size());
  // The example's limits are narrower than the defaults, and their hash is the file's.
  EXPECT_EQ(c.station.limits.point_by_point.depth_max_um, 3000);
  EXPECT_EQ(c.station.limits.session_volume_cap_nl, 4'000'000U);
  EXPECT_EQ(c.station.limits_sha256, load_limits_file(folder / "station/limits.json").sha256);
  EXPECT_EQ(c.station.limits_sha256.size(), 64U);
  EXPECT_DOUBLE_EQ(c.lock_minutes, 5);
}

TEST_F(StationFile, RelativePathsAreTheFilesFolderNotTheWorkingDirectory) {
  write("limits.json", R"({"point": {"depth_max_um": 3000}})");
  const auto file = write("station.json", R"({"journal": {"db": "j/station.db"}, "limits": "limits.json",
                                              "camera": {"source": "videos/head.mp4"}})");
  const auto cwd = fs::current_path();
  fs::current_path(fs::temp_directory_path());
  const AppConfig c = load_station_file(file, one_adapter);
  fs::current_path(cwd);
  EXPECT_EQ(c.db, dir_ / "j/station.db");
  EXPECT_TRUE(c.key.empty());  // the station's default: DB.key
  EXPECT_EQ(c.camera.source, (dir_ / "videos/head.mp4").string());
  EXPECT_FALSE(c.camera.calibration.has_value());
  EXPECT_EQ(c.station.limits.point_by_point.depth_max_um, 3000);
  EXPECT_EQ(c.mesogun.kind, DeviceSpec::Kind::none);  // a handpiece left out is not used
}

TEST_F(StationFile, WithoutALimitsFileTheDefaultsInCodeApplyAndNoHashIsGiven) {
  const AppConfig c =
      station_file_from_text(R"({"journal": {"db": "s.db"}})", dir_, "station.json", one_adapter);
  EXPECT_EQ(to_json(c.station.limits), to_json(default_limits()));
  EXPECT_TRUE(c.station.limits_sha256.empty());
}

TEST_F(StationFile, TheLimitsHashIsTheSha256OfTheFilesBytes) {
  // The reference: `printf '{\n  "point": {"depth_max_um": 3000}\n}\n' | sha256sum`.
  const auto limits = write("limits.json", "{\n  \"point\": {\"depth_max_um\": 3000}\n}\n");
  EXPECT_EQ(load_limits_file(limits).sha256,
            "7edd962adb15d02d95dbc7744e1a6b5bd4d6e5053dc1dc1b4e80eaeaaae2e0f5");
}

TEST_F(StationFile, EachBadValueIsNamedByItsKeyAndTheFile) {
  write("wide.json", R"({"point": {"depth_max_um": 5000}})");
  write("not-a-calibration.json", R"({"format": "something else"})");
  struct Case {
    std::string text;
    std::string says;
  };
  const std::vector<Case> cases = {
      {R"({"devices": {}})", "station.json: journal: missing"},
      {R"({"journal": {"db": ""}})", "station.json: journal.db: must not be empty"},
      {R"({"journal": {"db": "s.db"}, "devices": {"mesogun": {"port": "/dev/ttyUSB0", "baud": "fast"}}})",
       "station.json: devices.mesogun.baud: expected an integer"},
      {R"({"journal": {"db": "s.db"}, "devices": {"mesogun": {"port": "/dev/ttyUSB0", "baud": 12}}})",
       "station.json: devices.mesogun.baud: 12 is not a serial baud rate"},
      {R"({"journal": {"db": "s.db"}, "devices": {"pen": {"port": "/dev/ttyUSB0", "tcp": "h:1"}}})",
       "station.json: devices.pen: give exactly one of port"},
      {R"({"journal": {"db": "s.db"}, "devices": {"pen": {"tcp": "10.0.0.5:70000"}}})",
       "station.json: devices.pen.tcp: "},
      {R"({"journal": {"db": "s.db"}, "devices": {"pen": {"tcp": "10.0.0.5:7000", "baud": 9600}}})",
       "station.json: devices.pen.baud: a TCP device has no baud rate"},
      {R"({"journal": {"db": "s.db"}, "devices": {"mesogun": {"usb_serial": "NOPE99"}}})",
       "station.json: devices.mesogun.usb_serial: no USB serial port with serial number NOPE99 is connected "
       "(connected: FT7ABC12 on /dev/ttyUSB3)"},
      {R"({"journal": {"db": "s.db"}, "devices": {"paired": ["MG-1", "MG-1"]}})",
       "station.json: devices.paired[1]: MG-1 is named twice"},
      {R"({"journal": {"db": "s.db"}, "devices": {"paired": "MG-1"}})",
       "station.json: devices.paired: expected an array"},
      {R"({"journal": {"db": "s.db"}, "camera": {"source": "0", "fps": 0}})",
       "station.json: camera.fps: must be above 0"},
      {R"({"journal": {"db": "s.db"}, "camera": {"source": "0", "calibration": "not-a-calibration.json"}})",
       "station.json: camera.calibration: "},
      {R"({"journal": {"db": "s.db"}, "camera": {"source": "0", "calibration": "missing.json"}})",
       "station.json: camera.calibration: "},
      {R"({"journal": {"db": "s.db"}, "limits": "missing.json"})",
       "station.json: limits: cannot open limits file"},
      {R"({"journal": {"db": "s.db"}, "limits": "wide.json"})",
       "station.json: limits: " + (dir_ / "wide.json").string() +
           ": limits.point.depth_max_um: 5000 is beyond the hard limits 1000 to 4000"},
      {R"({"journal": {"db": "s.db"}, "lock_minutes": 0})", "station.json: lock_minutes: must be above 0"},
      {R"({"journal": {"db": "s.db"}, "lock_minutes": "5"})",
       "station.json: lock_minutes: expected a number"},
      {R"({"journal": {"db": "s.db"},})", "station.json: not valid JSON"},
      {R"([1, 2])", "station.json: expected a JSON object"},
  };
  for (const auto& c : cases) {
    const auto error = error_of(c.text);
    EXPECT_EQ(error.rfind(c.says, 0), 0U) << c.text << "\n  said: " << error << "\n  expected: " << c.says;
  }
}

TEST_F(StationFile, AnUnknownKeyIsAnErrorNamingItAtAnyDepth) {
  EXPECT_EQ(error_of(R"({"journal": {"db": "s.db"}, "lock_minute": 5})"),
            "station.json: lock_minute: unknown field");
  EXPECT_EQ(error_of(R"({"journal": {"db": "s.db", "kee": "k"}})"),
            "station.json: journal.kee: unknown field");
  EXPECT_EQ(
      error_of(
          R"({"journal": {"db": "s.db"}, "devices": {"mesogun": {"port": "/dev/ttyUSB0", "baud_rate": 9600}}})"),
      "station.json: devices.mesogun.baud_rate: unknown field");
  EXPECT_EQ(error_of(R"({"journal": {"db": "s.db"}, "camera": {"source": "0", "calibraton": "c.json"}})"),
            "station.json: camera.calibraton: unknown field");
  EXPECT_EQ(error_of(R"({"journal": {"db": "s.db"}, "devices": {"mesogunn": {"port": "/dev/ttyUSB0"}}})"),
            "station.json: devices.mesogunn: unknown field");
}

TEST_F(StationFile, CommentsAreAllowed) {
  EXPECT_EQ(error_of("// the journal\n{\"journal\": {\"db\": \"s.db\"} /* here */}\n"), "");
}

TEST_F(StationFile, AFlagGivenOnTheCommandLineWinsOverTheFile) {
  const auto file = write("station.json", R"({"journal": {"db": "file.db", "key": "file.key"},
    "devices": {"mesogun": {"port": "/dev/ttyUSB0", "baud": 57600}, "pen": {"port": "/dev/ttyACM0"}},
    "camera": {"source": "1"}, "lock_minutes": 7})");
  StationSetup setup;
  setup.config = file;
  // Nothing given: the file's values.
  AppConfig c = profile_for(setup);
  EXPECT_EQ(c.db, dir_ / "file.db");
  EXPECT_EQ(c.mesogun.path, "/dev/ttyUSB0");
  EXPECT_DOUBLE_EQ(c.lock_minutes, 7);
  // Given: the flags' values, and the file's for the rest.
  setup.db = dir_ / "flag.db";
  setup.mesogun_port = "/dev/ttyUSB9";
  setup.camera = "2";
  setup.lock_minutes = 2;
  c = profile_for(setup);
  EXPECT_EQ(c.db, dir_ / "flag.db");
  EXPECT_EQ(c.key, dir_ / "file.key");
  EXPECT_EQ(c.mesogun.path, "/dev/ttyUSB9");
  EXPECT_EQ(c.mesogun.baud, 57600U);  // the file's line speed stays with the port given
  EXPECT_EQ(c.pen.path, "/dev/ttyACM0");
  EXPECT_EQ(c.camera.source, "2");
  EXPECT_DOUBLE_EQ(c.lock_minutes, 2);
}

TEST_F(StationFile, AStationWithoutAJournalIsRefused) {
  StationSetup setup;
  EXPECT_THROW(profile_for(setup), std::invalid_argument);
}

// What the station journals: every event, durable at once.
class PayloadJournal final : public JournalPort {
 public:
  void append(JournalDraft draft, Durable on_durable) override {
    events.push_back(std::move(draft));
    if (on_durable) on_durable("");
  }
  void seal(std::int64_t, std::int64_t, std::string, Durable on_durable) override {
    if (on_durable) on_durable("");
  }
  std::vector<JournalDraft> of_kind(const std::string& kind) const {
    std::vector<JournalDraft> out;
    for (const auto& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  std::vector<JournalDraft> events;
};

SessionStart a_session(std::int64_t id) {
  return {id, "P-1", Tag::test, "dr.ines", 3, Role::clinician, 1};
}

TEST_F(StationFile, EachSessionJournalsTheLimitsItRunsUnderWithTheirFilesHash) {
  const auto file =
      write("limits.json", R"({"point": {"depth_max_um": 3000}, "session_volume_cap_nl": 2000000})");
  StationConfig config;
  const auto limits = load_limits_file(file);
  config.limits = limits.limits;
  config.limits_sha256 = limits.sha256;
  asio::io_context io;
  PayloadJournal journal;
  Station station(io, journal, config);
  ASSERT_TRUE(station.open_session(a_session(1)).ok);
  ASSERT_TRUE(station.abort("test over").ok);
  ASSERT_TRUE(station.open_session(a_session(2)).ok);
  const auto started = journal.of_kind("session.started");
  ASSERT_EQ(started.size(), 2U);
  for (const auto& s : started) {
    EXPECT_EQ(s.payload.at("limits_sha256"), limits.sha256);
    EXPECT_EQ(s.payload.at("limits").at("point").at("depth_max_um"), 3000);
    EXPECT_EQ(s.payload.at("limits").at("session_volume_cap_nl"), 2000000);
  }
}

TEST_F(StationFile, ASessionUnderTheDefaultLimitsSaysSo) {
  asio::io_context io;
  PayloadJournal journal;
  Station station(io, journal, StationConfig{});
  ASSERT_TRUE(station.open_session(a_session(1)).ok);
  const auto started = journal.of_kind("session.started");
  ASSERT_EQ(started.size(), 1U);
  EXPECT_TRUE(started[0].payload.at("limits_sha256").is_null());
  EXPECT_EQ(started[0].payload.at("limits"), to_json(default_limits()));
}

TEST_F(StationFile, AnUncalibratedCameraIsJournaledOncePerSessionAndShown) {
  asio::io_context io;
  PayloadJournal journal;
  Station station(io, journal, StationConfig{});
  station.camera_calibration("no camera calibration: calibrate");  // before any session: shown, not journaled
  EXPECT_EQ(station.snapshot().guidance.calibration_warning, "no camera calibration: calibrate");
  EXPECT_TRUE(journal.of_kind("camera.uncalibrated").empty());
  ASSERT_TRUE(station.open_session(a_session(1)).ok);
  EXPECT_EQ(station.snapshot().guidance.calibration_warning, "no camera calibration: calibrate");
  station.camera_calibration("the camera calibration was made for 1280x720 but the camera gives 640x480");
  station.camera_calibration("no camera calibration: calibrate");
  auto warned = journal.of_kind("camera.uncalibrated");
  ASSERT_EQ(warned.size(), 1U);  // once per session, however often it changes
  EXPECT_EQ(warned[0].payload.at("reason"), "no camera calibration: calibrate");
  EXPECT_EQ(warned[0].session, 1);
  ASSERT_TRUE(station.abort("test over").ok);
  ASSERT_TRUE(station.open_session(a_session(2)).ok);
  warned = journal.of_kind("camera.uncalibrated");
  ASSERT_EQ(warned.size(), 2U);  // the next session says it again
  EXPECT_EQ(warned[1].session, 2);
  // Recalibrated: the warning goes, and a later session journals nothing.
  station.camera_calibration("");
  EXPECT_TRUE(station.snapshot().guidance.calibration_warning.empty());
  ASSERT_TRUE(station.abort("test over").ok);
  ASSERT_TRUE(station.open_session(a_session(3)).ok);
  EXPECT_EQ(journal.of_kind("camera.uncalibrated").size(), 2U);
}

}  // namespace
}  // namespace meso::station
