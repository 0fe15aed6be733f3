#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 13): the cloud boards offline. Captures of gateway load
# balancer traffic, made here with scapy, go through
#   vigil --board board/nva-geneve.conf --pcap IN --out OUT  (AWS, GENEVE)
#   vigil --board board/nva-vxlan.conf  --pcap IN --out OUT  (Azure, VXLAN)
# and what comes back is checked against each contract, packet by packet:
# GENEVE: the frame as received with the outer Ethernet and IPv4 addresses
# swapped, the UDP ports, the GENEVE header and every option byte for byte
# the same; VXLAN: the same, but what came in on the external tunnel leaves
# on the internal one (its UDP port and VNI, UDP checksum 0) and the
# reverse, the inner Ethernet frame kept. Also: an HTTP attack inside the
# tunnel is dropped (not returned) and its EVE alert names the GWLB
# endpoint and attachment ids; two tenants with the same inner 5-tuple are
# two flows (a pattern split across their segments is not reassembled,
# each gets its own flow_id); an 8500-byte inner packet passes both
# boards unchanged; IPv6 inside GENEVE; a GENEVE packet whose options run
# past their length is counted malformed and not returned; inner IP
# fragments (each in its own GENEVE packet) are reassembled per tenant: an
# 8,500-byte datagram in three pieces comes back piece by piece, an attack
# split across two fragments is found, two tenants' fragments of one IP id
# never make one datagram.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/tunnel_offline.py
import json
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import eve_tunnel, run  # noqa: E402
from scapy.all import IP, TCP, UDP, Ether, IPv6, Raw  # noqa: E402

GWLB_MAC, APPLIANCE_MAC = "02:00:00:00:0a:01", "02:00:00:00:0a:0a"
GWLB_IP, APPLIANCE_IP = "10.80.0.1", "10.80.0.10"
ENDPOINT_A, ATTACH_A = 0x0123456789ABCDEF, 0x1111222233334444
ENDPOINT_B, ATTACH_B = 0x0FEDCBA987654321, 0x5555666677778888
RULES = ('drop tcp any any -> any any (msg:"traversal"; flow:to_server; content:"/etc/passwd"; sid:1; rev:1;)\n'
         'alert tcp any any -> any any (msg:"split"; flow:to_server; content:"attackpattern"; sid:2; rev:1;)\n'
         'alert tcp any any -> any any (msg:"hello"; flow:to_server; content:"hello-tenant"; sid:3; rev:1;)\n')

failures = []


