#!/usr/bin/env python3
"""mesopeer: an independent implementation of the MesoStation device protocols.

Written from docs/protocol.md alone (Part A, the mesogun binary link protocol, and
Part B, the NMEA-framed pen protocol), with the Python standard library only and
without reference to the C++ library. It produces and checks the golden vectors in
protocols/vectors.

Commands:
  generate OUT_DIR            write OUT_DIR/mesogun.json and OUT_DIR/pen.json
  check VECTORS_DIR           the codec's own spec cases, then decode and re-encode
                              every vector independently and check it against the
                              spec's rules for handshake and reliable frames
  verify-committed VECTORS_DIR
                              regenerate into a temporary directory and compare
                              byte for byte with the committed files
  device-checks MESOSIM_PATH  drive `MESOSIM_PATH --device mesogun --pty` as an outside
                              host and check its behaviour against the spec (mesopeer_live.py)
  probe-checks MESOSTATION_PATH
                              play a mesogun, then a pen, on a pty against
                              `MESOSTATION_PATH probe` and check what it sends (mesopeer_live.py)
"""

import json
import os
import struct
import sys
import tempfile

# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class ProtocolError(Exception):
    """A frame or sentence the spec says to discard; args[0] is the spec's error name."""


# ---------------------------------------------------------------------------
# CRC-32C, bit at a time, exactly as the pseudo-code in A.2
# ---------------------------------------------------------------------------


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283, "CRC-32C check value (A.2)"

# ---------------------------------------------------------------------------
# COBS (A.1)
# ---------------------------------------------------------------------------


def cobs_encode(data):
    """Canonical COBS: one block per zero, the last block carries the bytes after the last zero."""
    out = bytearray()
    block = bytearray()
    for b in data:
        if b == 0:
            out.append(len(block) + 1)
            out += block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out.append(0xFF)
                out += block
                block = bytearray()
    out.append(len(block) + 1)
    out += block
    return bytes(out)


def cobs_decode(body):
    if len(body) == 0:
        raise ProtocolError("empty")
    out = bytearray()
    i = 0
    while i < len(body):
        code = body[i]
        if code == 0:
            raise ProtocolError("cobs_invalid")
        end = i + code
        if end > len(body):
            raise ProtocolError("cobs_invalid")  # a code byte that runs past the end (A.1, 4)
        block = body[i + 1:end]
        if 0 in block:
            raise ProtocolError("cobs_invalid")
        out += block
        i = end
        if code != 0xFF and i < len(body):
            out.append(0)
    return bytes(out)


assert cobs_encode(bytes.fromhex("11220033")) == bytes.fromhex("0311220233"), "COBS example (A.1)"

# ---------------------------------------------------------------------------
# Mesogun message definitions (A.3, A.4)
# ---------------------------------------------------------------------------

MODES = {1: "single", 2: "continuous", 3: "nappage"}
STATES = {0: "idle", 1: "configured", 2: "armed", 3: "fault", 4: "estopped"}
ALARM_CODES = {
    1: "occlusion",
    2: "low_reservoir",
    3: "over_pressure",
    4: "needle_jam",
    5: "trigger_stuck",
    6: "over_temperature",
    7: "internal_fault",
}
PRIORITIES = {1: "low", 2: "medium", 3: "high"}
ERROR_REASONS = {
    1: "unknown_type",
    2: "bad_payload",
    3: "not_configured",
    4: "not_armed",
    5: "depth_out_of_range",
    6: "dose_out_of_range",
    7: "rate_out_of_range",
    8: "mode_unsupported",
    9: "lease_out_of_range",
    10: "reservoir_empty",
    11: "alarm_active",
    12: "estopped",
    13: "busy",
    14: "unsupported_version",
}
NAK_REASONS = {1: "corrupted_frame", 2: "sequence_gap"}

# Field kinds: ("u8"|"u16"|"u32"|"i16"|"bool"|"text16"|("enum", table))
U8, U16, U32, I16, BOOL, TEXT16 = "u8", "u16", "u32", "i16", "bool", "text16"

RECORD_FIELDS = [
    ("shot_counter", U32),
    ("command_id", U32),
    ("depth_um", U16),
    ("dose_nl", U32),
    ("device_time_ms", U32),
]

# type value -> (name, field list or None for SHOT_RECORDS)
MESSAGE_TYPES = {
    0x01: ("HELLO", [("protocol_version", U8), ("hello_nonce", U32)]),
    0x02: (
        "IDENTITY",
        [
            ("hello_nonce", U32),
            ("protocol_version", U8),
            ("model", TEXT16),
            ("serial_number", TEXT16),
            ("firmware_major", U8),
            ("firmware_minor", U8),
            ("firmware_patch", U8),
            ("boot_id", U32),
            ("shot_counter", U32),
            ("depth_min_um", U16),
            ("depth_max_um", U16),
            ("depth_step_um", U16),
            ("dose_min_nl", U32),
            ("dose_max_nl", U32),
            ("dose_step_nl", U32),
            ("max_shot_rate_mhz", U32),
            ("syringe_volume_ul", U32),
            ("modes", U8),
        ],
    ),
    0x10: (
        "CONFIGURE",
        [("depth_um", U16), ("dose_nl", U32), ("mode", ("enum", MODES)), ("rate_mhz", U32)],
    ),
    0x11: ("ARM", [("lease_ms", U16)]),
    0x12: ("DISARM", []),
    0x13: ("FIRE", [("command_id", U32)]),
    0x14: ("ESTOP", []),
    0x15: ("QUERY_SHOTS", [("from_counter", U32), ("max_records", U8)]),
    0x20: ("SHOT", RECORD_FIELDS),
    0x21: (
        "STATUS",
        [
            ("device_time_ms", U32),
            ("state", ("enum", STATES)),
            ("shot_counter", U32),
            ("reservoir_nl", U32),
            ("line_pressure_mbar", U16),
            ("battery_pct", U8),
            ("temperature_dc", I16),
            ("depth_actual_um", U16),
            ("trigger_pressed", BOOL),
            ("active_alarms", U8),
        ],
    ),
    0x22: (
        "ALARM",
        [
            ("code", ("enum", ALARM_CODES)),
            ("priority", ("enum", PRIORITIES)),
            ("active", BOOL),
            ("device_time_ms", U32),
        ],
    ),
    0x23: ("SHOT_RECORDS", None),
    0x24: (
        "ERROR",
        [("refused_seq", U16), ("refused_type", U8), ("reason", ("enum", ERROR_REASONS))],
    ),
    0x30: ("HEARTBEAT", [("uptime_ms", U32)]),
    0x31: ("ACK", []),
    0x32: ("NAK", [("reason", ("enum", NAK_REASONS))]),
}
TYPE_BY_NAME = {name: value for value, (name, _) in MESSAGE_TYPES.items()}

PAYLOAD_LENGTHS = {
    "HELLO": 5,
    "IDENTITY": 75,
    "CONFIGURE": 11,
    "ARM": 2,
    "DISARM": 0,
    "FIRE": 4,
    "ESTOP": 0,
    "QUERY_SHOTS": 5,
    "SHOT": 18,
    "STATUS": 22,
    "ALARM": 7,
    "ERROR": 4,
    "HEARTBEAT": 4,
    "ACK": 0,
    "NAK": 1,
}
MAX_RECORDS = 12

