#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: traffic inside IP-in-IP tunnels is inspected (IPv4 in IPv4,
# 6in4, IPv6 in IPv6, IPv4 in IPv6: protocols 4 and 41), on the offline
# board. Where the tunnel ends its receiver gets the inner packet, so an
# attack inside must meet the rules as if it came bare; before, the outer
# packet's protocol was "unknown" and nothing inside was looked at.
#  - a whole HTTP session in each kind of tunnel, a traversal in its URI:
#    the http.uri rule alerts once per session, with the inner addresses
#    and ports in EVE, and every session is its own flow;
#  - ips mode with a drop rule: the tunnelled request does not come out,
#    the rest of the session does;
#  - a packet-level content rule on an IPv6-in-IPv6 segment (Suricata's
#    bug-4571 case, picked up mid-stream);
#  - tunnels nested three deep are left undecoded (no alert, passed).
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/ip_in_ip_offline.py
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import CLIENT_MAC, SERVER_MAC, Conversation, check, finish, run, sid_counts  # noqa: E402
from scapy.all import IP, TCP, Ether, IPv6, Raw  # noqa: E402

RULES = """alert http any any -> any any (msg:"traversal in a tunnel"; flow:to_server,established; http.uri; content:"/etc/passwd"; sid:1; rev:1;)
alert tcp any any -> any any (msg:"hello"; content:"hello, world"; sid:2; rev:1;)
"""
DROP_RULES = RULES.replace("alert http", "drop http")
REQUEST = b"GET /view?f=../../etc/passwd HTTP/1.1\r\nHost: inner.example\r\n\r\n"
RESPONSE = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
OUTER = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::a", "2001:db8::b")}
INNER = {4: ("10.9.0.1", "10.9.0.2"), 6: ("fd09::1", "fd09::2")}


def outer_ip(version, from_client):
    a, b = OUTER[version]
    src, dst = (a, b) if from_client else (b, a)
    return IP(src=src, dst=dst) if version == 4 else IPv6(src=src, dst=dst)


def session(outer, inner, port, t0):
    """An HTTP session between the inner addresses, every packet inside an outer header."""
    c = Conversation(client=INNER[4][0], server=INNER[4][1], sport=port, t0=t0)
    c.handshake().send(REQUEST).send(RESPONSE, from_client=False)
    v6 = dict(zip(INNER[4], INNER[6]))
    frames = []
    for pkt in c.packets:
        l3 = pkt[IP]
        inner_pkt = (IPv6(src=v6[l3.src], dst=v6[l3.dst]) / l3[TCP]) if inner == 6 else l3
        from_client = l3.src == INNER[4][0]
        eth = Ether(src=CLIENT_MAC, dst=SERVER_MAC) if from_client else Ether(src=SERVER_MAC, dst=CLIENT_MAC)
        f = eth / outer_ip(outer, from_client) / inner_pkt
        f.time = pkt.time
        frames.append(f)
    return frames


def main():
    kinds = [(4, 4), (4, 6), (6, 6), (6, 4)]
    packets = []
    for i, (outer, inner) in enumerate(kinds):
        packets += session(outer, inner, 41000 + i, 1700000000.0 + i)
    hello = Ether(src=CLIENT_MAC, dst=SERVER_MAC) / IPv6(src=OUTER[6][0], dst=OUTER[6][1]) / \
        IPv6(src=INNER[6][0], dst=INNER[6][1]) / TCP(sport=80, dport=80, flags="PA", seq=129018) / Raw(b"hello, world")
    hello.time = 1700000010.0
    nested = Ether(src=CLIENT_MAC, dst=SERVER_MAC) / IP(src="192.0.2.1", dst="192.0.2.2") / \
        IP(src="192.0.2.3", dst="192.0.2.4") / IP(src="192.0.2.5", dst="192.0.2.6") / \
        IP(src=INNER[4][0], dst=INNER[4][1]) / TCP(sport=1, dport=80, flags="PA") / Raw(b"hello, world")
    nested.time = 1700000011.0
    rc, events, frames, err = run(RULES, packets + [hello, nested],
                                  extra=("--set", "dataplane.midstream=yes"))
    check("vigil ran", rc == 0, err[-300:])
    alerts = [e for e in events if e.get("event_type") == "alert"]
    for i, (outer, inner) in enumerate(kinds):
        mine = [a for a in alerts if a["alert"]["signature_id"] == 1 and a.get("src_port") == 41000 + i]
        ok = len(mine) == 1 and mine[0]["src_ip"] == INNER[inner][0] and \
            mine[0]["dest_port"] == 80
        check(f"IPv{inner} in IPv{outer}: traversal alert with the inner addresses "
              f"({[(a['src_ip'], a['dest_ip']) for a in mine]})", ok)
    flows = {a.get("flow_id") for a in alerts if a["alert"]["signature_id"] == 1}
    check(f"each tunnelled session its own flow ({len(flows)})", len(flows) == len(kinds))
    hellos = [a for a in alerts if a["alert"]["signature_id"] == 2]
    check(f"content rule on IPv6 in IPv6 ({len(hellos)} alert(s), the nested one not decoded)",
          len(hellos) == 1 and hellos[0]["src_ip"] == INNER[6][0])
    check("every frame passed in ids mode", len(frames) == len(packets) + 2, f"{len(frames)}")

    rc, events, frames, err = run(DROP_RULES, session(6, 4, 42000, 1700000020.0), mode="ips")
    check("ips: vigil ran", rc == 0, err[-300:])
    passed_request = any(b"/etc/passwd" in f for f in frames)
    check(f"ips: the tunnelled request was dropped ({sid_counts(events)})",
          not passed_request and sid_counts(events).get(1) == 1)
    check("ips: the handshake passed", len(frames) >= 3)
    finish("ip_in_ip_offline")


if __name__ == "__main__":
    main()
