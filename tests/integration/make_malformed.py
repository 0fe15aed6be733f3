#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Writes a pcap of crafted frames, each either valid or malformed for exactly
# one decode reason of dataplane/decode/decode.h (foreach_decode_error), and the
# count expected per reason. Every frame is built byte by byte here, so a
# frame says precisely which header field is wrong; valid frames sit on the
# edges of the rules (exactly 8 IPv6 extension headers, Ethernet padding past
# the IPv4 total length, a first fragment whose UDP length exceeds the
# fragment, non-first fragments with no transport header).
#
#   /usr/bin/python3 tests/integration/make_malformed.py OUT.pcap [EXPECTED.json]
#
# EXPECTED.json: {"packets": N, "valid": N, "malformed_by_reason": {...}}
# (reasons not crafted are absent). malformed_counted.py imports build().
import json
import struct
import sys

MAC_DST = bytes.fromhex("020000000002")
MAC_SRC = bytes.fromhex("020000000001")
IP4_SRC = bytes([10, 77, 0, 1])
IP4_DST = bytes([10, 77, 0, 2])
IP6_SRC = bytes.fromhex("fd770000000000000000000000000001")
IP6_DST = bytes.fromhex("fd770000000000000000000000000002")

ETH_IPV4, ETH_IPV6, ETH_ARP, ETH_VLAN, ETH_QINQ = 0x0800, 0x86DD, 0x0806, 0x8100, 0x88A8
ETH_NSH = 0x894F
PROTO_HOP_BY_HOP, PROTO_ICMP, PROTO_TCP, PROTO_UDP = 0, 1, 6, 17
PROTO_ROUTING, PROTO_FRAGMENT, PROTO_GRE, PROTO_ICMPV6, PROTO_DEST_OPTS = 43, 44, 47, 58, 60
PROTO_SCTP = 132
# An SCTP common header (ports 3868, Diameter), then an INIT chunk's first bytes.
SCTP_INIT = struct.pack("!HHII", 40000, 3868, 0, 0) + bytes([1, 0, 0, 20]) + bytes(16)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(ether_type, payload, vlans=()):
    """vlans: list of (tpid, vid), outermost first."""
    frame = MAC_DST + MAC_SRC
    for tpid, vid in vlans:
        frame += struct.pack("!HH", tpid, vid)
    return frame + struct.pack("!H", ether_type) + payload


def ipv4(proto, payload, ihl=5, options=b"", total=None, version=4, frag_offset=0,
         more_fragments=False):
    assert len(options) <= max(0, ihl * 4 - 20), "options longer than the IHL"
    options = options.ljust(ihl * 4 - 20, b"\0") if ihl > 5 else b""
    if total is None:
        total = 20 + len(options) + len(payload)
    flags = (0x2000 if more_fragments else 0) | frag_offset
    header = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total & 0xFFFF, 0x1234,
                         flags, 64, proto, 0, IP4_SRC, IP4_DST) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(next_header, payload, payload_len=None, version=6):
    if payload_len is None:
        payload_len = len(payload)
    return struct.pack("!IHBB16s16s", version << 28, payload_len, next_header, 64, IP6_SRC,
                       IP6_DST) + payload


def ipv6_options_header(next_header, length_units=0):
    """Hop-by-hop or destination options: PadN filling (length_units+1)*8 bytes."""
    size = (length_units + 1) * 8
    return bytes([next_header, length_units, 1, size - 4]) + bytes(size - 4)


def ipv6_fragment_header(next_header, offset_units=0, more=False):
    return struct.pack("!BBHI", next_header, 0, (offset_units << 3) | int(more), 0xABCD)


def ipv6_chain(kinds, last):
    """Extension headers of the given kinds in order, then `last` as next header."""
    data = b""
    for i, kind in enumerate(kinds):
        following = kinds[i + 1] if i + 1 < len(kinds) else last
        if kind == PROTO_FRAGMENT:
            data += ipv6_fragment_header(following, 0, True)
        else:
            data += ipv6_options_header(following)
    return data


def tcp(options=b"", data_offset=None, payload=b"", flags=0x18):
    if data_offset is None:
        data_offset = 5 + (len(options) + 3) // 4
    options = options.ljust(max(0, data_offset * 4 - 20), b"\0")
    return struct.pack("!HHIIBBHHH", 40000, 80, 1000, 2000, data_offset << 4, flags, 65535, 0,
                       0) + options + payload


