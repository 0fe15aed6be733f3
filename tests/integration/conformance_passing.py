#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: no regression on Suricata's conformance suite. The cases of
# ../shared/corpus/suricata-verify-wide/ that vigil matched when the list
# was last made (tests/conformance/passing.txt, written by `make
# conformance`'s --passing and committed) are run again with the same
# judge as `make conformance` (tests/conformance/conformance.py: every
# check of each case, on every EVE record); each must still match. The
# http-evader cases (nearly 260 near-identical downloads) are replayed one
# in four, so the test stays within the runner's 180 s on a busy 2-core
# machine; their class is also tests/integration/http_encoding_offline.py.
# The whole suite is `make conformance`, not part of make test.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/conformance_passing.py
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
LIST = os.path.join(ROOT, "tests", "conformance", "passing.txt")
RUNNER = os.path.join(ROOT, "tests", "conformance", "conformance.py")


def main():
    with open(LIST) as f:
        names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    if not names:
        print(f"FAIL: {LIST} lists no case")
        return 1
    evaders = [n for n in names if n.startswith("http-evader")]
    names = [n for n in names if not n.startswith("http-evader")] + evaders[::4]
    proc = subprocess.run([sys.executable, RUNNER, "--jobs", "2", *names],
                          capture_output=True, text=True, timeout=1200)
    print(proc.stdout[-6000:])
    matched = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("MATCH ")]
    missing = sorted(set(names) - set(matched))
    if proc.returncode != 0 or missing:
        print(f"FAIL: {len(missing)} of {len(names)} cases that matched no longer do: {', '.join(missing)}")
        return 1
    print(f"ok: all {len(names)} cases that matched still match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