# Frame sizes (A.1, A.2): payload 0..240, decoded frame 10..250, encoded body 11..251 (plus the 0x00).
MAX_PAYLOAD = 240
MIN_DECODED = 10
MAX_DECODED = 250
MAX_ENCODED_BODY = 251

# A.3: the reliable types; HELLO and IDENTITY are handshake frames (seq 0, ack 0, A.5).
RELIABLE_TYPES = {"CONFIGURE", "ARM", "DISARM", "FIRE", "ESTOP", "QUERY_SHOTS", "SHOT", "ALARM", "SHOT_RECORDS", "ERROR"}
HANDSHAKE_TYPES = {"HELLO", "IDENTITY"}
ESTOP_TYPE = 0x14


def _field_size(kind):
    if isinstance(kind, tuple):
        return 1
    return {U8: 1, U16: 2, U32: 4, I16: 2, BOOL: 1, TEXT16: 16}[kind]


# The field tables above must add up to the payload sizes of A.3.
for _value, (_name, _fields) in MESSAGE_TYPES.items():
    if _fields is not None:
        assert sum(_field_size(k) for _, k in _fields) == PAYLOAD_LENGTHS[_name], _name
assert sum(_field_size(k) for _, k in RECORD_FIELDS) == 18


def _unpack_field(kind, data, off):
    if isinstance(kind, tuple):
        raw = data[off]
        table = kind[1]
        if raw not in table:
            raise ProtocolError("bad_field")
        return table[raw], off + 1
    if kind == U8:
        return data[off], off + 1
    if kind == U16:
        return struct.unpack_from("<H", data, off)[0], off + 2
    if kind == U32:
        return struct.unpack_from("<I", data, off)[0], off + 4
    if kind == I16:
        return struct.unpack_from("<h", data, off)[0], off + 2
    if kind == BOOL:
        raw = data[off]
        if raw not in (0, 1):
            raise ProtocolError("bad_field")
        return raw == 1, off + 1
    if kind == TEXT16:
        raw = data[off:off + 16]
        text = bytearray()
        ended = False
        for b in raw:
            if ended:
                if b != 0:
                    raise ProtocolError("bad_field")
            elif b == 0:
                ended = True
            elif 0x20 <= b <= 0x7E:
                text.append(b)
            else:
                raise ProtocolError("bad_field")
        return text.decode("ascii"), off + 16
    raise AssertionError(kind)


