#!/usr/bin/env python3
"""Checks a session exported by `mesoaudit export ID --format json` with the station's public key alone, as a
third party would: the signed checkpoint in the export's `log`, each event's hash recomputed from its exported
fields, each event's inclusion in the checkpointed tree, and the session's seal (which alone shows that the
export holds all of a sealed session's events).

Written from docs/journal.md alone ("Event hash", "The station's log (schema 6)", "mesoaudit": "Checking an
exported session without the database"): it imports nothing of ours and reads none of our C++. Python's
standard library does the hashing; `openssl pkeyutl` (OpenSSL 3) checks the Ed25519 signature.

Usage: check_export.py EXPORT.json STATION.pub      (STATION.pub: the key's 64 hex digits)
Exit:  0 everything holds (one line saying what was checked)
       1 something does not (the first thing that does not is named)
       2 the input cannot be read: a missing file, not JSON, not an export, a malformed key file, no openssl
"""
import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

ORIGIN_PREFIX = "mesostation.local/"
# The DER of an Ed25519 SubjectPublicKeyInfo, less its last 32 bytes (the key) (RFC 8410).
SPKI_ED25519_PREFIX = bytes.fromhex("302a300506032b6570032100")
EM_DASH = "\u2014"


class Unreadable(Exception):
    """exit 2: the input is not something this checker can read"""


class Failed(Exception):
    """exit 1: the input was read, and something in it does not hold"""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# ---------------------------------------------------------------------------------------------------------
# Reading the inputs

def read_public_key(path: str) -> bytes:
    """64 hex digits, whitespace around them allowed (docs/journal.md, "The key")."""
    try:
        with open(path, "rb") as f:
            raw = f.read(4097)
    except OSError as e:
        raise Unreadable(f"cannot read the public key file {path}: {e.strerror}")
    if len(raw) > 4096:
        raise Unreadable(f"{path} is over 4096 bytes: not a public key file")
    try:
        text = raw.decode("ascii").strip(" \t\r\n")
    except UnicodeDecodeError:
        raise Unreadable(f"{path} is not a public key file (not ASCII)")
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise Unreadable(f"{path} does not hold exactly 64 hex digits")
    return bytes.fromhex(text)


def read_export(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise Unreadable(f"cannot read the export {path}: {e.strerror}")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Unreadable(f"{path} is not JSON: {e}")
    if not isinstance(doc, dict):
        raise Unreadable(f"{path} is not a mesoaudit JSON export (not a JSON object)")
    return doc


def field(obj, key: str, kind, where: str, nullable: bool = False):
    if not isinstance(obj, dict) or key not in obj:
        raise Unreadable(f"not a mesoaudit JSON export: {where} has no `{key}`")
    value = obj[key]
    if value is None and nullable:
        return None
    # bool is an int in Python; no field read here is a boolean.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Unreadable(f"not a mesoaudit JSON export: {where}.{key} is {json.dumps(value)[:40]}")
    return value


def hex_bytes(obj, key: str, length: int, where: str) -> bytes:
    text = field(obj, key, str, where)
    if not re.fullmatch(r"[0-9a-fA-F]*", text) or len(text) != 2 * length:
        raise Unreadable(f"not a mesoaudit JSON export: {where}.{key} is not {length} bytes of hex")
    return bytes.fromhex(text)


def u64(obj, key: str, where: str, signed: bool = False, nullable: bool = False) -> int:
    value = field(obj, key, int, where, nullable)
    if value is None:
        return 0
    low = -(1 << 63) if signed else 0
    high = (1 << 63) - 1 if signed else (1 << 64) - 1
    if not low <= value <= high:
        raise Unreadable(f"not a mesoaudit JSON export: {where}.{key} = {value} is out of range")
    return value


# ---------------------------------------------------------------------------------------------------------
# Ed25519 with openssl

def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    pem = (b"-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(SPKI_ED25519_PREFIX + public_key) +
           b"\n-----END PUBLIC KEY-----\n")
    with tempfile.TemporaryDirectory(prefix="check_export.") as tmp:
        paths = {}
        for name, data in (("key.pem", pem), ("msg", message), ("sig", signature)):
            paths[name] = os.path.join(tmp, name)
            with open(paths[name], "wb") as f:
                f.write(data)
        run = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"], "-rawin",
                              "-in", paths["msg"], "-sigfile", paths["sig"]], capture_output=True)
    out = run.stdout.decode(errors="replace")
    if run.returncode == 0 and "Signature Verified Successfully" in out:
        return True
    if "Signature Verification Failure" in out:
        return False
    raise Unreadable("openssl could not check an Ed25519 signature: " +
                     (run.stderr.decode(errors="replace").strip().splitlines() or ["(no message)"])[0])


