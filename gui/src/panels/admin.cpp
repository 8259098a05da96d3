// The admin's screen: the staff's accounts (add, disable, reset a password, change a role) on the left; the
// formulary (import a file, add a lot, retire one) and the station log of every such act on the right. Each
// act takes the reason typed here. Accounts are never deleted, so no button offers it. F1 to F4 choose the
// new account's role, so adding an account works from the keyboard alone.
#include <algorithm>

#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"
#include "panels/widgets.hpp"

namespace meso::gui {

namespace {

constexpr std::array kRoles{station::Role::clinician, station::Role::qa, station::Role::auditor,
                            station::Role::admin};

std::string role_name(station::Role role) {
  return std::string(journal::to_string(role));
}

std::string state_of(const station::StaffAccount& a) {
  if (a.disabled) return "disabled";
  if (a.wait_until_utc) return "waiting after failed logins";
  if (a.must_change_password) return "to choose a password";
  return "active";
}

void role_radios(const char* id, int& chosen, bool with_keys) {
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    const std::string label =
        role_name(kRoles[i]) + (with_keys ? " (F" + std::to_string(i + 1) + ")" : "") + "##" + id;
    ImGui::RadioButton(label.c_str(), &chosen, static_cast<int>(i));
    if (i + 1 < kRoles.size()) ImGui::SameLine();
  }
}

void staff_table(const ConsoleView& view, Forms& forms) {
  if (!ImGui::BeginTable("staff", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) return;
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Role", ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn("State", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("Created (UTC)", ImGuiTableColumnFlags_WidthStretch, 1.7f);
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < view.admin.staff.size(); ++i) {
    const auto& a = view.admin.staff[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool chosen = forms.chosen_account == static_cast<int>(i);
    if (ImGui::Selectable(a.name.c_str(), chosen, ImGuiSelectableFlags_SpanAllColumns))
      forms.chosen_account = static_cast<int>(i);
    ImGui::TableNextColumn();
    ui::text(role_name(a.role));
    ImGui::TableNextColumn();
    ui::coloured_text(a.disabled ? ui::colour::grey : ui::colour::white, state_of(a));
    ImGui::TableNextColumn();
    ui::text(a.created_utc);
  }
  ImGui::EndTable();
}

void add_form(const ConsoleView& view, Forms& forms, Actions& actions, float width) {
  ui::text("Add an account (its owner chooses a new password at the first login)");
  for (std::size_t i = 0; i < kRoles.size(); ++i)
    if (ImGui::IsKeyPressed(keys::f1 + static_cast<int>(i), false)) forms.new_user_role = static_cast<int>(i);
  ImGui::PushItemWidth(width * 0.5f);
  if (forms.focus_admin) {
    ImGui::SetKeyboardFocusHere();
    forms.focus_admin = false;
  }
  ImGui::InputText("Name", forms.new_user.data(), forms.new_user.size());
  role_radios("new", forms.new_user_role, true);
  ImGui::InputText("First password", forms.new_user_password.data(), forms.new_user_password.size(),
                   ImGuiInputTextFlags_Password);
  const bool enter = ImGui::InputText("Reason", forms.admin_reason.data(), forms.admin_reason.size(),
                                      ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  const bool can =
      forms.new_user[0] != '\0' && forms.new_user_password[0] != '\0' && forms.admin_reason[0] != '\0';
  if (ui::big_button("Add account (Enter)", ImVec2(width * 0.5f, 0), ui::colour::green, can) ||
      (enter && can)) {
    actions.add_staff({forms.new_user.data(), kRoles[static_cast<std::size_t>(forms.new_user_role)],
                       forms.new_user_password.data(), forms.admin_reason.data()});
    clear(forms.new_user);
    clear(forms.new_user_password);
    forms.focus_admin = true;
  }
  (void)view;
}

void account_acts(const ConsoleView& view, Forms& forms, Actions& actions, float width) {
  if (forms.chosen_account < 0 || forms.chosen_account >= static_cast<int>(view.admin.staff.size())) {
    ui::text("Choose an account in the list to disable it, reset its password or change its role.");
    return;
  }
  const auto& a = view.admin.staff[static_cast<std::size_t>(forms.chosen_account)];
  ui::text("Account " + a.name + " (" + role_name(a.role) + ", " + state_of(a) +
           "); the reason above is journaled");
  const bool reason = forms.admin_reason[0] != '\0';
  if (ui::big_button(("Disable " + a.name).c_str(), ImVec2(width * 0.3f, 0), ui::colour::red,
                     reason && !a.disabled))
    actions.disable_staff(a.name, forms.admin_reason.data());
  ImGui::PushItemWidth(width * 0.3f);
  ImGui::InputText("New password", forms.reset_password.data(), forms.reset_password.size(),
                   ImGuiInputTextFlags_Password);
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ui::big_button(("Reset " + a.name + "'s password").c_str(), ImVec2(width * 0.3f, 0), ui::colour::amber,
                     reason && !a.disabled && forms.reset_password[0] != '\0')) {
    actions.reset_password(a.name, forms.reset_password.data(), forms.admin_reason.data());
    clear(forms.reset_password);
  }
  role_radios("set", forms.chosen_role, false);
  ImGui::SameLine();
  const auto role = kRoles[static_cast<std::size_t>(forms.chosen_role)];
  if (ui::big_button(("Make " + role_name(role)).c_str(), ImVec2(width * 0.2f, 0), ui::colour::cyan,
                     reason && role != a.role))
    actions.set_role(a.name, role, forms.admin_reason.data());
}

// Each product with its lots: what is left, and whether a plan may name it (the station refuses the rest).
void formulary_table(const ConsoleView& view, Forms& forms) {
  if (!ImGui::BeginTable("formulary", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) return;
  ImGui::TableSetupColumn("Product / lot", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("Expiry", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("Vials", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn("Left (ml)", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  for (std::size_t p = 0; p < view.admin.formulary.size(); ++p) {
    const auto& product = view.admin.formulary[p];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool product_chosen = forms.chosen_product == static_cast<int>(p) && forms.chosen_lot < 0;
    if (ImGui::Selectable((product.name + "##product" + std::to_string(p)).c_str(), product_chosen,
                          ImGuiSelectableFlags_SpanAllColumns)) {
      forms.chosen_product = static_cast<int>(p);
      forms.chosen_lot = -1;
    }
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ui::text(ui::millilitres(static_cast<std::uint64_t>(product.vial_ml * 1e6)) + "/vial");
    for (std::size_t l = 0; l < product.lots.size(); ++l) {
      const auto& lot = product.lots[l];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const bool chosen =
          forms.chosen_product == static_cast<int>(p) && forms.chosen_lot == static_cast<int>(l);
      if (ImGui::Selectable(("   " + lot.lot + "##lot" + std::to_string(p) + "." + std::to_string(l)).c_str(),
                            chosen, ImGuiSelectableFlags_SpanAllColumns)) {
        forms.chosen_product = static_cast<int>(p);
        forms.chosen_lot = static_cast<int>(l);
      }
      ImGui::TableNextColumn();
      ui::text(lot.expiry);
      ImGui::TableNextColumn();
      ui::text(std::to_string(lot.vials));
      ImGui::TableNextColumn();
      ui::text(ui::millilitres(static_cast<std::uint64_t>(std::max(0.0, lot.remaining_ml) * 1e6)));
      ImGui::TableNextColumn();
      const std::string status = lot.retired ? "retired: " + lot.retired_reason : lot.status;
      ui::coloured_text(lot.status == "usable" ? ui::colour::green : ui::colour::amber, status);
    }
  }
  ImGui::EndTable();
}

void formulary_acts(const ConsoleView& view, Forms& forms, Actions& actions, float width) {
  const bool reason = forms.admin_reason[0] != '\0';
  ImGui::PushItemWidth(width * 0.6f);
  ImGui::InputText("Reason##formulary", forms.admin_reason.data(),
                   forms.admin_reason.size());  // the same one
  ImGui::InputText("Formulary file (JSON)", forms.formulary_file.data(), forms.formulary_file.size());
  ImGui::PopItemWidth();
  if (ui::big_button("Import the file", ImVec2(width * 0.3f, 0), ui::colour::cyan,
                     reason && forms.formulary_file[0] != '\0' && !view.busy))
    actions.import_formulary(forms.formulary_file.data(), forms.admin_reason.data());
  const auto& f = view.admin.formulary;
  if (forms.chosen_product < 0 || forms.chosen_product >= static_cast<int>(f.size())) {
    ui::text("Choose a product to add a lot to it, or a lot to retire it.");
    return;
  }
  const auto& product = f[static_cast<std::size_t>(forms.chosen_product)];
  ui::text(product.name + ": " + product.concentration);
  if (forms.chosen_lot >= 0 && forms.chosen_lot < static_cast<int>(product.lots.size())) {
    const auto& lot = product.lots[static_cast<std::size_t>(forms.chosen_lot)];
    if (ui::big_button(("Retire lot " + lot.lot).c_str(), ImVec2(width * 0.3f, 0), ui::colour::red,
                       reason && !lot.retired))
      actions.retire_lot(product.name, lot.lot, forms.admin_reason.data());
    return;
  }
  ui::text("A new lot of " + product.name);
  ImGui::PushItemWidth(width * 0.3f);
  ImGui::InputText("Lot number", forms.new_lot.data(), forms.new_lot.size());
  ImGui::InputText("Expiry (YYYY-MM-DD)", forms.new_lot_expiry.data(), forms.new_lot_expiry.size());
  ImGui::InputInt("Vials received", &forms.new_lot_vials);
  ImGui::PopItemWidth();
  if (ui::big_button(
          ("Add the lot to " + product.name).c_str(), ImVec2(width * 0.4f, 0), ui::colour::green,
          reason && forms.new_lot[0] != '\0' && forms.new_lot_expiry[0] != '\0' && forms.new_lot_vials > 0)) {
    actions.add_lot(product.name, {forms.new_lot.data(), forms.new_lot_expiry.data(), forms.new_lot_vials},
                    forms.admin_reason.data());
    clear(forms.new_lot);
  }
}

void station_log(const ConsoleView& view) {
  ui::text("Station log (newest first): who did what, when and why");
  ImGui::BeginChild("station_log", ImVec2(0, 0), true);
  const auto& log = view.admin.log;
  for (std::size_t i = log.size(); i-- > 0;) {
    const auto& e = log[i];
    ui::text(std::to_string(e.seq) + "  " + e.utc.substr(0, 19) + "  " + e.who + "  " + e.kind +
             (e.why.empty() ? "" : "  - " + e.why));
  }
  ImGui::EndChild();
}

}  // namespace

void draw_admin(const ConsoleView& view, Forms& forms, Actions& actions) {
  ui::heading("Administration");
  ui::text("Station key " + view.key_fingerprint + " (auditors compare it with their copy)");
  if (!view.admin.error.empty()) ui::coloured_text(ui::colour::red, view.admin.error);
  if (!view.admin.message.empty()) ui::coloured_text(ui::colour::green, view.admin.message);
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::Columns(2, "admin", false);
  ImGui::SetColumnWidth(0, width * 0.55f);
  const float col = width * 0.53f;
  ui::text("Staff");
  add_form(view, forms, actions, col);
  ImGui::Spacing();  // not a Separator: inside columns it would start a new row for both
  staff_table(view, forms);
  account_acts(view, forms, actions, col);
  if (ui::big_button("Back to patients (Esc)", ImVec2(col * 0.5f, 0), ui::colour::grey))
    actions.open_tool(Tool::none);
  ImGui::NextColumn();
  const float right = width * 0.43f;
  ui::text("Formulary and stock");
  formulary_table(view, forms);
  formulary_acts(view, forms, actions, right);
  ImGui::Spacing();
  station_log(view);
  ImGui::Columns(1);
}

void draw_change_password(const ConsoleView& view, Forms& forms, Actions& actions) {
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::SetCursorPosX(width * 0.3f);
  ImGui::BeginGroup();
  ui::heading("Choose your password");
  ui::text(view.user->name + ": your account is new or its password was reset. Choose your own (at least " +
           std::to_string(journal::kMinPasswordLength) + " characters, without your name).");
  ImGui::PushItemWidth(width * 0.4f);
  if (forms.focus_user) {
    ImGui::SetKeyboardFocusHere();
    forms.focus_user = false;
  }
  ImGui::InputText("Current password", forms.old_password.data(), forms.old_password.size(),
                   ImGuiInputTextFlags_Password);
  ImGui::InputText("New password", forms.new_password.data(), forms.new_password.size(),
                   ImGuiInputTextFlags_Password);
  const bool enter =
      ImGui::InputText("New password again", forms.new_password_again.data(), forms.new_password_again.size(),
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::PopItemWidth();
  const bool same = std::string(forms.new_password.data()) == forms.new_password_again.data();
  const bool can = !view.busy && forms.new_password[0] != '\0' && same;
  if (forms.new_password_again[0] != '\0' && !same) ui::coloured_text(ui::colour::amber, "the two differ");
  if (ui::big_button(view.busy ? "Changing..." : "Change password (Enter)", ImVec2(width * 0.4f, 0),
                     ui::colour::cyan, can) ||
      (enter && can)) {
    actions.change_password(forms.old_password.data(), forms.new_password.data());
    clear(forms.old_password);
    clear(forms.new_password);
    clear(forms.new_password_again);
    forms.focus_user = true;
  }
  if (!view.password_error.empty()) ui::coloured_text(ui::colour::red, view.password_error);
  ImGui::EndGroup();
}

}  // namespace meso::gui
