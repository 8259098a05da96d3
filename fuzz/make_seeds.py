#!/usr/bin/python3
"""Writes the seed corpora fuzz/corpus/mesogun/ and fuzz/corpus/pen/.

The seeds are built here from the wire rules rather than with the library under test, so that a bug shared
by encoder and decoder cannot hide in its own seeds. Run from anywhere; the output is deterministic, so the
committed files change only when this script does:  /usr/bin/python3 fuzz/make_seeds.py
"""

import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), reflected, init and xorout 0xFFFFFFFF."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def cobs(data: bytes) -> bytes:
    out = bytearray([0])
    code_index, code = 0, 1
    for i, byte in enumerate(data):
        if byte:
            out.append(byte)
            code += 1
        if byte == 0 or (code == 0xFF and i + 1 < len(data)):
            out[code_index] = code
            code_index = len(out)
            out.append(0)
            code = 1
    out[code_index] = code
    return bytes(out)


def mesogun(msg_type: int, payload: bytes, seq: int = 0, ack: int = 0) -> bytes:
    body = struct.pack("<BBHH", 1, msg_type, seq, ack) + payload
    return cobs(body + struct.pack("<I", crc32c(body))) + b"\x00"


def text16(text: str) -> bytes:
    return text.encode("ascii").ljust(16, b"\x00")


def shot_record(counter: int, command_id: int, depth_um: int, dose_nl: int, time_ms: int) -> bytes:
    return struct.pack("<IIHII", counter, command_id, depth_um, dose_nl, time_ms)


def mesogun_seeds() -> dict:
    hello = mesogun(0x01, struct.pack("<BI", 1, 0xC0FFEE01))
    identity = mesogun(
        0x02,
        struct.pack("<IB", 0xC0FFEE01, 1)
        + text16("MG-200")
        + text16("SN-000123")
        + struct.pack("<BBBII", 1, 4, 2, 0x5EED0001, 41)
        + struct.pack("<HHH", 100, 4000, 50)
        + struct.pack("<IIIII", 10, 200000, 10, 5000, 3000)
        + struct.pack("<B", 0x07),
    )
    configure = mesogun(0x10, struct.pack("<HIBI", 1500, 20000, 2, 2000), seq=1)
    arm = mesogun(0x11, struct.pack("<H", 3000), seq=2)
    fire = mesogun(0x13, struct.pack("<I", 42), seq=3, ack=7)
    shot = mesogun(0x20, shot_record(42, 42, 1510, 19870, 123456), seq=8, ack=3)
    status = mesogun(0x21, struct.pack("<IBIIHBhHBB", 123500, 2, 42, 1980000, 850, 87, 312, 1505, 0, 0), seq=9)
    alarm = mesogun(0x22, struct.pack("<BBBI", 1, 3, 1, 124000), seq=10)
    records = b"".join(shot_record(100 + i, 0 if i % 3 else 500 + i, 1500, 20000, 200000 + 250 * i)
                       for i in range(12))
    shot_records = mesogun(0x23, struct.pack("<IIB", 90, 111, 12) + records, seq=11, ack=4)
    error = mesogun(0x24, struct.pack("<HBB", 5, 0x13, 4), seq=12, ack=5)
    nak = mesogun(0x32, struct.pack("<B", 1), seq=0, ack=6)
    return {
        "hello.bin": hello,
        "identity.bin": identity,
        "configure.bin": configure,
        "fire.bin": fire,
        "shot.bin": shot,
        "status.bin": status,
        "alarm.bin": alarm,
        "shot_records_12.bin": shot_records,
        "error.bin": error,
        "nak.bin": nak,
        "heartbeat_ack.bin": mesogun(0x30, struct.pack("<I", 98765)) + mesogun(0x31, b"", ack=9),
        # What a serial line delivers: a flush, a frame, line noise, a frame cut short, then frames again.
        "stream_mixed.bin": b"\x00" + arm + b"\x13\x37\xfe" + fire[:5] + b"\x00" + status + shot + b"\x00\x00",
        "bad_crc.bin": fire[:-3] + bytes([fire[-3] ^ 0x01]) + fire[-2:],
    }


def pen(*fields: str) -> bytes:
    body = ",".join(("PMSN",) + fields)
    checksum = 0
    for char in body.encode("ascii"):
        checksum ^= char
    return f"${body}*{checksum:02X}\r\n".encode("ascii")


def pen_seeds() -> dict:
    set_depth = pen("DEP", "1500")
    start = pen("RUN", "500")  # its checksum, 7C, has a letter to lower-case
    status = pen("STA", "RUNNING", "1500", "120", "48213", "87", "-35", "450")
    return {
        "identify.txt": pen("IDQ"),
        "set_depth.txt": set_depth,
        "set_speed.txt": pen("SPD", "120"),
        "start.txt": start,
        "stop_query.txt": pen("STP") + pen("STQ"),
        "identity.txt": pen("IDR", "MP-7 Pen", "2.1.0", "PX-0042", "1", "200", "2500", "50", "50", "150", "1"),
        # A pen that predates the simulated field sends nine fields, read as not simulated (protocol.md B.3).
        "identity_legacy.txt": pen("IDR", "MP-7 Pen", "2.1.0", "PX-0042", "1", "200", "2500", "50", "50", "150"),
        "ack_nak.txt": pen("ACK", "DEP") + pen("NAK", "RUN", "LEASE"),
        "status.txt": status,
        "alarm.txt": pen("ALM", "MOTOR_STALL", "HIGH", "1"),
        # Lower-case checksum digits are valid NMEA; the decoder must accept them.
        "lowercase_checksum.txt": start[:-4] + start[-4:-2].lower() + start[-2:],
        "stream_mixed.txt": b"noise" + set_depth[:9] + status + b"\n$PMSN,STP" + pen("STQ") + b"\x00\xff",
    }


def write(directory: pathlib.Path, seeds: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (directory / name).write_bytes(data)


if __name__ == "__main__":
    write(HERE / "corpus" / "mesogun", mesogun_seeds())
    write(HERE / "corpus" / "pen", pen_seeds())
