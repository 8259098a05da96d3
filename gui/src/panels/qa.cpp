// QA: which simulated device the station is connected to (the mesogun or the pen, chosen while no session is
// open), faults into it, live, and the link counters the driver keeps meanwhile. The runtime applies each
// choice and fault on the station thread (where the simulators run) and only for the QA role in demo mode;
// this panel only asks and draws.
#include <array>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

constexpr std::array<const char*, 2> kDevices{"mesogun (simulated)", "pen (simulated)"};
// protocols::pen::AlarmCode's order.
constexpr std::array<const char*, 5> kPenAlarms{"motor stall", "over temperature", "low battery",
                                                "cartridge missing", "internal"};
constexpr std::array<const char*, 3> kDirections{"device's output", "device's input", "both"};

void fault_button(const char* label, QaFault::Kind kind, Actions& actions, ImU32 colour = ui::colour::amber) {
  if (ui::big_button(label, ImVec2(0, 0), colour)) {
    QaFault fault;
    fault.kind = kind;
    actions.inject_fault(fault);
  }
}

void draw_line_faults(Forms& forms, Actions& actions) {
  auto& f = forms.qa_line;
  ui::text("Line faults (from now on; all zero is a clean line):");
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
  ImGui::SliderFloat("bit flips per byte", &f.bitflip, 0.0f, 0.01f, "%.4f");
  ImGui::SliderFloat("drops per byte", &f.drop, 0.0f, 0.05f, "%.3f");
  ImGui::SliderFloat("garbage bursts per frame", &f.garbage, 0.0f, 0.5f, "%.2f");
  ImGui::SliderFloat("duplicates per frame", &f.dup, 0.0f, 0.5f, "%.2f");
  ImGui::SliderInt("delay ms", &f.delay_ms, 0, 500);
  ImGui::Combo("direction", &f.direction, kDirections.data(), static_cast<int>(kDirections.size()));
  ImGui::PopItemWidth();
  if (ui::big_button("Apply line faults", ImVec2(0, 0), ui::colour::amber)) {
    QaFault fault = f;
    fault.kind = QaFault::Kind::line;
    actions.inject_fault(fault);
  }
  ImGui::SameLine();
  if (ui::big_button("Clean line", ImVec2(0, 0), ui::colour::green)) {
    f = {};
    actions.inject_fault(f);
  }
}

void draw_pen_faults(Forms& forms, Actions& actions) {
  ui::text("Pen alarms:");
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
  ImGui::Combo("alarm", &forms.qa_line.pen_alarm_code, kPenAlarms.data(),
               static_cast<int>(kPenAlarms.size()));
  ImGui::PopItemWidth();
  for (const auto kind : {QaFault::Kind::pen_alarm, QaFault::Kind::clear_pen_alarm}) {
    const bool raise = kind == QaFault::Kind::pen_alarm;
    if (raise ? ui::big_button("Raise alarm", ImVec2(0, 0), ui::colour::amber)
              : ui::big_button("Clear alarm", ImVec2(0, 0), ui::colour::green)) {
      QaFault fault;
      fault.kind = kind;
      fault.pen_alarm_code = forms.qa_line.pen_alarm_code;
      actions.inject_fault(fault);
    }
    if (raise) ImGui::SameLine();
  }
}

void draw_device_faults(bool pen, Forms& forms, Actions& actions) {
  ui::text("Cable and device:");
  fault_button("Unplug", QaFault::Kind::unplug, actions);
  ImGui::SameLine();
  fault_button("Replug", QaFault::Kind::replug, actions, ui::colour::green);
  ImGui::SameLine();
  fault_button("Reboot", QaFault::Kind::reboot, actions);
  if (pen) {
    draw_pen_faults(forms, actions);
    return;
  }
  fault_button("Occlusion", QaFault::Kind::occlusion, actions);
  ImGui::SameLine();
  fault_button("Clear occlusion", QaFault::Kind::clear_occlusion, actions, ui::colour::green);
  fault_button("Low reservoir", QaFault::Kind::low_reservoir, actions);
  ImGui::SameLine();
  fault_button("Refill", QaFault::Kind::refill, actions, ui::colour::green);
  fault_button("Stuck trigger", QaFault::Kind::stuck_trigger, actions);
  ImGui::SameLine();
  fault_button("Release trigger", QaFault::Kind::release_trigger, actions, ui::colour::green);
}

void counter(const char* name, std::uint64_t value) {
  ImGui::TableNextRow();
  // Unwrapped: a fixed-fit column has no width of its own to wrap at.
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(name);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(std::to_string(value).c_str());
}

// The driver's side of the line, from the station's snapshot: what the faults did to the protocol.
void draw_link_counters(const ConsoleView& view) {
  if (view.snap.devices.contains(hal::DeviceKind::pen)) {
    ui::text(
        "The pen's line (NMEA sentences, protocol B) has no link layer to count: the driver repeats a "
        "command until it is answered and takes 250 ms of silence as a lost link (the device panel "
        "above shows its state).");
    return;
  }
  const auto it = view.snap.devices.find(hal::DeviceKind::mesogun);
  if (it == view.snap.devices.end()) {
    ui::text("No mesogun in the snapshot yet.");
    return;
  }
  const auto& l = it->second.link;
  if (!ImGui::BeginTable("link", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) return;
  counter("frames sent", l.frames_sent);
  counter("frames received", l.frames_received);
  counter("bytes received", l.bytes_received);
  counter("retransmits", l.retransmits);
  counter("CRC errors", l.crc_errors);
  counter("resyncs", l.resyncs);
  counter("refused frames", l.refused_frames);
  counter("duplicates", l.duplicates);
  counter("NAKs sent", l.naks_sent);
  counter("NAKs received", l.naks_received);
  counter("link losses", l.link_losses);
  counter("SRTT us", static_cast<std::uint64_t>(l.srtt.count()));
  counter("RTO us", static_cast<std::uint64_t>(l.rto.count()));
  ImGui::EndTable();
}

}  // namespace

void draw_qa(const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::heading("QA: simulated device and fault injection (demo simulator)");
  ui::text("Esc back to the patients, F12 log out.");
  const bool pen = view.snap.devices.contains(hal::DeviceKind::pen);
  // A session keeps the device it started with: a swap under it would leave its plan without its device.
  const bool session = view.snap.session_open && !station::is_final(view.snap.state);
  ui::text("Simulated device:");
  for (std::size_t i = 0; i < kDevices.size(); ++i) {
    const bool chosen = (i == 1) == pen;
    ImGui::SameLine();
    // The connected one is green and does nothing; the other connects instead of it.
    if (ui::big_button(kDevices[i], ImVec2(0, 0), chosen ? ui::colour::green : ui::colour::grey,
                       !session && !chosen))
      actions.choose_simulated_device(i == 1 ? hal::DeviceKind::pen : hal::DeviceKind::mesogun);
  }
  if (session)
    ui::coloured_text(ui::colour::amber, "Session " + std::to_string(view.snap.session_id) +
                                             " is open: it keeps its device until it ends.");
  // Always one line, so that the buttons below stay where the pointer was.
  ui::coloured_text(ui::colour::cyan, "Last: " + (view.qa.last.empty() ? "none" : view.qa.last));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::BeginChild("qa_faults", ImVec2(avail.x * 0.6f, avail.y), true);
  draw_line_faults(forms, actions);
  ImGui::Separator();
  draw_device_faults(pen, forms, actions);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("qa_link", ImVec2(0, avail.y), true);
  draw_device_panel(view);
  ImGui::Separator();
  draw_link_counters(view);
  ImGui::EndChild();
}

}  // namespace meso::gui
