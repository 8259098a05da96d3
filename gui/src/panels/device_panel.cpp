// The device: connection and link quality, identity, armed state; the mesogun's reservoir and line pressure,
// the pen's depth, speed and stamps.
#include <algorithm>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

const char* state_name(hal::DeviceState s, hal::DeviceKind kind) {
  switch (s) {
    case hal::DeviceState::disconnected:
      return "disconnected";
    case hal::DeviceState::connecting:
      return "connecting";
    case hal::DeviceState::reconciling:
      return "reconciling shot records";
    case hal::DeviceState::configured:
      return "connected";
    case hal::DeviceState::active:
      return kind == hal::DeviceKind::pen ? "RUNNING" : "ARMED";
    case hal::DeviceState::fault:
      return "FAULT";
    case hal::DeviceState::estopped:
      return "E-STOPPED";
  }
  return "?";
}

ImU32 state_colour(hal::DeviceState s) {
  switch (s) {
    case hal::DeviceState::configured:
      return ui::colour::green;
    case hal::DeviceState::active:
      return ui::colour::amber;
    case hal::DeviceState::connecting:
    case hal::DeviceState::reconciling:
      return ui::colour::cyan;
    default:
      return ui::colour::red;
  }
}

// The device of the session's current step; otherwise the one connected (the mesogun first).
const station::DeviceView* shown_device(const ConsoleView& view) {
  const auto& s = view.snap;
  const auto find = [&](hal::DeviceKind kind) -> const station::DeviceView* {
    const auto it = s.devices.find(kind);
    return it == s.devices.end() ? nullptr : &it->second;
  };
  if (s.plan && s.step < s.plan->steps.size())
    if (const auto* d = find(s.plan->steps[s.step].device())) return d;
  if (const auto* d = find(hal::DeviceKind::mesogun)) return d;
  return find(hal::DeviceKind::pen);
}

}  // namespace

void draw_device_panel(const ConsoleView& view) {
  const auto* shown = shown_device(view);
  if (shown == nullptr) {
    ui::coloured_text(ui::colour::grey, "No device connected");
    return;
  }
  const auto& d = *shown;
  const bool pen = d.kind == hal::DeviceKind::pen;
  ui::coloured_text(state_colour(d.state), std::string(pen ? "Pen: " : "Mesogun: ") +
                                               state_name(d.state, d.kind) +
                                               (d.state_reason.empty() ? "" : " (" + d.state_reason + ")"));
  if (d.identity)
    ui::text(d.identity->model + "  s/n " + d.identity->serial_number + "  fw " + d.identity->firmware);
  const auto& st = d.status;
  if (pen) {
    // The pen's own report: what the needles do now, not what was asked.
    ui::text("Depth " + std::to_string(st.depth_actual_um) + " um   Speed " + std::to_string(st.speed_sps) +
             " stamps/s   Stamps " + std::to_string(st.stamps_total) + "   Battery " +
             std::to_string(st.battery_pct) + " %");
    // The pen's NMEA line has no link layer of its own: the driver's 50 ms polls are its heartbeat.
    ui::coloured_text(
        d.state == hal::DeviceState::disconnected ? ui::colour::red : ui::colour::green,
        std::string("Link ") + (d.state == hal::DeviceState::disconnected ? "lost" : "polled every 50 ms"));
    return;
  }
  ui::text("Reservoir " + ui::millilitres(st.reservoir_nl) + "   Pressure " +
           std::to_string(st.line_pressure_mbar) + " mbar   Battery " + std::to_string(st.battery_pct) +
           " %");
  const auto& l = d.link;
  // Quality as a clinician reads it: any loss or a retransmit rate above 5 % is worth a look.
  const double sent = static_cast<double>(std::max<std::uint64_t>(l.frames_sent, 1));
  const bool poor = l.link_losses > 0 || static_cast<double>(l.retransmits) / sent > 0.05;
  ui::coloured_text(poor ? ui::colour::amber : ui::colour::green,
                    std::string("Link ") + (poor ? "degraded" : "good") + ": RTT " +
                        std::to_string(l.srtt.count() / 1000) + " ms, " + std::to_string(l.retransmits) +
                        " retransmits, " + std::to_string(l.crc_errors) + " CRC errors, " +
                        std::to_string(l.link_losses) + " losses");
}

}  // namespace meso::gui
