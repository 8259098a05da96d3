// How the runtime is set up: demo mode (the in-process simulated mesogun, and the pen QA may pick instead;
// the synthetic camera with a thinning crown, a demo catalog and demo staff: clinician, auditor, QA) or the
// station's real devices.
#include <array>
#include <cmath>
#include <iostream>
#include <random>

#include "meso/hal/memory_stream.hpp"
#include "meso/hal/stream_openers.hpp"
#include "meso/sim/simulated_mesogun.hpp"
#include "meso/sim/simulated_pen.hpp"
#include "meso/sim/synthetic_closeup.hpp"
#include "meso/station/device_envelope.hpp"
#include "meso/station/recovery_inputs.hpp"
#include "meso/vision/progress.hpp"
#include "runtime.hpp"

namespace meso::gui {

namespace {

constexpr double kDemoFps = 10;
constexpr char kDemoUser[] = "demo";
constexpr char kDemoPassword[] = "demo";
// The audit and QA screens' demo accounts: name and password alike.
constexpr char kDemoAuditor[] = "auditor";
constexpr char kDemoQa[] = "qa";

vision::PolygonMm circle(vision::PointMm c, double r) {
  vision::PolygonMm p;
  for (int i = 0; i < 36; ++i) {
    const double a = i * 10 * M_PI / 180;
    p.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
  }
  return p;
}

station::Catalog demo_catalog() {
  station::Catalog c;
  c.products.push_back({"HairVital B (demo)",
                        {"biotin", "dexpanthenol", "zinc", "organic silicon"},
                        {{"HV-DEMO-01", station::parse_date("2099-12-31")}}});
  return c;
}

// The demo clinician, auditor and QA, made on a fresh demo journal (by an admin account with a random
// password, since the journal's first user must be an admin). A journal that has users but no demo account is
// not a demo one.
void ensure_demo_user(journal::JournalWriter& writer, const std::filesystem::path& db) {
  if (journal::JournalReader(db).authenticate(kDemoUser, kDemoPassword)) return;
  std::random_device rd;
  const auto admin = writer.add_user(
      {"demo-admin", journal::Role::admin, std::to_string(rd()) + std::to_string(rd())}, std::nullopt);
  if (!admin)
    throw std::runtime_error(db.string() +
                             " already has users but no demo account: give --demo a fresh --db");
  const std::array<journal::NewUser, 3> users{{{kDemoUser, journal::Role::clinician, kDemoPassword},
                                               {kDemoAuditor, journal::Role::auditor, kDemoAuditor},
                                               {kDemoQa, journal::Role::qa, kDemoQa}}};
  for (const auto& user : users)
    if (auto added = writer.add_user(user, admin.value()); !added)
      throw std::runtime_error("cannot add the demo user " + user.name + ": " + added.error().message);
}

}  // namespace

void ConsoleRuntime::setup_demo() {
  ensure_demo_user(writer_, options_.db);
  std::cerr << "mesostation: demo mode, journal " << options_.db.string()
            << " (tagged demo); log in as user '" << kDemoUser << "', password '" << kDemoPassword
            << "' (clinician), or " << kDemoAuditor << "/" << kDemoAuditor << " (audit), " << kDemoQa << "/"
            << kDemoQa << " (QA)\n";
  config_.catalog = demo_catalog();
  // Each simulated device's cable: a memory pair, unless QA pulled it out.
  const auto cable = [this](auto& device) {
    return [this, &device](const hal::StreamReady& ready) {
      if (sim_unplugged_) {
        ready(nullptr, "the simulated cable is out (QA)");
        return;
      }
      auto [station_end, device_end] = hal::make_memory_pair(io_);
      device.attach(std::move(device_end));
      ready(std::move(station_end), "");
    };
  };
  sim::SimulatedMesogun::Config sc;
  sc.line.seed = 7;
  sc.line.baud = 0;
  sim_ = std::make_unique<sim::SimulatedMesogun>(io_, nullptr, sc);
  gun_ = std::make_unique<hal::MesogunDriver>(io_, cable(*sim_), driver_options());
  sim::SimulatedPen::Config pc;
  pc.line.seed = 7;
  pc.line.baud = 0;
  sim_pen_ = std::make_unique<sim::SimulatedPen>(io_, nullptr, pc);
  pen_ = std::make_unique<hal::PenDriver>(io_, cable(*sim_pen_), hal::PenDriverOptions{});
  sim::SyntheticCameraOptions camera;
  camera.fps = kDemoFps;
  camera.seed = 7;
  camera.layout = layout_;
  camera.thinning = {{circle({0, 42}, 26), 0.25}};
  demo_camera_ = camera;
  camera_ = std::make_unique<CameraWorker>(
      std::make_unique<sim::SyntheticCamera>(camera), layout_, kDemoFps,
      [this](const vision::FrameResult& r, std::chrono::steady_clock::time_point at, vision::FrameSource& s) {
        on_frame(r, at, s);
      },
      wake_);
}

void ConsoleRuntime::find_left_open() {
  const journal::JournalReader reader(options_.db);
  accounted_counter_ = station::accounted_shot_counter(reader);
  const auto open = reader.open_sessions();
  if (open.empty()) return;
  left_open_ = open.front();
  unsettled_fires_ = station::unsettled_intents(station::session_events(reader, open.front().id));
}

hal::MesogunDriverOptions ConsoleRuntime::driver_options() const {
  hal::MesogunDriverOptions o;
  o.limits = station::mesogun_envelope(config_.limits);
  o.known_last_counter = accounted_counter_;
  o.uncertain_fires = unsettled_fires_;  // the left-open session's: settled from the device's records
  return o;
}

void ConsoleRuntime::setup_real() {
  if (!options_.port.empty()) {
    hal::SerialSettings serial;
    serial.path = options_.port;
    gun_ = std::make_unique<hal::MesogunDriver>(io_, hal::serial_opener(io_, serial), driver_options());
  }
  if (!options_.pen_port.empty()) {
    hal::SerialSettings serial;
    serial.path = options_.pen_port;
    pen_ = std::make_unique<hal::PenDriver>(io_, hal::serial_opener(io_, serial), hal::PenDriverOptions{});
  }
  if (!gun_ && !pen_)
    std::cerr << "mesostation: no device port given (--port PATH for the mesogun, --pen-port PATH for the "
                 "pen): the console runs without a device\n";
  if (!options_.camera.empty()) {
    camera_ = std::make_unique<CameraWorker>(
        vision::open_frame_source(options_.camera, {1280, 720}), layout_, 30,
        [this](const vision::FrameResult& r, std::chrono::steady_clock::time_point at,
               vision::FrameSource& s) { on_frame(r, at, s); },
        wake_);
  }
}

void ConsoleRuntime::measure_demo_density(AssessmentView& a) {
  if (!demo_camera_) {
    a.message += "; no close-up camera: load a close-up file or enter the hair count by hand";
    return;
  }
  // The demo's close-up is rendered at 150 hairs per cm2, a thinning crown.
  cv::Mat closeup;
  const double px_per_mm = 50;
  sim::render_closeup(closeup, 150, px_per_mm, 7);
  try {
    const auto estimate = vision::estimate_hair_density(closeup, px_per_mm);
    a.density_per_cm2 = estimate.hairs_per_cm2;
    a.density_method = estimate.method;
  } catch (const std::exception& e) {
    a.message += std::string("; no density: ") + e.what();
  }
}

cv::Mat ConsoleRuntime::planning_photo() {
  if (demo_camera_) {
    // The planning photo is taken without the handpiece (it hides the hair under it).
    sim::SyntheticCameraOptions photo = *demo_camera_;
    photo.handpiece.reset();
    sim::SyntheticCamera camera(photo);
    vision::Frame frame;
    camera.next(frame);
    return frame.image;
  }
  return camera_ ? camera_->latest_image() : cv::Mat();
}

void ConsoleRuntime::demo_hand_path() {
  if (!demo_camera_ || !camera_ || !last_.plan || last_.step >= last_.plan->steps.size()) return;
  const auto& step = last_.plan->steps[last_.step];
  sim::HandpiecePath path;
  path.speed_mm_s = 40;
  path.dwell_s = 0.8;
  for (std::size_t i = last_.next_point; i < step.points.size(); ++i)
    if (i >= last_.points_done.size() || !last_.points_done[i])
      path.waypoints_mm.push_back({step.points[i].x_mm, step.points[i].y_mm});
  if (path.waypoints_mm.empty()) return;
  // A lead-in stop beside the first point: the device settles after arming before the first shot.
  const auto first = path.waypoints_mm.front();
  path.waypoints_mm.insert(path.waypoints_mm.begin(), {first.x + 25, first.y - 25});
  hand_fires_to_skip_ = 1;
  sim::SyntheticCameraOptions options = *demo_camera_;
  options.handpiece = path;
  camera_->replace_source(std::make_unique<sim::SyntheticCamera>(options));
  demo_hand_ = true;
}

}  // namespace meso::gui
