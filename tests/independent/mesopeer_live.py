#!/usr/bin/env python3
"""mesopeer_live: behavioural checks of the simulator and of the station's probe, from docs/protocol.md alone.

Standard library only; the codec is mesopeer.py's. Two modes, run through mesopeer.py:

  device-checks MESOSIM_PATH      an outside host drives `MESOSIM_PATH --device mesogun --pty` (A.1-A.6),
                                  and asks `--device pen --pty` who it is (B.3)
  probe-checks MESOSTATION_PATH   a mesogun, then a pen, on a pty against `MESOSTATION_PATH probe` (A.6, B.3)

Structure: the I/O (ptys, processes, a host link and two small devices) records every frame with its time
in an event log; each check's verdict is a plain function of that log (the `judge_*` functions), so the
verdicts can be tested on hand-made logs (test_mesopeer_live.py) without any binary.
"""

import collections
import errno
import fcntl
import json
import os
import random
import select
import signal
import struct
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mesopeer import (  # noqa: E402  (the peer's codec, beside this file)
    ESTOP_TYPE,
    MAX_DECODED,
    MAX_ENCODED_BODY,
    MESSAGE_TYPES,
    MIN_DECODED,
    TYPE_BY_NAME,
    ProtocolError,
    cobs_decode,
    crc32c,
    decode_mesogun_frame,
    decode_pen_sentence,
    encode_mesogun_frame,
    encode_mesogun_payload,
    encode_pen_sentence,
    is_handshake_error,
    is_reliable,
    raw_mesogun_frame,
    wire_from_frame,
)

HELLO, ARM, FIRE = 0x01, 0x11, 0x13
HOST_RELIABLE = {"CONFIGURE", "ARM", "DISARM", "FIRE", "ESTOP", "QUERY_SHOTS"}
DEVICE_RELIABLE = {"SHOT", "ALARM", "SHOT_RECORDS", "ERROR"}
STATE_CODES = {"idle": 0, "configured": 1, "armed": 2, "fault": 3, "estopped": 4}

# ---------------------------------------------------------------------------
# Small pieces
# ---------------------------------------------------------------------------


def set_raw(fd):
    """Raw mode, as cfmakeraw: no echo, no line editing, no signals, no CR/LF mapping, 8 bits."""
    attrs = termios.tcgetattr(fd)
    iflag, oflag, cflag, lflag = attrs[0], attrs[1], attrs[2], attrs[3]
    iflag &= ~(termios.IGNBRK | termios.BRKINT | termios.PARMRK | termios.ISTRIP | termios.INLCR
               | termios.IGNCR | termios.ICRNL | termios.IXON | termios.IXOFF | termios.IXANY | termios.INPCK)
    oflag &= ~termios.OPOST
    lflag &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.ISIG | termios.IEXTEN)
    cflag &= ~(termios.CSIZE | termios.PARENB | termios.CSTOPB | termios.CRTSCTS)
    cflag |= termios.CS8 | termios.CREAD | termios.CLOCAL
    attrs[0], attrs[1], attrs[2], attrs[3] = iflag, oflag, cflag, lflag
    attrs[6][termios.VMIN] = 0
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def set_nonblocking(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def write_all(fd, data, timeout=1.0):
    deadline = time.monotonic() + timeout
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
            view = view[n:]
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError("pty write blocked")
            select.select([], [fd], [], 0.01)


def next_seq(seq):
    """A.5: 1, 2, ..., 65535, then 1 (0 is never a reliable seq)."""
    return 1 if seq >= 0xFFFF else seq + 1


def seq_newer(a, b):
    """RFC 1982 on 1..65535: is a newer than b? (b may be 0, 'before the first')."""
    if b == 0:
        return a != 0
    d = (a - b) % 0xFFFF
    return 0 < d < 0x8000


def seq_at_or_after(a, b):
    return a == b or seq_newer(a, b)


class CobsStream:
    """A.1 receiver: bytes in; ("frame", body), ("empty", b""), ("too_long", body-prefix) out."""

    def __init__(self):
        self.buf = bytearray()
        self.overflow = False

    def feed(self, data):
        items = []
        for b in data:
            if b == 0:
                if self.overflow:
                    items.append(("too_long", bytes(self.buf)))
                elif not self.buf:
                    items.append(("empty", b""))
                else:
                    items.append(("frame", bytes(self.buf)))
                self.buf.clear()
                self.overflow = False
            elif self.overflow:
                continue
            else:
                self.buf.append(b)
                if len(self.buf) > MAX_ENCODED_BODY:
                    self.overflow = True
        return items


class Ev:
    """One frame on the line: t (s since the log's start), dir 'tx'/'rx', the decoded frame bytes (or the
    encoded body when it did not decode), the message or None, the error name or None, crc_ok."""

    __slots__ = ("t", "dir", "frame", "msg", "err", "crc_ok", "note", "delivered")

    def __init__(self, t, direction, frame, msg=None, err=None, crc_ok=True, note=""):
        self.t, self.dir, self.frame, self.msg, self.err, self.crc_ok, self.note = (
            t, direction, frame, msg, err, crc_ok, note)
        self.delivered = False

    @property
    def type(self):
        return self.msg["type"] if self.msg else None

    def header(self):
        if self.frame is None or len(self.frame) < 6:
            return None
        return struct.unpack_from("<BBHH", self.frame, 0)

    def describe(self):
        if self.msg:
            m = self.msg
            fields = " ".join("%s=%s" % (k, v) for k, v in m.items() if k not in ("type", "seq", "ack"))
            text = "%s seq=%d ack=%d %s" % (m["type"], m["seq"], m["ack"], fields)
        else:
            h = self.header()
            text = "(%s)" % (self.err or "?")
            if h and self.crc_ok:
                text += " v=%d type=0x%02x seq=%d ack=%d" % h
        if self.note:
            text += " [%s]" % self.note
        hexs = self.frame.hex(" ") if self.frame is not None else ""
        return "%+9.1f ms %s %s  | %s" % (self.t * 1000.0, self.dir, text.strip(), hexs)


def classify(frame):
    """A.2 checks of one decoded frame -> (msg, err, crc_ok)."""
    if len(frame) < MIN_DECODED:
        return None, "too_short", False
    if len(frame) > MAX_DECODED:
        return None, "too_long", False
    if struct.unpack_from("<I", frame, len(frame) - 4)[0] != crc32c(frame[:-4]):
        return None, "bad_crc", False
    try:
        return decode_mesogun_frame(frame), None, True
    except ProtocolError as e:
        return None, e.args[0], True


def decode_body(body):
    try:
        frame = cobs_decode(body)
    except ProtocolError as e:
        return body, None, e.args[0], False
    msg, err, crc_ok = classify(frame)
    return frame, msg, err, crc_ok


class LinkGone(Exception):
    pass


class CheckFailed(Exception):
    """A step a check needs did not happen; args[0] is the reason."""


# ---------------------------------------------------------------------------
# The host side of the mesogun link (A.5, A.6)
# ---------------------------------------------------------------------------


class HostLink:
    def __init__(self, fd, clock=time.monotonic):
        self.fd = fd
        self.clock = clock
        self.t0 = clock()
        self.stream = CobsStream()
        self.log = []
        self.tx_seq = self.rx_seq = 0
        self.inflight = collections.OrderedDict()  # seq -> dict(mtype, payload, version, first, last, sends)
        self.srtt = self.rttvar = None
        self.rto = 0.1
        self.in_session = False
        self.handshaking = False
        self.hello_frame = None
        self.hello_nonce = None
        self.hello_next = self.hello_deadline = 0.0
        self.identity = None
        self.handshake_error = None
        self.heartbeats = True
        self.hb_interval = 0.025  # lease_ms / 6 for the 150 ms lease (A.6), used throughout
        self.last_tx = -1e9
        self.last_nak_tx = -1e9
        self.sent_leading_zero = False
        self.used_nonces = set()

    # -- time and log ------------------------------------------------------
    def now(self):
        return self.clock() - self.t0

    def mark(self):
        return len(self.log)

    def _log_tx(self, frame, note=""):
        msg, err, crc_ok = classify(frame)
        self.log.append(Ev(self.now(), "tx", frame, msg, err, crc_ok, note))

    # -- sending -----------------------------------------------------------
    def _send(self, frame, note=""):
        write_all(self.fd, wire_from_frame(frame))
        self._log_tx(frame, note)
        self.last_tx = self.now()

    def send_unreliable(self, name, **fields):
        msg = {"type": name, "seq": self.tx_seq, "ack": self.rx_seq}
        msg.update(fields)
        self._send(encode_mesogun_frame(msg))

    def send_reliable(self, name, **fields):
        payload = encode_mesogun_payload(name, dict(fields, type=name))
        return self.send_raw_reliable(TYPE_BY_NAME[name], payload)

    def send_raw_reliable(self, mtype, payload, version=1, note=""):
        """A reliable frame (seq = ++tx_seq), kept in flight and retransmitted until acknowledged."""
        while len(self.inflight) >= 8:  # the window (A.5)
            self.poll(0.01)
        self.tx_seq = next_seq(self.tx_seq)
        now = self.now()
        self.inflight[self.tx_seq] = dict(mtype=mtype, payload=bytes(payload), version=version,
                                          first=now, last=now, sends=1, note=note)
        self._send(raw_mesogun_frame(version, mtype, self.tx_seq, self.rx_seq, payload), note)
        return self.tx_seq

    def send_raw(self, version, mtype, seq, ack, payload=b"", crc_xor=0, note=""):
        """Any frame, sent once and not kept: test frames."""
        self._send(raw_mesogun_frame(version, mtype, seq, ack, payload, crc_xor), note)

    def _nak(self, reason):
        if self.now() - self.last_nak_tx >= 0.02:
            self.last_nak_tx = self.now()
            self.send_unreliable("NAK", reason=reason)

    def _retransmit(self, after=None):
        for seq, f in self.inflight.items():
            if after is not None and not seq_newer(seq, after):
                continue
            f["sends"] += 1
            f["last"] = self.now()
            self._send(raw_mesogun_frame(f["version"], f["mtype"], seq, self.rx_seq, f["payload"]), "retransmission")

    # -- receiving ---------------------------------------------------------
    def _process_ack(self, ack):
        now = self.now()
        sample = None
        for seq in list(self.inflight):
            if seq_newer(seq, ack):
                break
            f = self.inflight.pop(seq)
            if f["sends"] == 1:  # Karn's rule
                sample = now - f["first"]
        if sample is not None:
            if self.srtt is None:
                self.srtt, self.rttvar = sample, sample / 2
            else:
                self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - sample)
                self.srtt = 0.875 * self.srtt + 0.125 * sample
            self.rto = max(0.02, self.srtt + 4 * self.rttvar)

    def _on_frame(self, ev):
        if not ev.crc_ok:
            if self.in_session:
                self._nak("corrupted_frame")
            return
        if ev.err == "bad_version":
            return  # discarded silently; seq and ack unused (A.2)
        _, _, seq, ack = ev.header()
        if ev.err:
            if self.in_session:
                self._process_ack(ack)
            return
        msg = ev.msg
        if msg["type"] == "IDENTITY":
            if self.handshaking and msg["hello_nonce"] == self.hello_nonce:
                self.identity = msg
                self.handshaking = False
                self.in_session = True
                self.tx_seq = self.rx_seq = 0
                self.inflight.clear()
                self.srtt = self.rttvar = None
                self.rto = 0.1
            return
        if is_handshake_error(msg) and msg["seq"] == 0:
            if self.handshaking:
                self.handshake_error = msg
                self.handshaking = False
            return
        if not self.in_session:
            return
        self._process_ack(ack)
        if is_reliable(msg):
            if seq == next_seq(self.rx_seq):
                self.rx_seq = seq
                ev.delivered = True
            elif seq_newer(seq, self.rx_seq):
                self._nak("sequence_gap")
                return
            self.send_unreliable("ACK")  # "if it has nothing to send within 5 ms it sends ACK"
        else:
            if msg["type"] == "NAK":
                self._retransmit(after=msg["ack"])
            if seq_newer(seq, self.rx_seq):
                self._nak("sequence_gap")

    def _read(self):
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno == errno.EIO:
                raise LinkGone("the pty hung up") from None
            raise
        if not data:
            raise LinkGone("end of file on the pty")
        t = self.now()
        for kind, body in self.stream.feed(data):
            if kind == "empty":
                continue
            if kind == "too_long":
                ev = Ev(t, "rx", body, None, "too_long", False)
            else:
                frame, msg, err, crc_ok = decode_body(body)
                ev = Ev(t, "rx", frame, msg, err, crc_ok)
            self.log.append(ev)
            self._on_frame(ev)

    # -- the loop ----------------------------------------------------------
    def _next_timer(self):
        timers = []
        if self.handshaking:
            timers.append(min(self.hello_next, self.hello_deadline))
        if self.in_session:
            if self.inflight:
                oldest = next(iter(self.inflight.values()))
                timers.append(oldest["last"] + self.rto)
            if self.heartbeats:
                timers.append(self.last_tx + self.hb_interval)
        return min(timers) if timers else None

    def poll(self, max_wait):
        timer = self._next_timer()
        wait = max_wait if timer is None else min(max_wait, max(0.0, timer - self.now()))
        r, _, _ = select.select([self.fd], [], [], max(0.0, wait))
        if r:
            self._read()
        now = self.now()
        if self.handshaking:
            if now >= self.hello_deadline:
                self.handshaking = False
            elif now >= self.hello_next:
                self._send(self.hello_frame, "repeat")
                self.hello_next += 0.2
        if self.in_session:
            if self.inflight:
                oldest = next(iter(self.inflight.values()))
                if now >= oldest["last"] + self.rto:
                    self._retransmit()
                    self.rto = min(self.rto * 2, 1.0)
            if self.heartbeats and now - self.last_tx >= self.hb_interval:
                self.send_unreliable("HEARTBEAT", uptime_ms=int(now * 1000) & 0xFFFFFFFF)

    def wait(self, pred, timeout):
        deadline = self.now() + timeout
        while True:
            if pred():
                return True
            left = deadline - self.now()
            if left <= 0:
                return False
            self.poll(min(left, 0.005))

    def pump(self, duration):
        self.wait(lambda: False, duration)

    def find(self, since, pred, direction="rx"):
        for ev in self.log[since:]:
            if ev.dir == direction and ev.msg is not None and pred(ev.msg):
                return ev
        return None

    def wait_msg(self, since, pred, timeout):
        found = []

        def check():
            ev = self.find(since, pred)
            if ev:
                found.append(ev)
            return bool(found)

        self.wait(check, timeout)
        return found[0] if found else None

    # -- handshake (A.6) ---------------------------------------------------
    def fresh_nonce(self):
        while True:
            nonce = random.SystemRandom().getrandbits(32)
            if nonce not in self.used_nonces:
                self.used_nonces.add(nonce)
                return nonce

    def start_handshake(self, protocol_version=1, nonce=None, timeout=2.0, repeat=True):
        self.in_session = False
        self.handshaking = True
        self.identity = self.handshake_error = None
        self.hello_nonce = self.fresh_nonce() if nonce is None else nonce
        self.hello_frame = encode_mesogun_frame(
            {"type": "HELLO", "seq": 0, "ack": 0, "protocol_version": protocol_version, "hello_nonce": self.hello_nonce})
        if not self.sent_leading_zero:
            write_all(self.fd, b"\x00")  # A.1: a delimiter before the first frame
            self.sent_leading_zero = True
        self._send(self.hello_frame)
        self.hello_next = self.now() + (0.2 if repeat else 1e9)
        self.hello_deadline = self.now() + timeout

    def handshake(self, protocol_version=1, timeout=2.0):
        self.start_handshake(protocol_version, timeout=timeout)
        self.wait(lambda: not self.handshaking, timeout + 0.05)
        return self.identity


