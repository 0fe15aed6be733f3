# SPDX-License-Identifier: BSD-3-Clause
#
# The frames of the L2 transparency scenarios (tests/integration/
# transparency_offline.py, lab_transparency.sh), as bytes on the wire:
# tagged IP (802.1Q, QinQ 0x88a8/0x8100, old QinQ 0x9100/0x8100), the
# link's own protocols (LACP, LLDP, STP as 802.3 with LLC) and 9,000-byte
# frames (IPv4, IPv4 with a VLAN tag, IPv6).
from scapy.all import IP, LLC, STP, TCP, UDP, Dot1AD, Dot1Q, Dot3, Ether, IPv6, Raw

JUMBO = 9000


def padded(frame, size):
    """frame with its payload grown so that the whole frame is size bytes."""
    missing = size - len(frame)
    return frame / Raw(load=bytes((i * 7) & 0xff for i in range(missing)))


def lacpdu():
    """An LACPDU (802.1AX): subtype 1, version 1, actor, partner and collector TLVs, to 110 bytes."""
    def port_info(kind, mac, state):
        return (bytes([kind, 20]) + bytes.fromhex("8000") + bytes.fromhex(mac) + bytes.fromhex("000f") +
                bytes.fromhex("8000") + bytes.fromhex("0001") + bytes([state]) + bytes(3))
    body = (bytes([1, 1]) + port_info(1, "020000000001", 0x3d) + port_info(2, "020000000002", 0x3f) +
            bytes([3, 16]) + bytes(14) + bytes([0, 0]))
    return body + bytes(110 - len(body))


def lldpdu():
    """LLDP TLVs: chassis id (a MAC), port id (a name), TTL 120, system name, end."""
    def tlv(kind, value):
        return bytes([(kind << 1) | (len(value) >> 8), len(value) & 0xff]) + value
    return (tlv(1, bytes([4]) + bytes.fromhex("020000000001")) + tlv(2, bytes([5]) + b"eth0") +
            tlv(3, bytes([0, 120])) + tlv(5, b"switch-a") + tlv(0, b""))


def transparency_frames(client_mac, server_mac, v4=("10.0.0.1", "10.0.0.2"), v6=("fd00::1", "fd00::2")):
    """[(name, frame bytes, is link-local)], in the order they are sent."""
    eth = dict(src=client_mac, dst=server_mac)
    ip4 = dict(src=v4[0], dst=v4[1])
    cases = [
        ("802.1Q TCP", Ether(**eth) / Dot1Q(vlan=100, prio=5) / IP(**ip4) /
         TCP(sport=40000, dport=80, flags="PA", seq=1, ack=1) / Raw(load=b"GET / HTTP/1.1\r\n\r\n"), False),
        ("QinQ 0x88a8/0x8100 UDP", Ether(**eth) / Dot1AD(vlan=200) / Dot1Q(vlan=100) / IP(**ip4) /
         UDP(sport=5000, dport=53) / Raw(load=b"q" * 40), False),
        ("QinQ 0x9100/0x8100 UDP", Ether(type=0x9100, **eth) / Dot1Q(vlan=300) / Dot1Q(vlan=7) / IP(**ip4) /
         UDP(sport=5001, dport=53) / Raw(load=b"o" * 40), False),
        ("LACP", Ether(src=client_mac, dst="01:80:c2:00:00:02", type=0x8809) / Raw(load=lacpdu()), True),
        ("LLDP", padded(Ether(src=client_mac, dst="01:80:c2:00:00:0e", type=0x88cc) / Raw(load=lldpdu()), 60),
         True),
        ("STP (802.3, LLC)", padded(Dot3(src=client_mac, dst="01:80:c2:00:00:00") /
                                    LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP(), 60), True),
        ("9000-byte IPv4", padded(Ether(**eth) / IP(**ip4) / UDP(sport=6000, dport=9000), JUMBO), False),
        ("9000-byte 802.1Q IPv4", padded(Ether(**eth) / Dot1Q(vlan=100) / IP(**ip4) /
                                         UDP(sport=6001, dport=9000), JUMBO), False),
        ("9000-byte IPv6", padded(Ether(**eth) / IPv6(src=v6[0], dst=v6[1]) / UDP(sport=6002, dport=9000),
                                  JUMBO), False),
    ]
    return [(name, bytes(frame), link_local) for name, frame, link_local in cases]
