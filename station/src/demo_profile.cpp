// The demo profile and the station's own: which devices, camera, catalog, accounts and defaults a station
// starts with. Nothing here runs anything: the application layer builds what the profile names.
#include <cmath>
#include <stdexcept>

#include "meso/station/app_config.hpp"
#include "meso/station/calendar.hpp"
#include "meso/station/station_file.hpp"

namespace meso::station {

namespace {

constexpr double kDemoFps = 10;

vision::PolygonMm circle(vision::PointMm c, double r) {
  vision::PolygonMm p;
  for (int i = 0; i < 36; ++i) {
    const double a = i * 10 * M_PI / 180;
    p.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
  }
  return p;
}

// Imported into a demo journal when the profile opens it (app_formulary.cpp): a stock the demo never uses
// up, since nobody holds the demo journal's administrator password to add a lot.
Catalog demo_catalog() {
  Lot lot;
  lot.id = "HV-DEMO-01";
  lot.expiry = parse_date("2099-12-31");
  lot.vials = 10'000;
  Product p;
  p.name = "HairVital B (demo)";
  p.ingredients = {"biotin", "dexpanthenol", "zinc", "organic silicon"};
  p.concentration = "biotin 0.5 mg/ml; dexpanthenol 20 mg/ml; zinc 0.1 mg/ml; organic silicon 1 mg/ml";
  p.vial_ml = 5;
  p.lots = {lot};
  Catalog c;
  c.products.push_back(p);
  return c;
}

DeviceSpec simulated() {
  DeviceSpec d;
  d.kind = DeviceSpec::Kind::simulated;
  d.seed = 7;
  return d;
}

// A port given on the command line; the file's baud rate stays when the file named a serial line too.
DeviceSpec serial(const std::string& path, const DeviceSpec& from_file) {
  DeviceSpec d;
  d.kind = DeviceSpec::Kind::serial;
  d.path = path;
  if (from_file.kind == DeviceSpec::Kind::serial) d.baud = from_file.baud;
  return d;
}

}  // namespace

std::string describe(const DeviceSpec& spec) {
  switch (spec.kind) {
    case DeviceSpec::Kind::none:
      return "none";
    case DeviceSpec::Kind::serial:
      return "serial " + spec.path;
    case DeviceSpec::Kind::tcp:
      return "tcp " + spec.host + ":" + std::to_string(spec.port);
    case DeviceSpec::Kind::simulated:
      return "simulated (seed " + std::to_string(spec.seed) + ")";
  }
  return "?";
}

AppConfig demo_profile(const std::filesystem::path& db, const std::filesystem::path& key) {
  AppConfig c;
  c.profile = "demo";
  c.db = db;
  c.key = key;
  c.tag = Tag::demo;
  c.journal_kinds = {Tag::demo};
  c.fresh_journal_kind = Tag::demo;
  c.station.catalog = demo_catalog();
  c.mesogun = simulated();
  c.pen = simulated();
  sim::SyntheticCameraOptions camera;
  camera.fps = kDemoFps;
  camera.seed = 7;
  camera.layout = vision::default_layout();
  camera.thinning = {{circle({0, 42}, 26), 0.25}};  // a thinning crown
  c.camera.synthetic = camera;
  c.camera.fps = kDemoFps;
  c.accounts = {
      {"demo", Role::clinician, "demo"}, {"auditor", Role::auditor, "auditor"}, {"qa", Role::qa, "qa"}};
  c.forms.user = "demo";
  ScreeningAnswers suitable;
  suitable.patch_test = PatchTest::negative;
  suitable.consent_signed = true;
  c.forms.screening = suitable;
  c.forms.assessment_notes = "demo: thinning crown";
  c.simulated_closeup_per_cm2 = 150;  // the demo's close-up: a thinning crown
  c.login_hint =
      "Log in as user demo, password demo (clinician); auditor/auditor for the audit (F5), qa/qa for fault "
      "injection (F6).";
  return c;
}

AppConfig profile_for(const StationSetup& setup) {
  if (setup.demo) {
    auto demo = demo_profile(setup.db, setup.key);
    if (setup.lock_minutes) demo.lock_minutes = *setup.lock_minutes;
    return demo;
  }
  AppConfig c = setup.config.empty() ? AppConfig{} : load_station_file(setup.config);
  // A flag given on the command line wins over the file: an engineer can try another port without
  // editing the station's configuration.
  if (!setup.db.empty()) c.db = setup.db;
  if (!setup.key.empty()) c.key = setup.key;
  if (!setup.mesogun_port.empty()) c.mesogun = serial(setup.mesogun_port, c.mesogun);
  if (!setup.pen_port.empty()) c.pen = serial(setup.pen_port, c.pen);
  if (!setup.camera.empty()) c.camera.source = setup.camera;
  if (setup.lock_minutes) c.lock_minutes = *setup.lock_minutes;
  if (!setup.calibration.empty()) {
    c.camera.calibration_file = setup.calibration;
    c.camera.calibration = vision::load_calibration(setup.calibration);
  }
  if (!setup.headband.empty()) {
    c.camera.headband_file = setup.headband;
    c.camera.headband = vision::load_layout(setup.headband);
  }
  if (c.db.empty())
    throw std::invalid_argument("no journal: give --db PATH, or journal.db in the station file (--config)");
  return c;
}

}  // namespace meso::station
