#!/usr/bin/env bash
# `mesostation init` and `mesostation staff` as a clinic's administrator runs them from a script: passwords on
# standard input, refusals with exit 2 and a sentence, nothing written by a refused act.
# Usage: init_staff_cli.sh MESOSTATION WORK_DIR
set -euo pipefail
mesostation=$1 dir=$2
rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {  # expect CODE PATTERN -- command...: runs it, checks the exit code and that stderr+stdout match
  local code=$1 pattern=$2; shift 3
  set +e; out=$("$@" 2>&1); got=$?; set -e
  [ "$got" = "$code" ] || fail "exit $got (wanted $code) from: $* -- $out"
  grep -Eq -- "$pattern" <<<"$out" || fail "no /$pattern/ in the output of: $* -- $out"
}

expect 2 "at least 10 characters" -- sh -c "echo short | '$mesostation' init --db st.db --admin boss"
[ ! -e st.db ] && [ ! -e st.db.key ] || fail "a refused init wrote files"
expect 2 "must not contain the user's name" -- sh -c "echo boss-password-1 | '$mesostation' init --db st.db --admin boss"
expect 0 "fingerprint: +SHA256:" -- sh -c "echo Admin-secret-1 | '$mesostation' init --db st.db --admin boss"
[ "$(stat -c %a st.db.key)" = 600 ] || fail "the signing key is not 0600"
grep -Eq '^[0-9a-f]{64}$' st.db.pub || fail "st.db.pub is not a public key file"
expect 2 "exists already" -- sh -c "echo Admin-secret-1 | '$mesostation' init --db st.db --admin other"

expect 0 "added carla \(clinician\)" -- sh -c "printf 'Admin-secret-1\nWelcome-2026a\n' | '$mesostation' staff add carla --role clinician --reason 'new clinician' --db st.db --as boss"
expect 2 "taken" -- sh -c "printf 'Admin-secret-1\nAnother-pass-9\n' | '$mesostation' staff add carla --role qa --reason again --db st.db --as boss"
expect 2 "wrong user name or password" -- sh -c "printf 'not-the-password\n' | '$mesostation' staff list --db st.db --as boss"
expect 2 "must choose a new password first" -- sh -c "printf 'Welcome-2026a\n' | '$mesostation' staff list --db st.db --as carla"
expect 0 "password changed" -- sh -c "printf 'Welcome-2026a\nSunny-river-42\n' | '$mesostation' staff passwd --db st.db --as carla"
expect 2 "managed by an admin" -- sh -c "printf 'Sunny-river-42\n' | '$mesostation' staff list --db st.db --as carla"
expect 0 "carla +clinician +active" -- sh -c "printf 'Admin-secret-1\n' | '$mesostation' staff list --db st.db --as boss"
expect 0 "carla is now qa" -- sh -c "printf 'Admin-secret-1\n' | '$mesostation' staff set-role carla qa --reason 'moves to QA' --db st.db --as boss"
expect 0 "reset carla" -- sh -c "printf 'Admin-secret-1\nReset-pass-77\n' | '$mesostation' staff reset-password carla --reason forgot --db st.db --as boss"
expect 0 "disabled carla" -- sh -c "printf 'Admin-secret-1\n' | '$mesostation' staff disable carla --reason 'left the clinic' --db st.db --as boss"
expect 2 "disabled" -- sh -c "printf 'Reset-pass-77\n' | '$mesostation' staff list --db st.db --as carla"
expect 0 "staff.disabled +left the clinic" -- sh -c "printf 'Admin-secret-1\n' | '$mesostation' staff log --db st.db --as boss"
echo "init and staff: all checks passed"
