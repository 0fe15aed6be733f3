#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: L2 transparency and jumbo frames (issue 14, acceptance 4), on
# the offline board (a pcap in, what passes written out) in ips mode with
# [board] malformed = drop. The capture holds an 802.1Q-tagged TCP
# segment, a QinQ (802.1ad 0x88a8 outer, 802.1Q inner) UDP datagram, an
# old-style QinQ (0x9100) one, LACP (slow protocols 0x8809 to
# 01:80:c2:00:00:02), LLDP (0x88cc to 01:80:c2:00:00:0e), STP (an 802.3
# frame, a length where Ethernet II has its type, then LLC, to
# 01:80:c2:00:00:00), a 9,000-byte IPv4 frame, a 9,000-byte frame with a
# VLAN tag and a 9,000-byte IPv6 one (9,216 bytes is the lab board's MTU).
#
#  1. with a rule that alerts on every IP packet, every frame comes out
#     byte-identical, in order; each IP frame (tagged or not, jumbo or not)
#     was inspected (one alert each) and no link-local frame was (none
#     alerts, none is malformed, none dropped: counted link_local 3);
#  2. with a rule that drops every IP packet, exactly the three link-local
#     frames come out, byte-identical: the rules never see them.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/transparency_offline.py
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from l2_frames import transparency_frames  # noqa: E402
from offline import CLIENT_MAC, SERVER_MAC, check, finish, run  # noqa: E402
from scapy.all import Ether  # noqa: E402

def run_with_stats(rules, packets):
    with tempfile.TemporaryDirectory(prefix="vigil-transparency-") as work:
        stats_path = os.path.join(work, "stats.json")
        rc, alerts, out, err = run(rules, packets, mode="ips",
                                   extra=("--set", "board.malformed=drop", "--stats-json", stats_path))
        stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    return rc, alerts, out, err, stats


def main():
    cases = transparency_frames(CLIENT_MAC, SERVER_MAC)
    packets = []
    for i, (_, raw, _) in enumerate(cases):
        f = Ether(raw)
        f.time = 1700000000.0 + i * 0.001
        packets.append(f)
    wire = [raw for _, raw, _ in cases]
    check("the capture has a 9,000-byte frame", max(len(b) for b in wire) == 9000, [len(b) for b in wire])

    rc, alerts, out, err, stats = run_with_stats(
        'alert ip any any -> any any (msg:"inspected"; sid:1; rev:1;)\n', packets)
    check("vigil exited 0 (alert on every IP packet)", rc == 0, err[-400:])
    check(f"{len(out)} of {len(wire)} frames out", len(out) == len(wire), [len(b) for b in out])
    for (name, _, _), sent, got in zip(cases, wire, out):
        check(f"{name}: {len(sent)} bytes out byte-identical", sent == got,
              f"{len(got)} bytes out" if sent != got else "")
    ip_frames = sum(1 for _, _, ll in cases if not ll)
    seen = [a for a in alerts if a.get("event_type") == "alert"]
    check(f"every IP frame inspected: {len(seen)} alerts for {ip_frames} IP frames", len(seen) == ip_frames,
          [a.get("proto") for a in seen])
    if stats:
        total = stats["total"]
        check(f"link_local {total.get('link_local')} == 3", total.get("link_local") == 3)
        check(f"malformed {total['malformed']} == 0", total["malformed"] == 0, total["malformed_by_reason"])
        check(f"no drops: {total['drops']}", not any(total["drops"].values()))
        check(f"vlan {total['vlan']} == 4", total["vlan"] == 4)
    else:
        check("stats JSON written", False)

    rc, alerts, out, err, stats = run_with_stats(
        'drop ip any any -> any any (msg:"no IP passes"; sid:2; rev:1;)\n', packets)
    check("vigil exited 0 (drop every IP packet)", rc == 0, err[-400:])
    want = [sent for (_, _, ll), sent in zip(cases, wire) if ll]
    check(f"only the link-local frames out, byte-identical: {len(out)} frames", out == want,
          [len(b) for b in out])
    if stats:
        check(f"drops.verdict {stats['total']['drops']['verdict']} == {ip_frames}",
              stats["total"]["drops"]["verdict"] == ip_frames)

    finish("transparency_offline")


main()
