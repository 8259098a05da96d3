#!/usr/bin/env bash
# `mesostation key export`, the auditor's trust anchor: it never creates a key, writes the public key as 64
# hex digits, prints the fingerprint (checked here against one computed by Python from the docs' rule), and
# refuses to overwrite another key unless --force. Then `mesoaudit verify` with that file exits 0, and 3
# (signer not established) without it.
# Usage: key_export.sh MESOSTATION MESOAUDIT SCENARIO WORK_DIR
set -euo pipefail
mesostation=$1 mesoaudit=$2 scenario=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
db=$work/station.db pub=$work/station.pub
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {  # CODE COMMAND...: runs it, stdout to $work/out, stderr to $work/err
  local want=$1 code=0
  shift
  "$@" > "$work/out" 2> "$work/err" || code=$?
  [ "$code" -eq "$want" ] || { cat "$work/out" "$work/err" >&2; fail "exit $code, expected $want: $*"; }
}
# SHA256: and the first 16 bytes of SHA-256(public key) in groups of 4 hex digits (docs/journal.md).
fingerprint_of() {
  python3 -c 'import hashlib,sys; h=hashlib.sha256(bytes.fromhex(open(sys.argv[1]).read().strip())).hexdigest()[:32]; print("SHA256:"+":".join(h[i:i+4] for i in range(0,32,4)))' "$1"
}

# No key yet: refused, and nothing is created (neither the key nor the output).
expect_exit 2 "$mesostation" key export --db "$db" --out "$pub"
grep -q "no station key at $db.key; nothing was written" "$work/err" || fail "not the sentence: $(cat "$work/err")"
[ ! -e "$db.key" ] && [ ! -e "$pub" ] || fail "a file was created"

# A station that has sealed a session (a test-tagged headless run).
expect_exit 0 "$mesostation" run --sim --scenario "$scenario" --db "$db"

expect_exit 0 "$mesostation" key export --db "$db" --out "$pub"
grep -Eqx '[0-9a-f]{64}' "$pub" || fail "$pub is not 64 hex digits: $(cat "$pub")"
want="fingerprint: $(fingerprint_of "$pub")"
grep -qx "$want" "$work/out" || fail "printed $(cat "$work/out"), expected $want"
expect_exit 0 "$mesostation" key export --key "$db.key" --out "$pub"
grep -q "already holds this station's public key" "$work/out" || fail "$(cat "$work/out")"

expect_exit 0 "$mesoaudit" --db "$db" verify --public-key "$pub"
expect_exit 3 "$mesoaudit" --db "$db" verify
grep -q "signer not established: compare the fingerprint $(fingerprint_of "$pub") with the station's" "$work/out" ||
  fail "$(cat "$work/out")"

# Another key at --out is kept unless --force.
other=$work/other.pub
printf '%064d\n' 7 > "$other"
expect_exit 2 "$mesostation" key export --db "$db" --out "$other"
grep -q "exists and holds another key" "$work/err" || fail "$(cat "$work/err")"
[ "$(cat "$other")" = "$(printf '%064d' 7)" ] || fail "$other was changed"
expect_exit 0 "$mesostation" key export --db "$db" --out "$other" --force
cmp -s "$other" "$pub" || fail "--force did not write the station's key"

# A key file others can read is refused, as the station refuses it.
chmod 644 "$db.key"
expect_exit 2 "$mesostation" key export --db "$db" --out "$work/third.pub"
grep -q "readable or writable by group or others" "$work/err" || fail "$(cat "$work/err")"
echo "ok: $want"
