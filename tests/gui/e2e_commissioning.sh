#!/usr/bin/env bash
# A real station from zero, as a clinic would set it up, with no --demo and no demo data: `mesostation init`,
# the admin adds a clinician (command line) and an auditor (the console's Admin screen), imports a formulary
# and sets the limits (the station configuration file); the clinician logs in, chooses a password, treats a
# test-tagged patient on mesosim over a pty named in the configuration, and signs; the same with a
# real-tagged patient is refused at arm because the device is simulated; the auditor verifies the journal
# with the exported key (exit 0), and a copy re-signed with another key fails (exit 1).
# Usage: e2e_commissioning.sh MESOSTATION MESOAUDIT MESOSIM EXAMPLES_DIR OUT_DIR
set -euo pipefail
mesostation=$1 mesoaudit=$2 mesosim=$3 examples=$4 out=$5
mkdir -p "$out"
rm -rf "${out:?}"/*
db=$out/station.db
admin_pw=Clinic-admin-2026 carla_first=Welcome-2026a carla_pw=Sunny-river-42 ines_first=Audit-first-77
source "$(dirname "$0")/e2e_lib.sh"

step "commission the station: its journal, signing key and first administrator"
echo "$admin_pw" | "$mesostation" init --db "$db" --admin boss | tee "$out/init.txt"
fingerprint=$(sed -n 's/^ *fingerprint: *//p' "$out/init.txt")
[ -n "$fingerprint" ] || { step "init printed no fingerprint"; exit 1; }

step "the admin adds a clinician and imports the formulary (command line)"
printf '%s\n%s\n' "$admin_pw" "$carla_first" |
  "$mesostation" staff add carla --role clinician --reason "new clinician" --db "$db" --as boss
printf '%s\n' "$admin_pw" |
  "$mesostation" formulary import "$examples/formulary.json" --reason "first delivery" --db "$db" --as boss
printf '%s\n' "$admin_pw" | "$mesostation" formulary list --db "$db" --as boss | tee "$out/formulary.txt"

step "the limits (narrower than the defaults) and the configuration naming mesosim's pty and the camera"
cat >"$out/limits.json" <<'JSON'
{"session_volume_cap_nl": 4000000, "pen_speed_max_sps": 120}
JSON
"$mesosim" --camera-frames "$out/frames" --frames 3 --thin crown --no-handpiece >/dev/null
"$mesosim" --device mesogun --pty --link "$out/mesogun" --seed 5 >"$out/mesosim.log" 2>&1 &
e2e_pids="$e2e_pids $!"
for _ in $(seq 100); do [ -e "$out/mesogun" ] && break; sleep 0.1; done
cat >"$out/station.json" <<JSON
{
  // The e2e station: mesosim stands in for the mesogun, a folder of frames for the camera.
  "journal": {"db": "station.db"},
  "devices": {"mesogun": {"port": "$out/mesogun"}},
  "camera": {"source": "$out/frames"},
  "limits": "limits.json"
}
JSON

e2e_start_display
"$mesostation" --config "$out/station.json" --width 1280 --height 720 2>"$out/console.err" & app=$!
wait_title "login" 60
xdotool mousemove 640 60  # no window manager: the pointer gives the window the keyboard
# A pause after each Tab, as a person makes: Dear ImGui 1.86 handles a frame's keys and characters
# together, so a character sent right after a Tab may be lost while the focus moves (a login so typed failed
# as "wrong password" one run in three here).
next_field() { xdotool key Tab; sleep 0.2; }
login() { xdotool type --delay 30 "$1"; next_field; xdotool type --delay 30 "$2"; xdotool key Return; }

step "the admin adds an auditor on the Admin screen"
login boss "$admin_pw"
wait_title "patients" 60
xdotool key F7; wait_title "admin" 30
xdotool type --delay 30 ines; next_field; xdotool type --delay 30 "$ines_first"; next_field
xdotool key F3  # the auditor role
xdotool type --delay 30 "external audit"; xdotool key Return
sleep 2; snap 1-admin
xdotool key Escape; wait_title "patients" 10
xdotool key F12; wait_title "login" 10

