#!/usr/bin/env python3
"""Self-tests of mesopeer_live: the verdicts on hand-made logs, then both modes end to end against the
stand-ins (fake_mesosim.py, fake_mesostation.py), faithful and with deliberate deviations.

    python3 tests/independent/test_mesopeer_live.py            # all (about 40 s)
    python3 tests/independent/test_mesopeer_live.py Verdicts   # the verdicts only (instant)
"""

import contextlib
import io
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mesopeer_live as L  # noqa: E402
from mesopeer import encode_mesogun_frame, encode_pen_sentence, wire_from_frame  # noqa: E402


def ev(t_ms, direction, mtype, seq=0, ack=0, **fields):
    msg = {"type": mtype, "seq": seq, "ack": ack}
    msg.update(fields)
    frame = encode_mesogun_frame(msg)
    return L.Ev(t_ms / 1000.0, direction, frame, msg, None, True)


def status(t_ms, state, seq=0, ack=0):
    return ev(t_ms, "rx", "STATUS", seq, ack, device_time_ms=int(t_ms), state=state, shot_counter=0, reservoir_nl=1,
              line_pressure_mbar=0, battery_pct=50, temperature_dc=0, depth_actual_um=1500, trigger_pressed=False,
              active_alarms=0)


def error(t_ms, seq, ack, refused_seq, refused_type, reason):
    return ev(t_ms, "rx", "ERROR", seq, ack, refused_seq=refused_seq, refused_type=refused_type, reason=reason)


def shot(t_ms, seq, counter, cid, dev_ms):
    return ev(t_ms, "rx", "SHOT", seq, 0, shot_counter=counter, command_id=cid, depth_um=1500, dose_nl=1000,
              device_time_ms=dev_ms)


