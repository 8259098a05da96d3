// What the clinician is typing or ticking before it becomes a command: owned by the render thread, kept
// across frames, separate from the view so that the view stays a read-only picture.
#pragma once

#include <array>
#include <vector>

#include "meso/gui/actions.hpp"
#include "meso/gui/console_view.hpp"
#include "meso/station/screening.hpp"
#include "meso/vision/zones.hpp"

namespace meso::gui {

using TextField = std::array<char, 128>;

struct Forms {
  TextField user{};
  TextField password{};
  TextField unlock_password{};
  TextField sign_password{};
  TextField pseudonym{};
  bool test_session = false;  // the next session is test-tagged (F4)
  station::ScreeningAnswers screening;
  TextField allergies{};  // comma-separated
  TextField precautions_reason{};
  int patch_test = 0;  // station::PatchTest
  TextField assessment_notes{};
  int assessment_density = 0;            // hairs per cm2 from the close-up; 0 when not measured
  std::uint64_t assessment_version = 0;  // the capture whose measured density was copied in
  std::array<char, 512> closeup_path{};  // a close-up image file, on a station without a close-up camera
  float closeup_px_per_mm = 0;           // its lens's calibrated scale; 0 until entered
  bool assessment_blend = false;         // before and now one over the other, instead of side by side
  float assessment_mix = 0.5f;           // the blend's slider: 0 before, 1 now
  PlanForm plan;
  // Planning: the zones while a vertex is dragged (drawn instead of the view's until the drop), and which.
  std::vector<vision::Zone> zone_draft;
  int drag_zone = -1;  // -1: nothing dragged
  int drag_vertex = -1;
  float treatment_zoom = 1;  // the treatment image: 1 the full view, more centres on the next target or tip
  // Where the camera image was drawn last: its top-left corner on the screen and screen px per image px.
  float image_x = 0, image_y = 0, image_scale = 0;
  // Audit: the filters, the chosen session, where an export goes.
  TextField audit_patient{};
  int audit_tag = 0;  // 0 any, then journal::Tag + 1
  TextField audit_from{};
  TextField audit_to{};
  TextField export_path{};
  int export_format = 0;      // journal::ExportFormat
  bool about = false;         // the About box is open
  bool aborting = false;      // the abort row is open in the status bar
  TextField abort_reason{};   // typed there; the journal keeps it
  TextField attest_reason{};  // how the clinician knows what an uncertain fire did
  // Admin: the new account, the chosen account's acts, the reason every act needs.
  TextField new_user{};
  TextField new_user_password{};
  int new_user_role = 0;  // station::Role
  TextField admin_reason{};
  int chosen_account = -1;  // index into the view's staff
  TextField reset_password{};
  int chosen_role = 0;  // station::Role, for set-role
  bool focus_admin = true;
  // Admin, formulary: a file to import; the chosen product and lot; a new lot of the chosen product.
  std::array<char, 512> formulary_file{};
  int chosen_product = -1;
  int chosen_lot = -1;
  TextField new_lot{};
  TextField new_lot_expiry{};  // YYYY-MM-DD
  int new_lot_vials = 0;
  // Change password: the current one and the new one twice.
  TextField old_password{};
  TextField new_password{};
  TextField new_password_again{};
  // QA: the line faults as set on the sliders.
  QaFault qa_line;
  bool focus_user = true;  // put the cursor in the first field of the screen once
  bool focus_pseudonym = true;
  bool focus_sign = true;
  int last_screen = -1;  // the screen drawn last: entering one resets its focus (and demo answers)
};

void clear(TextField& field);
// The screening answers as ticked (allergies split at commas).
station::ScreeningAnswers screening_answers(const Forms& forms);
// The assessment's findings as entered, with the photo (file and hash) and the measured density when taken.
nlohmann::json assessment_findings(const Forms& forms, const AssessmentView& taken);
void set(TextField& field, const char* text);

}  // namespace meso::gui
