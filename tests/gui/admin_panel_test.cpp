// The Admin screen and the first-login password screen over hand-made views: who reaches them, what they
// ask the layer for, and that nothing is asked without its reason.
#include <gtest/gtest.h>

#include "gui_test_support.hpp"
#include "meso/gui/keys.hpp"
#include "meso/gui/panels.hpp"

namespace meso::gui {
namespace {

using testing::HeadlessImGui;
using testing::RecordingActions;

ConsoleView admin_view() {
  ConsoleView v;
  v.user = LoggedIn{1, "boss", station::Role::admin};
  v.tool = Tool::admin;
  station::StaffAccount boss;
  boss.id = 1;
  boss.name = "boss";
  boss.role = station::Role::admin;
  station::StaffAccount carla;
  carla.id = 2;
  carla.name = "carla";
  carla.must_change_password = true;
  v.admin.staff = {boss, carla};
  v.admin.log = {{1, "2026-12-07T10:00:00.000Z", "boss", "station.commissioned", "commissioned", "{}"},
                 {2, "2026-12-07T10:01:00.000Z", "boss", "staff.added", "new clinician", "{}"}};
  return v;
}

void type(TextField& field, const char* text) {
  set(field, text);
}

TEST(GuiAdmin, OnlyAnAdminReachesIt) {
  auto view = admin_view();
  EXPECT_EQ(screen_for(view), Screen::admin);
  view.user->role = station::Role::clinician;
  EXPECT_EQ(screen_for(view), Screen::patients);
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView patients;
  patients.user = LoggedIn{2, "carla", station::Role::clinician};
  imgui.press(keys::f7, patients, forms, actions);
  EXPECT_FALSE(actions.called("open_tool"));
  patients.user->role = station::Role::admin;
  imgui.press(keys::f7, patients, forms, actions);
  EXPECT_TRUE(actions.called("open_tool 3"));
}

TEST(GuiAdmin, ShowsTheStaffAndTheLogAndAddsAnAccountWithItsReason) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = admin_view();
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("carla"));
  EXPECT_TRUE(imgui.shows("to choose a password"));
  EXPECT_TRUE(imgui.shows("staff.added"));
  type(forms.new_user, "ines");
  type(forms.new_user_password, "Audit-first-77");
  imgui.click("Add account (Enter)", view, forms, actions);  // drawn, but disabled
  EXPECT_FALSE(actions.called("add_staff")) << "no reason, no act";
  type(forms.admin_reason, "external audit");
  imgui.press(keys::f3, view, forms, actions);  // the auditor role
  EXPECT_EQ(forms.new_user_role, 2);
  ASSERT_TRUE(imgui.click("Add account (Enter)", view, forms, actions));
  EXPECT_TRUE(actions.called("add_staff ines"));
  EXPECT_EQ(forms.new_user[0], '\0') << "the form is cleared for the next account";
}

TEST(GuiAdmin, DisablesResetsAndChangesTheRoleOfTheChosenAccount) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  const auto view = admin_view();
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("Choose an account"));
  forms.chosen_account = 1;
  type(forms.admin_reason, "left the clinic");
  imgui.frame(view, forms, actions);
  ASSERT_TRUE(imgui.click("Disable carla", view, forms, actions));
  EXPECT_TRUE(actions.called("disable_staff carla"));
  type(forms.reset_password, "Reset-pass-77");
  ASSERT_TRUE(imgui.click("Reset carla's password", view, forms, actions));
  EXPECT_TRUE(actions.called("reset_password carla"));
  forms.chosen_role = 1;  // qa
  imgui.frame(view, forms, actions);
  ASSERT_TRUE(imgui.click("Make qa", view, forms, actions));
  EXPECT_TRUE(actions.called("set_role carla"));
  EXPECT_EQ(actions.count("delete"), 0);
}

TEST(GuiAdmin, ShowsTheStockAndAddsOrRetiresALotWithItsReason) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  auto view = admin_view();
  station::FormularyEntry product;
  product.name = "HairVital B";
  product.vial_ml = 5;
  station::FormularyLotView lot;
  lot.lot = "HV-2611";
  lot.expiry = "2027-06-30";
  lot.vials = 10;
  lot.remaining_ml = 49.5;
  lot.status = "usable";
  station::FormularyLotView recalled = lot;
  recalled.lot = "HV-2609";
  recalled.retired = true;
  recalled.retired_reason = "recall 2026-11";
  recalled.status = "retired";
  product.lots = {lot, recalled};
  view.admin.formulary = {product};
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("HV-2611"));
  EXPECT_TRUE(imgui.shows("retired: recall 2026-11"));
  EXPECT_TRUE(imgui.shows("49.5"));
  forms.chosen_product = 0;
  type(forms.new_lot, "HV-2702");
  type(forms.new_lot_expiry, "2028-01-31");
  forms.new_lot_vials = 20;
  imgui.frame(view, forms, actions);
  imgui.click("Add the lot to HairVital B", view, forms, actions);
  EXPECT_FALSE(actions.called("add_lot")) << "no reason, no act";
  type(forms.admin_reason, "delivery 2026-12-07");
  ASSERT_TRUE(imgui.click("Add the lot to HairVital B", view, forms, actions));
  EXPECT_TRUE(actions.called("add_lot HairVital B HV-2702 2028-01-31 20"));
  forms.chosen_lot = 0;
  imgui.frame(view, forms, actions);
  ASSERT_TRUE(imgui.click("Retire lot HV-2611", view, forms, actions));
  EXPECT_TRUE(actions.called("retire_lot HairVital B HV-2611"));
  const std::string file = "/media/usb/formulary.json";
  std::copy(file.begin(), file.end(), forms.formulary_file.begin());
  ASSERT_TRUE(imgui.click("Import the file", view, forms, actions));
  EXPECT_TRUE(actions.called("import_formulary /media/usb/formulary.json"));
}

TEST(GuiChangePassword, ANewAccountSeesNothingElseUntilItIsDone) {
  HeadlessImGui imgui;
  RecordingActions actions;
  Forms forms;
  ConsoleView view;
  view.user = LoggedIn{2, "carla", station::Role::clinician, true};
  view.tool = Tool::audit;
  EXPECT_EQ(screen_for(view), Screen::change_password);
  imgui.frame(view, forms, actions);
  type(forms.old_password, "Welcome-2026a");
  type(forms.new_password, "Sunny-river-42");
  type(forms.new_password_again, "Sunny-river-41");
  imgui.frame(view, forms, actions);
  EXPECT_TRUE(imgui.shows("the two differ"));
  imgui.click("Change password (Enter)", view, forms, actions);
  EXPECT_FALSE(actions.called("change_password"));
  type(forms.new_password_again, "Sunny-river-42");
  ASSERT_TRUE(imgui.click("Change password (Enter)", view, forms, actions));
  EXPECT_TRUE(actions.called("change_password"));
  view.user->must_change_password = false;
  EXPECT_EQ(screen_for(view), Screen::patients);
}

}  // namespace
}  // namespace meso::gui
