#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 13): reject inside a tunnel. A gateway load balancer
# delivers what the appliance sends it by the outer header: AWS by the
# GENEVE options (each direction of a flow comes with its own, its own flow
# cookie here), Azure by the VXLAN tunnel (client to server on the
# external one, answers on the internal one). A `reject` rule fires on a
# request inside the tunnel; what comes out must hold, besides every other
# frame returned per contract and not the attack:
#   - a RST toward the server in the attack's own outer header turned as a
#     passed packet's is (GENEVE: the client's options and cookie, UDP
#     ports kept; VXLAN: onto the internal tunnel), seq right after the
#     request;
#   - a RST toward the client in the outer header the server's direction
#     last came with, turned likewise (GENEVE: the server's cookie and UDP
#     source port; VXLAN: back on the external tunnel), seq the request's
#     ACK, inner Ethernet MACs swapped (VXLAN);
#   - outer Ethernet and IPv4 addresses swapped, IPv4 total length and
#     checksum and UDP length right for the new inner packet, UDP
#     checksum 0, inner IP and TCP checksums right;
# and the same for a request of 8500 bytes (a 8582-byte frame: GWLB's MTU),
# for a flow whose server never spoke (picked up mid-stream: this packet's
# own options stand in, addresses swapped), an ICMP port unreachable for
# a rejected UDP datagram, and for one that came in two inner fragments
# (the first of 8500 bytes, the query split across them: reassembled inside
# the tunnel, the first fragment returned whole, the last not). The counter
# rejects_sent counts every frame.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/tunnel_reject_offline.py
import json
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import run  # noqa: E402
from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, checksum, fragment  # noqa: E402
from tunnel_offline import (APPLIANCE_IP, APPLIANCE_MAC, ATTACH_A, ENDPOINT_A, GWLB_IP,  # noqa: E402
                            GWLB_MAC, geneve, swapped, vxlan, vxlan_return)

RULES = ('reject tcp any any -> any any (msg:"traversal"; flow:to_server; content:"/etc/passwd"; sid:1; rev:1;)\n'
         'reject udp any any -> any 5353 (msg:"udp"; content:"evil-query"; sid:2; rev:1;)\n')
CLIENT, SERVER = "192.168.1.5", "172.16.0.9"
COOKIE_C, COOKIE_S = 0xC11E0001, 0x5E7E0002  # the balancer's cookie per direction
SPORT_C, SPORT_S = 33000, 33001  # and its outer UDP source port per direction

failures = []


def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def session(sport, request, handshake=True):
    """Inner packets: (from_client, packet); the request is the last one."""
    s, a = 1000, 7000
    pkts = []
    if handshake:
        pkts = [(True, IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="S", seq=s)),
                (False, IP(src=SERVER, dst=CLIENT) / TCP(sport=80, dport=sport, flags="SA", seq=a, ack=s + 1)),
                (True, IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="A", seq=s + 1, ack=a + 1))]
    pkts.append((True, IP(src=CLIENT, dst=SERVER) / TCP(sport=sport, dport=80, flags="PA", seq=s + 1, ack=a + 1) /
                 Raw(request)))
    return pkts


def outer_ok(name, frame):
    """The outer headers of a frame the appliance made: toward the balancer, lengths and checksums right."""
    eth = Ether(frame)
    ip, udp = eth[IP], eth[UDP]
    hdr = bytes(ip)[:20]
    ok = (eth.src == APPLIANCE_MAC and eth.dst == GWLB_MAC and ip.src == APPLIANCE_IP and ip.dst == GWLB_IP and
          ip.len == len(frame) - 14 and checksum(hdr) == 0 and udp.len == len(frame) - 34 and udp.chksum == 0)
    expect(f"{name}: outer headers toward the balancer, lengths and checksums right", ok)


def inner_checksums_ok(inner):
    """The inner IP and transport checksums, as scapy computes them."""
    again = inner.__class__(bytes(inner))
    for layer in (IP, TCP, ICMP):
        if layer in again:
            del again[layer].chksum
    again = again.__class__(bytes(again))
    return all(again[layer].chksum == inner[layer].chksum for layer in (IP, TCP, ICMP) if layer in inner)


def geneve_parts(frame):
    """(options bytes, UDP source port, inner IP packet) of a GENEVE frame."""
    eth = Ether(frame)
    payload = bytes(eth[UDP].payload)
    optlen = (payload[0] & 0x3F) * 4
    return payload[8:8 + optlen], eth[UDP].sport, IP(payload[8 + optlen:])


def cookie_of(options):
    at = 0
    while at + 4 <= len(options):
        cls, typ, ln = struct.unpack("!HBB", options[at:at + 4])
        if cls == 0x0108 and typ == 3:
            return struct.unpack("!I", options[at + 4:at + 8])[0]
        at += 4 + (ln & 0x1F) * 4
    return None


