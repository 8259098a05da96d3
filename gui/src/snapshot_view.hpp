// How a new station snapshot changes the console's view: the trends take its telemetry, and a snapshot that
// differs from the last only in telemetry redraws only the screens that show telemetry (an idle console
// sleeps). Render thread.
#pragma once

#include "meso/gui/console_view.hpp"

namespace meso::gui {

bool same_but_telemetry(const station::StationSnapshot& a, const station::StationSnapshot& b);
bool shows_telemetry(Screen screen);
// The mesogun's line pressure and reservoir, appended to the view's trends (the last 600 samples kept).
void add_trend_samples(const station::StationSnapshot& snap, Trends& trends);
// A new session: nothing of the last one carries over (zones, preview, appointments, assessment photos).
void forget_last_session(ConsoleView& view);

}  // namespace meso::gui