class Verdicts(unittest.TestCase):
    def test_a_good(self):
        log = [status(10, "estopped", 0, 5), error(11, 1, 5, 5, 0x14, "bad_payload"), status(110, "estopped", 1, 5),
               status(210, "estopped", 1, 5)]
        ok, why = L.judge_estop_with_payload(log, 0.0, 5)
        self.assertTrue(ok, why)

    def test_a_late_stop_and_undone(self):
        log = [status(60, "estopped", 0, 5), error(61, 1, 5, 5, 0x14, "bad_payload"), status(200, "configured", 1, 5)]
        ok, why = L.judge_estop_with_payload(log, 0.0, 5)
        self.assertFalse(ok)
        self.assertIn("60.0 ms", why)
        self.assertIn("undone", why)

    def test_a_wrong_reason_and_unacknowledged(self):
        log = [status(5, "estopped", 0, 4), error(6, 1, 4, 5, 0x14, "unknown_type"), status(200, "estopped", 1, 4)]
        ok, why = L.judge_estop_with_payload(log, 0.0, 5)
        self.assertFalse(ok)
        self.assertIn("unknown_type", why)
        self.assertIn("never acknowledged", why)

    def test_b(self):
        good = [status(3, "estopped", 0, 4), error(210, 1, 5, 5, 0x11, "estopped")]
        self.assertTrue(L.judge_estop_version_2(good, 0.0, following_arm_seq=5)[0])
        nak = [status(3, "estopped"), ev(4, "rx", "NAK", 0, 4, reason="corrupted_frame"), error(210, 1, 5, 5, 0x11, "estopped")]
        ok, why = L.judge_estop_version_2(nak, 0.0, following_arm_seq=5)
        self.assertFalse(ok)
        self.assertIn("NAK corrupted_frame", why)
        used = [status(3, "estopped", 0, 4)]
        ok, why = L.judge_estop_version_2(used, 0.0, following_arm_seq=5)
        self.assertIn("seq was used", why)

    def test_c(self):
        good = [ev(160, "rx", "NAK", 0, 0, reason="corrupted_frame")]
        self.assertTrue(L.judge_version_2_and_bad_crc(good, 0.0, 0.15)[0])
        self.assertFalse(L.judge_version_2_and_bad_crc([], 0.0, 0.15)[0])
        v2nak = [ev(2, "rx", "NAK", 0, 0, reason="corrupted_frame"), ev(160, "rx", "NAK", 0, 0, reason="corrupted_frame")]
        self.assertFalse(L.judge_version_2_and_bad_crc(v2nak, 0.0, 0.15)[0])

    def test_d(self):
        good = [error(1, 0, 0, 0, 0x01, "unsupported_version"), status(50, "armed", 0, 2), status(150, "armed", 0, 2)]
        self.assertTrue(L.judge_hello_v0(good, 0.0, 1.5, 2, "armed", {"type": "IDENTITY"})[0])
        reliable = [error(1, 1, 2, 0, 0x01, "unsupported_version"), status(50, "armed", 1, 2),
                    error(101, 1, 2, 0, 0x01, "unsupported_version")]
        ok, why = L.judge_hello_v0(reliable, 0.0, 1.5, 2, "armed", {"type": "IDENTITY"})
        self.assertFalse(ok)
        self.assertIn("seq=1 ack=2", why)
        self.assertIn("2 ERRORs", why)
        session = [error(1, 0, 0, 0, 0x01, "unsupported_version"), status(2, "configured", 0, 0)]
        ok, why = L.judge_hello_v0(session, 0.0, 1.5, 2, "armed", None)
        self.assertFalse(ok)
        self.assertIn("session was started", why)
        self.assertIn("no IDENTITY", why)

    def test_e(self):
        arms = [(149, 2, 0.0), (50, 3, 0.01), (150, 4, 0.02)]
        good = [error(1, 1, 2, 2, 0x11, "lease_out_of_range"), error(11, 2, 3, 3, 0x11, "lease_out_of_range"),
                status(21, "armed", 2, 4)]
        ok, why = L.judge_lease_range(good, arms)
        self.assertTrue(ok, why)
        bad = [status(1, "armed", 0, 2), error(11, 1, 3, 3, 0x11, "bad_payload"), status(21, "armed", 1, 4)]
        ok, why = L.judge_lease_range(bad, arms)
        self.assertFalse(ok)
        self.assertIn("ARM 149 drew no ERROR", why)
        self.assertIn("ARM 149 armed", why)
        self.assertIn("bad_payload", why)

    def test_f(self):
        fires = [(0.0, 3, 100), (0.05, 4, 101), (0.10, 5, 102), (0.15, 6, 103)]
        good = [shot(1, 1, 7, 100, 5000), error(51, 2, 4, 4, 0x13, "busy"), error(101, 3, 5, 5, 0x13, "busy"),
                shot(151, 4, 8, 103, 5150)]
        ok, why = L.judge_fire_rate(good, fires, 9000, 1.0)
        self.assertTrue(ok, why)
        fast = [shot(1, 1, 7, 100, 5000), shot(51, 2, 8, 101, 5050), shot(101, 3, 9, 102, 5100), shot(151, 4, 10, 103, 5150)]
        ok, why = L.judge_fire_rate(fast, fires, 9000, 1.0)
        self.assertFalse(ok)
        self.assertIn("no FIRE refused busy", why)
        self.assertIn("50 ms", why)
        alarm = good + [ev(60, "rx", "ALARM", 5, 0, code="occlusion", priority="high", active=True, device_time_ms=5060)]
        self.assertIn("ALARM occlusion", L.judge_fire_rate(alarm, fires, 9000, 1.0)[1])
        greedy = [shot(1, 1, 7, 100, 5000), error(51, 2, 4, 4, 0x13, "busy"), error(101, 3, 5, 5, 0x13, "busy"),
                  error(151, 4, 6, 6, 0x13, "busy")]
        self.assertIn("refused busy 150.0 ms", L.judge_fire_rate(greedy, fires, 9000, 1.0)[1])

    def _items(self, chunks):
        return L.split_probe_bytes([(t, b) for t, b in chunks])

    def test_probe_bytes(self):
        hello = wire_from_frame(encode_mesogun_frame({"type": "HELLO", "seq": 0, "ack": 0, "protocol_version": 1, "hello_nonce": 7}))
        other = wire_from_frame(encode_mesogun_frame({"type": "HELLO", "seq": 0, "ack": 0, "protocol_version": 1, "hello_nonce": 8}))
        hb = wire_from_frame(encode_mesogun_frame({"type": "HEARTBEAT", "seq": 0, "ack": 0, "uptime_ms": 1}))
        idq = encode_pen_sentence({"type": "IDQ"})
        ok, why, nonce = L.judge_probe_mesogun_bytes(self._items([(0.0, b"\x00" + hello), (0.2, hello), (0.5, hb)]), 0.3)
        self.assertTrue(ok, why)
        self.assertEqual(nonce, 7)
        self.assertFalse(L.judge_probe_mesogun_bytes(self._items([(0.0, b"\x00\x00" + hello)]), 0.3)[0])
        self.assertFalse(L.judge_probe_mesogun_bytes(self._items([(0.0, hello), (0.1, hb)]), 0.3)[0])
        self.assertIn("2 nonces", L.judge_probe_mesogun_bytes(self._items([(0.0, hello), (0.2, other)]), 0.3)[1])
        self.assertIn("pen", L.judge_probe_mesogun_bytes(self._items([(0.0, idq + hello)]), 0.3)[1])
        self.assertTrue(L.judge_probe_pen_bytes(self._items([(0.0, b"\x00" + hello), (0.2, hello), (2.0, idq)]))[0])
        self.assertFalse(L.judge_probe_pen_bytes(self._items([(0.0, idq), (0.2, hello)]))[0])
        self.assertFalse(L.judge_probe_pen_bytes(self._items([(0.0, hello), (0.2, idq), (0.3, hello)]))[0])

    def test_probe_json(self):
        out = b'{"device": "mesogun", "protocol": "mesogun", "identity": {"model": "M", "serial_number": "S"}}\n'
        self.assertTrue(L.judge_probe_json(out, 0, "mesogun", "M", "S")[0])
        self.assertFalse(L.judge_probe_json(out, 0, "pen", "M", "S")[0])
        self.assertFalse(L.judge_probe_json(b"not json", 0, "mesogun", "M", "S")[0])
        # The simulated flag, when asked for: present and equal.
        self.assertFalse(L.judge_probe_json(out, 0, "mesogun", "M", "S", simulated=True)[0])
        sim = b'{"device": "mesogun", "protocol": "mesogun", "model": "M", "serial_number": "S", "simulated": true}\n'
        self.assertTrue(L.judge_probe_json(sim, 0, "mesogun", "M", "S", simulated=True)[0])
        self.assertFalse(L.judge_probe_json(sim, 0, "mesogun", "M", "S", simulated=False)[0])
        real = sim.replace(b"true", b"false")
        self.assertIn("simulated", L.judge_probe_json(real, 0, "mesogun", "M", "S", simulated=True)[1])

    def test_identity_simulated(self):
        self.assertTrue(L.judge_identity_simulated({"model": "M", "serial_number": "S", "simulated": True})[0])
        ok, why = L.judge_identity_simulated({"model": "M", "serial_number": "S", "simulated": False})
        self.assertFalse(ok)
        self.assertIn("MUST set it", why)
        self.assertFalse(L.judge_identity_simulated({"model": "M"}, "IDR")[0])
        self.assertFalse(L.judge_identity_simulated(None)[0])


