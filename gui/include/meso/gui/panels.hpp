// The console's panels, one file each under src/panels/: each draws over the view and emits commands
// through Actions; none holds a device, camera or database handle. draw_console lays them out by screen.
#pragma once

#include <imgui.h>

#include "meso/gui/actions.hpp"
#include "meso/gui/console_view.hpp"
#include "meso/gui/forms.hpp"

namespace meso::gui {

// The whole console for one frame: status bar, the current screen, E-STOP, the lock, the shortcuts.
void draw_console(const ConsoleView& view, Forms& forms, Actions& actions);
// Keyboard shortcuts of the current screen (README: keys); called by draw_console.
void handle_shortcuts(const ConsoleView& view, Forms& forms, Actions& actions);

// Screens.
void draw_login(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_lock(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_patients(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_screening(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_assessment(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_planning(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_treatment(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_post_care(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_closed(const ConsoleView& view, Actions& actions);
void draw_audit(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_qa(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_admin(const ConsoleView& view, Forms& forms, Actions& actions);
void draw_change_password(const ConsoleView& view, Forms& forms, Actions& actions);

// Shared pieces.
void draw_status_bar(const ConsoleView& view, Forms& forms, Actions& actions);
// A window over the screen while Forms::about is set (opened from the status bar); it takes no command.
void draw_about(const ConsoleView& view, Forms& forms);
void draw_estop_button(const ConsoleView& view, Actions& actions, ImVec2 size);
void draw_dose_meter(const ConsoleView& view);
void draw_shot_counter(const ConsoleView& view);
void draw_alarm_list(const ConsoleView& view, Actions& actions);
void draw_device_panel(const ConsoleView& view);
void draw_trends(const ConsoleView& view, float height);
void draw_registration_status(const ConsoleView& view);

// The planning form's technique as offered (PlanForm::technique): microneedling when the pen is the device
// connected, otherwise the mesogun's point by point or nappage.
int offered_technique(const ConsoleView& view, int technique);

struct CameraOverlay {
  bool zones = false;
  bool plan = false;  // planned, done and next points, from the snapshot's plan (or the preview's)
  bool tip = false;
  // Zones editable by mouse or touch: drag a vertex, drag an edge's midpoint to add one, right-click a
  // vertex to remove it. Each drop goes to Actions::set_zones. Null: the zones are only shown.
  Forms* edit_forms = nullptr;
  Actions* edit_actions = nullptr;
  // Zoomable (the mouse wheel over the image changes it), centred on zoom_focus; null: always the full view.
  float* zoom = nullptr;
};

// Where a zoomed treatment image is centred: the next target while treating or paused, else the tip; none
// (the image's centre) without either.
struct ZoomFocus {
  std::optional<vision::PointMm> mm;
  const char* what = "the image's centre";
};
ZoomFocus zoom_focus(const ConsoleView& view);
// The camera image fitted into `size` with its overlays drawn in plane mm mapped to the screen.
void draw_camera_view(const ConsoleView& view, ImVec2 size, const CameraOverlay& overlay);

}  // namespace meso::gui
