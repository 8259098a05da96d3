// The device: connection and link quality, identity, reservoir, line pressure, battery, armed state.
#include <algorithm>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

const char* state_name(hal::DeviceState s) {
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
      return "ARMED";
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

}  // namespace

void draw_device_panel(const ConsoleView& view) {
  const auto it = view.snap.devices.find(hal::DeviceKind::mesogun);
  if (it == view.snap.devices.end()) {
    ui::coloured_text(ui::colour::grey, "Mesogun: not present");
    return;
  }
  const auto& d = it->second;
  ui::coloured_text(state_colour(d.state), std::string("Mesogun: ") + state_name(d.state) +
                                               (d.state_reason.empty() ? "" : " (" + d.state_reason + ")"));
  if (d.identity)
    ui::text(d.identity->model + "  s/n " + d.identity->serial_number + "  fw " + d.identity->firmware);
  const auto& st = d.status;
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
