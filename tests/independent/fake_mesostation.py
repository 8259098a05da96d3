#!/usr/bin/env python3
"""A stand-in for `mesostation probe` for mesopeer_live's self-tests: a probe that follows A.6."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mesopeer_live  # noqa: E402

if __name__ == "__main__":
    sys.exit(mesopeer_live.fake_station_probe_main(sys.argv[1:]))
