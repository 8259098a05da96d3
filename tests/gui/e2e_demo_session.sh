#!/usr/bin/env bash
# End to end, as a person would: the real `mesostation --demo` under a virtual display, driven with xdotool
# by keyboard (log in, open a session, pass screening, accept the plan, arm, the demo hand's trigger pulls,
# E-STOP, acknowledge, resume, finish, sign off with the password), then the journal must hold the whole
# session and `mesoaudit verify` must pass. Every step waits on the window title, which names the screen
# and the station's state, so nothing depends on pixel positions or fixed sleeps.
# Usage: e2e_demo_session.sh MESOSTATION MESOAUDIT OUT_DIR   (screenshots of each screen go to OUT_DIR)
set -euo pipefail
mesostation=$1 mesoaudit=$2 out=$3
mkdir -p "$out"
rm -f "$out"/*.png "$out"/log
db=$out/demo.db
rm -f "$db" "$db"-wal "$db"-shm "$db".key
source "$(dirname "$0")/e2e_lib.sh"
e2e_start_display

"$mesostation" --demo --db "$db" --width 1280 --height 720 2>"$out/console.err" & app=$!

wait_title "login" 60
xdotool mousemove 640 60  # no window manager: the pointer gives the window the keyboard (over the status bar, where it raises no tooltip)
step "log in as the demo clinician"
xdotool type --delay 40 demo; xdotool key Return
wait_title "patients" 60; snap 1-patients
step "open a session for a pseudonymous patient"
xdotool type --delay 40 P-E2E-0001; xdotool key F2
wait_title "screening - screening"; snap 2-screening
step "screening passed (the demo patient is cleared), on to assessment and planning"
xdotool key F2; wait_title "assessment - assessment"
step "the scalp photo (registered to the headband) and the close-up's density"
xdotool key F3; wait_title "assessment - photo" 60; snap 2-assessment
xdotool key F2; wait_title "planning - planning"
xdotool key F3; wait_title "planning - zones" 120
xdotool key F4; wait_title "planning - zones - preview" 120; snap 3-planning
step "accept the plan, start treatment"
xdotool key F2; wait_title " - ready"
xdotool key F2; wait_title "treatment - treating"
step "arm; the demo hand pulls the trigger on each planned point"
xdotool key a; wait_title "armed"
sleep 4; snap 4-treating
step "E-STOP (Space)"
xdotool key space; wait_title "paused" 10; snap 5-estop
step "acknowledge the alarm, resume (disarmed), finish treatment"
xdotool key k; sleep 0.5; xdotool key r; wait_title "treatment - treating" 10
xdotool key F2; wait_title "post-care" 30; snap 6-post-care
step "sign off with the password"
xdotool type --delay 40 demo; xdotool key Return
wait_title "closed - closed" 60; snap 7-closed

step "close the console, then audit the journal"
kill "$app"; wait "$app" 2>/dev/null || true; app=

# Verified against the station's exported key: without it verify exits 3 (signer not established).
"$mesostation" key export --db "$db" --out "$out/station.pub" --force
"$mesoaudit" --db "$db" verify --public-key "$out/station.pub" | tee "$out/verify.txt"
"$mesoaudit" --db "$db" show 1 > "$out/session.txt"
for kind in session.transition screening.recorded plan.set device.armed shot.recorded estop alarm.acknowledged; do
  grep -q "$kind" "$out/session.txt" || { step "the journal lacks $kind"; exit 1; }
done
grep -q '"placed"' "$out/session.txt" || { step "no shot was placed by the camera"; exit 1; }
photo="$db.photos/P-E2E-0001/session-1.png"
[ -f "$photo" ] || { step "no assessment photo at $photo"; exit 1; }
grep -q "$(sha256sum "$photo" | cut -d' ' -f1)" "$out/session.txt" ||
  { step "the assessment's findings do not cite the photo's SHA-256"; exit 1; }
step "passed: $(grep -c shot.recorded "$out/session.txt") shots journaled, verify intact"