def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def geneve(inner, endpoint, attachment, cookie, sport=33000, options=None):
    """A GWLB GENEVE frame around the bare inner IP packet."""
    if options is None:
        options = (struct.pack("!HBBQ", 0x0108, 1, 2, endpoint) +
                   struct.pack("!HBBQ", 0x0108, 2, 2, attachment) +
                   struct.pack("!HBBI", 0x0108, 3, 1, cookie))
    proto = 0x86DD if inner.version == 6 else 0x0800
    header = struct.pack("!BBH", len(options) // 4, 0, proto) + b"\x00\x00\x00\x00"
    return (Ether(src=GWLB_MAC, dst=APPLIANCE_MAC) / IP(src=GWLB_IP, dst=APPLIANCE_IP) /
            UDP(sport=sport, dport=6081) / Raw(load=header + options + bytes(inner)))


def vxlan(inner_frame, port, vni, sport=40001):
    header = struct.pack("!B3xI", 0x08, vni << 8)
    return (Ether(src=GWLB_MAC, dst=APPLIANCE_MAC) / IP(src=GWLB_IP, dst=APPLIANCE_IP) /
            UDP(sport=sport, dport=port) / Raw(load=header + bytes(inner_frame)))


def tcp_session(client, server, sport, request, isn=1000):
    """The inner packets of one client-to-server TCP session (no answers needed offline)."""
    s, a = isn, 7000
    pkts = [IP(src=client, dst=server) / TCP(sport=sport, dport=80, flags="S", seq=s),
            IP(src=server, dst=client) / TCP(sport=80, dport=sport, flags="SA", seq=a, ack=s + 1),
            IP(src=client, dst=server) / TCP(sport=sport, dport=80, flags="A", seq=s + 1, ack=a + 1)]
    for chunk in request:
        pkts.append(IP(src=client, dst=server) / TCP(sport=sport, dport=80, flags="PA", seq=s + 1, ack=a + 1) / Raw(chunk))
        s += len(chunk)
    return pkts


def swapped(frame):
    """The GENEVE contract: Ethernet and IPv4 addresses swapped, nothing else changed."""
    b = bytearray(frame)
    b[0:6], b[6:12] = frame[6:12], frame[0:6]
    b[26:30], b[30:34] = frame[30:34], frame[26:30]
    return bytes(b)


def vxlan_return(frame, out_port, out_vni):
    b = bytearray(swapped(frame))
    b[36:38] = struct.pack("!H", out_port)
    b[40:42] = b"\x00\x00"
    b[46:49] = struct.pack("!I", out_vni)[1:]
    return bytes(b)


def check_returns(name, sent, frames, expected, dropped):
    """Every frame not in dropped comes back as expected(frame), in order; the dropped do not."""
    want = [expected(bytes(f)) for i, f in enumerate(sent) if i not in dropped]
    expect(f"{name}: {len(frames)} frames returned, {len(want)} expected", len(frames) == len(want))
    bad = sum(1 for got, w in zip(frames, want) if got != w)
    expect(f"{name}: every returned frame per contract ({bad} differ)", bad == 0 and len(frames) == len(want))


def geneve_cases():
    # tenant A: a benign request and an attack; the attack is dropped
    benign = tcp_session("192.168.1.5", "172.16.0.9", 41000, [b"GET /index.html HTTP/1.1\r\nHost: app\r\n\r\n"])
    attack = tcp_session("192.168.1.5", "172.16.0.9", 41001, [b"GET /x?f=../../etc/passwd HTTP/1.1\r\nHost: app\r\n\r\n"])
    sent = [geneve(p, ENDPOINT_A, ATTACH_A, 0xC0C0A001) for p in benign + attack]
    attack_index = len(sent) - 1
    # IPv6 inside, and an 8500-byte inner datagram
    sent.append(geneve(IPv6(src="fd00::5", dst="fd00::9") / UDP(sport=5000, dport=5001) / Raw(b"v6" * 10), ENDPOINT_A, ATTACH_A, 7))
    big = IP(src="192.168.1.5", dst="172.16.0.9", flags="DF") / UDP(sport=5002, dport=5003) / Raw(b"J" * (8500 - 28))
    sent.append(geneve(big, ENDPOINT_A, ATTACH_A, 8))
    big_index = len(sent) - 1
    # two tenants, one inner 5-tuple: B's segment continues A's sequence
    split_a = tcp_session("192.168.7.7", "172.16.0.7", 42000, [b"xx attack"], isn=5000)
    split_b = IP(src="192.168.7.7", dst="172.16.0.7") / TCP(sport=42000, dport=80, flags="PA", seq=5010, ack=7001) / Raw(b"pattern xx")
    sent += [geneve(p, ENDPOINT_A, ATTACH_A, 9) for p in split_a] + [geneve(split_b, ENDPOINT_B, ATTACH_B, 10)]
    hello = [IP(src="192.168.9.9", dst="172.16.0.9") / TCP(sport=43000, dport=80, flags="PA", seq=1, ack=1) / Raw(b"hello-tenant")]
    sent += [geneve(hello[0], ENDPOINT_A, ATTACH_A, 11), geneve(hello[0], ENDPOINT_B, ATTACH_B, 12)]
    # options that run past their length: malformed, not returned
    bad = geneve(benign[0], 0, 0, 0, options=struct.pack("!HBB", 0x0108, 1, 3) + b"\x00" * 4)
    sent.append(bad)
    bad_index = len(sent) - 1
    for i, f in enumerate(sent):
        f.time = 1700000000 + i * 0.001

    with tempfile.TemporaryDirectory(prefix="vigil-tunnel-") as work:
        stats_path = os.path.join(work, "stats.json")
        rc, alerts, frames, err = run(RULES, sent, mode="ips", board="nva-geneve.conf",
                                      extra=("--stats-json", stats_path))
        stats = json.load(open(stats_path)) if os.path.exists(stats_path) else {}
    expect(f"geneve: vigil exited {rc}", rc == 0)
    check_returns("geneve", sent, frames, swapped, {attack_index, bad_index})
    expect("geneve: the 8500-byte inner packet came back whole",
           any(len(f) == len(bytes(sent[big_index])) for f in frames))
    blocked = [a for a in alerts if a.get("alert", {}).get("signature_id") == 1]
    t = eve_tunnel(blocked[0]) if blocked else {}
    expect(f"geneve: the attack's alert names its tenant: {t}",
           len(blocked) == 1 and t.get("gwlb_endpoint_id") == f"vpce-{ENDPOINT_A:017x}" and
           t.get("gwlb_attachment_id") == f"{ATTACH_A:016x}" and t.get("src_ip") == GWLB_IP and
           t.get("dest_port") == 6081 and blocked[0]["alert"]["action"] == "blocked")
    expect("geneve: a pattern split across two tenants' segments is not reassembled",
           not any(a.get("alert", {}).get("signature_id") == 2 for a in alerts))
    hellos = [a for a in alerts if a.get("alert", {}).get("signature_id") == 3]
    expect(f"geneve: two tenants, one 5-tuple: two flows ({[a.get('flow_id') for a in hellos]})",
           len(hellos) == 2 and hellos[0].get("flow_id") != hellos[1].get("flow_id") and
           {eve_tunnel(a).get("gwlb_endpoint_id") for a in hellos} ==
           {f"vpce-{ENDPOINT_A:017x}", f"vpce-{ENDPOINT_B:017x}"})
    total = stats.get("total", {})
    expect(f"geneve: {total.get('geneve')} GENEVE packets counted, the malformed one by reason "
           f"({total.get('malformed_by_reason', {}).get('geneve_bad_options')})",
           total.get("geneve") == len(sent) - 1 and
           total.get("malformed_by_reason", {}).get("geneve_bad_options") == 1)

    # control: the same split within one tenant is reassembled and alerts
    one = [geneve(p, ENDPOINT_A, ATTACH_A, 9) for p in split_a] + [geneve(split_b, ENDPOINT_A, ATTACH_A, 9)]
    rc, alerts, frames, err = run(RULES, one, mode="ips", board="nva-geneve.conf")
    expect("geneve: the same split within one tenant alerts (the check above can fail)",
           any(a.get("alert", {}).get("signature_id") == 2 for a in alerts))


def fragment_cases():
    """Inner IP fragments, each in its own GENEVE packet: an 8,500-byte UDP
    datagram in three pieces comes back whole piece by piece; an attack split
    across two fragments is found in the reassembled datagram and its last
    fragment not returned; two tenants' fragments of one IP id and address
    pair never make one datagram (the attack halves sent by two tenants
    pass)."""
    from scapy.all import fragment
    big = IP(src="192.168.3.5", dst="172.16.3.9", id=4242) / UDP(sport=5100, dport=5101) / Raw(b"F" * (8500 - 28))
    pieces = fragment(big, fragsize=3000)
    attack = IP(src="192.168.3.5", dst="172.16.3.9", id=4343) / UDP(sport=5102, dport=5103) / \
        Raw(b"x" * 1470 + b"/etc/passwd" + b"y" * 100)
    attack_pieces = fragment(attack, fragsize=1480)
    split = IP(src="192.168.3.6", dst="172.16.3.9", id=4444) / UDP(sport=5104, dport=5105) / \
        Raw(b"x" * 1470 + b"/etc/passwd" + b"y" * 100)
    split_pieces = fragment(split, fragsize=1480)
    sent = [geneve(f, ENDPOINT_A, ATTACH_A, 21) for f in pieces]
    sent += [geneve(f, ENDPOINT_A, ATTACH_A, 22) for f in attack_pieces]
    attack_last = len(sent) - 1
    sent += [geneve(split_pieces[0], ENDPOINT_A, ATTACH_A, 23), geneve(split_pieces[1], ENDPOINT_B, ATTACH_B, 24)]
    for i, f in enumerate(sent):
        f.time = 1700000000 + i * 0.001
    rules = 'drop udp any any -> any any (msg:"traversal in a datagram"; content:"/etc/passwd"; sid:5; rev:1;)\n'
    rc, alerts, frames, err = run(rules, sent, mode="ips", board="nva-geneve.conf")
    expect(f"fragments: vigil exited {rc}", rc == 0)
    check_returns("fragments", sent, frames, swapped, {attack_last})
    hits = [a for a in alerts if a.get("alert", {}).get("signature_id") == 5]
    expect(f"fragments: the attack split across two fragments alerts once, naming its tenant "
           f"({[eve_tunnel(a).get('gwlb_endpoint_id') for a in hits]})",
           len(hits) == 1 and eve_tunnel(hits[0]).get("gwlb_endpoint_id") == f"vpce-{ENDPOINT_A:017x}")


def vxlan_cases():
    client_mac, server_mac = "02:00:00:00:01:01", "02:00:00:00:02:02"
    inner = tcp_session("192.168.2.5", "172.16.2.9", 44000, [b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n"])
    attack = tcp_session("192.168.2.5", "172.16.2.9", 44001, [b"GET /?f=/etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n"])
    sent = []
    for p in inner + attack:
        from_client = p[IP].src == "192.168.2.5"
        eth = Ether(src=client_mac, dst=server_mac) if from_client else Ether(src=server_mac, dst=client_mac)
        # client to server arrives on the external tunnel, answers on the internal one
        sent.append(vxlan(eth / p, 10800 if from_client else 10801, 800 if from_client else 801))
    attack_index = len(sent) - 1
    big = Ether(src=client_mac, dst=server_mac) / IP(src="192.168.2.5", dst="172.16.2.9") / UDP(sport=5, dport=6) / Raw(b"K" * (8500 - 28))
    sent.append(vxlan(big, 10800, 800))
    for i, f in enumerate(sent):
        f.time = 1700000000 + i * 0.001

    def expected(frame):
        port = struct.unpack("!H", frame[36:38])[0]
        return vxlan_return(frame, 10801, 801) if port == 10800 else vxlan_return(frame, 10800, 800)

    rc, alerts, frames, err = run(RULES, sent, mode="ips", board="nva-vxlan.conf")
    expect(f"vxlan: vigil exited {rc}", rc == 0)
    check_returns("vxlan", sent, frames, expected, {attack_index})
    blocked = [a for a in alerts if a.get("alert", {}).get("signature_id") == 1]
    expect(f"vxlan: the attack is dropped and its alert names the VNI: {eve_tunnel(blocked[0]) if blocked else None}",
           len(blocked) == 1 and eve_tunnel(blocked[0]).get("vni") == 800)
    expect("vxlan: the 8500-byte inner frame came back whole",
           any(len(f) == len(bytes(sent[-1])) for f in frames))


def main():
    geneve_cases()
    fragment_cases()
    vxlan_cases()
    print(f"tunnel_offline: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
