#!/usr/bin/env bash
# Idle CPU of the operator console (issue 6): `mesostation --demo` on a private Xvfb display, left untouched
# on its login screen; its CPU time (utime + stime of all its threads, /proc/PID/stat) over SECONDS of wall
# time, as a percentage of one core. docs/performance.md records the result.
# Usage: bench/console_idle_cpu.sh [MESOSTATION] [SECONDS]   (default build-release/station/mesostation, 20)
set -euo pipefail

bin=${1:-build-release/station/mesostation}
seconds=${2:-20}
[[ -x $bin ]] || { echo "console_idle_cpu: no executable $bin" >&2; exit 2; }

work=$(mktemp -d)
xvfb_pid=""
app_pid=""
cleanup() {  # without errexit: a killed child's status must not stop the cleanup before Xvfb goes
  set +e
  if [[ -n $app_pid ]]; then kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; fi
  if [[ -n $xvfb_pid ]]; then kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Xvfb picks a free display and writes its number once it accepts clients (-displayfd).
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 600); do [[ -s $work/display ]] && break; sleep 0.1; done
[[ -s $work/display ]] || { echo "console_idle_cpu: Xvfb gave no display:" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -1 "$work/display")"

"$bin" --demo --db "$work/idle.db" >"$work/console.log" 2>&1 &
app_pid=$!

# Wait for the login screen (the window's title says where the console is), then let it settle.
for _ in $(seq 300); do
  if xdotool search --name "MesoStation DEMO - login" >/dev/null 2>&1; then break; fi
  kill -0 "$app_pid" 2>/dev/null || { echo "console_idle_cpu: the console exited:" >&2; cat "$work/console.log" >&2; exit 1; }
  sleep 0.1
done
xdotool search --name "MesoStation DEMO - login" >/dev/null 2>&1 ||
  { echo "console_idle_cpu: no login window after 30 s" >&2; exit 1; }
sleep 3

ticks() {  # utime + stime (fields 14 and 15; the command name in field 2 has no spaces here)
  awk '{ print $14 + $15 }' "/proc/$app_pid/stat"
}
hz=$(getconf CLK_TCK)
threads=$(ls "/proc/$app_pid/task" | wc -l)
per_thread() {  # "tid name ticks" for every thread
  for t in /proc/"$app_pid"/task/*; do
    echo "${t##*/} $(tr ' ' '_' <"$t/comm") $(awk '{ print $14 + $15 }' "$t/stat")"
  done
}
per_thread >"$work/threads0"
t0=$(date +%s.%N)
c0=$(ticks)
sleep "$seconds"
c1=$(ticks)
t1=$(date +%s.%N)
per_thread >"$work/threads1"
kill -0 "$app_pid" 2>/dev/null || { echo "console_idle_cpu: the console exited while sampled" >&2; exit 1; }

awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" -v th="$threads" 'BEGIN {
  wall = t1 - t0; cpu = (c1 - c0) / hz;
  printf "idle on the login screen: %.3f s CPU over %.1f s wall = %.2f %% of one core (%d threads, CLK_TCK %d)\n",
         cpu, wall, 100 * cpu / wall, th, hz
}'
# Where it went, by thread (ticks of 1/CLK_TCK s over the interval), busiest first.
join <(sort "$work/threads0") <(sort "$work/threads1") | awk '{ d = $5 - $3; if (d > 0) print "  thread " $1 " " $2 ": " d " ticks" }' |
  sort -t: -k2 -n -r | head -12