def udp(payload=b"", length=None):
    if length is None:
        length = 8 + len(payload)
    return struct.pack("!HHHH", 40001, 53, length & 0xFFFF, 0) + payload


# The tunnel ports malformed_counted.py gives the offline board's port
# (GENEVE, and a VXLAN pair whose external tunnel has VNI 1).
GENEVE_PORT, VXLAN_PORT, VXLAN_VNI = 6081, 4789, 1


def tunnel(dport, header):
    """A UDP datagram to a tunnel port carrying header and a valid inner IPv4/UDP packet."""
    inner = ipv4(PROTO_UDP, udp(b"in"))
    return struct.pack("!HHHH", 40002, dport, 8 + len(header) + len(inner), 0) + header + inner


def icmp_echo(payload=b"ping"):
    return struct.pack("!BBHHH", 8, 0, 0, 1, 1) + payload


def icmpv6_echo(payload=b"ping"):
    return struct.pack("!BBHHH", 128, 0, 0, 1, 1) + payload


def arp():
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, 1, MAC_SRC, IP4_SRC, bytes(6),
                       IP4_DST)


TCP_SYN_OPTIONS = (bytes([2, 4, 0x05, 0xB4])          # MSS 1460
                   + bytes([4, 2])                    # SACK permitted
                   + bytes([8, 10]) + bytes(8)        # timestamps
                   + bytes([1])                       # NOP
                   + bytes([3, 3, 7]))                # window scale 7


def valid_frames():
    v4 = lambda proto, payload, **kw: ethernet(ETH_IPV4, ipv4(proto, payload, **kw))
    v6 = lambda nh, payload, **kw: ethernet(ETH_IPV6, ipv6(nh, payload, **kw))
    udp_dns = udp(b"\x12\x34\x01\x00\x00\x01" + bytes(6) + b"\x07example\x03com\x00\x00\x01\x00\x01")
    return [
        ("IPv4 TCP SYN with MSS, SACK-perm, timestamps, NOP, WS", v4(PROTO_TCP, tcp(TCP_SYN_OPTIONS, flags=0x02))),
        ("IPv4 TCP with data", v4(PROTO_TCP, tcp(payload=b"GET / HTTP/1.0\r\n\r\n"))),
        ("IPv4 UDP", v4(PROTO_UDP, udp_dns)),
        ("IPv4 UDP, length exactly 8", v4(PROTO_UDP, udp())),
        ("IPv4 ICMP echo", v4(PROTO_ICMP, icmp_echo())),
        ("IPv4 ICMP, exactly 4 bytes", v4(PROTO_ICMP, bytes([3, 3, 0, 0]))),
        ("IPv6 ICMPv6 echo", v6(PROTO_ICMPV6, icmpv6_echo())),
        ("IPv6 ICMPv6, exactly 4 bytes", v6(PROTO_ICMPV6, bytes([135, 0, 0, 0]))),
        ("IPv6 TCP with data", v6(PROTO_TCP, tcp(payload=b"hello"))),
        ("IPv6 UDP", v6(PROTO_UDP, udp_dns)),
        ("IPv4 SCTP INIT", v4(PROTO_SCTP, SCTP_INIT)),
        ("IPv6 SCTP, exactly the common header", v6(PROTO_SCTP, SCTP_INIT[:12])),
        ("VLAN IPv4 UDP", ethernet(ETH_IPV4, ipv4(PROTO_UDP, udp_dns), [(ETH_VLAN, 10)])),
        ("QinQ IPv4 TCP", ethernet(ETH_IPV4, ipv4(PROTO_TCP, tcp()), [(ETH_QINQ, 100), (ETH_VLAN, 10)])),
        ("VLAN IPv6 UDP", ethernet(ETH_IPV6, ipv6(PROTO_UDP, udp_dns), [(ETH_VLAN, 20)])),
        ("IPv4 options NOP, record route (7 bytes), EOL",
         v4(PROTO_UDP, udp_dns, ihl=8, options=bytes([1, 7, 7, 4]) + bytes(4) + bytes([0]))),
        ("IPv4 IHL 15, 40 bytes of NOP options", v4(PROTO_UDP, udp(), ihl=15, options=bytes([1]) * 40)),
        ("IPv4 UDP with 12 bytes of Ethernet padding", v4(PROTO_UDP, udp(b"ab")) + bytes(12)),
        ("IPv4 TCP ACK padded to 60 bytes", v4(PROTO_TCP, tcp(flags=0x10)) + bytes(6)),
        ("IPv4 non-first fragment, 4 bytes of TCP", v4(PROTO_TCP, b"\x9c\x40\x00\x50", frag_offset=100)),
        ("IPv4 first fragment, UDP length past the fragment",
         v4(PROTO_UDP, udp(bytes(100), length=1000), more_fragments=True)),
        ("IPv4 GRE version 1, PPTP's (left whole)", v4(PROTO_GRE, bytes([0x30, 0x01, 0x88, 0x0b]) + bytes(20))),
        ("ARP (other L3)", ethernet(ETH_ARP, arp())),
        ("IPv6 hop-by-hop, destination options, UDP",
         v6(PROTO_HOP_BY_HOP, ipv6_chain([PROTO_HOP_BY_HOP, PROTO_DEST_OPTS], PROTO_UDP) + udp(b"x"))),
        ("IPv6 exactly 8 extension headers",
         v6(PROTO_HOP_BY_HOP, ipv6_chain([PROTO_HOP_BY_HOP] + [PROTO_DEST_OPTS] * 7, PROTO_UDP) + udp(b"x"))),
        ("IPv6 non-first fragment, 4 bytes of TCP",
         v6(PROTO_FRAGMENT, ipv6_fragment_header(PROTO_TCP, 100) + b"\x9c\x40\x00\x50")),
        ("IPv6 first fragment, UDP", v6(PROTO_FRAGMENT, ipv6_fragment_header(PROTO_UDP, 0, True) + udp(bytes(16)))),
    ]


