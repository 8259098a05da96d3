#!/usr/bin/env bash
# An exported session checked by a third party with the station's public key alone (issue 18): a test
# station's headless session exported as JSON, then check_export.py (written from docs/journal.md alone) on
# it: exit 0; on five altered copies (a payload_text changed, a node of an inclusion path flipped, the
# checkpoint note's root line changed, the last event left out, the session row's patient changed) and with
# another station's key: exit 1, naming what does not hold; on a missing file: exit 2. Skipped (77) without an openssl that does raw Ed25519 (OpenSSL 3).
# Usage: export_check.sh MESOSTATION MESOAUDIT SCENARIO CHECKER WORK_DIR
set -euo pipefail
mesostation=$1 mesoaudit=$2 scenario=$3 checker=$4 work=$5
if ! command -v openssl > /dev/null || ! openssl pkeyutl -help 2>&1 | grep -q -- -rawin; then
  echo "SKIP: no openssl with pkeyutl -rawin (OpenSSL 3) to check Ed25519 signatures"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
db=$work/j.db pub=$work/j.pub export=$work/s1.json
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {  # CODE COMMAND...: runs it, stdout to $work/out, stderr to $work/err
  local want=$1 code=0
  shift
  "$@" > "$work/out" 2> "$work/err" || code=$?
  [ "$code" -eq "$want" ] || { cat "$work/out" "$work/err" >&2; fail "exit $code, expected $want: $*"; }
}
check() {  # CODE EXPORT KEY PATTERN: the checker exits CODE and its output matches PATTERN
  expect_exit "$1" python3 "$checker" "$2" "$3"
  grep -Eq "$4" "$work/out" "$work/err" || { cat "$work/out" "$work/err" >&2; fail "no /$4/ from $2"; }
  echo "exit $1 as expected: $(cat "$work/out" "$work/err")"
}
# alter IN OUT PYTHON: OUT is IN with the Python statement applied to `d` (the export, parsed)
alter() {
  python3 - "$1" "$2" "$3" << 'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
EOF
}

expect_exit 0 "$mesostation" run --sim --scenario "$scenario" --db "$db"
expect_exit 0 "$mesostation" key export --db "$db" --out "$pub"
expect_exit 0 "$mesoaudit" --db "$db" export 1 --format json --out "$export"

# The export as written: everything holds.
check 0 "$export" "$pub" '^ok: session 1, [0-9]+ events, .*; sealed: all of its events'

# A payload_text changed (one digit of the first payload holding one): its event's hash no longer holds.
alter "$export" "$work/payload.json" '
import re
e = next(e for e in d["events"] if re.search("[0-9]", e["payload_text"]))
e["payload_text"] = re.sub("[0-9]", lambda m: str((int(m.group()) + 1) % 10), e["payload_text"], count=1)
print("seq", e["seq"], "payload_text now", e["payload_text"][:80])'
seq=$(python3 -c 'import json,re,sys; print(next(e["seq"] for e in json.load(open(sys.argv[1]))["events"] if re.search("[0-9]", e["payload_text"])))' "$export")
check 1 "$work/payload.json" "$pub" "^FAILED: session 1, seq $seq: the event's fields hash to"

# A node of an inclusion path flipped (the last bit of the first node of the first non-empty path).
alter "$export" "$work/path.json" '
p = next(p for p in d["log"]["events"] if p["path"])
n = p["path"][0]
p["path"][0] = n[:-1] + format(int(n[-1], 16) ^ 1, "x")
print("seq", p["seq"], "path[0] now", p["path"][0])'
seq=$(python3 -c 'import json,sys; print(next(p["seq"] for p in json.load(open(sys.argv[1]))["log"]["events"] if p["path"]))' "$export")
check 1 "$work/path.json" "$pub" "^FAILED: session 1, seq $seq: the inclusion path of leaf [0-9]+ gives root"

# The note's root line changed (to the SHA-256 of the root it had): the station's signature no longer holds.
alter "$export" "$work/root.json" '
import base64, hashlib
lines = d["log"]["checkpoint"].split("\n")
lines[2] = base64.b64encode(hashlib.sha256(base64.b64decode(lines[2])).digest()).decode()
d["log"]["checkpoint"] = "\n".join(lines)
print("root line now", lines[2])'
check 1 "$work/root.json" "$pub" '^FAILED: checkpoint: the signature by mesostation\.local/[0-9a-f]{32} does not verify'

# The last event left out, with its proof: each event left still proves, but the seal counts one more.
alter "$export" "$work/tail.json" '
gone = d["events"].pop()
d["log"]["events"] = [p for p in d["log"]["events"] if p["seq"] != gone["seq"]]
print("left out seq", gone["seq"], gone["kind"])'
check 1 "$work/tail.json" "$pub" '^FAILED: session 1: the seal counts [0-9]+ events, the export holds [0-9]+$'

# The export's session row names another patient: the hashed header (seq 1) still names the first.
alter "$export" "$work/patient.json" 'd["session"]["patient"] = "P-QA-9999"'
check 1 "$work/patient.json" "$pub" '^FAILED: session 1, seq 1: session.patient is "P-QA-9999", the signed header says'

# Another station's key: the note is not signed by it.
openssl genpkey -algorithm ed25519 -out "$work/other.pem"
openssl pkey -in "$work/other.pem" -pubout -outform DER | tail -c 32 | od -An -v -tx1 | tr -d ' \n' > "$work/other.pub"
grep -Eqx '[0-9a-f]{64}' "$work/other.pub" || fail "other.pub: $(cat "$work/other.pub")"
check 1 "$export" "$work/other.pub" '^FAILED: checkpoint: no signature by the station.s key'

# Unreadable input: exit 2.
check 2 "$work/missing.json" "$pub" '^unreadable: cannot read the export'
echo "ok: the export checks with the station's key alone, and each alteration fails"