# ---------------------------------------------------------------------------
# Steps shared by the device checks
# ---------------------------------------------------------------------------


def open_session(link):
    ident = link.handshake()
    if ident is None:
        why = "ERROR unsupported_version" if link.handshake_error else "no IDENTITY within 2 s"
        raise CheckFailed("HELLO v1 drew %s" % why)
    return ident


def pick_config(ident):
    depth = ident["depth_min_um"] + 10 * ident["depth_step_um"]
    if depth > ident["depth_max_um"]:
        depth = ident["depth_min_um"]
    if not ident["modes"] & 1:
        raise CheckFailed("the device has no single mode (modes=%d)" % ident["modes"])
    return dict(depth_um=depth, dose_nl=ident["dose_min_nl"], mode="single", rate_mhz=0)


def status_after(link, since, seq, pred, timeout):
    """Wait for a STATUS that reflects command `seq` (its ack at or after seq, A.5) and satisfies pred."""
    return link.wait_msg(since, lambda m: m["type"] == "STATUS" and seq_at_or_after(m["ack"], seq) and pred(m), timeout)


def error_for(link, since, seq):
    return link.find(since, lambda m: m["type"] == "ERROR" and m["seq"] != 0 and m["refused_seq"] == seq)


def configure(link, ident, settle=0.06):
    cfg = pick_config(ident)
    since = link.mark()
    seq = link.send_reliable("CONFIGURE", **cfg)
    ok = link.wait(lambda: error_for(link, since, seq) or link.find(
        since, lambda m: m["type"] == "STATUS" and seq_at_or_after(m["ack"], seq) and m["state"] == "configured"
        and m["depth_actual_um"] == cfg["depth_um"]), 3.0)
    err = error_for(link, since, seq)
    if err:
        raise CheckFailed("CONFIGURE %s refused: %s" % (cfg, err.msg["reason"]))
    if not ok:
        raise CheckFailed("CONFIGURE %s: no STATUS configured at depth %d within 3 s" % (cfg, cfg["depth_um"]))
    link.pump(settle)  # the actuator settles (sim/README: 20 ms after reaching the depth)
    return cfg


def arm(link, lease_ms):
    since = link.mark()
    seq = link.send_reliable("ARM", lease_ms=lease_ms)
    link.wait(lambda: error_for(link, since, seq) or link.find(
        since, lambda m: m["type"] == "STATUS" and seq_at_or_after(m["ack"], seq) and m["state"] == "armed"), 1.0)
    err = error_for(link, since, seq)
    if err:
        raise CheckFailed("ARM %d refused: %s" % (lease_ms, err.msg["reason"]))
    if not link.find(since, lambda m: m["type"] == "STATUS" and seq_at_or_after(m["ack"], seq) and m["state"] == "armed"):
        raise CheckFailed("ARM %d: no STATUS armed within 1 s" % lease_ms)
    return seq


def armed_session(link, lease_ms=150):
    ident = open_session(link)
    configure(link, ident)
    arm(link, lease_ms)
    return ident


