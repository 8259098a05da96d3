#!/usr/bin/env python3
"""A stand-in for mesosim for mesopeer_live's self-tests: a spec mesogun (FakeMesogun) on a pty."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mesopeer_live  # noqa: E402

if __name__ == "__main__":
    sys.exit(mesopeer_live.fake_mesosim_main(sys.argv[1:]))
