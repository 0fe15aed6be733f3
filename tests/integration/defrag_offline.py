#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: IP reassembly before inspection, end to end on the offline
# board. A signature whose pattern is cut across IP fragments still fires
# (IPv4 TCP in order, reversed, in 8-byte fragments; a 20,000-byte TCP
# segment and a 60,000-byte UDP datagram; IPv6 UDP with a
# destination options header before the fragment header); with
# [dataplane] defrag = no the same traffic gives no alert, which shows the
# reassembly is what finds it. In ips mode a drop rule removes the
# datagram's last fragment from the output (the receiver can never
# reassemble it) and keeps the others, and that last fragment sent again
# is dropped again; fragments that overlap earlier
# bytes with other bytes (teardrop-style evasion) are dropped and counted;
# identical overlaps pass.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/defrag_offline.py
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import CLIENT_MAC, SERVER_MAC, Conversation, run, sid_counts  # noqa: E402
from scapy.all import IP, UDP, Ether, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, Raw, fragment, fragment6  # noqa: E402

failures = []


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


RULES = """
alert tcp any any -> any any (msg:"split attack"; flow:to_server; content:"attack-split-across-fragments"; sid:1; rev:1;)
alert udp any any -> any any (msg:"split attack over udp"; content:"v6-attack-split-across-fragments"; sid:2; rev:1;)
drop tcp any any -> any any (msg:"drop split attack"; content:"drop-me-split-across-fragments"; sid:3; rev:1;)
"""

PAYLOAD = b"GET /search?q=" + b"x" * 40 + b"attack-split-across-fragments" + b"y" * 60 + b" HTTP/1.1\r\n\r\n"


def fragments4(pkt, size, order=None):
    """The Ethernet frames of pkt's IPv4 datagram cut into size-byte fragments, in order."""
    pieces = fragment(pkt[IP], fragsize=size)
    frames = [Ether(src=pkt[Ether].src, dst=pkt[Ether].dst) / p for p in pieces]
    for i, f in enumerate(frames):
        f.time = pkt.time + i * 0.0001
    if order == "reverse":
        frames.reverse()
    elif order == "shuffle":
        frames = frames[1::2] + frames[0::2]
    return frames


def attack_conversation(payload, size, order=None):
    """Handshake, then payload in one TCP segment cut into IP fragments; returns (packets, fragment count)."""
    c = Conversation().handshake()
    c.send(payload)
    data = c.packets.pop()
    frames = fragments4(data, size, order)
    return c.packets + frames, len(frames)


def case_ipv4(order, size):
    name = f"ipv4 {order or 'in order'}, {size}-byte fragments"
    packets, count = attack_conversation(PAYLOAD, size, order)
    rc, alerts, _frames, err = run(RULES, packets)
    check(f"{name}: vigil exits 0", rc == 0, err[-300:])
    check(f"{name}: {count} fragments, the split pattern alerts once", sid_counts(alerts) == {1: 1},
          f"got {sid_counts(alerts)}")


def case_large():
    """A 20,000-byte TCP segment and a 60,000-byte UDP datagram, the pattern at their ends."""
    tail = b"attack-split-across-fragments"
    packets, count = attack_conversation(b"P" * 20000 + tail, 1480)
    c = Conversation(sport=40001)
    c.udp(b"U" * 60000 + b"v6-attack-split-across-fragments")
    udp = fragments4(c.packets[0], 1480)
    rc, alerts, out, err = run(RULES, packets + udp)
    check("large datagrams: vigil exits 0", rc == 0, err[-300:])
    check(f"large datagrams ({count} and {len(udp)} fragments): both patterns alert",
          sid_counts(alerts) == {1: 1, 2: 1}, f"got {sid_counts(alerts)}")
    check("large datagrams: every fragment forwarded", len(out) == len(packets) + len(udp),
          f"{len(out)} of {len(packets) + len(udp)}")


def case_defrag_off():
    packets, _count = attack_conversation(PAYLOAD, 32)
    rc, alerts, _frames, err = run(RULES, packets, extra=("--set", "dataplane.defrag=no"))
    check("defrag off: vigil exits 0", rc == 0, err[-300:])
    check("defrag off: the split pattern is missed (what reassembly finds)", sid_counts(alerts) == {},
          f"got {sid_counts(alerts)}")


def case_ipv6():
    payload = b"dns-ish " + b"z" * 50 + b"v6-attack-split-across-fragments" + b"w" * 50
    pkt = IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment() / \
        UDP(sport=5353, dport=53) / Raw(load=payload)
    pieces = fragment6(pkt, 96)
    frames = []
    for i, p in enumerate(pieces):
        f = Ether(src=CLIENT_MAC, dst=SERVER_MAC) / p
        f.time = 1700000000.0 + i * 0.001
        frames.append(f)
    rc, alerts, _out, err = run(RULES, frames)
    check("ipv6: vigil exits 0", rc == 0, err[-300:])
    check(f"ipv6 with destination options, {len(frames)} fragments: the split pattern alerts once",
          sid_counts(alerts) == {2: 1}, f"got {sid_counts(alerts)}")