step "the clinician's first login: a password of her own first"
login carla "$carla_first"
wait_title "change password" 60; snap 2-change-password
xdotool type --delay 30 "$carla_first"; next_field; xdotool type --delay 30 "$carla_pw"; next_field
xdotool type --delay 30 "$carla_pw"; xdotool key Return
wait_title "patients" 60

# One session up to arming: open (test-tagged with F4), screening (patch test negative, consent), assessment,
# zones and plan from the camera, accept, start, arm.
to_arm() {
  xdotool type --delay 30 "$1"; [ "$2" = test ] && xdotool key F4
  xdotool key F2; wait_title "screening - screening"
  xdotool key p c F2; wait_title "assessment - assessment"
  xdotool key F2; wait_title "planning - planning"
  xdotool key F3; wait_title "planning - zones" 120
  xdotool key F4; wait_title "planning - zones - preview" 120
  xdotool key F2; wait_title " - ready"
  xdotool key F2; wait_title "treatment - treating"
  xdotool key a
}

step "a test-tagged patient on the simulated mesogun: arm, three fires, finish, sign"
to_arm P-TEST-0001 test
wait_title "armed" 30; snap 3-armed
for _ in 1 2 3; do xdotool key f; sleep 1; done
xdotool key F2; wait_title "post-care" 30
xdotool type --delay 30 "$carla_pw"; xdotool key Return
wait_title "closed - closed" 60; snap 4-closed
xdotool key F2; wait_title "patients" 10

step "a real-tagged patient: arming the simulated mesogun is refused"
to_arm P-REAL-0001 real
sleep 3
grep -q armed <<<"$(xdotool search --name '^MesoStation' getwindowname)" && { step "a real session armed a simulator"; exit 1; }
snap 5-refused
xdotool key F2; wait_title "post-care" 30
xdotool type --delay 30 "$carla_pw"; xdotool key Return
wait_title "closed - closed" 60
kill "$app"; wait "$app" 2>/dev/null || true; app=

step "the demo never opens this journal"
set +e
"$mesostation" --demo --db "$db" --width 640 --height 360 2>"$out/demo-refused.txt"
code=$?
set -e
[ "$code" = 2 ] && grep -q "the demo never opens it" "$out/demo-refused.txt" ||
  { step "--demo on a real journal gave exit $code: $(cat "$out/demo-refused.txt")"; exit 1; }

step "the journal: what the auditor sees"
"$mesostation" key export --db "$db" --out "$out/station.pub" | tee "$out/export.txt"
grep -qF "$fingerprint" "$out/export.txt" || { step "key export's fingerprint is not init's"; exit 1; }
"$mesoaudit" --db "$db" show 1 >"$out/test-session.txt"
for kind in session.started shot.recorded lot.used; do
  grep -q "$kind" "$out/test-session.txt" || { step "the test session lacks $kind"; exit 1; }
done
grep -q '"tag": *"test"\|tag test\|\btest\b' "$out/test-session.txt" || { step "session 1 is not test-tagged"; exit 1; }
"$mesoaudit" --db "$db" show 2 >"$out/real-session.txt"
grep -q "cannot treat a real patient" "$out/real-session.txt" ||
  { step "the real session's journal lacks the refusal"; exit 1; }
"$mesoaudit" --db "$db" verify --public-key "$out/station.pub" | tee "$out/verify.txt"

step "a copy re-signed with another key (openssl Ed25519) fails against the station's key"
cp "$db" "$out/resigned.db"
python3 "$(dirname "$0")/resign_seals.py" "$out/resigned.db" "$out/attacker.pem"
set +e
"$mesoaudit" --db "$out/resigned.db" verify --public-key "$out/station.pub" >"$out/verify-resigned.txt" 2>&1
code=$?
set -e
cat "$out/verify-resigned.txt" >&2
[ "$code" = 1 ] || { step "the re-signed copy gave exit $code, not 1"; exit 1; }
grep -q "unexpected_key" "$out/verify-resigned.txt" || { step "the re-signed copy's failure names no key"; exit 1; }
step "passed: commissioned, staffed, a test session treated and signed, a real one refused at arm, audited"