# ---------------------------------------------------------------------------
# The verdicts: plain functions of an event log
# ---------------------------------------------------------------------------


def rx(events, t_from=None, t_to=None, kind=None):
    out = []
    for ev in events:
        if ev.dir != "rx":
            continue
        if t_from is not None and ev.t < t_from:
            continue
        if t_to is not None and ev.t > t_to:
            continue
        if kind is not None and ev.type != kind:
            continue
        out.append(ev)
    return out


def ms(seconds):
    return "%.1f ms" % (seconds * 1000.0)


def judge_estop_with_payload(events, t_estop, estop_seq, stop_within=0.05, hold=0.18):
    """a. A next-in-sequence ESTOP with a payload: stopped within 50 ms, ERROR bad_payload naming its seq,
    acknowledged, still estopped `hold` later."""
    problems, notes = [], []
    statuses = rx(events, t_estop, kind="STATUS")
    first = next((e for e in statuses if e.msg["state"] == "estopped"), None)
    if first is None:
        problems.append("no STATUS estopped after the ESTOP (states seen: %s)" % sorted({e.msg["state"] for e in statuses}))
    elif first.t - t_estop > stop_within:
        problems.append("first STATUS estopped %s after the ESTOP (limit %s)" % (ms(first.t - t_estop), ms(stop_within)))
    else:
        notes.append("STATUS estopped after %s" % ms(first.t - t_estop))
    errors = [e for e in rx(events, t_estop, kind="ERROR") if e.msg["refused_seq"] == estop_seq]
    if not errors:
        problems.append("no ERROR naming seq %d" % estop_seq)
    elif errors[0].msg["reason"] != "bad_payload" or errors[0].msg["refused_type"] != ESTOP_TYPE:
        problems.append("ERROR naming seq %d is %s refused_type 0x%02x, expected bad_payload 0x14" % (
            estop_seq, errors[0].msg["reason"], errors[0].msg["refused_type"]))
    else:
        notes.append("ERROR bad_payload refused_seq=%d after %s" % (estop_seq, ms(errors[0].t - t_estop)))
    if not any(seq_at_or_after(e.msg["ack"], estop_seq) for e in rx(events, t_estop) if e.msg):
        problems.append("the ESTOP (seq %d) was never acknowledged" % estop_seq)
    if first is not None:
        later = [e for e in statuses if e.t >= first.t]
        bad = [e for e in later if e.msg["state"] != "estopped"]
        if bad:
            problems.append("STATUS %s %s after the ESTOP (the stop was undone)" % (bad[0].msg["state"], ms(bad[0].t - t_estop)))
        held = [e for e in later if e.t - t_estop >= hold]
        if not held:
            problems.append("no STATUS %s or more after the ESTOP to show it held" % ms(hold))
        elif not bad:
            notes.append("still estopped %s later" % ms(held[0].t - t_estop))
    return (not problems), "; ".join(problems or notes)


def judge_estop_version_2(events, t_estop, stop_within=0.05, quiet=0.2, following_arm_seq=None):
    """b. A version-2 ESTOP (good CRC): stopped within 50 ms, no NAK, no ERROR; its seq not used."""
    problems, notes = [], []
    statuses = rx(events, t_estop, kind="STATUS")
    first = next((e for e in statuses if e.msg["state"] == "estopped"), None)
    if first is None:
        problems.append("no STATUS estopped after the version-2 ESTOP (states seen: %s)" % sorted({e.msg["state"] for e in statuses}))
    elif first.t - t_estop > stop_within:
        problems.append("first STATUS estopped %s after it (limit %s)" % (ms(first.t - t_estop), ms(stop_within)))
    else:
        notes.append("STATUS estopped after %s" % ms(first.t - t_estop))
    naks = rx(events, t_estop, t_estop + quiet, kind="NAK")
    if naks:
        problems.append("NAK %s %s after it (A.2: bad_version is discarded silently, no NAK)" % (naks[0].msg["reason"], ms(naks[0].t - t_estop)))
    else:
        notes.append("no NAK in %s" % ms(quiet))
    errors = [e for e in rx(events, t_estop, t_estop + quiet, kind="ERROR") if e.msg["refused_type"] == ESTOP_TYPE]
    if errors:
        problems.append("ERROR %s naming it (A.2: no ERROR)" % errors[0].msg["reason"])
    if following_arm_seq is not None and first is not None:
        errs = [e for e in rx(events, t_estop, kind="ERROR") if e.msg["refused_seq"] == following_arm_seq]
        if not errs or errs[0].msg["reason"] != "estopped":
            problems.append("the next ARM, seq %d (the number the version-2 frame carried), was not refused estopped "
                            "(%s): the version-2 frame's seq was used" % (
                                following_arm_seq, errs[0].msg["reason"] if errs else "no ERROR"))
        else:
            notes.append("its seq unused (next ARM seq %d refused estopped)" % following_arm_seq)
    return (not problems), "; ".join(problems or notes)


def judge_version_2_and_bad_crc(events, t_v2, t_bad, quiet=0.15, nak_within=0.1):
    """c. Version-2 HEARTBEAT with good CRC: no NAK (nor ERROR); bad-CRC frame: NAK corrupted_frame."""
    problems, notes = [], []
    naks = rx(events, t_v2, min(t_v2 + quiet, t_bad), kind="NAK")
    if naks:
        problems.append("NAK %s %s after the version-2 HEARTBEAT" % (naks[0].msg["reason"], ms(naks[0].t - t_v2)))
    else:
        notes.append("no NAK %s after the version-2 HEARTBEAT" % ms(min(quiet, t_bad - t_v2)))
    errs = rx(events, t_v2, t_bad, kind="ERROR")
    if errs:
        problems.append("ERROR %s after the version-2 HEARTBEAT" % errs[0].msg["reason"])
    naks = rx(events, t_bad, t_bad + nak_within, kind="NAK")
    if not naks:
        problems.append("no NAK within %s of the bad-CRC frame" % ms(nak_within))
    elif naks[0].msg["reason"] != "corrupted_frame":
        problems.append("NAK %s for the bad-CRC frame, expected corrupted_frame" % naks[0].msg["reason"])
    else:
        notes.append("NAK corrupted_frame %s after the bad-CRC frame" % ms(naks[0].t - t_bad))
    return (not problems), "; ".join(problems or notes)


def judge_hello_v0(events, t_hello, t_end, s1_ack, s1_state, new_identity, state_window=0.24):
    """d. HELLO protocol_version 0: one ERROR unsupported_version (seq 0, ack 0, refused_seq 0,
    refused_type 0x01), nothing more; no session started (link state and state kept); then HELLO v1 works."""
    problems, notes = [], []
    errors = rx(events, t_hello, t_end, kind="ERROR")
    unsup = [e for e in errors if e.msg["reason"] == "unsupported_version"]
    if not unsup:
        problems.append("no ERROR unsupported_version")
    else:
        e = unsup[0].msg
        if (e["seq"], e["ack"], e["refused_seq"], e["refused_type"]) != (0, 0, 0, HELLO):
            problems.append("ERROR unsupported_version has seq=%d ack=%d refused_seq=%d refused_type=0x%02x, expected 0 0 0 0x01"
                            % (e["seq"], e["ack"], e["refused_seq"], e["refused_type"]))
        else:
            notes.append("one ERROR unsupported_version seq=0 ack=0 after %s" % ms(unsup[0].t - t_hello))
    if len(errors) > 1:
        problems.append("%d ERRORs in %s, not one (retransmitted?): %s%s" % (
            len(errors), ms(t_end - t_hello), ", ".join("%s seq=%d at %s" % (e.msg["reason"], e.msg["seq"], ms(e.t - t_hello)) for e in errors[:5]),
            ", ..." if len(errors) > 5 else ""))
    others = [e for e in rx(events, t_hello, t_end) if e.type == "IDENTITY"]
    if others:
        problems.append("IDENTITY answered the version-0 HELLO")
    statuses = rx(events, t_hello, t_hello + state_window, kind="STATUS")
    after = [e for e in statuses if unsup and e.t >= unsup[0].t] or statuses
    if not after:
        problems.append("no STATUS within %s to show the device's state" % ms(state_window))
    else:
        reset = [e for e in after if e.msg["ack"] != s1_ack or e.msg["state"] != s1_state]
        if reset:
            m = reset[0].msg
            problems.append("STATUS ack=%d state=%s %s after it, was ack=%d state=%s: a session was started or the device changed"
                            % (m["ack"], m["state"], ms(reset[0].t - t_hello), s1_ack, s1_state))
        else:
            notes.append("STATUS still ack=%d state=%s (no session started)" % (s1_ack, s1_state))
    if new_identity is None:
        problems.append("a later HELLO v1 got no IDENTITY")
    else:
        notes.append("a later HELLO v1 got IDENTITY")
    return (not problems), "; ".join(problems or notes)


