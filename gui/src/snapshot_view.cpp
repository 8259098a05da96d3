#include "snapshot_view.hpp"

namespace meso::gui {

namespace {

constexpr std::size_t kTrendSamples = 600;

template <class T>
void keep_last(std::vector<T>& v, std::size_t n) {
  if (v.size() > n) v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() - n));
}

}  // namespace

bool shows_telemetry(Screen screen) {
  return screen == Screen::treatment || screen == Screen::qa;
}

bool same_but_telemetry(const station::StationSnapshot& a, const station::StationSnapshot& b) {
  if (a.session_id != b.session_id || a.session_open != b.session_open || a.state != b.state ||
      a.armed != b.armed || a.shots != b.shots || a.delivered_nl != b.delivered_nl || a.step != b.step ||
      a.next_point != b.next_point || a.dosing_locked != b.dosing_locked ||
      a.last_message != b.last_message || a.alarms.size() != b.alarms.size() ||
      a.devices.size() != b.devices.size() || a.guidance.registered != b.guidance.registered ||
      a.guidance.done != b.guidance.done)
    return false;
  for (std::size_t i = 0; i < a.alarms.size(); ++i)
    if (a.alarms[i].id != b.alarms[i].id || a.alarms[i].acknowledged != b.alarms[i].acknowledged ||
        a.alarms[i].condition_active != b.alarms[i].condition_active)
      return false;
  for (const auto& [kind, device] : a.devices) {
    const auto it = b.devices.find(kind);
    if (it == b.devices.end() || it->second.state != device.state ||
        it->second.state_reason != device.state_reason ||
        it->second.identity.has_value() != device.identity.has_value())
      return false;
  }
  return true;
}

void add_trend_samples(const station::StationSnapshot& snap, Trends& trends) {
  const auto it = snap.devices.find(hal::DeviceKind::mesogun);
  if (it == snap.devices.end() || it->second.state == hal::DeviceState::disconnected) return;
  trends.pressure_mbar.push_back(static_cast<float>(it->second.status.line_pressure_mbar));
  trends.reservoir_ul.push_back(static_cast<float>(it->second.status.reservoir_nl) / 1000.0f);
  keep_last(trends.pressure_mbar, kTrendSamples);
  keep_last(trends.reservoir_ul, kTrendSamples);
}

void forget_last_session(ConsoleView& view) {
  view.session_dismissed = false;
  view.zones.clear();
  view.zones_message.clear();
  view.preview = {};
  view.appointments.clear();
  const auto version = view.assessment.version;
  view.assessment = {};
  view.assessment.version = version + 1;  // the render thread drops the last session's photos
}

}  // namespace meso::gui