def _check_int(value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ProtocolError("bad_field")


def _pack_field(kind, value):
    if isinstance(kind, tuple):
        table = kind[1]
        for raw, name in table.items():
            if name == value:
                return bytes([raw])
        raise ProtocolError("bad_field")
    if kind == U8:
        _check_int(value, 0, 0xFF)
        return struct.pack("<B", value)
    if kind == U16:
        _check_int(value, 0, 0xFFFF)
        return struct.pack("<H", value)
    if kind == U32:
        _check_int(value, 0, 0xFFFFFFFF)
        return struct.pack("<I", value)
    if kind == I16:
        _check_int(value, -0x8000, 0x7FFF)
        return struct.pack("<h", value)
    if kind == BOOL:
        if not isinstance(value, bool):
            raise ProtocolError("bad_field")
        return bytes([1 if value else 0])
    if kind == TEXT16:
        if not isinstance(value, str) or len(value) > 16:
            raise ProtocolError("bad_field")
        if any(not 0x20 <= ord(c) <= 0x7E for c in value):
            raise ProtocolError("bad_field")
        return value.encode("ascii").ljust(16, b"\x00")
    raise AssertionError(kind)


# A.4 IDENTITY, byte 74: bits 0 to 2 the modes, bits 3 to 6 MUST be 0, bit 7 the capability bit `simulated`.
# In JSON the byte is two members, `modes` (bits 0 to 2) and `simulated` (bit 7, a boolean).
SIMULATED_BIT = 0x80
MODE_BITS = 0x07


def _validate_rules(name, msg):
    """Field rules stated in the descriptions of A.4 (beyond the plain type ranges)."""
    if name == "IDENTITY":
        if msg["modes"] & ~MODE_BITS:
            raise ProtocolError("bad_field")  # in JSON, modes holds bits 0 to 2 only
        if not isinstance(msg.get("simulated"), bool):
            raise ProtocolError("bad_field")  # required, true or false
    if name == "FIRE" and msg["command_id"] == 0:
        raise ProtocolError("bad_field")  # MUST NOT be 0
    if name == "SHOT" and msg["shot_counter"] == 0:
        raise ProtocolError("bad_field")  # MUST NOT be 0
    if name == "STATUS":
        if msg["active_alarms"] & 0x80:
            raise ProtocolError("bad_field")  # bit 7 MUST be 0
        if msg["battery_pct"] > 100:
            raise ProtocolError("bad_field")  # 0 to 100
    if name == "SHOT_RECORDS":
        counters = [r["shot_counter"] for r in msg["records"]]
        if any(c == 0 for c in counters):
            raise ProtocolError("bad_field")
        if any(b <= a for a, b in zip(counters, counters[1:])):
            raise ProtocolError("bad_field")  # strictly ascending


def _decode_fields(fields, payload, off):
    out = {}
    for fname, kind in fields:
        out[fname], off = _unpack_field(kind, payload, off)
    return out, off


def _encode_fields(fields, msg):
    out = bytearray()
    for fname, kind in fields:
        if fname not in msg:
            raise ProtocolError("bad_field")
        out += _pack_field(kind, msg[fname])
    return bytes(out)


def decode_mesogun_payload(name, payload):
    if name == "SHOT_RECORDS":
        if len(payload) < 9:
            raise ProtocolError("bad_length")
        count = payload[8]
        if len(payload) != 9 + 18 * count:
            raise ProtocolError("bad_length")
        if count > MAX_RECORDS:
            raise ProtocolError("bad_field")
        oldest, latest = struct.unpack_from("<II", payload, 0)
        records = []
        off = 9
        for _ in range(count):
            rec, off = _decode_fields(RECORD_FIELDS, payload, off)
            records.append(rec)
        msg = {"oldest_counter": oldest, "latest_counter": latest, "records": records}
    else:
        if len(payload) != PAYLOAD_LENGTHS[name]:
            raise ProtocolError("bad_length")
        msg, off = _decode_fields(MESSAGE_TYPES[TYPE_BY_NAME[name]][1], payload, 0)
        assert off == len(payload)
        if name == "IDENTITY":
            byte = msg["modes"]
            if byte & ~(MODE_BITS | SIMULATED_BIT):
                raise ProtocolError("bad_field")  # bits 3 to 6 MUST be 0
            msg["modes"] = byte & MODE_BITS
            msg["simulated"] = bool(byte & SIMULATED_BIT)
    _validate_rules(name, msg)
    return msg


def encode_mesogun_payload(name, msg):
    _validate_rules(name, msg)
    if name == "SHOT_RECORDS":
        records = msg["records"]
        if len(records) > MAX_RECORDS:
            raise ProtocolError("bad_field")
        out = bytearray()
        out += _pack_field(U32, msg["oldest_counter"])
        out += _pack_field(U32, msg["latest_counter"])
        out.append(len(records))
        for rec in records:
            out += _encode_fields(RECORD_FIELDS, rec)
        return bytes(out)
    if name == "IDENTITY":
        wire = dict(msg)
        wire["modes"] = msg["modes"] | (SIMULATED_BIT if msg["simulated"] else 0)
        return _encode_fields(MESSAGE_TYPES[TYPE_BY_NAME[name]][1], wire)
    return _encode_fields(MESSAGE_TYPES[TYPE_BY_NAME[name]][1], msg)


def decode_mesogun_frame(frame):
    """Checks of A.2, in order; returns the JSON form of the message."""
    if len(frame) < MIN_DECODED:
        raise ProtocolError("too_short")
    if len(frame) > MAX_DECODED:
        raise ProtocolError("too_long")
    (crc,) = struct.unpack_from("<I", frame, len(frame) - 4)
    if crc != crc32c(frame[:-4]):
        raise ProtocolError("bad_crc")
    version, mtype, seq, ack = struct.unpack_from("<BBHH", frame, 0)
    if version != 1:
        raise ProtocolError("bad_version")
    if mtype not in MESSAGE_TYPES:
        raise ProtocolError("unknown_type")
    name = MESSAGE_TYPES[mtype][0]
    fields = decode_mesogun_payload(name, frame[6:-4])
    msg = {"type": name, "seq": seq, "ack": ack}
    msg.update(fields)
    return msg


def decode_mesogun_wire(wire):
    """One wire frame: COBS body plus the single 0x00 delimiter."""
    if len(wire) == 0 or wire[-1] != 0:
        raise ProtocolError("no_delimiter")
    body = wire[:-1]
    if 0 in body:
        raise ProtocolError("embedded_delimiter")
    if len(body) > MAX_ENCODED_BODY:
        raise ProtocolError("too_long")  # A.1, 3: checked before decoding
    return decode_mesogun_frame(cobs_decode(body))


def encode_mesogun_frame(msg):
    name = msg["type"]
    if name not in TYPE_BY_NAME:
        raise ProtocolError("unknown_type")
    payload = encode_mesogun_payload(name, msg)
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError("too_long")
    _check_int(msg["seq"], 0, 0xFFFF)
    _check_int(msg["ack"], 0, 0xFFFF)
    return raw_mesogun_frame(1, TYPE_BY_NAME[name], msg["seq"], msg["ack"], payload)


def raw_mesogun_frame(version, mtype, seq, ack, payload, crc_xor=0):
    """A decoded frame from raw parts, any version or type; crc_xor != 0 spoils the CRC on purpose."""
    frame = struct.pack("<BBHH", version, mtype, seq, ack) + bytes(payload)
    return frame + struct.pack("<I", crc32c(frame) ^ crc_xor)


def wire_from_frame(frame):
    """COBS body plus the 0x00 delimiter (A.1)."""
    body = cobs_encode(frame)
    if len(body) > MAX_ENCODED_BODY:
        raise ProtocolError("too_long")
    return body + b"\x00"


def encode_mesogun_wire(msg):
    return wire_from_frame(encode_mesogun_frame(msg))


def is_handshake_error(msg):
    """ERROR unsupported_version answering a HELLO: a handshake frame (A.4 ERROR, A.6)."""
    return msg["type"] == "ERROR" and msg["reason"] == "unsupported_version"


def is_reliable(msg):
    return msg["type"] in RELIABLE_TYPES and not is_handshake_error(msg)


def mesogun_vector_problems(msg):
    """Rules of A.4-A.6 that a vector (a frame some peer may send) must follow beyond its codec."""
    problems = []
    if msg["type"] in HANDSHAKE_TYPES or is_handshake_error(msg):
        if msg["seq"] != 0 or msg["ack"] != 0:
            problems.append("a handshake frame carries seq 0 and ack 0 (A.5, A.6)")
    elif msg["type"] in RELIABLE_TYPES and msg["seq"] == 0:
        problems.append("seq 0 is never used for a reliable frame (A.5)")
    if is_handshake_error(msg) and (msg["refused_seq"] != 0 or msg["refused_type"] != TYPE_BY_NAME["HELLO"]):
        problems.append("ERROR unsupported_version names refused_seq 0 and refused_type 0x01 (A.6)")
    if msg["type"] in ("HELLO", "IDENTITY") and msg["protocol_version"] != 1:
        problems.append("a version-1 peer speaks protocol_version 1")
    return problems


# The worked example of A.8.
_A8 = {"type": "FIRE", "seq": 7, "ack": 3, "command_id": 42}
assert encode_mesogun_frame(_A8) == bytes.fromhex("0113070003002a0000000a8ecc14"), "A.8 decoded"
assert encode_mesogun_wire(_A8) == bytes.fromhex("040113070203022a0101050a8ecc1400"), "A.8 wire"

# ---------------------------------------------------------------------------
# Pen protocol (Part B)
# ---------------------------------------------------------------------------

PEN_HOST_KINDS = ["IDQ", "DEP", "SPD", "RUN", "STP", "STQ"]
PEN_STATES = ["IDLE", "RUNNING", "FAULT"]
PEN_NAK_REASONS = ["RANGE", "STATE", "ALARM", "SYNTAX", "LEASE"]
PEN_ALARM_CODES = ["MOTOR_STALL", "OVER_TEMPERATURE", "LOW_BATTERY", "CARTRIDGE_MISSING", "INTERNAL"]
PEN_PRIORITIES = ["LOW", "MEDIUM", "HIGH"]

TEXT, TOKEN = "text", "token"

PEN_KINDS = {
    "IDQ": [],
    "DEP": [("depth_um", U16)],
    "SPD": [("speed_sps", U16)],
    "RUN": [("lease_ms", U16)],
    "STP": [],
    "STQ": [],
    "IDR": [
        ("model", TEXT),
        ("firmware", TEXT),
        ("serial_number", TEXT),
        ("protocol_version", U8),
        ("depth_min_um", U16),
        ("depth_max_um", U16),
        ("depth_step_um", U16),
        ("speed_min_sps", U16),
        ("speed_max_sps", U16),
        ("simulated", BOOL),
    ],
    "ACK": [("command", (TOKEN, PEN_HOST_KINDS))],
    "NAK": [("command", (TOKEN, PEN_HOST_KINDS)), ("reason", (TOKEN, PEN_NAK_REASONS))],
    "STA": [
        ("state", (TOKEN, PEN_STATES)),
        ("depth_um", U16),
        ("speed_sps", U16),
        ("stamps_total", U32),
        ("battery_pct", U8),
        ("temperature_dc", I16),
        ("lease_left_ms", U16),
    ],
    "ALM": [
        ("code", (TOKEN, PEN_ALARM_CODES)),
        ("priority", (TOKEN, PEN_PRIORITIES)),
        ("active", BOOL),
    ],
}
PEN_RANGES = {U8: (0, 0xFF), U16: (0, 0xFFFF), U32: (0, 0xFFFFFFFF), I16: (-0x8000, 0x7FFF)}
NMEA_RESERVED = set("$*,!\\^~")
MAX_SENTENCE = 82


def nmea_checksum(data):
    x = 0
    for b in data:
        x ^= b
    return x


def _parse_pen_int(kind, text):
    lo, hi = PEN_RANGES[kind]
    digits = text[1:] if (kind == I16 and text.startswith("-")) else text
    if digits == "" or any(c not in "0123456789" for c in digits):
        raise ProtocolError("bad_field")
    if len(digits) > 1 and digits[0] == "0":
        raise ProtocolError("bad_field")  # no leading zeros
    if text == "-0":
        raise ProtocolError("bad_field")
    value = int(text)
    if not lo <= value <= hi:
        raise ProtocolError("bad_field")
    return value


def _valid_pen_text(text):
    return (
        isinstance(text, str)
        and len(text) <= 16
        and all(0x20 <= ord(c) <= 0x7E and c not in NMEA_RESERVED for c in text)
    )


def _parse_pen_field(kind, text):
    if isinstance(kind, tuple):
        if text not in kind[1]:
            raise ProtocolError("bad_field")
        return text
    if kind == BOOL:
        if text not in ("0", "1"):
            raise ProtocolError("bad_field")
        return text == "1"
    if kind == TEXT:
        if not _valid_pen_text(text):
            raise ProtocolError("bad_field")
        return text
    return _parse_pen_int(kind, text)


def _format_pen_field(kind, value):
    if isinstance(kind, tuple):
        if value not in kind[1]:
            raise ProtocolError("bad_field")
        return value
    if kind == BOOL:
        if not isinstance(value, bool):
            raise ProtocolError("bad_field")
        return "1" if value else "0"
    if kind == TEXT:
        if not _valid_pen_text(value):
            raise ProtocolError("bad_field")
        return value
    lo, hi = PEN_RANGES[kind]
    _check_int(value, lo, hi)
    return str(value)


def _validate_pen_rules(kind, msg):
    if kind == "STA" and msg["battery_pct"] > 100:
        raise ProtocolError("bad_field")  # 0..100


def decode_pen_sentence(raw):
    """One whole sentence, from $ to \\n inclusive, as bytes."""
    if len(raw) > MAX_SENTENCE:
        raise ProtocolError("too_long")
    if not raw.startswith(b"$"):
        raise ProtocolError("garbage")
    if not raw.endswith(b"\n"):
        raise ProtocolError("truncated")
    if not raw.endswith(b"\r\n"):
        raise ProtocolError("bad_terminator")
    inner = raw[1:-2]
    star = inner.rfind(b"*")
    if star < 0 or len(inner) - star - 1 != 2:
        raise ProtocolError("bad_checksum")
    data, hh = inner[:star], inner[star + 1:]
    try:
        hh_text = hh.decode("ascii")
        if any(c not in "0123456789abcdefABCDEF" for c in hh_text):
            raise ValueError
        declared = int(hh_text, 16)
    except ValueError:
        raise ProtocolError("bad_checksum") from None
    if declared != nmea_checksum(data):
        raise ProtocolError("bad_checksum")
    if any(not 0x20 <= b <= 0x7E or b in b"$*" for b in data):
        raise ProtocolError("bad_syntax")
    text = data.decode("ascii")
    if not text.startswith("PMSN,"):
        raise ProtocolError("bad_syntax")
    parts = text.split(",")[1:]
    kind = parts[0]
    if kind not in PEN_KINDS:
        raise ProtocolError("unknown_kind")
    fields = PEN_KINDS[kind]
    values = parts[1:]
    # B.3: an IDR of nine fields comes from a pen older than `simulated`; it reads as not simulated.
    legacy_idr = kind == "IDR" and len(values) == len(fields) - 1
    if len(values) != len(fields) and not legacy_idr:
        raise ProtocolError("bad_field")
    msg = {"type": kind}
    for (fname, fkind), value in zip(fields, values):
        msg[fname] = _parse_pen_field(fkind, value)
    if legacy_idr:
        msg["simulated"] = False
    _validate_pen_rules(kind, msg)
    return msg


def encode_pen_sentence(msg):
    kind = msg["type"]
    if kind not in PEN_KINDS:
        raise ProtocolError("unknown_kind")
    _validate_pen_rules(kind, msg)
    parts = ["PMSN", kind]
    for fname, fkind in PEN_KINDS[kind]:
        if fname not in msg:
            raise ProtocolError("bad_field")
        parts.append(_format_pen_field(fkind, msg[fname]))
    data = ",".join(parts).encode("ascii")
    sentence = b"$" + data + b"*" + ("%02X" % nmea_checksum(data)).encode("ascii") + b"\r\n"
    if len(sentence) > MAX_SENTENCE:
        raise ProtocolError("too_long")
    return sentence


# ---------------------------------------------------------------------------
# The vectors
# ---------------------------------------------------------------------------


def _m(name, mtype, seq, ack, **fields):
    msg = {"type": mtype, "seq": seq, "ack": ack}
    msg.update(fields)
    return name, msg


def _rec(shot_counter, command_id, depth_um, dose_nl, device_time_ms):
    return {
        "shot_counter": shot_counter,
        "command_id": command_id,
        "depth_um": depth_um,
        "dose_nl": dose_nl,
        "device_time_ms": device_time_ms,
    }


def _identity(name, model, serial, **overrides):
    fields = dict(
        hello_nonce=0x5EED1234,
        protocol_version=1,
        model=model,
        serial_number=serial,
        firmware_major=2,
        firmware_minor=4,
        firmware_patch=1,
        boot_id=0x0000A3F1,
        shot_counter=10482,
        depth_min_um=1000,
        depth_max_um=4000,
        depth_step_um=100,
        dose_min_nl=10000,
        dose_max_nl=50000,
        dose_step_nl=1000,
        max_shot_rate_mhz=9000,
        syringe_volume_ul=2000,
        modes=7,
        simulated=False,
    )
    fields.update(overrides)
    return _m(name, "IDENTITY", 0, 0, **fields)


def _twelve_records():
    return [
        _rec(20001 + i, 900 + i if i % 3 == 0 else 0, 2000 + 100 * (i % 4), 20000 + 1000 * i, 3600000 + 111 * i)
        for i in range(12)
    ]


def mesogun_vectors():
    return [
        # A.8, verbatim.
        _m("spec_example_fire", "FIRE", 7, 3, command_id=42),
        # Handshake.
        _m("hello", "HELLO", 0, 0, protocol_version=1, hello_nonce=0x5EED1234),
        _m("hello_nonce_max", "HELLO", 0, 0, protocol_version=1, hello_nonce=0xFFFFFFFF),
        _identity("identity", "MesoGun M2", "MG2-240117-0042"),
        _identity(
            "identity_model_16_chars",
            "MesoGun M2 Pro X",
            "SN0123456789ABCD",
            boot_id=0xFFFFFFFF,
            shot_counter=0xFFFFFFFE,
            max_shot_rate_mhz=12000,
            syringe_volume_ul=5000,
        ),
        _identity(
            "identity_empty_strings",
            "",
            "",
            hello_nonce=1,
            firmware_major=0,
            firmware_minor=0,
            firmware_patch=0,
            boot_id=0,
            shot_counter=0,
            modes=1,
        ),
        # A.4: a simulator sets bit 7 of byte 74 (0x87 on the wire, modes 7 and simulated true in JSON).
        _identity("identity_simulated", "MesoGun SIM", "SIM-MG-000001", simulated=True),
        _identity("identity_simulated_single_mode", "Bench rig", "RIG-7", modes=1, simulated=True),
        # Configuration: all three modes.
        _m("configure_single", "CONFIGURE", 1, 0, depth_um=1500, dose_nl=20000, mode="single", rate_mhz=0),
        _m(
            "configure_continuous",
            "CONFIGURE",
            2,
            1,
            depth_um=2500,
            dose_nl=30000,
            mode="continuous",
            rate_mhz=4000,
        ),
        _m("configure_nappage", "CONFIGURE", 3, 2, depth_um=1000, dose_nl=10000, mode="nappage", rate_mhz=9000),
        # Arming.
        _m("arm_lease_150", "ARM", 4, 3, lease_ms=150),
        # A.4: "Any lease_ms is well formed; the device refuses one outside 150 to 5000 with
        # lease_out_of_range (not bad_payload)": a lease just below the range is a valid frame.
        _m("arm_lease_149", "ARM", 5, 3, lease_ms=149),
        _m("disarm", "DISARM", 9, 6),
        # Host-commanded shots.
        _m("fire", "FIRE", 5, 3, command_id=1001),
        _m("fire_command_id_max", "FIRE", 6, 4, command_id=0xFFFFFFFF),
        _m("fire_seq_65535", "FIRE", 65535, 65534, command_id=5001),
        _m("fire_seq_wrapped_to_1", "FIRE", 1, 65535, command_id=5002),
        # A frame whose payload is mostly zero bytes.
        _m("fire_payload_with_zero_bytes", "FIRE", 256, 0, command_id=0x01000000),
        _m("estop", "ESTOP", 10, 7),
        _m("query_shots", "QUERY_SHOTS", 11, 8, from_counter=10470, max_records=12),
        _m("query_shots_from_1", "QUERY_SHOTS", 12, 8, from_counter=1, max_records=255),
        # Shots.
        _m(
            "shot_from_fire",
            "SHOT",
            4,
            5,
            shot_counter=10483,
            command_id=1001,
            depth_um=1500,
            dose_nl=19950,
            device_time_ms=1834567,
        ),
        _m(
            "shot_from_trigger",
            "SHOT",
            5,
            5,
            shot_counter=10484,
            command_id=0,
            depth_um=2500,
            dose_nl=30020,
            device_time_ms=1834900,
        ),
        _m(
            "shot_values_max",
            "SHOT",
            65535,
            65535,
            shot_counter=0xFFFFFFFF,
            command_id=0xFFFFFFFF,
            depth_um=0xFFFF,
            dose_nl=0xFFFFFFFF,
            device_time_ms=0xFFFFFFFF,
        ),
        # Telemetry.
        _m(
            "status_armed",
            "STATUS",
            5,
            4,
            device_time_ms=1834000,
            state="armed",
            shot_counter=10482,
            reservoir_nl=1480000,
            line_pressure_mbar=1250,
            battery_pct=87,
            temperature_dc=312,
            depth_actual_um=1500,
            trigger_pressed=True,
            active_alarms=0,
        ),
        _m(
            "status_idle_cold",
            "STATUS",
            0,
            0,
            device_time_ms=1200,
            state="idle",
            shot_counter=0,
            reservoir_nl=0,
            line_pressure_mbar=0,
            battery_pct=100,
            temperature_dc=-45,
            depth_actual_um=1000,
            trigger_pressed=False,
            active_alarms=0,
        ),
        _m(
            "status_configured",
            "STATUS",
            3,
            3,
            device_time_ms=900000,
            state="configured",
            shot_counter=10482,
            reservoir_nl=1500000,
            line_pressure_mbar=980,
            battery_pct=64,
            temperature_dc=298,
            depth_actual_um=2500,
            trigger_pressed=False,
            active_alarms=0,
        ),
        _m(
            "status_fault",
            "STATUS",
            7,
            6,
            device_time_ms=2000000,
            state="fault",
            shot_counter=10490,
            reservoir_nl=150000,
            line_pressure_mbar=4100,
            battery_pct=41,
            temperature_dc=-32768,
            depth_actual_um=4000,
            trigger_pressed=False,
            active_alarms=0x7F,
        ),
        _m(
            "status_estopped",
            "STATUS",
            10,
            10,
            device_time_ms=0xFFFFFFFF,
            state="estopped",
            shot_counter=0xFFFFFFFF,
            reservoir_nl=0xFFFFFFFF,
            line_pressure_mbar=0xFFFF,
            battery_pct=0,
            temperature_dc=32767,
            depth_actual_um=0xFFFF,
            trigger_pressed=True,
            active_alarms=0x05,
        ),
        # Alarms.
        _m(
            "alarm_occlusion_raised",
            "ALARM",
            6,
            5,
            code="occlusion",
            priority="high",
            active=True,
            device_time_ms=1835000,
        ),
        _m(
            "alarm_occlusion_cleared",
            "ALARM",
            7,
            5,
            code="occlusion",
            priority="high",
            active=False,
            device_time_ms=1839000,
        ),
        _m(
            "alarm_low_reservoir",
            "ALARM",
            8,
            5,
            code="low_reservoir",
            priority="medium",
            active=True,
            device_time_ms=1840000,
        ),
        _m(
            "alarm_internal_fault_low",
            "ALARM",
            9,
            5,
            code="internal_fault",
            priority="low",
            active=True,
            device_time_ms=0,
        ),
        # Every other alarm code.
        _m(
            "alarm_over_pressure",
            "ALARM",
            10,
            5,
            code="over_pressure",
            priority="high",
            active=True,
            device_time_ms=1841000,
        ),
        _m("alarm_needle_jam", "ALARM", 11, 5, code="needle_jam", priority="high", active=True, device_time_ms=1842000),
        _m(
            "alarm_trigger_stuck",
            "ALARM",
            12,
            5,
            code="trigger_stuck",
            priority="medium",
            active=True,
            device_time_ms=1843000,
        ),
        _m(
            "alarm_over_temperature",
            "ALARM",
            13,
            5,
            code="over_temperature",
            priority="high",
            active=False,
            device_time_ms=1844000,
        ),
        # Shot records: empty, two, the maximum of twelve.
        _m("shot_records_empty", "SHOT_RECORDS", 1, 1, oldest_counter=0, latest_counter=0, records=[]),
        _m(
            "shot_records_two",
            "SHOT_RECORDS",
            2,
            2,
            oldest_counter=10227,
            latest_counter=10484,
            records=[
                _rec(10483, 1001, 1500, 19950, 1834567),
                _rec(10484, 0, 2500, 30020, 1834900),
            ],
        ),
        _m(
            "shot_records_twelve",
            "SHOT_RECORDS",
            3,
            3,
            oldest_counter=19745,
            latest_counter=20020,
            records=_twelve_records(),
        ),
        # Refusals.
        _m("error_not_armed", "ERROR", 11, 5, refused_seq=5, refused_type=0x13, reason="not_armed"),
        _m("error_unknown_type", "ERROR", 12, 6, refused_seq=6, refused_type=0x7F, reason="unknown_type"),
        _m(
            "error_unsupported_version",
            "ERROR",
            0,
            0,
            refused_seq=0,
            refused_type=0x01,
            reason="unsupported_version",
        ),
        _m("error_depth_out_of_range", "ERROR", 1, 1, refused_seq=1, refused_type=0x10, reason="depth_out_of_range"),
        # Every other refusal reason, each with a command that could draw it.
        _m("error_bad_payload", "ERROR", 13, 7, refused_seq=7, refused_type=0x10, reason="bad_payload"),
        _m("error_not_configured", "ERROR", 14, 8, refused_seq=8, refused_type=0x11, reason="not_configured"),
        _m("error_dose_out_of_range", "ERROR", 15, 9, refused_seq=9, refused_type=0x10, reason="dose_out_of_range"),
        _m("error_rate_out_of_range", "ERROR", 16, 10, refused_seq=10, refused_type=0x10, reason="rate_out_of_range"),
        _m("error_mode_unsupported", "ERROR", 17, 11, refused_seq=11, refused_type=0x10, reason="mode_unsupported"),
        _m(
            "error_lease_out_of_range",
            "ERROR",
            18,
            12,
            refused_seq=12,
            refused_type=0x11,
            reason="lease_out_of_range",
        ),
        _m("error_reservoir_empty", "ERROR", 19, 13, refused_seq=13, refused_type=0x13, reason="reservoir_empty"),
        _m("error_alarm_active", "ERROR", 20, 14, refused_seq=14, refused_type=0x11, reason="alarm_active"),
        _m("error_estopped", "ERROR", 21, 15, refused_seq=15, refused_type=0x11, reason="estopped"),
        _m("error_busy", "ERROR", 22, 16, refused_seq=16, refused_type=0x13, reason="busy"),
        # Liveness and link control.
        _m("heartbeat", "HEARTBEAT", 5, 4, uptime_ms=1834050),
        _m("heartbeat_uptime_max", "HEARTBEAT", 65535, 65535, uptime_ms=0xFFFFFFFF),
        _m("ack", "ACK", 4, 5),
        _m("ack_zero", "ACK", 0, 0),
        _m("nak_corrupted_frame", "NAK", 4, 3, reason="corrupted_frame"),
        _m("nak_sequence_gap", "NAK", 5, 3, reason="sequence_gap"),
    ]


def _p(name, kind, **fields):
    msg = {"type": kind}
    msg.update(fields)
    return name, msg


def pen_vectors():
    return [
        _p("idq", "IDQ"),
        _p(
            "idr",
            "IDR",
            model="DermaPen X4",
            firmware="1.8.2",
            serial_number="DPX4-23-00917",
            protocol_version=1,
            depth_min_um=250,
            depth_max_um=2500,
            depth_step_um=250,
            speed_min_sps=50,
            speed_max_sps=150,
            simulated=False,
        ),
        # B.3: a simulator says so in the tenth field.
        _p(
            "idr_simulated",
            "IDR",
            model="MesoPen SIM",
            firmware="1.0.0",
            serial_number="SIM-PEN-000001",
            protocol_version=1,
            depth_min_um=250,
            depth_max_um=2500,
            depth_step_um=250,
            speed_min_sps=50,
            speed_max_sps=150,
            simulated=True,
        ),
        # 82 bytes exactly, the longest sentence allowed.
        _p(
            "idr_max_length",
            "IDR",
            model="MicroPen Pro 16C",
            firmware="10.22.333",
            serial_number="MP16-2024-000001",
            protocol_version=1,
            depth_min_um=250,
            depth_max_um=2500,
            depth_step_um=250,
            speed_min_sps=50,
            speed_max_sps=150,
            simulated=False,
        ),
        _p(
            "idr_empty_texts",
            "IDR",
            model="",
            firmware="",
            serial_number="",
            protocol_version=1,
            depth_min_um=0,
            depth_max_um=65535,
            depth_step_um=1,
            speed_min_sps=0,
            speed_max_sps=65535,
            simulated=False,
        ),
        _p("dep", "DEP", depth_um=1500),
        _p("dep_min", "DEP", depth_um=250),
        _p("dep_max", "DEP", depth_um=2500),
        _p("spd", "SPD", speed_sps=120),
        _p("spd_min", "SPD", speed_sps=50),
        _p("run_lease_150", "RUN", lease_ms=150),
        # B.4: a lease outside 150..5000 is refused with NAK,RUN,LEASE (not SYNTAX): a valid sentence.
        _p("run_lease_149", "RUN", lease_ms=149),
        _p("stp", "STP"),
        _p("stq", "STQ"),
        _p("ack_idq", "ACK", command="IDQ"),
        _p("ack_dep", "ACK", command="DEP"),
        _p("ack_spd", "ACK", command="SPD"),
        _p("ack_stq", "ACK", command="STQ"),
        _p("ack_run", "ACK", command="RUN"),
        _p("ack_stp", "ACK", command="STP"),
        _p("nak_dep_range", "NAK", command="DEP", reason="RANGE"),
        _p("nak_dep_state", "NAK", command="DEP", reason="STATE"),
        _p("nak_run_alarm", "NAK", command="RUN", reason="ALARM"),
        _p("nak_spd_syntax", "NAK", command="SPD", reason="SYNTAX"),
        _p("nak_run_lease", "NAK", command="RUN", reason="LEASE"),
        _p(
            "sta_running",
            "STA",
            state="RUNNING",
            depth_um=1500,
            speed_sps=120,
            stamps_total=48213,
            battery_pct=76,
            temperature_dc=334,
            lease_left_ms=112,
        ),
        _p(
            "sta_idle_cold",
            "STA",
            state="IDLE",
            depth_um=250,
            speed_sps=50,
            stamps_total=0,
            battery_pct=100,
            temperature_dc=-52,
            lease_left_ms=0,
        ),
        _p(
            "sta_fault_extremes",
            "STA",
            state="FAULT",
            depth_um=2500,
            speed_sps=150,
            stamps_total=4294967295,
            battery_pct=0,
            temperature_dc=-32768,
            lease_left_ms=65535,
        ),
        _p("alm_motor_stall_raised", "ALM", code="MOTOR_STALL", priority="HIGH", active=True),
        _p("alm_motor_stall_cleared", "ALM", code="MOTOR_STALL", priority="HIGH", active=False),
        _p("alm_over_temperature", "ALM", code="OVER_TEMPERATURE", priority="HIGH", active=True),
        _p("alm_low_battery", "ALM", code="LOW_BATTERY", priority="MEDIUM", active=True),
        _p("alm_cartridge_missing", "ALM", code="CARTRIDGE_MISSING", priority="LOW", active=True),
        _p("alm_internal", "ALM", code="INTERNAL", priority="HIGH", active=True),
    ]


def build_vectors():
    mesogun = []
    for name, msg in mesogun_vectors():
        mesogun.append({"name": name, "hex": encode_mesogun_wire(msg).hex(), "message": msg})
    pen = []
    for name, msg in pen_vectors():
        pen.append({"name": name, "hex": encode_pen_sentence(msg).hex(), "message": msg})
    # Self-checks of the coverage the vectors promise.
    for v in mesogun:
        assert not mesogun_vector_problems(v["message"]), (v["name"], mesogun_vector_problems(v["message"]))
        assert len(bytes.fromhex(v["hex"])) <= MAX_ENCODED_BODY + 1, v["name"]
    assert {v["message"]["type"] for v in mesogun} == set(TYPE_BY_NAME), "every mesogun type"
    assert {v["message"]["type"] for v in pen} == set(PEN_KINDS), "every pen kind"
    def values(vectors, kind, field):
        return {v["message"][field] for v in vectors if v["message"]["type"] == kind}

    for kind, field, table in (
        ("CONFIGURE", "mode", MODES),
        ("STATUS", "state", STATES),
        ("ALARM", "code", ALARM_CODES),
        ("ALARM", "priority", PRIORITIES),
        ("ERROR", "reason", ERROR_REASONS),
        ("NAK", "reason", NAK_REASONS),
    ):
        assert values(mesogun, kind, field) == set(table.values()), "every %s.%s name" % (kind, field)
    for kind, field, names in (
        ("ACK", "command", PEN_HOST_KINDS),
        ("NAK", "reason", PEN_NAK_REASONS),
        ("STA", "state", PEN_STATES),
        ("ALM", "code", PEN_ALARM_CODES),
        ("ALM", "priority", PEN_PRIORITIES),
    ):
        assert values(pen, kind, field) == set(names), "every pen %s.%s token" % (kind, field)
    assert values(mesogun, "IDENTITY", "simulated") == {False, True}, "IDENTITY simulated and not"
    assert values(pen, "IDR", "simulated") == {False, True}, "IDR simulated and not"
    names = [v["name"] for v in mesogun] + [v["name"] for v in pen]
    assert len(set(v["name"] for v in mesogun)) == len(mesogun), "unique mesogun names"
    assert len(set(v["name"] for v in pen)) == len(pen), "unique pen names"
    assert all(n.replace("_", "").isalnum() and n.isascii() for n in names), "plain names"
    longest = max(len(bytes.fromhex(v["hex"])) for v in pen)
    assert longest == MAX_SENTENCE, "a maximum-length pen sentence (%d)" % longest
    return mesogun, pen


def _dumps(obj):
    return json.dumps(obj, indent=2) + "\n"


def cmd_generate(out_dir):
    mesogun, pen = build_vectors()
    os.makedirs(out_dir, exist_ok=True)
    for fname, data in (("mesogun.json", mesogun), ("pen.json", pen)):
        with open(os.path.join(out_dir, fname), "w", encoding="ascii", newline="\n") as f:
            f.write(_dumps(data))
    print("wrote %d mesogun and %d pen vectors to %s" % (len(mesogun), len(pen), out_dir))
    return 0


def _check_one(protocol, vector):
    name = vector["name"]
    wire = bytes.fromhex(vector["hex"])
    if vector["hex"] != wire.hex():
        return "hex is not lower-case canonical hex"
    expected = vector["message"]
    if protocol == "mesogun":
        decoded = decode_mesogun_wire(wire)
        encoded = encode_mesogun_wire(expected)
    else:
        decoded = decode_pen_sentence(wire)
        encoded = encode_pen_sentence(expected)
    problems = []
    if decoded != expected:
        problems.append("decode gives %s" % json.dumps(decoded))
    elif list(decoded) != list(expected):
        problems.append("field order differs: %s" % list(decoded))
    if encoded != wire:
        problems.append("encode gives %s" % encoded.hex())
    if protocol == "mesogun":
        if len(wire) - 1 > MAX_ENCODED_BODY:
            problems.append("encoded body of %d bytes exceeds %d (A.1)" % (len(wire) - 1, MAX_ENCODED_BODY))
        problems += mesogun_vector_problems(expected)
    del name
    return "; ".join(problems)


def _expect_error(name, func):
    try:
        got = func()
    except ProtocolError as e:
        return None if e.args[0] == name else "error %s, expected %s" % (e.args[0], name)
    return "decoded %r, expected error %s" % (got, name)


def _expect_ok(func):
    try:
        func()
    except ProtocolError as e:
        return "error %s, expected a valid message" % e.args[0]
    return None


def _expect_fields(func, **wanted):
    try:
        got = func()
    except ProtocolError as e:
        return "error %s, expected a valid message" % e.args[0]
    wrong = ["%s=%r (expected %r)" % (k, got.get(k), v) for k, v in wanted.items() if got.get(k) != v]
    return "; ".join(wrong) or None


def _expect_equal(got, expected):
    return None if got == expected else "got %r, expected %r" % (got, expected)


_IDENTITY_JSON = dict(
    hello_nonce=1, protocol_version=1, model="M", serial_number="S", firmware_major=1, firmware_minor=0,
    firmware_patch=0, boot_id=2, shot_counter=3, depth_min_um=1000, depth_max_um=4000, depth_step_um=100,
    dose_min_nl=10000, dose_max_nl=50000, dose_step_nl=1000, max_shot_rate_mhz=9000, syringe_volume_ul=2000,
    modes=7, simulated=False)


def identity_payload(byte74):
    """An IDENTITY payload (A.4) whose byte 74 is given raw."""
    return encode_mesogun_payload("IDENTITY", dict(_IDENTITY_JSON, modes=0))[:74] + bytes([byte74])


def codec_self_tests():
    """The revised spec's framing and field cases that no vector (valid frames only) can hold."""
    hb = {"type": "HEARTBEAT", "seq": 3, "ack": 2, "uptime_ms": 77}

    def body_of(length):
        # A decoded frame of length - 1 non-zero bytes (no zero: one COBS block, body = decoded + 1).
        frame = raw_mesogun_frame(1, 0x7E, 0x0101, 0x0101, b"\x55" * (length - 1 - 10))
        return cobs_encode(frame), frame

    body251, frame250 = body_of(251)
    body252, _ = body_of(252)
    assert len(body251) == 251 and len(frame250) == 250 and len(body252) == 252
    cases = [
        # A.1, 3 and A.2: the longest encoded body is 251 bytes; 252 is too_long before any decoding.
        ("encoded_body_251_is_not_too_long", lambda: _expect_error("unknown_type", lambda: decode_mesogun_wire(body251 + b"\x00"))),
        ("encoded_body_252_too_long", lambda: _expect_error("too_long", lambda: decode_mesogun_wire(body252 + b"\x00"))),
        ("decoded_251_too_long", lambda: _expect_error("too_long", lambda: decode_mesogun_frame(frame250 + b"\x55"))),
        ("payload_241_not_encoded", lambda: _expect_error("too_long", lambda: wire_from_frame(raw_mesogun_frame(1, 0x30, 0, 0, b"\x01" * 241)))),
        ("cobs_code_past_end", lambda: _expect_error("cobs_invalid", lambda: decode_mesogun_wire(b"\x05\x01\x02\x00"))),
        # A.2: the CRC is checked before the version; another version with a good CRC is bad_version.
        ("version_2_good_crc_bad_version", lambda: _expect_error("bad_version", lambda: decode_mesogun_frame(raw_mesogun_frame(2, 0x30, 3, 2, b"\0\0\0\0")))),
        ("version_2_bad_crc_bad_crc", lambda: _expect_error("bad_crc", lambda: decode_mesogun_frame(raw_mesogun_frame(2, 0x30, 3, 2, b"\0\0\0\0", crc_xor=1)))),
        ("bad_crc", lambda: _expect_error("bad_crc", lambda: decode_mesogun_frame(encode_mesogun_frame(hb)[:-1] + b"\x00"))),
        # A.4 ESTOP: one with a payload is bad_length (the device stops first all the same).
        ("estop_with_payload_bad_length", lambda: _expect_error("bad_length", lambda: decode_mesogun_frame(raw_mesogun_frame(1, ESTOP_TYPE, 4, 3, b"\x00")))),
        # A.4 ARM, B.4 RUN: any lease is well formed; the range is the device's refusal, not the codec's.
        ("arm_lease_0_well_formed", lambda: _expect_ok(lambda: decode_mesogun_frame(encode_mesogun_frame({"type": "ARM", "seq": 1, "ack": 0, "lease_ms": 0})))),
        ("arm_lease_65535_well_formed", lambda: _expect_ok(lambda: decode_mesogun_frame(encode_mesogun_frame({"type": "ARM", "seq": 1, "ack": 0, "lease_ms": 65535})))),
        ("run_lease_50_well_formed", lambda: _expect_ok(lambda: decode_pen_sentence(encode_pen_sentence({"type": "RUN", "lease_ms": 50})))),
        # A.2: a range given in a field's description is a wire check (bad_field).
        ("status_battery_101_bad_field", lambda: _expect_error("bad_field", lambda: decode_mesogun_payload("STATUS", struct.pack("<IBIIHBhHBB", 0, 0, 0, 0, 0, 101, 0, 0, 0, 0)))),
        ("sta_battery_101_bad_field", lambda: _expect_error("bad_field", lambda: decode_pen_sentence(_sentence("PMSN,STA,IDLE,250,50,0,101,0,0")))),
        ("shot_records_count_13_bad_field", lambda: _expect_error("bad_field", lambda: decode_mesogun_payload("SHOT_RECORDS", struct.pack("<IIB", 0, 0, 13) + b"\x01" * (18 * 13)))),
        # A.4 IDENTITY byte 74: bit 7 is simulated, bits 3 to 6 MUST be 0; a device older than the bit sent 0.
        ("identity_byte74_0x87_simulated", lambda: _expect_fields(lambda: decode_mesogun_payload("IDENTITY", identity_payload(0x87)), modes=7, simulated=True)),
        ("identity_byte74_0x07_not_simulated", lambda: _expect_fields(lambda: decode_mesogun_payload("IDENTITY", identity_payload(0x07)), modes=7, simulated=False)),
        ("identity_byte74_0x81_simulated_single", lambda: _expect_fields(lambda: decode_mesogun_payload("IDENTITY", identity_payload(0x81)), modes=1, simulated=True)),
        ("identity_byte74_bit3_bad_field", lambda: _expect_error("bad_field", lambda: decode_mesogun_payload("IDENTITY", identity_payload(0x0F)))),
        ("identity_byte74_bit6_bad_field", lambda: _expect_error("bad_field", lambda: decode_mesogun_payload("IDENTITY", identity_payload(0xC7)))),
        ("identity_encodes_simulated_as_bit7", lambda: _expect_equal(encode_mesogun_payload("IDENTITY", dict(_IDENTITY_JSON, simulated=True))[74], 0x87)),
        ("identity_json_without_simulated_bad_field", lambda: _expect_error("bad_field", lambda: encode_mesogun_payload("IDENTITY", {k: v for k, v in _IDENTITY_JSON.items() if k != "simulated"}))),
        ("identity_json_modes_with_bit7_bad_field", lambda: _expect_error("bad_field", lambda: encode_mesogun_payload("IDENTITY", dict(_IDENTITY_JSON, modes=0x87)))),
        # B.3 IDR: ten fields; nine (a pen older than `simulated`) read as not simulated; other counts are bad_field.
        ("idr_nine_fields_not_simulated", lambda: _expect_fields(lambda: decode_pen_sentence(_sentence("PMSN,IDR,Old Pen,0.9,OP-1,1,250,2500,250,50,150")), serial_number="OP-1", speed_max_sps=150, simulated=False)),
        ("idr_nine_fields_encoded_with_ten", lambda: _expect_equal(encode_pen_sentence(decode_pen_sentence(_sentence("PMSN,IDR,Old Pen,0.9,OP-1,1,250,2500,250,50,150"))), _sentence("PMSN,IDR,Old Pen,0.9,OP-1,1,250,2500,250,50,150,0"))),
        ("idr_simulated_1", lambda: _expect_fields(lambda: decode_pen_sentence(_sentence("PMSN,IDR,P,1.0,S,1,250,2500,250,50,150,1")), simulated=True)),
        ("idr_simulated_2_bad_field", lambda: _expect_error("bad_field", lambda: decode_pen_sentence(_sentence("PMSN,IDR,P,1.0,S,1,250,2500,250,50,150,2")))),
        ("idr_simulated_empty_bad_field", lambda: _expect_error("bad_field", lambda: decode_pen_sentence(_sentence("PMSN,IDR,P,1.0,S,1,250,2500,250,50,150,")))),
        ("idr_eight_fields_bad_field", lambda: _expect_error("bad_field", lambda: decode_pen_sentence(_sentence("PMSN,IDR,P,1.0,S,1,250,2500,250,50")))),
        ("idr_eleven_fields_bad_field", lambda: _expect_error("bad_field", lambda: decode_pen_sentence(_sentence("PMSN,IDR,P,1.0,S,1,250,2500,250,50,150,1,0")))),
    ]
    return [(name, func()) for name, func in cases]


def _sentence(data):
    raw = data.encode("ascii")
    return b"$" + raw + b"*" + ("%02X" % nmea_checksum(raw)).encode("ascii") + b"\r\n"


def cmd_check(vectors_dir):
    passed = failed = 0
    for name, problem in codec_self_tests():
        if problem:
            failed += 1
            print("FAIL codec/%s: %s" % (name, problem))
        else:
            passed += 1
            print("ok   codec/%s" % name)
    for protocol in ("mesogun", "pen"):
        path = os.path.join(vectors_dir, protocol + ".json")
        with open(path, encoding="ascii") as f:
            vectors = json.load(f)
        for vector in vectors:
            label = "%s/%s" % (protocol, vector.get("name", "?"))
            try:
                problem = _check_one(protocol, vector)
            except (ProtocolError, KeyError, ValueError, TypeError) as e:
                problem = "%s: %s" % (type(e).__name__, e)
            if problem:
                failed += 1
                print("FAIL %s: %s" % (label, problem))
            else:
                passed += 1
                print("ok   %s" % label)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


def cmd_verify_committed(vectors_dir):
    with tempfile.TemporaryDirectory(prefix="mesopeer-") as tmp:
        cmd_generate(tmp)
        bad = 0
        for fname in ("mesogun.json", "pen.json"):
            with open(os.path.join(tmp, fname), "rb") as f:
                fresh = f.read()
            try:
                with open(os.path.join(vectors_dir, fname), "rb") as f:
                    committed = f.read()
            except OSError as e:
                print("FAIL %s: %s" % (fname, e))
                bad += 1
                continue
            if fresh == committed:
                print("ok   %s matches the regenerated vectors" % fname)
            else:
                print(
                    "FAIL %s differs from the regenerated vectors; run "
                    "`python3 tests/independent/mesopeer.py generate protocols/vectors`" % fname
                )
                bad += 1
    return 1 if bad else 0


def cmd_device_checks(mesosim_path):
    import mesopeer_live  # the behavioural modes, beside this file

    return mesopeer_live.device_checks(mesosim_path)


def cmd_probe_checks(mesostation_path):
    import mesopeer_live

    return mesopeer_live.probe_checks(mesostation_path)


def main(argv):
    commands = {
        "generate": cmd_generate,
        "check": cmd_check,
        "verify-committed": cmd_verify_committed,
        "device-checks": cmd_device_checks,
        "probe-checks": cmd_probe_checks,
    }
    if len(argv) != 3 or argv[1] not in commands:
        sys.stderr.write(
            "usage: %s {generate|check|verify-committed} DIR\n"
            "       %s device-checks MESOSIM_PATH\n"
            "       %s probe-checks MESOSTATION_PATH\n" % (argv[0], argv[0], argv[0])
        )
        return 2
    return commands[argv[1]](argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
