#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Watch an interface's carrier as its namespace sees it: link_watch.py
IFACE SECONDS prints "MS up|down" (CLOCK_MONOTONIC milliseconds, the
clock vigil's console answers use) at the start and at every change,
reading /sys/class/net/IFACE/carrier every millisecond. Run it inside the
namespace (ip netns exec), which gives it that namespace's /sys.
"""
import sys
import time


def carrier(path):
    try:
        with open(path) as f:
            return "up" if f.read().strip() == "1" else "down"
    except OSError:
        return "down"  # an interface that is down has no carrier to read


def main():
    path = "/sys/class/net/%s/carrier" % sys.argv[1]
    end = time.monotonic() + float(sys.argv[2])
    last = None
    while time.monotonic() < end:
        state = carrier(path)
        if state != last:
            print("%.1f %s" % (time.monotonic() * 1000, state), flush=True)
            last = state
        time.sleep(0.001)


if __name__ == "__main__":
    main()