def case_ips_drop():
    payload = b"POST /x HTTP/1.1\r\n\r\n" + b"a" * 30 + b"drop-me-split-across-fragments" + b"b" * 30
    packets, count = attack_conversation(payload, 24)
    rc, alerts, out, err = run(RULES, packets, mode="ips")
    check("ips drop: vigil exits 0", rc == 0, err[-300:])
    check("ips drop: alerts once, blocked", sid_counts(alerts) == {3: 1} and
          all(a["alert"]["action"] == "blocked" for a in alerts if a.get("event_type") == "alert"),
          f"got {alerts}")
    last = bytes(packets[-1])
    check(f"ips drop: {count - 1} of {count} fragments forwarded, the completing one not",
          len(out) == len(packets) - 1 and last not in out, f"{len(out)} frames out of {len(packets)}")


def case_resent_last_fragment():
    """ips: the last fragment of a dropped datagram, sent again, is dropped again (the receiver holds the rest)."""
    payload = b"POST /x HTTP/1.1\r\n\r\n" + b"a" * 30 + b"drop-me-split-across-fragments" + b"b" * 30
    packets, count = attack_conversation(payload, 24)
    again = packets[-1].copy()
    again.time = packets[-1].time + 1.0
    rc, out, stats, err = stats_of(packets + [again], "ips")
    check("resent last fragment: vigil exits 0", rc == 0, err[-300:])
    check(f"resent last fragment: {count - 1} fragments forwarded, neither copy of the last",
          len(out) == len(packets) - 1 and bytes(again) not in out, f"{len(out)} frames out")
    check("resent last fragment: refused as late", stats["defrag"]["fragments"]["late"] == 1,
          f"defrag {stats.get('defrag')}")


def overlap_conversation(conflicting):
    """Four 16-byte fragments and a copy of the second, same bytes or rewritten."""
    packets, _count = attack_conversation(b"GET /" + b"q" * 90 + b" HTTP/1.1\r\n\r\n", 16)
    frags = packets[3:]
    extra = frags[1].copy()
    if conflicting:
        raw = bytearray(bytes(extra[Raw].load))
        raw[:8] = b"EVIL!!!!"
        extra[Raw].load = bytes(raw)
    extra.time = frags[1].time + 0.00005
    return packets[:3] + frags[:2] + [extra] + frags[2:], extra


def stats_of(packets, mode):
    with tempfile.TemporaryDirectory(prefix="vigil-defrag-") as work:
        path = os.path.join(work, "stats.json")
        rc, alerts, out, err = run(RULES, packets, mode=mode, extra=("--stats-json", path))
        with open(path) as f:
            stats_of.events = alerts
            return rc, out, json.load(f), err


def case_overlap():
    packets, extra = overlap_conversation(conflicting=True)
    rc, out, stats, err = stats_of(packets, "ips")
    check("conflicting overlap: vigil exits 0", rc == 0, err[-300:])
    refused = stats.get("defrag", {}).get("fragments", {}).get("overlap_conflict", 0)
    late = stats.get("defrag", {}).get("fragments", {}).get("late", 0)
    check("conflicting overlap: refused and the datagram's later fragments too",
          refused == 1 and late >= 1, f"defrag {stats.get('defrag')}")
    check("conflicting overlap: the rewriting fragment is not forwarded", bytes(extra) not in out,
          f"{len(out)} frames out of {len(packets)}")
    check("conflicting overlap: counted as fragment drops",
          stats["total"]["drops"].get("fragment", 0) == 1 + late, f"drops {stats['total']['drops']}")
    anomalies = [e for e in stats_of.events if e.get("event_type") == "anomaly"]
    check("conflicting overlap: one EVE anomaly event, defrag overlap_conflict, blocked",
          # blocked: Suricata's verdict object (the schema has no anomaly.action)
          len(anomalies) == 1 and anomalies[0]["anomaly"] == {"type": "defrag", "event": "overlap_conflict"}
          and anomalies[0].get("verdict") == {"action": "drop"}
          and anomalies[0]["src_ip"] == "10.0.0.1", f"{anomalies}")

    packets, extra = overlap_conversation(conflicting=False)
    rc, out, stats, err = stats_of(packets, "ips")
    check("identical overlap: accepted, every frame forwarded", rc == 0 and len(out) == len(packets) and
          stats["defrag"]["fragments"]["complete"] == 1, f"{len(out)} of {len(packets)}, {stats.get('defrag')}")


def main():
    case_ipv4(None, 32)
    case_ipv4("reverse", 32)
    case_ipv4("shuffle", 8)
    case_large()
    case_defrag_off()
    case_ipv6()
    case_ips_drop()
    case_resent_last_fragment()
    case_overlap()
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