def run_quiet(func, *args):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = func(*args)
    return rc, buf.getvalue()


class EndToEnd(unittest.TestCase):
    sim = os.path.join(HERE, "fake_mesosim.py")
    station = os.path.join(HERE, "fake_mesostation.py")

    def device_checks(self, bugs=""):
        orig = L.start_mesosim
        L.start_mesosim = lambda path, extra=(), **kw: orig(path, ["--bugs", bugs] if bugs else [], **kw)
        try:
            return run_quiet(L.device_checks, self.sim, False)
        finally:
            L.start_mesosim = orig

    def test_faithful_device_passes(self):
        rc, out = self.device_checks()
        self.assertEqual(rc, 0, out)

    def test_each_deviation_is_caught_by_its_check(self):
        for bug, check in (("estop_v1_only", "b_"), ("nak_bad_version", "c_"), ("no_fire_rate", "f_"),
                           ("reliable_unsupported_version", "d_"), ("lease_min_50", "e_"),
                           ("estop_payload_not_acted", "a_"), ("not_simulated", "g_"),
                           ("not_simulated", "h_")):
            rc, out = self.device_checks(bug)
            self.assertEqual(rc, 1, out)
            self.assertRegex(out, r"FAIL %s" % check, "%s:\n%s" % (bug, out))

    def test_probe(self):
        rc, out = run_quiet(L.probe_checks, self.station, False)
        self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()