# ---------------------------------------------------------------------------------------------------------
# The checkpoint: a C2SP signed note around a C2SP tlog-checkpoint body

def log_origin(public_key: bytes) -> str:
    """mesostation.local/ and the 16 bytes of the key's fingerprint (the first 16 of SHA-256(key)), hex."""
    return ORIGIN_PREFIX + sha256(public_key)[:16].hex()


def note_key_id(name: str, public_key: bytes) -> bytes:
    return sha256(name.encode() + b"\x0a" + b"\x01" + public_key)[:4]


def open_checkpoint(note: str, public_key: bytes):
    """Opens the note with the station's key; returns (origin, size, root, body)."""
    origin = log_origin(public_key)
    key_id = note_key_id(origin, public_key)
    # The signatures follow the body's last line and one empty line; the body ends in "\n" and holds no
    # empty line itself, so the last "\n\n" splits them.
    split = note.rfind("\n\n")
    if split < 0:
        raise Failed("checkpoint: not a signed note (no empty line before the signatures)")
    body, signatures = note[:split + 1], note[split + 2:]
    if not signatures.endswith("\n"):
        raise Failed("checkpoint: the signature lines do not end with a newline")
    verified = False
    others = []
    for line in signatures[:-1].split("\n"):
        m = re.fullmatch(EM_DASH + r" (\S+) (\S+)", line)
        if not m:
            raise Failed(f"checkpoint: not a signature line: {line!r}")
        name, b64 = m.groups()
        try:
            sig = base64.b64decode(b64, validate=True)
        except ValueError:
            raise Failed(f"checkpoint: the signature of {name} is not base64")
        if len(sig) < 5:
            raise Failed(f"checkpoint: the signature of {name} is too short")
        if name != origin or sig[:4] != key_id:
            others.append(f"{name} (key ID {sig[:4].hex()})")
            continue
        if len(sig) != 4 + 64:
            raise Failed(f"checkpoint: the station's signature is {len(sig) - 4} bytes, not 64")
        if not ed25519_verify(public_key, body.encode("utf-8"), sig[4:]):
            raise Failed(f"checkpoint: the signature by {origin} does not verify with the station's key")
        verified = True
    if not verified:
        raise Failed(f"checkpoint: no signature by the station's key ({origin}, key ID {key_id.hex()}); "
                     f"signed by {', '.join(others) or 'nobody'}")

    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise Failed("checkpoint: the body has fewer than three lines (origin, size, root)")
    note_origin, size_text, root_text = lines[0], lines[1], lines[2]
    if note_origin != origin:
        raise Failed(f"checkpoint: origin {note_origin!r}, but the station's key gives {origin!r}")
    if not re.fullmatch(r"0|[1-9][0-9]*", size_text):
        raise Failed(f"checkpoint: the tree size {size_text!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError:
        raise Failed(f"checkpoint: the root {root_text!r} is not base64")
    if len(root) != 32 or base64.b64encode(root).decode() != root_text:
        raise Failed(f"checkpoint: the root {root_text!r} is not 32 bytes in padded standard base64")
    return note_origin, int(size_text), root, lines


# ---------------------------------------------------------------------------------------------------------
# Event hashes (docs/journal.md, "Event hash")

def u64be(value: int) -> bytes:
    return struct.pack(">Q", value & 0xFFFFFFFFFFFFFFFF)


def str_field(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def genesis(session: int) -> bytes:
    return sha256(b"meso.journal.genesis.v1" + u64be(session))


def event_hash(session: int, seq: int, utc: str, mono_ns: int, user_id: int, role: str, tag: str, kind: str,
               corrects: int, payload: str, prev_hash: bytes) -> bytes:
    record = (b"MJE1" + u64be(session) + u64be(seq) + str_field(utc) + u64be(mono_ns) + u64be(user_id) +
              str_field(role) + str_field(tag) + str_field(kind) + u64be(corrects) + str_field(payload) +
              prev_hash)
    return sha256(b"\x00" + record)


# ---------------------------------------------------------------------------------------------------------
# Inclusion (RFC 9162 section 2.1.3.2)

def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list) -> bytes | None:
    """The root `path` gives `leaf` at `index` in a tree of `size`, or None when the path cannot be one."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None  # the path is longer than the tree is deep
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None  # the path is shorter than the tree is deep
    return r


# ---------------------------------------------------------------------------------------------------------

def check(export_path: str, key_path: str) -> str:
    public_key = read_public_key(key_path)
    doc = read_export(export_path)
    if shutil.which("openssl") is None:
        raise Unreadable("openssl is not on PATH: the checkpoint's Ed25519 signature cannot be checked")

    session_obj = field(doc, "session", dict, "the export")
    session = u64(session_obj, "id", "session")
    session_tag = field(session_obj, "tag", str, "session")
    events = field(doc, "events", list, "the export")
    log = field(doc, "log", dict, "the export", nullable=True)
    if log is None:
        raise Failed(f"session {session}: the export carries no log (no checkpoint yet): nothing proves it")

    # (1) The checkpoint, opened with the station's key alone.
    note = field(log, "checkpoint", str, "log")
    origin, size, root, _ = open_checkpoint(note, public_key)
    # The export repeats what the note says; an export that says otherwise is not what was signed.
    if hex_bytes(log, "public_key", 32, "log") != public_key:
        raise Failed("log.public_key is not the station's key")
    if u64(log, "tree_size", "log") != size:
        raise Failed(f"log.tree_size is {log['tree_size']}, the signed checkpoint says {size}")
    if hex_bytes(log, "root", 32, "log") != root:
        raise Failed(f"log.root is {log['root']}, the signed checkpoint says {root.hex()}")

    proofs = {}
    for i, p in enumerate(field(log, "events", list, "log")):
        where = f"log.events[{i}]"
        seq = u64(p, "seq", where)
        if seq in proofs:
            raise Failed(f"{where}: a second proof for seq {seq}")
        path = field(p, "path", list, where)
        nodes = []
        for j, h in enumerate(path):
            if not isinstance(h, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", h):
                raise Unreadable(f"not a mesoaudit JSON export: {where}.path[{j}] is not 32 bytes of hex")
            nodes.append(bytes.fromhex(h))
        proofs[seq] = (u64(p, "index", where), hex_bytes(p, "leaf", 32, where), nodes)

    if not events:
        raise Failed(f"session {session}: the export holds no events")
    prev = genesis(session)
    seen_indexes = {}
    for i, e in enumerate(events):
        where = f"events[{i}]"
        seq = u64(e, "seq", where)
        if seq != i + 1:
            raise Failed(f"session {session}: {where} is seq {seq}, expected {i + 1} (seqs start at 1, gapless)")
        at = f"session {session}, seq {seq}"
        tag = field(e, "tag", str, where)
        if tag != session_tag:
            raise Failed(f"{at}: tag {tag!r}, the session's is {session_tag!r}")
        prev_hash = hex_bytes(e, "prev_hash", 32, where)
        if prev_hash != prev:
            raise Failed(f"{at}: prev_hash is not the previous event's hash" +
                         (" (the genesis)" if seq == 1 else ""))
        # (2) The hash recomputed from the exported fields, with the payload's bytes as stored.
        computed = event_hash(session, seq, field(e, "utc", str, where), u64(e, "mono_ns", where, signed=True),
                              u64(e, "user_id", where), field(e, "role", str, where), tag,
                              field(e, "kind", str, where), u64(e, "corrects", where, nullable=True),
                              field(e, "payload_text", str, where), prev_hash)
        if computed != hex_bytes(e, "hash", 32, where):
            raise Failed(f"{at}: the event's fields hash to {computed.hex()}, not its hash {e['hash']}")
        # `payload` is "the same parsed, for reading": a reader shown it must see what was hashed.
        try:
            hashed_payload = json.loads(e["payload_text"])
        except json.JSONDecodeError:
            raise Failed(f"{at}: payload_text is not JSON")
        if "payload" not in e:
            raise Unreadable(f"not a mesoaudit JSON export: {where} has no `payload`")
        if not same_json(e["payload"], hashed_payload):
            raise Failed(f"{at}: payload is not payload_text parsed")
        if seq == 1:
            check_header(at, e, hashed_payload, session_obj)
        # (3) and (4): the leaf, and its inclusion in the signed tree.
        if seq not in proofs:
            raise Failed(f"{at}: no inclusion proof in log.events (written after the export's checkpoint? "
                         f"log.unproven says {log.get('unproven')})")
        index, leaf, path = proofs.pop(seq)
        if leaf != computed:
            raise Failed(f"{at}: log leaf {leaf.hex()} is not the event's hash {computed.hex()}")
        if index in seen_indexes:
            raise Failed(f"{at}: leaf index {index} is also seq {seen_indexes[index]}'s")
        seen_indexes[index] = seq
        if index >= size:
            raise Failed(f"{at}: leaf index {index} is outside the checkpoint's tree of {size}")
        got = root_from_inclusion(index, size, leaf, path)
        if got is None:
            raise Failed(f"{at}: an inclusion path of {len(path)} nodes cannot be one for leaf {index} of {size}")
        if got != root:
            raise Failed(f"{at}: the inclusion path of leaf {index} gives root {got.hex()}, "
                         f"not the checkpoint's {root.hex()}")
        prev = computed
    if proofs:
        raise Failed(f"session {session}: log.events proves seq {min(proofs)}, which the export does not hold")

    # (5) The seal: steps (1) to (4) prove that each exported event is in the station's log, not that the
    # export holds all of the session's events (a copy with its last events left out passes them). The seal
    # counts the events and signs their root (docs/journal.md, "Seal"), so a sealed session's export is
    # whole only if its seal holds too.
    hashes = [bytes.fromhex(e["hash"]) for e in events]
    sealed = check_seal(doc, session, session_obj, hashes, public_key)
    return (f"ok: session {session}, {len(events)} events, each hash recomputed and included in the "
            f"checkpoint {origin} of {size} leaves, root {root.hex()}, signed by the station's key; " +
            ("sealed: all of its events, the seal signed by the station's key" if sealed else
             "not sealed: the session may hold events after these"))


def same_json(a, b) -> bool:
    """JSON equality: 3 is not "3", nor 3.0, nor true."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def check_header(at: str, event: dict, payload, session_obj: dict) -> None:
    """The export's `session` fields are not hashed; seq 1 (`session.opened`) is, and carries the patient, the
    tag, the plan and the open time (docs/journal.md, "Session header" and "The header"). What the export
    says of the session must be what its hashed header says."""
    if event["kind"] != "session.opened" or not isinstance(payload, dict):
        raise Failed(f"{at}: the first event is {event['kind']!r}, not the session.opened header")
    for key in ("patient_id", "patient", "tag", "plan_id"):
        if key in session_obj and not same_json(session_obj[key], payload.get(key)):
            raise Failed(f"{at}: session.{key} is {json.dumps(session_obj[key])}, the signed header says "
                         f"{json.dumps(payload.get(key))}")
    if session_obj.get("opened_utc") != event["utc"]:
        raise Failed(f"{at}: session.opened_utc is {session_obj.get('opened_utc')!r}, the header's utc "
                     f"{event['utc']!r}")


def fingerprint(public_key: bytes) -> str:
    h = sha256(public_key)[:16].hex()
    return "SHA256:" + ":".join(h[i:i + 4] for i in range(0, 32, 4))


def merkle_root(hashes: list) -> bytes:
    """MTH over leaf hashes (RFC 6962 section 2.1; the event hashes are already leaf hashes)."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(merkle_root(hashes[:k]), merkle_root(hashes[k:]))


def check_seal(doc: dict, session: int, session_obj: dict, hashes: list, public_key: bytes) -> bool:
    seal = field(doc, "seal", dict, "the export", nullable=True)
    state = field(session_obj, "state", str, "session")
    if seal is None:
        if state != "open":
            raise Failed(f"session {session}: state {state!r}, but the export carries no seal")
        return False
    if state != "sealed":
        raise Failed(f"session {session}: state {state!r}, but the export carries a seal")
    count = u64(seal, "event_count", "seal")
    if count != len(hashes):
        raise Failed(f"session {session}: the seal counts {count} events, the export holds {len(hashes)}")
    root = merkle_root(hashes)
    if hex_bytes(seal, "merkle_root", 32, "seal") != root:
        raise Failed(f"session {session}: the seal's root is not the root of the exported events' hashes "
                     f"({root.hex()})")
    if hex_bytes(seal, "public_key", 32, "seal") != public_key:
        raise Failed(f"session {session}: the seal names another key than the station's")
    sealed_utc = field(seal, "sealed_utc", str, "seal")
    message = b"MJS1" + u64be(session) + u64be(count) + root + str_field(sealed_utc)
    if not ed25519_verify(public_key, message, hex_bytes(seal, "signature", 64, "seal")):
        raise Failed(f"session {session}: the seal's signature does not verify with the station's key")
    # The fingerprints an export shows for the seal's key (docs/journal.md, "mesoaudit") are the station's.
    for name, value in (("seal_key_fingerprint", doc.get("seal_key_fingerprint")),
                        ("seal.key_fingerprint", seal.get("key_fingerprint"))):
        if value != fingerprint(public_key):
            raise Failed(f"{name} is {value!r}, the station's key is {fingerprint(public_key)}")
    closed = field(session_obj, "closed_utc", str, "session", nullable=True)
    if closed != sealed_utc:
        raise Failed(f"session {session}: closed_utc {closed!r} is not the seal's signed time {sealed_utc!r}")
    return True


def main(argv: list) -> int:
    if len(argv) != 3:
        print("usage: check_export.py EXPORT.json STATION.pub", file=sys.stderr)
        return 2
    try:
        print(check(argv[1], argv[2]))
        return 0
    except Failed as e:
        print(f"FAILED: {e}")
        return 1
    except Unreadable as e:
        print(f"unreadable: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
