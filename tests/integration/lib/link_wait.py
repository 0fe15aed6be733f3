# SPDX-License-Identifier: BSD-3-Clause
"""Wait for a network interface's link to change, and say when it did.

  link_wait.py DEV FLAG WANT TIMEOUT_MS READY

Run in the namespace whose view counts (ip netns exec NS ...). FLAG is
LOWER_UP (DEV has a carrier) or UP (DEV is administratively up); WANT is 1
to wait for it, 0 for its absence. READY is created once DEV is watched,
so the caller pulls the link only then. Prints the wall-clock time the
change was seen (seconds since the epoch, as bash's EPOCHREALTIME), read
every half millisecond from sysfs, no process started per reading (a loop
of `ip link` runs costs milliseconds per reading on a loaded machine);
exits 1, printing nothing, after TIMEOUT_MS.
"""
import sys
import time

IFF_UP = 0x1


def has_flag(dev, flag):
    try:
        if flag == "UP":
            with open("/sys/class/net/%s/flags" % dev) as f:
                return bool(int(f.read(), 16) & IFF_UP)
        with open("/sys/class/net/%s/carrier" % dev) as f:
            return f.read().strip() == "1"
    except OSError:  # carrier of an interface that is down: no carrier
        return False


def main():
    dev, flag, want, timeout_ms, ready = sys.argv[1:6]
    want = want == "1"
    deadline = time.monotonic() + int(timeout_ms) / 1000
    open(ready, "w").close()
    while time.monotonic() < deadline:
        if has_flag(dev, flag) == want:
            print("%.6f" % time.time())
            return 0
        time.sleep(0.0005)
    return 1


if __name__ == "__main__":
    sys.exit(main())