def judge_lease_range(events, arms):
    """e. arms: list of (lease_ms, seq, t_sent). Outside 150..5000: ERROR lease_out_of_range, not armed;
    150: accepted, armed."""
    problems, notes = [], []
    for i, (lease, seq, t) in enumerate(arms):
        later_seq = arms[i + 1][1] if i + 1 < len(arms) else None
        errs = [e for e in rx(events, t, kind="ERROR") if e.msg["refused_seq"] == seq]
        # A STATUS whose ack is this ARM's seq (and not yet a later command's) shows its effect (A.5).
        reflecting = [e for e in rx(events, t, kind="STATUS") if seq_at_or_after(e.msg["ack"], seq)
                      and (later_seq is None or not seq_at_or_after(e.msg["ack"], later_seq))]
        if 150 <= lease <= 5000:
            if errs:
                problems.append("ARM %d refused %s" % (lease, errs[0].msg["reason"]))
            elif not reflecting or reflecting[0].msg["state"] != "armed":
                problems.append("ARM %d: STATUS after it says %s" % (lease, reflecting[0].msg["state"] if reflecting else "nothing"))
            else:
                notes.append("ARM %d armed" % lease)
        else:
            if not errs:
                problems.append("ARM %d drew no ERROR" % lease)
            elif errs[0].msg["reason"] != "lease_out_of_range" or errs[0].msg["refused_type"] != ARM:
                problems.append("ARM %d refused %s (refused_type 0x%02x), expected lease_out_of_range" % (
                    lease, errs[0].msg["reason"], errs[0].msg["refused_type"]))
            else:
                notes.append("ARM %d lease_out_of_range" % lease)
            if reflecting and reflecting[0].msg["state"] == "armed":
                problems.append("ARM %d armed the device" % lease)
    return (not problems), "; ".join(problems or notes)


