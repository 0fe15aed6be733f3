#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: malformed input is counted by reason, never crashes vigil, and
# obeys board.malformed. make_malformed.py crafts frames that are each valid
# or malformed for exactly one reason of dataplane/decode/decode.h; vigil reads them
# on the offline board twice:
#   board.malformed=forward: every frame comes out, unchanged, in order;
#   board.malformed=drop:    only the valid frames come out, in order.
# Both runs must exit 0 and report malformed_by_reason exactly as crafted,
# with every reason of decode.h present in the JSON (zeros included).
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/malformed_counted.py
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import make_malformed  # noqa: E402

from scapy.utils import RawPcapReader  # noqa: E402

VIGIL = os.path.join(ROOT, "build", "vigil")
VIGIL_PREFIX = f"vigil-it-malformed-{os.getpid()}"
failures = []


def check(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)
    return ok


def decode_reasons():
    """Counter names of foreach_decode_error, in declaration order."""
    with open(os.path.join(ROOT, "dataplane", "decode", "decode.h")) as f:
        text = f.read()
    block = text[text.index("#define foreach_decode_error"):text.index("enum decode_error")]
    return re.findall(r'_\(\s*\w+\s*,\s*"([a-z0-9_]+)"', block)


def read_frames(path):
    reader = RawPcapReader(path)
    try:
        return [bytes(data) for data, _meta in reader]
    finally:
        reader.close()


def run_vigil(work, policy, pcap):
    out = os.path.join(work, f"{policy}.out.pcap")
    stats = os.path.join(work, f"{policy}.json")
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"), "--pcap", pcap,
           "--out", out, "--set", f"eal.file_prefix={VIGIL_PREFIX}",
           "--set", f"board.malformed={policy}", "--stats-json", stats,
           # tunnel ports, so that the tunnel decoders' reasons can be crafted too
           "--set", f"port wire.geneve_port={make_malformed.GENEVE_PORT}",
           "--set", f"port wire.vxlan_external={make_malformed.VXLAN_PORT}:{make_malformed.VXLAN_VNI}",
           "--set", f"port wire.vxlan_internal={make_malformed.VXLAN_PORT + 1}:2"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        check(f"{policy}: vigil finished within 60 s", False)
        return None, None
    if not check(f"{policy}: vigil exited 0 (status {proc.returncode})", proc.returncode == 0):
        print((proc.stdout + proc.stderr)[-3000:])
        return None, None
    return out, stats


def first_difference(got, want):
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"frame {i + 1}: {len(g)} bytes out, {len(w)} expected"
    return f"{len(got)} frames out, {len(want)} expected"


def check_run(policy, out, stats_path, frames, reasons):
    expected = make_malformed.expected_counts(frames)
    malformed_total = sum(expected.values())
    with open(stats_path) as f:
        total = json.load(f)["total"]

    by_reason = total.get("malformed_by_reason", {})
    check(f"{policy}: malformed_by_reason names exactly the reasons of decode.h",
          sorted(by_reason) == sorted(reasons))
    wrong = {r: (by_reason.get(r), expected.get(r, 0)) for r in reasons
             if by_reason.get(r) != expected.get(r, 0)}
    check(f"{policy}: malformed_by_reason matches the crafted counts"
          + "".join(f"\n      {r}: got {g}, expected {e}" for r, (g, e) in sorted(wrong.items())),
          not wrong)
    check(f"{policy}: total malformed {total['malformed']} == {malformed_total}",
          total["malformed"] == malformed_total)
    check(f"{policy}: rx_packets {total['rx_packets']} == {len(frames)}",
          total["rx_packets"] == len(frames))

    if policy == "forward":
        want = [frame for _r, _d, frame in frames]
        dropped = 0
    else:
        want = [frame for reason, _d, frame in frames if reason is None]
        dropped = malformed_total
    check(f"{policy}: drops.malformed {total['drops']['malformed']} == {dropped}",
          total["drops"]["malformed"] == dropped)
    got = read_frames(out)
    check(f"{policy}: output holds {len(want)} frames, byte-identical and in order"
          + ("" if got == want else f" ({first_difference(got, want)})"), got == want)


def main():
    if not os.access(VIGIL, os.X_OK):
        print(f"FAIL: {VIGIL} not built")
        return 1
    reasons = decode_reasons()
    frames = make_malformed.build()
    crafted = set(make_malformed.expected_counts(frames))
    check(f"every reason of decode.h is crafted ({len(reasons)} reasons)",
          crafted == set(reasons))
    work = tempfile.mkdtemp(prefix="vigil-it-malformed.")
    try:
        pcap = os.path.join(work, "malformed.pcap")
        make_malformed.write_pcap(pcap, frames)
        for policy in ("forward", "drop"):
            out, stats = run_vigil(work, policy, pcap)
            if out:
                check_run(policy, out, stats, frames, reasons)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        # DPDK's runtime files for our prefix (a few MB each run).
        shutil.rmtree(os.path.join("/var/run/dpdk", VIGIL_PREFIX), ignore_errors=True)
    if failures:
        print(f"malformed_counted: {len(failures)} failure(s)")
        return 1
    print("malformed_counted: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