def options_of(endpoint, attachment, cookie):
    return (struct.pack("!HBBQ", 0x0108, 1, 2, endpoint) + struct.pack("!HBBQ", 0x0108, 2, 2, attachment) +
            struct.pack("!HBBI", 0x0108, 3, 1, cookie))


def rst_ok(inner, to_client, request):
    """The inner RST toward the client (seq: the request's ACK) or the server (seq: the
    dropped request's own, the server's next expected byte)."""
    t = request[TCP]
    if to_client:
        want = (SERVER, CLIENT, 80, t.sport, t.ack)
    else:
        want = (CLIENT, SERVER, t.sport, 80, t.seq)
    return (TCP in inner and inner[TCP].flags == "R" and inner_checksums_ok(inner) and
            (inner.src, inner.dst, inner[TCP].sport, inner[TCP].dport, inner[TCP].seq) == want)


def run_board(name, sent, board):
    """Run the frames sent through board (ips); returns (frames out, the total counters)."""
    for i, f in enumerate(sent):
        f.time = 1700000000 + i * 0.001
    with tempfile.TemporaryDirectory(prefix="vigil-tunrej-") as work:
        stats_path = os.path.join(work, "stats.json")
        rc, alerts, frames, err = run(RULES, sent, mode="ips", board=board, extra=("--stats-json", stats_path))
        stats = json.load(open(stats_path)) if os.path.exists(stats_path) else {}
    expect(f"{name}: vigil exited {rc}", rc == 0)
    if rc != 0:
        print(err[-2000:])
    return frames, stats.get("total", {})


def geneve_run(name, pkts):
    """Send pkts in GENEVE (each direction its cookie and source port); returns (sent, frames, counters)."""
    sent = []
    for from_client, p in pkts:
        cookie, sport = (COOKIE_C, SPORT_C) if from_client else (COOKIE_S, SPORT_S)
        sent.append(geneve(p, ENDPOINT_A, ATTACH_A, cookie, sport=sport))
    frames, total = run_board(name, sent, "nva-geneve.conf")
    return sent, frames, total


def geneve_reject(name, request, server_seen=True):
    pkts = session(41000, request, handshake=server_seen)
    sent, frames, total = geneve_run(name, pkts)
    attack = pkts[-1][1]
    returned = [swapped(bytes(f)) for f in sent[:-1]]
    made = [f for f in frames if f not in returned]
    expect(f"{name}: every other frame returned per contract, the attack not "
           f"({len(frames) - len(made)} of {len(returned)})",
           all(r in frames for r in returned) and bytes(sent[-1]) not in frames and
           swapped(bytes(sent[-1])) not in frames)
    expect(f"{name}: two frames made ({len(made)}), rejects_sent {total.get('rejects_sent')}",
           len(made) == 2 and total.get("rejects_sent") == 2)
    if len(made) != 2:
        return
    for frame in made:
        outer_ok(name, frame)
    parts = [geneve_parts(f) for f in made]
    to_client = [p for p in parts if p[2].dst == CLIENT]
    to_server = [p for p in parts if p[2].dst == SERVER]
    expect(f"{name}: one RST each way", len(to_client) == 1 and len(to_server) == 1)
    if len(to_client) != 1 or len(to_server) != 1:
        return
    # toward the server: the client's own options and source port, byte for byte
    opts, sport, inner = to_server[0]
    expect(f"{name}: the RST to the server carries the client's options (cookie {cookie_of(opts):#x}), "
           f"source port {sport}", opts == options_of(ENDPOINT_A, ATTACH_A, COOKIE_C) and sport == SPORT_C)
    expect(f"{name}: the RST to the server: seq after the request, checksums right", rst_ok(inner, False, attack))
    # toward the client: the server's (or, never seen, the client's own)
    opts, sport, inner = to_client[0]
    want_cookie, want_sport = (COOKIE_S, SPORT_S) if server_seen else (COOKIE_C, SPORT_C)
    expect(f"{name}: the RST to the client carries the {'server' if server_seen else 'client'}'s options "
           f"(cookie {cookie_of(opts):#x}), source port {sport}",
           opts == options_of(ENDPOINT_A, ATTACH_A, want_cookie) and sport == want_sport)
    expect(f"{name}: the RST to the client: seq the request's ACK, checksums right", rst_ok(inner, True, attack))


def geneve_udp_reject():
    name = "geneve udp"
    query = IP(src=CLIENT, dst=SERVER) / UDP(sport=5000, dport=5353) / Raw(b"evil-query" * 3)
    sent, frames, total = geneve_run(name, [(True, query)])
    expect(f"{name}: one frame made, the datagram not returned ({len(frames)}), rejects_sent "
           f"{total.get('rejects_sent')}", len(frames) == 1 and total.get("rejects_sent") == 1)
    if len(frames) != 1:
        return
    outer_ok(name, frames[0])
    opts, sport, inner = geneve_parts(frames[0])
    expect(f"{name}: an ICMP port unreachable to the client in its own options, quoting the datagram",
           opts == options_of(ENDPOINT_A, ATTACH_A, COOKIE_C) and sport == SPORT_C and ICMP in inner and
           inner.src == SERVER and inner.dst == CLIENT and inner[ICMP].type == 3 and inner[ICMP].code == 3 and
           inner_checksums_ok(inner) and bytes(inner[ICMP].payload).startswith(bytes(query)[:28]))


