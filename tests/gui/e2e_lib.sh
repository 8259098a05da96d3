# What the console's end-to-end scripts share (sourced, not run): a virtual display, steps logged to
# $out/log, waiting on the window title (which names the screen and the station's state, so nothing depends
# on pixel positions or fixed sleeps), and screenshots. The caller sets `out` and starts the console as
# `app`; `e2e_pids` holds other processes to stop at the end.
for tool in Xvfb xdotool import; do
  command -v $tool >/dev/null || { echo "e2e: missing $tool (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
app= xvfb= e2e_pids=
# Every kill may find its process gone already (the console that died is why we are here): under set -e a
# failed kill would end this trap early and leave Xvfb running, holding its display for the next run.
e2e_cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; fi
  for pid in $e2e_pids; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; fi
}
trap e2e_cleanup EXIT

# Xvfb picks a free display itself and writes its number once it accepts clients (-displayfd): no race
# with another display for the number, and no fixed wait that a loaded machine outlasts.
e2e_start_display() {
  rm -f "$out/display"
  Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3>"$out/display" >"$out/xvfb.log" 2>&1 &
  xvfb=$!
  for _ in $(seq 600); do
    [ -s "$out/display" ] && break
    kill -0 $xvfb 2>/dev/null || { echo "e2e: Xvfb exited:" >&2; cat "$out/xvfb.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$out/display" ] || { echo "e2e: Xvfb gave no display in 60 s" >&2; exit 1; }
  export DISPLAY=:$(head -1 "$out/display")
  # A client must get in before the console tries: a stray X server left on the same number by an earlier
  # run is named here, not as the console's "no display".
  for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "e2e: Xvfb announced $DISPLAY but it takes no client; a stray X server? (pgrep -a Xvfb)" >&2
  exit 1
}

title=
step() { echo "e2e: $*" | tee -a "$out/log" >&2; }
# Waits for the window title to match a regex (extended); fails the test after `secs` seconds.
wait_title() {
  local pattern=$1 secs=${2:-60}
  for _ in $(seq $((secs * 10))); do
    title=$(xdotool search --name "^MesoStation" getwindowname 2>/dev/null | head -1 || true)
    if grep -Eq -- "$pattern" <<<"$title"; then step "title: $title"; return 0; fi
    kill -0 "$app" 2>/dev/null || { step "the console exited; stderr:"; cat "$out/console.err" >&2; exit 1; }
    sleep 0.1
  done
  step "TIMEOUT after ${secs}s waiting for /$pattern/ (title: $title)"
  exit 1
}
snap() { import -window root "$out/$1.png"; }