def judge_fire_rate(events, fires, max_rate_mhz, t_end, slack=0.025):
    """f. fires: list of (t_sent, seq, command_id). Each answered once, by SHOT or ERROR busy; at least one
    busy; no ALARM; SHOTs at least 10^6/max_rate ms apart in device time; a FIRE well after the last shot
    is not refused."""
    problems, notes = [], []
    interval_ms = 1e6 / max_rate_mhz
    t0 = fires[0][0]
    outcome = []
    shots_by_counter = {}
    for t, seq, cid in fires:
        shots = [e for e in rx(events, t0, t_end, kind="SHOT") if e.msg["command_id"] == cid]
        errs = [e for e in rx(events, t0, t_end, kind="ERROR") if e.msg["refused_seq"] == seq]
        counters = {e.msg["shot_counter"] for e in shots}
        if shots and errs:
            problems.append("FIRE seq %d answered by SHOT and ERROR %s" % (seq, errs[0].msg["reason"]))
        if len(counters) > 1:
            problems.append("FIRE command_id %d delivered %d shots" % (cid, len(counters)))
        if shots:
            outcome.append(("shot", t, seq, shots[0]))
            shots_by_counter[shots[0].msg["shot_counter"]] = shots[0].msg
        elif errs:
            outcome.append((errs[0].msg["reason"], t, seq, errs[0]))
            if errs[0].msg["reason"] != "busy":
                problems.append("FIRE seq %d refused %s" % (seq, errs[0].msg["reason"]))
        else:
            outcome.append(("none", t, seq, None))
            problems.append("FIRE seq %d got neither SHOT nor ERROR" % seq)
    summary = " ".join("%s@%d" % ("S" if o[0] == "shot" else o[0], round((o[1] - t0) * 1000)) for o in outcome)
    if outcome and outcome[0][0] != "shot":
        problems.append("the first FIRE was not delivered (%s), so the rate could not be tested" % outcome[0][0])
    busy = [o for o in outcome if o[0] == "busy"]
    if not busy:
        problems.append("no FIRE refused busy although they came every %s, faster than one per %.1f ms"
                        % (ms(fires[1][0] - fires[0][0]) if len(fires) > 1 else "?", interval_ms))
    alarms = rx(events, t0, t_end, kind="ALARM")
    if alarms:
        problems.append("ALARM %s %s" % (alarms[0].msg["code"], "raised" if alarms[0].msg["active"] else "cleared"))
    times = [shots_by_counter[c]["device_time_ms"] for c in sorted(shots_by_counter)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    floor_ms = int(interval_ms)  # device_time_ms is whole milliseconds
    close = [g for g in gaps if g < floor_ms]
    if close:
        problems.append("SHOTs %s apart in device_time_ms (min %d ms allowed at %d mHz)" % (
            ", ".join("%d ms" % g for g in close), floor_ms, max_rate_mhz))
    # The refusal is for a FIRE *sooner* than the interval: one clearly later must be executed.
    last_shot_t = None
    for kind, t, seq, _ in outcome:
        if kind == "busy" and last_shot_t is not None and t - last_shot_t >= interval_ms / 1000.0 + slack:
            problems.append("FIRE seq %d refused busy %s after the last delivered FIRE was sent (interval %.1f ms)"
                            % (seq, ms(t - last_shot_t), interval_ms))
        if kind == "shot":
            last_shot_t = t
    notes.append("answers %s; SHOT gaps %s ms device time (>= %.1f)" % (summary, gaps, interval_ms))
    return (not problems), "; ".join(problems + ["[" + summary + "]"] if problems else notes)


# ---------------------------------------------------------------------------
# device-checks: the drivers
# ---------------------------------------------------------------------------


def check_a(link):
    ident = armed_session(link, 150)
    link.pump(0.06)
    since = link.mark()
    seq = next_seq(link.tx_seq)
    link.send_raw_reliable(ESTOP_TYPE, b"\x00", note="ESTOP with a 1-byte payload")
    t = link.log[-1].t
    link.pump(0.32)  # STATUS comes every 100 ms: one at or after +180 ms whatever its phase
    del ident
    return judge_estop_with_payload(link.log[since:], t, seq), since


def check_b(link):
    armed_session(link, 150)
    link.pump(0.06)
    since = link.mark()
    seq = next_seq(link.tx_seq)
    link.send_raw(2, ESTOP_TYPE, seq, link.rx_seq, b"", note="version-2 ESTOP")
    t = link.log[-1].t
    link.pump(0.2)
    arm_seq = link.send_reliable("ARM", lease_ms=150)  # carries the same seq: the v2 frame's was not used
    link.wait(lambda: error_for(link, since, arm_seq) is not None, 0.3)
    link.pump(0.03)
    return judge_estop_version_2(link.log[since:], t, following_arm_seq=arm_seq), since


def check_c(link):
    open_session(link)
    link.pump(0.1)
    since = link.mark()
    link.send_raw(2, TYPE_BY_NAME["HEARTBEAT"], link.tx_seq, link.rx_seq,
                  struct.pack("<I", int(link.now() * 1000)), note="version-2 HEARTBEAT")
    t_v2 = link.log[-1].t
    link.pump(0.15)  # also far more than the 20 ms NAK rate limit
    link.send_raw(1, TYPE_BY_NAME["HEARTBEAT"], link.tx_seq, link.rx_seq,
                  struct.pack("<I", int(link.now() * 1000)), crc_xor=0x00000100, note="bad CRC")
    t_bad = link.log[-1].t
    link.pump(0.12)
    return judge_version_2_and_bad_crc(link.log[since:], t_v2, t_bad), since


def check_d(link):
    ident = open_session(link)
    configure(link, ident)
    arm(link, 5000)  # a long lease: the host may then stay quiet for 1.5 s (< 5000/3 ms, A.6)
    link.pump(0.03)
    s1_ack = link.tx_seq
    since = link.mark()
    # Sent once (no repeat, so that one HELLO must draw exactly one ERROR); a handshaking host sends
    # nothing but HELLO, and once the ERROR arrives it stops and sends nothing.
    link.start_handshake(protocol_version=0, timeout=1.5, repeat=False)
    t = link.log[-1].t
    link.wait(lambda: not link.handshaking, 0.5)
    link.handshaking = False
    link.pump(max(0.0, t + 1.5 - link.now()))
    t_end = link.now()
    new_ident = link.handshake()
    link.pump(0.02)
    return judge_hello_v0(link.log[since:], t, t_end, s1_ack, "armed", new_ident), since


def check_e(link):
    ident = open_session(link)
    configure(link, ident)
    since = link.mark()
    arms = []
    for lease in (149, 50, 150):
        mark = link.mark()
        seq = link.send_reliable("ARM", lease_ms=lease)
        arms.append((lease, seq, link.log[-1].t))
        link.wait(lambda: error_for(link, mark, seq) or link.find(
            mark, lambda m: m["type"] == "STATUS" and seq_at_or_after(m["ack"], seq)), 0.5)
    link.pump(0.03)
    verdict = judge_lease_range(link.log[since:], arms)
    link.send_reliable("DISARM")
    link.pump(0.03)
    return verdict, since


def check_f(link):
    ident = armed_session(link, 150)
    rate = ident["max_shot_rate_mhz"]
    if rate == 0:
        raise CheckFailed("IDENTITY max_shot_rate_mhz is 0")
    link.pump(0.2)  # at least one interval since any earlier shot
    since = link.mark()
    base = random.SystemRandom().randrange(1, 0x7FFFFFFF)
    fires = []
    t_first = link.now()
    for i in range(6):  # every 50 ms, faster than the rate
        link.wait(lambda: False, max(0.0, t_first + 0.05 * i - link.now()))
        seq = link.send_reliable("FIRE", command_id=base + i)
        fires.append((link.log[-1].t, seq, base + i))
    link.wait(lambda: all(
        error_for(link, since, s) or link.find(since, lambda m, c=c: m["type"] == "SHOT" and m["command_id"] == c)
        for _, s, c in fires), 1.0)
    link.pump(0.05)
    t_end = link.now()
    verdict = judge_fire_rate(link.log[since:], fires, rate, t_end)
    link.send_reliable("DISARM")
    link.pump(0.03)
    return verdict, since


def judge_identity_simulated(ident, what="IDENTITY"):
    """A.4, B.3: a simulator MUST say so, in IDENTITY's bit 7 (JSON `simulated`) or IDR's tenth field."""
    if ident is None:
        return False, "no %s" % what
    if "simulated" not in ident:
        return False, "%s has no simulated flag: %s" % (what, json.dumps(ident))
    if ident["simulated"] is not True:
        return False, "%s of %r (serial %r) says simulated=%r: a simulator MUST set it" % (
            what, ident.get("model"), ident.get("serial_number"), ident["simulated"])
    return True, "%s of %r (serial %r) says it is simulated" % (what, ident.get("model"), ident.get("serial_number"))


def check_g(link):
    since = link.mark()
    ident = open_session(link)
    return judge_identity_simulated(ident), since


DEVICE_CHECKS = [
    ("a_estop_with_payload_stops_armed_device", check_a),
    ("b_estop_version_2_stops_without_nak", check_b),
    ("c_version_2_no_nak_bad_crc_nak", check_c),
    ("d_hello_v0_one_handshake_error_no_session", check_d),
    ("e_arm_lease_range_150_to_5000", check_e),
    ("f_fire_faster_than_max_rate_busy", check_f),
    ("g_identity_says_simulated", check_g),
]


def print_trace(events, since, limit=80):
    shown = 0
    skipped = 0
    for ev in events[since:]:
        if ev.dir == "tx" and ev.type == "HEARTBEAT" and not ev.note:
            skipped += 1
            continue
        if shown >= limit:
            print("      ... (%d more)" % (len(events) - since - shown - skipped))
            break
        print("      " + ev.describe())
        shown += 1
    if skipped:
        print("      (%d HEARTBEATs of the host, every 25 ms, not shown)" % skipped)


def start_mesosim(path, extra=(), device="mesogun"):
    cmd = [path, "--device", device, "--pty", "--seed", "1", "--baud", "0"] + list(extra)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    line = b""
    deadline = time.monotonic() + 10
    while not line.endswith(b"\n"):
        r, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        ch = os.read(proc.stdout.fileno(), 1)
        if not ch:
            break
        line += ch
    slave = line.decode("ascii", "replace").strip()
    if not slave:
        proc.kill()
        err = proc.stderr.read().decode("utf-8", "replace")
        raise RuntimeError("%s printed no pty path (exit %s): %s" % (" ".join(cmd), proc.poll(), err.strip()))
    return proc, cmd, slave


def stop_process(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def device_checks(mesosim_path, verbose=None):
    verbose = os.environ.get("MESOPEER_TRACE") == "1" if verbose is None else verbose
    t_start = time.monotonic()
    proc, cmd, slave = start_mesosim(mesosim_path)
    print("# %s -> %s" % (" ".join(cmd), slave))
    failed = passed = 0
    fd = None
    try:
        fd = os.open(slave, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        set_raw(fd)
        link = HostLink(fd)
        for name, func in DEVICE_CHECKS:
            since = link.mark()
            try:
                (ok, reason), since = func(link)
            except CheckFailed as e:
                ok, reason = False, "setup: " + e.args[0]
            except (LinkGone, TimeoutError) as e:
                ok, reason = False, "link: %s" % e
            print("%s %s: %s" % ("PASS" if ok else "FAIL", name, reason))
            sys.stdout.flush()
            if not ok or verbose:
                print_trace(link.log, since)
            passed += ok
            failed += not ok
            link.in_session = False  # the next check starts its own session
            link.heartbeats = True
            if proc.poll() is not None:
                print("FAIL mesosim exited with status %s" % proc.returncode)
                failed += 1
                break
    finally:
        if fd is not None:
            os.close(fd)
        stop_process(proc)
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        proc.stdout.close()
        proc.stderr.close()
        if err and (failed or verbose):
            print("# mesosim stderr:\n" + "\n".join("#   " + l for l in err.splitlines()[-20:]))
    ok, reason = pen_identity_check(mesosim_path)
    print("%s h_pen_idr_says_simulated: %s" % ("PASS" if ok else "FAIL", reason))
    passed += ok
    failed += not ok
    print("%d passed, %d failed (%.1f s)" % (passed, failed, time.monotonic() - t_start))
    return 0 if failed == 0 and passed == len(DEVICE_CHECKS) + 1 else 1


def pen_identity_check(mesosim_path, timeout=3.0):
    """B.3: `mesosim --device pen` answers IDQ with an IDR whose simulated field is 1."""
    try:
        proc, cmd, slave = start_mesosim(mesosim_path, device="pen")
    except RuntimeError as e:
        return False, str(e)
    fd = None
    idr = None
    try:
        fd = os.open(slave, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        set_raw(fd)
        write_all(fd, encode_pen_sentence({"type": "IDQ"}))
        buf = bytearray()
        deadline = time.monotonic() + timeout
        while idr is None and time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.05)
            if not r:
                continue
            try:
                buf += os.read(fd, 4096)
            except (BlockingIOError, OSError):
                continue
            while b"\n" in buf:
                line, _, rest = bytes(buf).partition(b"\n")
                buf = bytearray(rest)
                start = line.find(b"$")
                if start < 0:
                    continue
                try:
                    msg = decode_pen_sentence(line[start:] + b"\n")
                except ProtocolError:
                    continue
                if msg["type"] == "IDR":
                    idr = msg
    finally:
        if fd is not None:
            os.close(fd)
        stop_process(proc)
        proc.stdout.close()
        proc.stderr.close()
    if idr is None:
        return False, "%s: no IDR within %.0f s of IDQ" % (" ".join(cmd), timeout)
    return judge_identity_simulated(idr, "IDR")


# ---------------------------------------------------------------------------
# A spec mesogun and a spec pen (the device side of probe-checks; the fake simulator of the self-tests)
# ---------------------------------------------------------------------------


class FakeMesogun:
    """A version-1 mesogun written from the spec. `bugs` switches on deliberate deviations so the checks
    can be shown to catch them: estop_v1_only, nak_bad_version, no_fire_rate, reliable_unsupported_version,
    session_on_v0_hello, lease_min_50, estop_payload_not_acted, not_simulated."""

    CAPS = dict(depth_min_um=500, depth_max_um=6000, depth_step_um=100, dose_min_nl=1000, dose_max_nl=100000,
                dose_step_nl=500, max_shot_rate_mhz=9000, syringe_volume_ul=10000, modes=7)

    def __init__(self, write, clock=time.monotonic, bugs=(), answer_hello_number=1,
                 model="MesoGun SIMPEER", serial="SIMPEER-0001"):
        self.write, self.clock, self.bugs = write, clock, set(bugs)
        self.t_boot = clock()
        self.model, self.serial = model, serial
        self.answer_hello_number = answer_hello_number  # ignore the HELLOs before the n-th
        self.hellos_seen = 0
        self.identity_sent_at = None
        self.stream = CobsStream()
        self.boot_id = random.SystemRandom().getrandbits(32)
        self.state = "idle"
        self.depth_from = self.depth_to = 1000.0
        self.move_start = self.settled_at = 0.0
        self.config = None
        self.lease = 0.15
        self.last_host_rx = 0.0
        self.shot_counter = 0
        self.shots = collections.OrderedDict()  # command_id -> record
        self.last_shot_at = -1e9
        self.session = None
        self.virgin = False
        self.tx_seq = self.rx_seq = 0
        self.inflight = collections.OrderedDict()
        self.ack_due = None
        self.last_tx = self.last_status = -1e9
        self.last_nak = -1e9
        self.rx_frames = []  # (time, decoded frame or body, msg, err)

    def now(self):
        return self.clock() - self.t_boot

    def dev_ms(self):
        return int(self.now() * 1000) & 0xFFFFFFFF

    def depth_actual(self):
        d = abs(self.depth_to - self.depth_from)
        moved = min(d, 10.0 * (self.now() - self.move_start) * 1000.0)
        return self.depth_from + (moved if self.depth_to >= self.depth_from else -moved)

    # -- sending -----------------------------------------------------------
    def _send(self, frame):
        self.write(wire_from_frame(frame))
        self.last_tx = self.now()
        self.ack_due = None

    def _send_msg(self, name, seq=None, ack=None, **fields):
        msg = {"type": name, "seq": self.tx_seq if seq is None else seq, "ack": self.rx_seq if ack is None else ack}
        msg.update(fields)
        self._send(encode_mesogun_frame(msg))

    def _send_reliable(self, name, **fields):
        self.tx_seq = next_seq(self.tx_seq)
        payload = encode_mesogun_payload(name, dict(fields, type=name))
        self.inflight[self.tx_seq] = dict(mtype=TYPE_BY_NAME[name], payload=payload, last=self.now())
        self._send(raw_mesogun_frame(1, TYPE_BY_NAME[name], self.tx_seq, self.rx_seq, payload))

    def _status(self):
        self.last_status = self.now()
        self._send_msg("STATUS", device_time_ms=self.dev_ms(), state=self.state, shot_counter=self.shot_counter,
                       reservoir_nl=5000000, line_pressure_mbar=1000, battery_pct=90, temperature_dc=300,
                       depth_actual_um=int(round(self.depth_actual())), trigger_pressed=False, active_alarms=0)

    def _error(self, seq, mtype, reason):
        self._send_reliable("ERROR", refused_seq=seq, refused_type=mtype, reason=reason)

    def _identity(self, nonce):
        self.identity_sent_at = self.clock()
        fields = dict(hello_nonce=nonce, protocol_version=1, model=self.model, serial_number=self.serial,
                      firmware_major=1, firmware_minor=0, firmware_patch=0, boot_id=self.boot_id,
                      shot_counter=self.shot_counter)
        fields.update(self.CAPS)
        # A.4: a simulator (this is one) sets the simulated bit; the bug plays one that does not.
        fields["simulated"] = "not_simulated" not in self.bugs
        self._send_msg("IDENTITY", seq=0, ack=0, **fields)

    # -- receiving ---------------------------------------------------------
    def on_bytes(self, data):
        for kind, body in self.stream.feed(data):
            if kind == "frame":
                self._on_body(body)
            elif kind == "too_long":
                self._corrupted()

    def _corrupted(self):
        if self.now() - self.last_nak >= 0.02:
            self.last_nak = self.now()
            self._send_msg("NAK", reason="corrupted_frame")

    def _process_ack(self, ack):
        for seq in list(self.inflight):
            if seq_newer(seq, ack):
                break
            del self.inflight[seq]

    def _estop(self):
        if self.state != "estopped":
            cur = self.depth_actual()
            self.depth_from = self.depth_to = cur
            self.state = "estopped"
            self.config = None
            if self.session is not None:
                self._status()

    def _on_body(self, body):
        frame, msg, err, crc_ok = decode_body(body)
        self.rx_frames.append((self.clock(), frame, msg, err))
        if not crc_ok:
            self._corrupted()
            return
        version, mtype, seq, ack = struct.unpack_from("<BBHH", frame, 0)
        if mtype == ESTOP_TYPE and not (version != 1 and "estop_v1_only" in self.bugs) and not (
                len(frame) != 10 and "estop_payload_not_acted" in self.bugs):
            self._estop()  # the stop wins (A.4)
        self.last_host_rx = self.now()
        if version != 1:
            if "nak_bad_version" in self.bugs:
                self._send_msg("NAK", reason="corrupted_frame")
            return
        if mtype != HELLO:
            self.virgin = False
        if err:
            self._process_ack(ack)
            name = MESSAGE_TYPES.get(mtype, (None,))[0]
            if err == "unknown_type":
                if seq == next_seq(self.rx_seq):
                    self.rx_seq = seq
                    self._error(seq, mtype, "unknown_type")
            elif name in HOST_RELIABLE:
                self._sequenced(seq, lambda: self._error(seq, mtype, "bad_payload"))
            return
        name = msg["type"]
        if name == "HELLO":
            self._hello(msg)
            return
        if self.session is None:
            return
        self._process_ack(ack)
        if name in HOST_RELIABLE:
            self._sequenced(seq, lambda: self._command(msg))
        elif name in DEVICE_RELIABLE:
            self._sequenced(seq, lambda: None)
        elif name == "NAK":
            for s, f in self.inflight.items():
                if seq_newer(s, msg["ack"]):
                    self._send(raw_mesogun_frame(1, f["mtype"], s, self.rx_seq, f["payload"]))
        elif seq_newer(seq, self.rx_seq) and name not in ("IDENTITY",):
            self._send_msg("NAK", reason="sequence_gap")

    def _sequenced(self, seq, deliver):
        if seq == next_seq(self.rx_seq):
            self.rx_seq = seq
            deliver()
        elif seq_newer(seq, self.rx_seq):
            self._send_msg("NAK", reason="sequence_gap")
            return
        if self.ack_due is None:
            self.ack_due = self.now() + 0.005

    def _hello(self, msg):
        self.hellos_seen += 1
        if self.hellos_seen < self.answer_hello_number:
            return
        if msg["protocol_version"] < 1 and "session_on_v0_hello" not in self.bugs:
            if "reliable_unsupported_version" in self.bugs:
                self._error(0, HELLO, "unsupported_version")
            else:
                self._send_msg("ERROR", seq=0, ack=0, refused_seq=0, refused_type=HELLO, reason="unsupported_version")
            return
        if msg["hello_nonce"] == self.session and self.virgin:
            self._identity(msg["hello_nonce"])
            self._status()
            return
        if self.state == "armed":
            self.state = "configured"
        if self.state == "estopped":
            self.state = "idle"
        self.session = msg["hello_nonce"]
        self.virgin = True
        self.tx_seq = self.rx_seq = 0
        self.inflight.clear()
        self._identity(msg["hello_nonce"])
        self._status()

    def _command(self, msg):
        name, seq = msg["type"], msg["seq"]
        mtype = TYPE_BY_NAME[name]
        before = self.state
        now = self.now()
        if name == "CONFIGURE":
            c = self.CAPS
            if self.state == "armed":
                return self._error(seq, mtype, "busy")
            if not (c["depth_min_um"] <= msg["depth_um"] <= c["depth_max_um"]) or (msg["depth_um"] - c["depth_min_um"]) % c["depth_step_um"]:
                return self._error(seq, mtype, "depth_out_of_range")
            if not (c["dose_min_nl"] <= msg["dose_nl"] <= c["dose_max_nl"]) or (msg["dose_nl"] - c["dose_min_nl"]) % c["dose_step_nl"]:
                return self._error(seq, mtype, "dose_out_of_range")
            if msg["rate_mhz"] > c["max_shot_rate_mhz"] or (msg["mode"] == "single" and msg["rate_mhz"]):
                return self._error(seq, mtype, "rate_out_of_range")
            if self.state == "estopped":
                return self._error(seq, mtype, "estopped")
            self.config = msg
            cur = self.depth_actual()
            self.depth_from, self.depth_to, self.move_start = cur, float(msg["depth_um"]), now
            self.settled_at = now + abs(self.depth_to - cur) / 10000.0 + 0.02
            self.state = "configured"
        elif name == "ARM":
            lo = 50 if "lease_min_50" in self.bugs else 150
            if self.state == "estopped":
                return self._error(seq, mtype, "estopped")
            if not lo <= msg["lease_ms"] <= 5000:
                return self._error(seq, mtype, "lease_out_of_range")
            if self.config is None:
                return self._error(seq, mtype, "not_configured")
            self.state = "armed"
            self.lease = msg["lease_ms"] / 1000.0
        elif name == "DISARM":
            if self.state == "armed":
                self.state = "configured"
        elif name == "FIRE":
            cid = msg["command_id"]
            if cid in self.shots:
                return self._send_reliable("SHOT", **self.shots[cid])
            if self.state == "estopped":
                return self._error(seq, mtype, "estopped")
            if self.state != "armed":
                return self._error(seq, mtype, "not_armed")
            if now < self.settled_at:
                return self._error(seq, mtype, "busy")
            if "no_fire_rate" not in self.bugs and now - self.last_shot_at < 1.0 / (self.CAPS["max_shot_rate_mhz"] / 1000.0):
                return self._error(seq, mtype, "busy")
            self.shot_counter += 1
            self.last_shot_at = now
            rec = dict(shot_counter=self.shot_counter, command_id=cid, depth_um=int(round(self.depth_actual())),
                       dose_nl=self.config["dose_nl"], device_time_ms=self.dev_ms())
            self.shots[cid] = rec
            self._send_reliable("SHOT", **rec)
        elif name == "QUERY_SHOTS":
            recs = [r for r in self.shots.values() if r["shot_counter"] >= msg["from_counter"]][: min(12, msg["max_records"])]
            oldest = min((r["shot_counter"] for r in self.shots.values()), default=0)
            self._send_reliable("SHOT_RECORDS", oldest_counter=oldest, latest_counter=self.shot_counter, records=recs)
        if self.state != before:
            self._status()

    def next_deadline(self):
        if self.session is None:
            return None
        t = [self.last_status + 0.1, self.last_tx + 0.05]
        if self.ack_due is not None:
            t.append(self.ack_due)
        if self.inflight:
            t.append(next(iter(self.inflight.values()))["last"] + 0.1)
        if self.state == "armed":
            t.append(self.last_host_rx + self.lease)
        return min(t)

    def tick(self):
        if self.session is None:
            return
        now = self.now()
        if self.state == "armed" and now - self.last_host_rx > self.lease:
            self.state = "configured"
            self._status()
        if self.inflight and now >= next(iter(self.inflight.values()))["last"] + 0.1:
            for s, f in self.inflight.items():
                f["last"] = now
                self._send(raw_mesogun_frame(1, f["mtype"], s, self.rx_seq, f["payload"]))
        if self.ack_due is not None and now >= self.ack_due:
            self._send_msg("ACK")
        if now - self.last_status >= 0.1:
            self._status()
        if now - self.last_tx >= 0.05:
            self._send_msg("HEARTBEAT", uptime_ms=self.dev_ms())


class FakePen:
    """A version-1 pen (Part B) that answers host sentences; it ignores every byte outside a sentence."""

    IDR = dict(model="MicroPen SIMPEER", firmware="1.0.0", serial_number="SIMPEER-PEN-01", protocol_version=1,
               depth_min_um=250, depth_max_um=2500, depth_step_um=250, speed_min_sps=50, speed_max_sps=150,
               simulated=True)  # B.3: a simulator (this is one) says so

    def __init__(self, write, clock=time.monotonic):
        self.write, self.clock = write, clock
        self.buf = None
        self.sentences = []  # (time, raw, msg or None, err)
        self.state, self.depth, self.speed = "IDLE", 250, 50
        self.identity_sent_at = None

    def on_bytes(self, data):
        for b in data:
            if b == 0x24:  # '$' starts a sentence, abandoning a partial one
                self.buf = bytearray(b"$")
            elif self.buf is not None:
                self.buf.append(b)
                if len(self.buf) > 82:
                    self.buf = None
                elif b == 0x0A:
                    raw = bytes(self.buf)
                    self.buf = None
                    self._sentence(raw)

    def _answer(self, msg):
        self.write(encode_pen_sentence(msg))

    def _sentence(self, raw):
        try:
            msg = decode_pen_sentence(raw)
            err = None
        except ProtocolError as e:
            msg, err = None, e.args[0]
        self.sentences.append((self.clock(), raw, msg, err))
        if err == "bad_field":
            kind = raw[1:].split(b"*")[0].split(b",")[1:2]
            kind = kind[0].decode("ascii", "replace") if kind else ""
            if kind in ("IDQ", "DEP", "SPD", "RUN", "STP", "STQ"):
                self._answer({"type": "NAK", "command": kind, "reason": "SYNTAX"})
            return
        if msg is None:
            return
        kind = msg["type"]
        if kind == "IDQ":
            self.identity_sent_at = self.clock()
            self._answer(dict(self.IDR, type="IDR"))
        elif kind == "STQ":
            self._answer(dict(type="STA", state=self.state, depth_um=self.depth, speed_sps=self.speed,
                              stamps_total=0, battery_pct=90, temperature_dc=250, lease_left_ms=0))
        elif kind in ("DEP", "SPD"):
            self._answer({"type": "ACK", "command": kind})
        elif kind == "RUN":
            if not 150 <= msg["lease_ms"] <= 5000:
                self._answer({"type": "NAK", "command": "RUN", "reason": "LEASE"})
            else:
                self._answer({"type": "ACK", "command": "RUN"})
        elif kind == "STP":
            self._answer({"type": "ACK", "command": "STP"})

    def next_deadline(self):
        return None

    def tick(self):
        pass


# ---------------------------------------------------------------------------
# probe-checks
# ---------------------------------------------------------------------------


class ProbeRun:
    def __init__(self):
        self.rx = []  # (time, bytes) from the probe
        self.tx = []  # (time, bytes) to the probe
        self.stdout = b""
        self.stderr = b""
        self.returncode = None
        self.identity_at = None  # when the device's identity (IDENTITY or IDR) was written
        self.t0 = None
        self.cmd = None


def run_probe(station_path, role, answer_hello_number=1, timeout=15.0):
    """Run `station probe --port <pty> --json` against a FakeMesogun ('mesogun') or FakePen ('pen')."""
    run = ProbeRun()
    master, slave = os.openpty()
    try:
        set_raw(master)
        set_raw(slave)
        set_nonblocking(master)
        path = os.ttyname(slave)
        run.t0 = time.monotonic()

        def write(data):
            write_all(master, data)
            run.tx.append((time.monotonic(), bytes(data)))

        if role == "mesogun":
            dev = FakeMesogun(write, answer_hello_number=answer_hello_number)
        else:
            dev = FakePen(write)
        run.cmd = [station_path, "probe", "--port", path, "--json"]
        proc = subprocess.Popen(run.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        outs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
        open_fds = set(outs)
        deadline = run.t0 + timeout
        while open_fds or proc.poll() is None:
            now = time.monotonic()
            if now > deadline:
                proc.kill()
                proc.wait()
                run.stderr = b"(killed after %.0f s) " % timeout
                break
            nd = dev.next_deadline()
            wait = 0.01 if nd is None else max(0.0, min(0.01, nd - dev.now()))
            r, _, _ = select.select([master] + list(open_fds), [], [], wait)
            for fd in r:
                if fd == master:
                    try:
                        data = os.read(master, 4096)
                    except (BlockingIOError, OSError):
                        data = b""
                    if data:
                        run.rx.append((time.monotonic(), data))
                        dev.on_bytes(data)
                else:
                    data = os.read(fd, 65536)
                    if data:
                        outs[fd] += data
                    else:
                        open_fds.discard(fd)
            dev.tick()
        run.returncode = proc.returncode
        run.stdout = bytes(outs[proc.stdout.fileno()])
        run.stderr += bytes(outs[proc.stderr.fileno()])
        proc.stdout.close()
        proc.stderr.close()
        run.identity_at = dev.identity_sent_at
    finally:
        os.close(master)
        os.close(slave)
    return run


def split_probe_bytes(chunks):
    """The probe's bytes as a list of (t, kind, data): kind 'zero' (an empty frame: a lone 0x00), 'frame'
    (a COBS body before its 0x00), 'sentence' (from $PMSN to \\n), 'partial' (bytes with no end yet)."""
    items = []
    cur = bytearray()
    cur_t = None
    mode = None  # None, 'bin', 'text'
    for t, data in chunks:
        for b in data:
            if mode is None:
                cur_t = t
                if b == 0:
                    items.append((t, "zero", b""))
                    continue
                mode = "text" if b == 0x24 else "bin"
            cur.append(b)
            if mode == "bin" and cur.endswith(b"$PMSN,"):
                if len(cur) > 6:
                    items.append((cur_t, "partial", bytes(cur[:-6])))
                cur = bytearray(b"$PMSN,")
                cur_t = t
                mode = "text"
            elif mode == "bin" and b == 0:
                items.append((cur_t, "frame", bytes(cur[:-1])))
                cur.clear()
                mode = None
            elif mode == "text" and b == 0x0A:
                items.append((cur_t, "sentence", bytes(cur)))
                cur.clear()
                mode = None
    if cur:
        items.append((cur_t, "partial", bytes(cur)))
    return items


def describe_items(items, t0, limit=40):
    out = []
    for t, kind, data in items[:limit]:
        out.append("      %+8.1f ms %-8s %s" % ((t - t0) * 1000, kind, data.hex(" ") if kind != "sentence" else repr(data)))
    if len(items) > limit:
        out.append("      ... (%d more)" % (len(items) - limit))
    return "\n".join(out)


def _hello_of(body):
    frame, msg, err, crc_ok = decode_body(body)
    if msg and msg["type"] == "HELLO":
        return msg
    return None


def judge_probe_mesogun_bytes(items, identity_at):
    """Before IDENTITY: nothing but HELLO frames (seq 0, ack 0, one nonce), one optional leading 0x00;
    no $PMSN at all in the run. Returns (ok, reason, nonce)."""
    problems = []
    before = [it for it in items if identity_at is None or it[0] < identity_at]
    hellos = []
    for i, (t, kind, data) in enumerate(before):
        if kind == "zero":
            if i != 0:
                problems.append("a 0x00 that is not the single leading one (item %d)" % i)
            continue
        if kind == "sentence" or (kind in ("partial",) and data.startswith(b"$")):
            problems.append("pen bytes %r before IDENTITY" % data[:20])
            continue
        hello = _hello_of(data) if kind == "frame" else None
        if hello is None:
            problems.append("%s %s before IDENTITY is not a HELLO (%s)" % (
                kind, data.hex(" ")[:60], decode_body(data)[2] or decode_body(data)[2] or (decode_body(data)[1] or {}).get("type")))
        else:
            hellos.append((t, hello))
    if not hellos:
        problems.append("no HELLO before IDENTITY")
    nonces = sorted({h["hello_nonce"] for _, h in hellos})
    if len(nonces) > 1:
        problems.append("HELLOs before IDENTITY carry %d nonces %s (A.6: the same HELLO, same nonce)" % (len(nonces), nonces))
    for _, h in hellos:
        if h["seq"] or h["ack"] or h["protocol_version"] != 1:
            problems.append("HELLO seq=%d ack=%d protocol_version=%d" % (h["seq"], h["ack"], h["protocol_version"]))
            break
    pen = [it for it in items if b"$PMSN" in it[2]]
    if pen:
        problems.append("a pen sentence %r went to the mesogun" % pen[0][2][:30])
    if identity_at is None:
        problems.append("the probe's HELLO never drew our IDENTITY")
    nonce = hellos[0][1]["hello_nonce"] if hellos else None
    if problems:
        return False, "; ".join(problems), nonce
    gaps = [round((b[0] - a[0]) * 1000) for a, b in zip(hellos, hellos[1:])]
    lead = "a leading 0x00, then " if before and before[0][1] == "zero" else ""
    return True, "%s%d HELLO(s) (nonce 0x%08x, repeats after %s ms) and nothing else before IDENTITY; no $PMSN" % (
        lead, len(hellos), nonce, gaps), nonce


def judge_probe_pen_bytes(items):
    """Pen run: HELLOs (unanswered), then and only then IDQ; nothing binary after the first sentence."""
    problems, notes = [], []
    first_text = next((i for i, it in enumerate(items) if it[1] == "sentence" or (it[1] == "partial" and it[2].startswith(b"$"))), None)
    if first_text is None:
        return False, "no pen sentence at all (the probe never sent IDQ)"
    binary = items[:first_text]
    hellos = [(t, _hello_of(d)) for t, k, d in binary if k == "frame" and _hello_of(d) is not None]
    for i, (t, kind, data) in enumerate(binary):
        if kind == "zero" and i != 0:
            problems.append("a 0x00 that is not the single leading one")
        elif kind == "frame" and _hello_of(data) is None:
            problems.append("a frame before IDQ that is not a HELLO: %s" % data.hex(" ")[:60])
        elif kind == "partial":
            # Neither protocol's: not a frame, not a sentence (e.g. a CR LF to flush a pen); noted only.
            notes.append("stray bytes %s before IDQ" % data.hex(" ")[:40])
    if not hellos:
        problems.append("IDQ came with no HELLO before it (A.6: HELLO alone first)")
    after = items[first_text:]
    for t, kind, data in after:
        if kind != "sentence":
            problems.append("%s bytes %s after the first pen sentence (protocols interleaved)" % (kind, (data or b"\x00").hex(" ")[:40]))
            break
    first = items[first_text]
    try:
        msg = decode_pen_sentence(first[2])
    except ProtocolError as e:
        msg = None
        problems.append("the first sentence %r is bad (%s)" % (first[2], e.args[0]))
    if msg is not None and msg["type"] != "IDQ":
        problems.append("the first sentence is %s, not IDQ" % msg["type"])
    if hellos and first[0] < hellos[-1][0]:
        problems.append("IDQ before the last HELLO")
    if problems:
        return False, "; ".join(problems)
    span = (first[0] - hellos[0][0]) * 1000
    nonces = sorted({h["hello_nonce"] for _, h in hellos})
    return True, "%d unanswered HELLO(s) (%d nonce(s)), then IDQ %.0f ms after the first HELLO and %.0f ms after the last; no HELLO after it%s" % (
        len(hellos), len(nonces), span, (first[0] - hellos[-1][0]) * 1000, "".join("; " + n for n in notes))


def parse_probe_json(stdout):
    text = stdout.decode("utf-8", "replace").strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def flatten(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from flatten(v, "%s.%s" % (path, k) if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from flatten(v, "%s[%d]" % (path, i))
    else:
        yield path, obj


def judge_probe_json(stdout, returncode, kind, model, serial, simulated=None):
    """The JSON names the device (kind) and the protocol that answered; it carries our identity, and, when
    `simulated` is given, a member `simulated` with that value (the README: the identity's flag)."""
    doc = parse_probe_json(stdout)
    if doc is None:
        return False, "stdout is not JSON (exit %s): %r" % (returncode, stdout[:200])
    pairs = list(flatten(doc))
    problems = []

    def names(value, word):
        if not isinstance(value, str):
            return False
        v = value.lower().replace("-", "_")
        return v == word or v.startswith(word + "_") or v.endswith("_" + word) or (" " + word) in (" " + v)

    other = "pen" if kind == "mesogun" else "mesogun"
    # The README: `tried` lists each protocol the probe attempted, in order, with whether it answered; an
    # attempt that got no answer names the other protocol, as it should.
    unanswered = ["%s[%d]" % (p[:p.rindex("[")], i) for p, v in pairs if p.endswith(".answered") and v is False
                  for i in [int(p[p.rindex("[") + 1:p.rindex("]")])]]
    pairs = [(p, v) for p, v in pairs if not any(p.startswith(u + ".") for u in unanswered)]
    kind_keys = [p for p, v in pairs if names(v, kind) and any(w in p.lower().split(".")[-1] for w in ("device", "kind", "type", "protocol"))]
    proto_keys = [p for p, v in pairs if "protocol" in p.lower() and names(v, kind)]
    wrong = [p for p, v in pairs if names(v, other) and any(w in p.lower() for w in ("device", "kind", "type", "protocol"))]
    if returncode != 0:
        problems.append("exit status %s" % returncode)
    if not kind_keys:
        problems.append("no device/kind/type/protocol member names a %s" % kind)
    if not proto_keys:
        problems.append("no member whose name says 'protocol' names %s" % kind)
    if wrong:
        problems.append("%s names a %s" % (wrong[0], other))
    values = {v for _, v in pairs}
    if model not in values:
        problems.append("the model %r is not in it" % model)
    if serial not in values:
        problems.append("the serial number %r is not in it" % serial)
    if simulated is not None:
        flags = [v for p, v in pairs if p.split(".")[-1].split("[")[0] == "simulated"]
        if simulated not in flags or any(f is not simulated for f in flags):
            problems.append("no member 'simulated' that is %s (found %r)" % (json.dumps(simulated), flags))
    if problems:
        return False, "; ".join(problems) + "; JSON: " + json.dumps(doc)[:400]
    return True, "%s; protocol: %s; model and serial ours" % (
        ", ".join("%s=%s" % (p, dict(pairs)[p]) for p in kind_keys), ", ".join(proto_keys))


def probe_checks(station_path, verbose=None):
    verbose = os.environ.get("MESOPEER_TRACE") == "1" if verbose is None else verbose
    t_start = time.monotonic()
    results = []

    def report(name, ok, reason, trace=None):
        results.append(ok)
        print("%s %s: %s" % ("PASS" if ok else "FAIL", name, reason))
        if trace and (not ok or verbose):
            print(trace)
        sys.stdout.flush()

    nonces = []
    for i in (1, 2):
        # Run 1 answers the first HELLO, run 2 only its first repeat (so the repeat is seen too).
        run = run_probe(station_path, "mesogun", answer_hello_number=i)
        print("# run %d: %s, as a mesogun answering HELLO number %d" % (i, " ".join(run.cmd), i))
        items = split_probe_bytes(run.rx)
        trace = describe_items(items, run.t0) + "\n      stdout: %r\n      stderr: %r" % (run.stdout[:400], run.stderr[-400:])
        ok, reason, nonce = judge_probe_mesogun_bytes(items, run.identity_at)
        report("mesogun_run%d_only_hello_before_identity" % i, ok, reason, trace)
        nonces.append(nonce)
        ok, reason = judge_probe_json(run.stdout, run.returncode, "mesogun", FakeMesogun(lambda d: None).model, "SIMPEER-0001",
                                      simulated=True)
        report("mesogun_run%d_json_names_mesogun_and_protocol" % i, ok, reason, trace)
    ok = None not in nonces and nonces[0] != nonces[1]
    report("mesogun_two_runs_different_nonces", ok, "nonces %s" % ", ".join("0x%08x" % n if n is not None else "none" for n in nonces))

    run = run_probe(station_path, "pen")
    print("# run 3: %s, as a pen (never answers HELLO)" % " ".join(run.cmd))
    items = split_probe_bytes(run.rx)
    trace = describe_items(items, run.t0) + "\n      stdout: %r\n      stderr: %r" % (run.stdout[:400], run.stderr[-400:])
    ok, reason = judge_probe_pen_bytes(items)
    report("pen_idq_only_after_unanswered_hellos", ok, reason, trace)
    ok, reason = judge_probe_json(run.stdout, run.returncode, "pen", FakePen.IDR["model"], FakePen.IDR["serial_number"],
                                  simulated=True)
    report("pen_json_names_pen_and_protocol", ok, reason, trace)

    failed = results.count(False)
    print("%d passed, %d failed (%.1f s)" % (len(results) - failed, failed, time.monotonic() - t_start))
    return 0 if failed == 0 else 1


# ---------------------------------------------------------------------------
# Stand-ins for the binaries, for the self-tests only (test_mesopeer_live.py)
# ---------------------------------------------------------------------------


def fake_mesosim_main(argv):
    """`fake_mesosim.py --device mesogun|pen --pty [--bugs a,b] [ignored mesosim options]`."""
    bugs = []
    if "--bugs" in argv:
        bugs = [b for b in argv[argv.index("--bugs") + 1].split(",") if b]
    master, slave = os.openpty()
    set_raw(master)
    set_raw(slave)
    set_nonblocking(master)
    sys.stdout.write(os.ttyname(slave) + "\n")
    sys.stdout.flush()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    if "--device" in argv and argv[argv.index("--device") + 1] == "pen":
        dev = FakePen(lambda d: write_all(master, d))
        if "not_simulated" in bugs:
            dev.IDR = dict(FakePen.IDR, simulated=False)
    else:
        dev = FakeMesogun(lambda d: write_all(master, d), bugs=bugs)
    while not stop:
        nd = dev.next_deadline()
        wait = 0.005 if nd is None else max(0.0, min(0.005, nd - dev.now()))
        try:
            r, _, _ = select.select([master], [], [], wait)
        except InterruptedError:
            continue
        if r:
            try:
                data = os.read(master, 4096)
            except (BlockingIOError, OSError):
                data = b""
            dev.on_bytes(data)
        dev.tick()
    return 0


def fake_station_probe_main(argv):
    """`fake_mesostation.py probe --port PATH --json [--bugs pen_first,fixed_nonce]`: a probe per A.6."""
    bugs = []
    if "--bugs" in argv:
        bugs = [b for b in argv[argv.index("--bugs") + 1].split(",") if b]
    path = argv[argv.index("--port") + 1]
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    set_raw(fd)
    link = HostLink(fd)
    if "fixed_nonce" in bugs:
        link.fresh_nonce = lambda: 0x12345678
    if "pen_first" in bugs:
        write_all(fd, encode_pen_sentence({"type": "IDQ"}))
    ident = link.handshake(timeout=1.0)
    if ident:
        print(json.dumps({"device": "mesogun", "protocol": "mesogun", "model": ident["model"],
                          "serial_number": ident["serial_number"], "simulated": ident["simulated"]}))
        return 0
    link.in_session = False
    write_all(fd, encode_pen_sentence({"type": "IDQ"}))
    buf = bytearray()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            buf += os.read(fd, 4096)
            start = buf.find(b"$PMSN,IDR")
            end = buf.find(b"\n", start)
            if start >= 0 and end >= 0:
                idr = decode_pen_sentence(bytes(buf[start:end + 1]))
                print(json.dumps({"device": "pen", "protocol": "pen", "model": idr["model"],
                                  "serial_number": idr["serial_number"], "simulated": idr["simulated"]}))
                return 0
    print(json.dumps({"device": None, "error": "nothing answers"}))
    return 1