def malformed_frames():
    """(reason, description, frame): each frame is malformed for that reason only."""
    v4 = lambda proto, payload, **kw: ethernet(ETH_IPV4, ipv4(proto, payload, **kw))
    v6 = lambda nh, payload, **kw: ethernet(ETH_IPV6, ipv6(nh, payload, **kw))
    udp_ok = udp(b"data")
    tcp_with = lambda opts, doff: tcp(opts, data_offset=doff)
    return [
        ("ethernet_truncated", "13-byte frame", ethernet(ETH_IPV4, b"")[:13]),
        ("ethernet_truncated", "1-byte frame", MAC_DST[:1]),
        ("vlan_truncated", "VLAN tag of 2 bytes", MAC_DST + MAC_SRC + struct.pack("!HH", ETH_VLAN, 10)[:4]),
        ("vlan_truncated", "QinQ, inner tag cut",
         MAC_DST + MAC_SRC + struct.pack("!HHH", ETH_QINQ, 100, ETH_VLAN) + b"\x00"),
        ("vlan_too_many", "three stacked 802.1Q tags",
         ethernet(ETH_IPV4, ipv4(PROTO_UDP, udp_ok), [(ETH_VLAN, 1), (ETH_VLAN, 2), (ETH_VLAN, 3)])),
        ("ipv4_truncated", "19 bytes of IPv4", ethernet(ETH_IPV4, ipv4(PROTO_UDP, b"")[:19])),
        ("ipv4_truncated", "no IPv4 header at all", ethernet(ETH_IPV4, b"")),
        ("ipv4_bad_version", "version 6 under EtherType IPv4", v4(PROTO_UDP, udp_ok, version=6)),
        ("ipv4_bad_version", "version 5", v4(PROTO_UDP, udp_ok, version=5)),
        ("ipv4_bad_header_len", "IHL 4", v4(PROTO_UDP, udp_ok, ihl=4)),
        ("ipv4_bad_header_len", "IHL 15 with 28 bytes of IP data",
         ethernet(ETH_IPV4, bytes([0x4F]) + ipv4(PROTO_UDP, udp())[1:])),
        ("ipv4_bad_total_len", "total length 19, below the header", v4(PROTO_UDP, udp_ok, total=19)),
        ("ipv4_bad_total_len", "total length 200, past the frame", v4(PROTO_UDP, udp_ok, total=200)),
        ("ipv4_bad_options", "timestamp option of length 1",
         v4(PROTO_UDP, udp_ok, ihl=6, options=bytes([0x44, 1, 0, 0]))),
        ("ipv4_bad_options", "record route of length 8 in 4 option bytes",
         v4(PROTO_UDP, udp_ok, ihl=6, options=bytes([7, 8, 4, 0]))),
        ("ipv6_truncated", "39 bytes of IPv6", ethernet(ETH_IPV6, ipv6(PROTO_UDP, b"")[:39])),
        ("ipv6_bad_version", "version 4 under EtherType IPv6", v6(PROTO_UDP, udp_ok, version=4)),
        ("ipv6_bad_payload_len", "payload length 100, 12 bytes present", v6(PROTO_UDP, udp_ok, payload_len=100)),
        ("ipv6_ext_truncated", "hop-by-hop header of 4 bytes", v6(PROTO_HOP_BY_HOP, bytes([17, 0, 1, 0]))),
        ("ipv6_ext_truncated", "destination options of 24 bytes, 16 present",
         v6(PROTO_DEST_OPTS, ipv6_options_header(PROTO_UDP, 2)[:16])),
        ("ipv6_ext_truncated", "fragment header of 4 bytes", v6(PROTO_FRAGMENT, ipv6_fragment_header(PROTO_UDP)[:4])),
        ("ipv6_ext_too_many", "9 extension headers",
         v6(PROTO_HOP_BY_HOP, ipv6_chain([PROTO_HOP_BY_HOP] + [PROTO_DEST_OPTS] * 8, PROTO_UDP) + udp_ok)),
        ("ipv6_hbh_not_first", "destination options, then hop-by-hop",
         v6(PROTO_DEST_OPTS, ipv6_chain([PROTO_DEST_OPTS, PROTO_HOP_BY_HOP], PROTO_UDP) + udp_ok)),
        ("ipv6_dup_frag", "two fragment headers",
         v6(PROTO_FRAGMENT, ipv6_chain([PROTO_FRAGMENT, PROTO_FRAGMENT], PROTO_UDP) + udp_ok)),
        ("tcp_truncated", "10 bytes of TCP", v4(PROTO_TCP, tcp()[:10])),
        ("tcp_truncated", "10 bytes of TCP by total length, 30 bytes of padding",
         v4(PROTO_TCP, tcp()[:10]) + bytes(30)),
        ("tcp_truncated", "19 bytes of TCP over IPv6", v6(PROTO_TCP, tcp()[:19])),
        ("tcp_bad_header_len", "data offset 4", v4(PROTO_TCP, tcp(data_offset=4) + bytes(4))),
        ("tcp_bad_header_len", "data offset 15 in a 24-byte segment",
         v4(PROTO_TCP, tcp(data_offset=15)[:24])),
        ("tcp_bad_options", "MSS of length 3", v4(PROTO_TCP, tcp_with(bytes([2, 3, 0, 0]), 6))),
        ("tcp_bad_options", "window scale of length 2", v4(PROTO_TCP, tcp_with(bytes([3, 2, 1, 1]), 6))),
        ("tcp_bad_options", "SACK permitted of length 3", v4(PROTO_TCP, tcp_with(bytes([4, 3, 0, 0]), 6))),
        ("tcp_bad_options", "timestamps of length 8",
         v4(PROTO_TCP, tcp_with(bytes([8, 8]) + bytes(6) + bytes([1, 1, 1, 1]), 8))),
        ("tcp_bad_options", "timestamps of length 10 in 4 option bytes",
         v4(PROTO_TCP, tcp_with(bytes([8, 10, 0, 0]), 6))),
        ("tcp_bad_options", "unknown option of length 1", v4(PROTO_TCP, tcp_with(bytes([30, 1, 0, 0]), 6))),
        ("udp_truncated", "4 bytes of UDP", v4(PROTO_UDP, udp()[:4])),
        ("udp_truncated", "7 bytes of UDP over IPv6", v6(PROTO_UDP, udp()[:7])),
        ("sctp_truncated", "11 bytes of SCTP", v4(PROTO_SCTP, SCTP_INIT[:11])),
        ("sctp_truncated", "4 bytes of SCTP over IPv6", v6(PROTO_SCTP, SCTP_INIT[:4])),
        ("udp_bad_len", "UDP length 4", v4(PROTO_UDP, udp(b"data", length=4))),
        ("udp_bad_len", "UDP length 100 in a 12-byte payload", v4(PROTO_UDP, udp(b"data", length=100))),
        ("udp_bad_len", "UDP length 200 over IPv6", v6(PROTO_UDP, udp(bytes(8), length=200))),
        ("icmp_truncated", "3 bytes of ICMP", v4(PROTO_ICMP, icmp_echo()[:3])),
        ("icmpv6_truncated", "2 bytes of ICMPv6", v6(PROTO_ICMPV6, icmpv6_echo()[:2])),
        ("icmpv6_in_ipv4", "IPv4 protocol 58", v4(PROTO_ICMPV6, icmpv6_echo())),
        ("geneve_truncated", "4 bytes of GENEVE",
         v4(PROTO_UDP, struct.pack("!HHHH", 40002, GENEVE_PORT, 12, 0) + bytes(4))),
        ("geneve_truncated", "2 option words announced, none present",
         v4(PROTO_UDP, struct.pack("!HHHH", 40002, GENEVE_PORT, 16, 0) + struct.pack("!BBH4x", 2, 0, ETH_IPV4))),
        ("geneve_bad_version", "version 1", v4(PROTO_UDP, tunnel(GENEVE_PORT, struct.pack("!BBH4x", 0x40, 0, ETH_IPV4)))),
        ("geneve_bad_options", "an option of 4 data bytes in 4 option bytes",
         v4(PROTO_UDP, tunnel(GENEVE_PORT, struct.pack("!BBH4x", 1, 0, ETH_IPV4) + struct.pack("!HBB", 0x0108, 1, 1)))),
        ("geneve_bad_protocol", "protocol type 0x1234",
         v4(PROTO_UDP, tunnel(GENEVE_PORT, struct.pack("!BBH4x", 0, 0, 0x1234)))),
        ("geneve_oam", "the O (control) bit", v4(PROTO_UDP, tunnel(GENEVE_PORT, struct.pack("!BBH4x", 0, 0x80, ETH_IPV4)))),
        ("vxlan_truncated", "4 bytes of VXLAN",
         v4(PROTO_UDP, struct.pack("!HHHH", 40002, VXLAN_PORT, 12, 0) + bytes([8, 0, 0, 0]))),
        ("vxlan_bad_flags", "no I flag", v4(PROTO_UDP, tunnel(VXLAN_PORT, struct.pack("!B3xI", 0, VXLAN_VNI << 8)))),
        ("vxlan_unknown_vni", "VNI 7 on the port of VNI 1",
         v4(PROTO_UDP, tunnel(VXLAN_PORT, struct.pack("!B3xI", 8, 7 << 8)))),
        ("nsh_truncated", "7 bytes of NSH", ethernet(ETH_NSH, bytes([0, 2, 2, 1, 0, 0, 1]))),
        ("nsh_bad_version", "NSH version 1",
         ethernet(ETH_NSH, bytes([0x40, 2, 2, 1, 0, 0, 1, 2]) + ipv4(PROTO_UDP, udp_ok))),
        ("nsh_bad_header_len", "MD type 1 of 2 words",
         ethernet(ETH_NSH, bytes([0, 2, 1, 1, 0, 0, 1, 2]) + ipv4(PROTO_UDP, udp_ok))),
        ("gre_truncated", "3 bytes of GRE", v4(PROTO_GRE, bytes([0, 0, 8]))),
        ("gre_truncated", "GRE with a key, cut inside it", v4(PROTO_GRE, bytes([0x20, 0, 8, 0, 0, 0]))),
    ]


def build(rounds=2):
    """[(reason or None, description, frame)] in file order: every frame `rounds`
    times, valid and malformed interleaved."""
    valid = [(None, d, f) for d, f in valid_frames()]
    bad = malformed_frames()
    frames = []
    for _ in range(rounds):
        for i in range(max(len(valid), len(bad))):
            if i < len(valid):
                frames.append(valid[i])
            if i < len(bad):
                frames.append(bad[i])
    return frames


def expected_counts(frames):
    counts = {}
    for reason, _desc, _frame in frames:
        if reason:
            counts[reason] = counts.get(reason, 0) + 1
    return counts


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (_reason, _desc, frame) in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: make_malformed.py OUT.pcap [EXPECTED.json]", file=sys.stderr)
        return 2
    frames = build()
    write_pcap(argv[1], frames)
    expected = {
        "packets": len(frames),
        "valid": sum(1 for r, _, _ in frames if r is None),
        "malformed_by_reason": expected_counts(frames),
    }
    if len(argv) == 3:
        with open(argv[2], "w") as f:
            json.dump(expected, f, indent=1)
    else:
        json.dump(expected, sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
