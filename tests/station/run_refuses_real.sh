#!/usr/bin/env bash
# `mesostation run` with a real-tagged scenario, on each kind of device (--sim, a serial port, TCP): exit 2,
# the sentence saying what to do, and nothing written (no journal, no key, no session).
# Usage: run_refuses_real.sh MESOSTATION SCENARIO_TAGGED_TEST WORK_DIR
set -euo pipefail
mesostation=$1 scenario=$2 work=$3
mkdir -p "$work"
real=$work/real_scenario.json
sed 's/"tag": "test"/"tag": "real"/' "$scenario" > "$real"
grep -q '"tag": "real"' "$real" || { echo "FAIL: could not tag $scenario real" >&2; exit 1; }
for device in "--sim" "--port /dev/null" "--tcp 127.0.0.1:9"; do
  db=$work/real.db
  rm -f "$db" "$db"-wal "$db"-shm "$db".key
  code=0
  # shellcheck disable=SC2086 # the device is two words on purpose
  "$mesostation" run --scenario "$real" $device --db "$db" > "$work/out" 2> "$work/err" || code=$?
  [ "$code" -eq 2 ] || { echo "FAIL ($device): exit $code, expected 2" >&2; cat "$work/err" >&2; exit 1; }
  grep -q 'never treats a real patient' "$work/err" &&
    grep -q 'Tag it "test" to run it here; real patients are treated at the console by a clinician' "$work/err" ||
    { echo "FAIL ($device): not the sentence:" >&2; cat "$work/err" >&2; exit 1; }
  for file in "$db" "$db"-wal "$db".key; do
    [ ! -e "$file" ] || { echo "FAIL ($device): $file was written" >&2; exit 1; }
  done
  echo "ok ($device): $(cat "$work/err")"
done
