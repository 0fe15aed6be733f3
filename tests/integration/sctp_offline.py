#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: SCTP associations are flows with ports (Diameter, M3UA, S1AP
# run over SCTP). On the offline board, two associations (Diameter to
# 3868 over IPv4, M3UA to 2905 over IPv6) each send DATA both ways: a rule
# on port 3868 with a content alerts on the Diameter DATA chunk only, a
# rule on !3868 on every packet not sent to 3868 (the other association's
# and the Diameter answer to the client's port), and a rule for the
# server's answers (from port 2905) on those only; all packets of an
# association share one flow_id, the two associations have two. Before, SCTP had no ports:
# port rules never matched it and every association between two hosts
# was one flow.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/sctp_offline.py
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import CLIENT_MAC, SERVER_MAC, check, finish, run, sid_counts  # noqa: E402
from scapy.all import IP, SCTP, Ether, IPv6, SCTPChunkData  # noqa: E402

RULES = """alert sctp any any -> any 3868 (msg:"diameter request"; content:"Diameter-Request"; sid:1; rev:1;)
alert sctp any any -> any !3868 (msg:"not diameter"; sid:2; rev:1;)
alert sctp any 2905 -> any any (msg:"m3ua answer"; sid:3; rev:1;)
"""


def association(ip_client, ip_server, sport, dport, to_server, to_client, t0):
    frames, t = [], t0
    for i, (from_client, data) in enumerate([(True, to_server), (False, to_client), (True, b"ack")]):
        src, dst = (ip_client, ip_server) if from_client else (ip_server, ip_client)
        ports = (sport, dport) if from_client else (dport, sport)
        l3 = IPv6(src=src, dst=dst) if ":" in src else IP(src=src, dst=dst)
        eth = Ether(src=CLIENT_MAC, dst=SERVER_MAC) if from_client else Ether(src=SERVER_MAC, dst=CLIENT_MAC)
        pkt = eth / l3 / SCTP(sport=ports[0], dport=ports[1], tag=7) / SCTPChunkData(tsn=i, data=data)
        t += 0.001
        pkt.time = t
        frames.append(pkt)
    return frames


def main():
    packets = association("10.0.0.1", "10.0.0.2", 40000, 3868, b"Diameter-Request CER", b"Diameter-Answer CEA",
                          1700000000.0)
    packets += association("fd00::1", "fd00::2", 40001, 2905, b"M3UA ASPUP", b"M3UA ASPUP-ACK", 1700000001.0)
    rc, events, frames, err = run(RULES, packets)
    check("vigil ran", rc == 0, err[-300:])
    counts = sid_counts(events)
    check(f"sid 1 (port 3868 and content): {counts.get(1, 0)} alert(s)", counts.get(1, 0) == 1, "want 1")
    check(f"sid 2 (port !3868): {counts.get(2, 0)} alert(s)", counts.get(2, 0) == 4,
          "want the 3 M3UA packets and the Diameter answer")
    check(f"sid 3 (from port 2905): {counts.get(3, 0)} alert(s)", counts.get(3, 0) == 1, "want 1")
    ports = {(e["src_port"], e["dest_port"]) for e in events if e.get("event_type") == "alert"}
    check(f"alerts carry the SCTP ports {sorted(ports)}", (40000, 3868) in ports and (2905, 40001) in ports)
    flows = {}
    for e in events:
        if e.get("event_type") == "alert":
            flows.setdefault(e["dest_port"] if e["dest_port"] in (3868, 2905) else e["src_port"], set()).add(e.get("flow_id"))
    m3ua = flows.get(2905, set())
    check(f"one flow_id for the M3UA association both ways ({m3ua})", len(m3ua) == 1 and None not in m3ua)
    check("two associations, two flows", flows.get(3868, set()).isdisjoint(m3ua))
    check("every frame passed", len(frames) == len(packets), f"{len(frames)} of {len(packets)}")
    finish("sctp_offline")


if __name__ == "__main__":
    main()