def geneve_fragments_reject():
    """An inner UDP datagram of 12,000 bytes in two fragments, the first 8500 bytes (an 8582-byte
    frame), the rejected query split across them: reassembled inside the tunnel, inspected whole."""
    name = "geneve fragments"
    data = b"A" * (8480 - 8 - 5) + b"evil-query" + b"B" * (12000 - 8480 - 5)
    whole = IP(src=CLIENT, dst=SERVER, id=4242) / UDP(sport=5000, dport=5353) / Raw(data)
    pieces = fragment(whole, fragsize=8480)
    sent, frames, total = geneve_run(name, [(True, f) for f in pieces])
    first = swapped(bytes(sent[0]))
    made = [f for f in frames if f != first]
    expect(f"{name}: the first fragment ({len(sent[0])} bytes) returned whole, the last not; one frame "
           f"made ({len(made)}), rejects_sent {total.get('rejects_sent')}",
           len(pieces) == 2 and len(sent[0]) == 14 + 68 + 8500 and first in frames and len(made) == 1 and
           swapped(bytes(sent[1])) not in frames and total.get("rejects_sent") == 1)
    if len(made) != 1:
        return
    outer_ok(name, made[0])
    opts, sport, inner = geneve_parts(made[0])
    expect(f"{name}: an ICMP port unreachable to the client in its options, quoting the whole datagram",
           opts == options_of(ENDPOINT_A, ATTACH_A, COOKIE_C) and ICMP in inner and inner.dst == CLIENT and
           inner[ICMP].type == 3 and inner_checksums_ok(inner) and
           struct.unpack("!H", bytes(inner[ICMP].payload)[2:4])[0] == 20 + 8 + len(data))


def vxlan_cases():
    name = "vxlan"
    client_mac, server_mac = "02:00:00:00:01:01", "02:00:00:00:02:02"
    pkts = session(44000, b"GET /?f=/etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n")
    sent = []
    for from_client, p in pkts:
        eth = Ether(src=client_mac, dst=server_mac) if from_client else Ether(src=server_mac, dst=client_mac)
        sent.append(vxlan(eth / p, 10800 if from_client else 10801, 800 if from_client else 801,
                          sport=40001 if from_client else 40002))
    frames, total = run_board(name, sent, "nva-vxlan.conf")
    returned = [vxlan_return(bytes(f), 10801, 801) if f[UDP].dport == 10800 else vxlan_return(bytes(f), 10800, 800)
                for f in sent[:-1]]
    made = [f for f in frames if f not in returned]
    expect(f"{name}: every other frame returned per contract, the attack not; two frames made "
           f"({len(made)}), rejects_sent {total.get('rejects_sent')}",
           all(r in frames for r in returned) and len(made) == 2 and total.get("rejects_sent") == 2)
    attack = pkts[-1][1]
    for frame in made:
        outer_ok(name, frame)
        eth = Ether(frame)
        vni = struct.unpack("!I", bytes(eth[UDP].payload)[4:8])[0] >> 8
        inner = Ether(bytes(eth[UDP].payload)[8:])
        to_client = inner[IP].dst == CLIENT
        # toward the client: the way answers go (came in on internal, back on external)
        want = (10800, 800, 40002, server_mac, client_mac) if to_client else (10801, 801, 40001, client_mac, server_mac)
        got = (eth[UDP].dport, vni, eth[UDP].sport, inner.src, inner.dst)
        expect(f"{name}: the RST to the {'client' if to_client else 'server'} on tunnel {got[:3]}, "
               f"inner MACs {got[3:]}", got == want)
        expect(f"{name}: the RST to the {'client' if to_client else 'server'}: seq and checksums right",
               rst_ok(inner[IP], to_client, attack))


def main():
    geneve_reject("geneve", b"GET /x?f=../../etc/passwd HTTP/1.1\r\nHost: app\r\n\r\n")
    # 8500-byte inner packet: an 8582-byte frame, within GWLB's 8500/9001 MTU
    big = b"GET /x?f=../../etc/passwd HTTP/1.1\r\nHost: app\r\nX-Pad: "
    big += b"p" * (8500 - 40 - len(big) - 4) + b"\r\n\r\n"
    geneve_reject("geneve 8500", big)
    geneve_reject("geneve mid-stream", b"GET /x?f=../../etc/passwd HTTP/1.1\r\n\r\n", server_seen=False)
    geneve_udp_reject()
    geneve_fragments_reject()
    vxlan_cases()
    print(f"tunnel_reject_offline: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
