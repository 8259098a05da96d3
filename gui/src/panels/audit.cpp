// Audit: the journal read-only, as `mesoaudit` reads it (list, show, verify, export). Every answer comes
// from the runtime's worker through the view; this panel only asks and draws. Nothing here changes a
// session or a device: the auditor's console has no other screen.
#include <array>

#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

constexpr std::array<const char*, 4> kTags{"any", "real", "test", "demo"};
constexpr std::array<const char*, 3> kFormats{"JSON", "CSV", "HTML"};

AuditFilter filter_of(const Forms& forms) {
  AuditFilter filter{forms.audit_patient.data(), std::nullopt, forms.audit_from.data(),
                     forms.audit_to.data()};
  if (forms.audit_tag > 0) filter.tag = static_cast<station::Tag>(forms.audit_tag - 1);  // 0 is "any"
  return filter;
}

// A label before its field: ImGui's own labels go after, where "From" would read as the tag's.
void labelled(const char* label) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine();
}

void draw_filters(const ConsoleView& view, Forms& forms, Actions& actions) {
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushItemWidth(w * 0.12f);
  labelled("Patient");
  ImGui::InputText("##patient", forms.audit_patient.data(), forms.audit_patient.size());
  ImGui::SameLine();
  labelled("Tag");
  ImGui::Combo("##tag", &forms.audit_tag, kTags.data(), static_cast<int>(kTags.size()));
  ImGui::SameLine();
  labelled("From");
  ImGui::InputTextWithHint("##from", "2026-11-01", forms.audit_from.data(), forms.audit_from.size());
  ImGui::SameLine();
  labelled("To");
  ImGui::InputTextWithHint("##to", "2026-11-30", forms.audit_to.data(), forms.audit_to.size());
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ui::big_button("List sessions", ImVec2(0, 0), ui::colour::cyan, !view.busy))
    actions.list_sessions(filter_of(forms));
}

void draw_sessions(const ConsoleView& view, Actions& actions) {
  const auto& a = view.audit;
  if (!a.listed) {
    ui::text("No list yet: set the filters (or none) and list the sessions.");
    return;
  }
  if (a.sessions.empty()) {
    ui::text("No sessions match.");
    return;
  }
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("sessions", 6, flags)) return;
  for (const char* h : {"", "ID", "Patient", "Tag/state", "Opened (UTC), by", "Events"})
    ImGui::TableSetupColumn(h);
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  for (const auto& s : a.sessions) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool shown = a.shown && a.shown->id == s.id;
    const std::string show = "Show##" + std::to_string(s.id);
    if (ui::big_button(show.c_str(), ImVec2(0, 0), shown ? ui::colour::green : ui::colour::cyan, !view.busy))
      actions.show_session(s.id);
    ImGui::TableNextColumn();
    ui::text(std::to_string(s.id));
    ImGui::TableNextColumn();
    ui::text(s.patient);
    ImGui::TableNextColumn();
    ui::text(s.tag + " / " + s.state);
    ImGui::TableNextColumn();
    ui::text(s.opened_utc.substr(0, 16) + " " + s.opened_by);
    ImGui::TableNextColumn();
    ui::text(std::to_string(s.events));
  }
  ImGui::EndTable();
}

void draw_export(const ConsoleView& view, Forms& forms, Actions& actions, std::int64_t id) {
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushItemWidth(w * 0.15f);
  ImGui::Combo("##format", &forms.export_format, kFormats.data(), static_cast<int>(kFormats.size()));
  ImGui::PopItemWidth();
  ImGui::SameLine();
  ImGui::PushItemWidth(w * 0.5f);
  ImGui::InputTextWithHint("##path", "/path/to/session.json", forms.export_path.data(),
                           forms.export_path.size());
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ui::big_button("Export", ImVec2(0, 0), ui::colour::cyan, !view.busy && forms.export_path[0] != '\0'))
    actions.export_session(id, static_cast<ExportFormat>(forms.export_format), forms.export_path.data());
  const auto& a = view.audit;
  if (!a.export_result.empty())
    ui::coloured_text(a.export_ok ? ui::colour::green : ui::colour::red, a.export_result);
}

// Who, what, when and why per event, as `mesoaudit show` prints them, the payload under each.
void draw_timeline(const AuditView& a) {
  ImGui::BeginChild("timeline");
  for (const auto& e : a.timeline) {
    std::string line = std::to_string(e.seq) + "  " + e.utc + "  " + e.who + " (" + e.role + ")  " + e.kind;
    if (e.corrects) line += "  corrects seq " + std::to_string(*e.corrects);
    if (!e.why.empty()) line += "  why: " + e.why;
    ui::text(line);
    ui::coloured_text(ui::colour::grey, "      " + e.payload);
  }
  ImGui::EndChild();
}

void draw_shown(const ConsoleView& view, Forms& forms, Actions& actions) {
  const auto& a = view.audit;
  if (!a.shown) {
    ui::text("Choose a session (Show) for its timeline and integrity.");
    return;
  }
  const auto& s = *a.shown;
  ui::text("Session " + std::to_string(s.id) + "  patient " + s.patient + "  (" + s.tag + ", " + s.state +
           ")");
  ui::text("Opened " + s.opened_utc + " by " + s.opened_by + ", closed " + s.closed_utc + ", " +
           std::to_string(s.events) + " events");
  if (a.verified)
    ui::coloured_text(a.intact ? ui::colour::green : ui::colour::red,
                      std::string("Integrity: ") + (a.intact ? "" : "FAILED: ") + a.integrity);
  if (ui::big_button("Verify again", ImVec2(0, 0), ui::colour::cyan, !view.busy))
    actions.verify_session(s.id);
  draw_export(view, forms, actions, s.id);
  ImGui::Separator();
  draw_timeline(a);
}

}  // namespace

void draw_audit(const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::heading("Audit (read-only)");
  const bool auditor = view.user && !station::may_command_station(view.user->role);
  ui::text(auditor ? "F12 log out." : "Esc back to the patients, F12 log out.");
  draw_filters(view, forms, actions);
  if (!view.audit.error.empty()) ui::coloured_text(ui::colour::red, view.audit.error);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::BeginChild("audit_sessions", ImVec2(avail.x * 0.5f, avail.y), true);
  draw_sessions(view, actions);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("audit_session", ImVec2(0, avail.y), true);
  draw_shown(view, forms, actions);
  ImGui::EndChild();
}

}  // namespace meso::gui
