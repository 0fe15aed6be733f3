#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: TCP evasions by decoy, on the offline board. Each case sends,
# next to the real attack, a packet that the receiver (a Linux host)
# discards: believed, it would hide the attack ("first bytes win" keeps a
# harmless copy, a RST or FIN ends inspection, a SYN moves the stream's
# start). Classes, each in several variants: bad checksums (TCP, IPv4
# header; on data, RST and FIN), RSTs that are not exact, segments
# without ACK, ACKs of bytes never sent, timestamps older than PAWS
# allows, data on a SYN, a decoy SYN with another ISN, a TTL too low to
# reach the server ([dataplane] min_ttl, 4 by default), data past the
# receiver's window, overlaps, urgent data. Cases run in ids mode (the
# attack must alert) and in ips mode (the attack's bytes must never reach
# the output pcap); some classes in ips mode only (see CASES_IPS_ONLY).
# Target-based cases (CASES_TARGET, ids mode) send one overlap or urgent
# byte to a server declared with [host_os_policy] as another stack, whose
# receiver reads other bytes than Linux does: vigil must alert exactly
# where the declared receiver reads the attack.
# HTTP_CASES hide the attack in a request body the server de-chunks but a
# parser might not (a Transfer-Encoding that lists chunked last), split
# across chunks so that only the de-chunked body shows it.
# Ends with "N detected of M".
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/evasion_offline.py
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import CLIENT_MAC, SERVER_MAC, run, sid_counts  # noqa: E402
from scapy.all import IP, TCP, Ether, Raw  # noqa: E402

RULES = 'drop tcp any any -> any any (msg:"evasion"; flow:to_server,established; content:"/etc/passwd"; sid:1; rev:1;)\n'
ATTACK = b"GET /cgi-bin/view?f=../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"
BENIGN = b"GET /cgi-bin/view?f=../../../etc/xxxxxx HTTP/1.1\r\nHost: x\r\n\r\n"
WINDOW = 8192
HTTP_RULES = ('drop http any any -> any any (msg:"evasion in a body"; flow:to_server,established; '
              'http.request_body; content:"/etc/passwd"; sid:1; rev:1;)\n')


class Conn:
    """A TCP connection with timestamps, whose packets a case can bend."""

    def __init__(self, isn=1000, ts=True):
        self.cseq, self.sseq = isn, 5000
        self.ts = 100 if ts else None
        self.time = 1700000000.0
        self.packets = []

    def frame(self, from_client, flags, seq, ack, payload=b"", ts=None, chksum=None, ip_chksum=None, syn_isn=None):
        opts = []
        if self.ts is not None:
            self.ts += 1
            opts = [("Timestamp", (ts if ts is not None else self.ts, 0))]
        if from_client:
            ip = IP(src="10.0.0.1", dst="10.0.0.2")
            tcp = TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack, window=WINDOW, options=opts)
            eth = Ether(src=CLIENT_MAC, dst=SERVER_MAC)
        else:
            ip = IP(src="10.0.0.2", dst="10.0.0.1")
            tcp = TCP(sport=80, dport=40000, flags=flags, seq=seq, ack=ack, window=WINDOW, options=opts)
            eth = Ether(src=SERVER_MAC, dst=CLIENT_MAC)
        if chksum is not None:
            tcp.chksum = chksum
        if ip_chksum is not None:
            ip.chksum = ip_chksum
        pkt = eth / ip / tcp
        if payload:
            pkt = pkt / Raw(load=payload)
        self.time += 0.001
        pkt.time = self.time
        return pkt

    def add(self, *args, **kw):
        self.packets.append(self.frame(*args, **kw))

    def handshake(self):
        self.add(True, "S", self.cseq, 0)
        self.cseq += 1
        self.add(False, "SA", self.sseq, self.cseq)
        self.sseq += 1
        self.add(True, "A", self.cseq, self.sseq)
        return self

    def data(self, payload, **kw):
        self.add(True, "PA", self.cseq, self.sseq, payload, **kw)
        self.cseq += len(payload)
        self.add(False, "A", self.sseq, self.cseq)


def bad_checksum(pkt):
    """The frame with its TCP checksum off by one (scapy computes it first)."""
    raw = Ether(bytes(pkt))
    raw[TCP].chksum = (raw[TCP].chksum + 1) & 0xffff
    raw.time = pkt.time
    return raw


def decoy_first(build_decoy):
    """Handshake, a decoy at the attack's sequence number, then the attack."""
    def case():
        c = Conn().handshake()
        c.data(b"hello\r\n")
        build_decoy(c)
        c.data(ATTACK)
        return c.packets
    return case


def tcp_checksum_decoy(c):
    c.packets.append(bad_checksum(c.frame(True, "PA", c.cseq, c.sseq, BENIGN)))


def ip_checksum_decoy(c):
    c.add(True, "PA", c.cseq, c.sseq, BENIGN, ip_chksum=0x1234)


def checksum_rst(c):
    c.packets.append(bad_checksum(c.frame(True, "R", c.cseq, 0)))


def checksum_fin(c):
    c.packets.append(bad_checksum(c.frame(True, "FA", c.cseq, c.sseq)))


def low_ttl(ttl):
    def build(c):
        pkt = c.frame(True, "PA", c.cseq, c.sseq, BENIGN)
        pkt[IP].ttl = ttl  # dies between vigil and the server
        c.packets.append(pkt)
    return build


def rst_offset(delta, flags="R"):
    def build(c):
        c.add(True, flags, c.cseq + delta, c.sseq if "A" in flags else 0)
    return build


def no_ack(flags):
    def build(c):
        c.add(True, flags, c.cseq, 0, BENIGN)
    return build


def ack_unsent(delta):
    def build(c):
        c.add(True, "PA", c.cseq, c.sseq + delta, BENIGN)
    return build


def old_timestamp(back):
    def build(c):
        c.add(True, "PA", c.cseq, c.sseq, BENIGN, ts=(c.ts - back) & 0xffffffff)
    return build


def reordered_paws():
    """Not a decoy: the attack's two segments reordered, the later one (a newer
    timestamp) first. The receiver keeps in-order segments' timestamps only,
    so it takes the gap's segment, a tick older; refusing it as PAWS would
    leave the attack uninspected."""
    c = Conn().handshake()
    c.data(b"hello\r\n")
    cut = ATTACK.index(b" HTTP/1.1")
    t = c.ts
    c.add(True, "PA", c.cseq + cut, c.sseq, ATTACK[cut:], ts=t + 2)
    c.add(True, "PA", c.cseq, c.sseq, ATTACK[:cut], ts=t + 1)
    c.cseq += len(ATTACK)
    c.add(False, "A", c.sseq, c.cseq)
    return c.packets


def syn_data_decoy():
    c = Conn(isn=1000)
    c.add(True, "S", 1000, 0, BENIGN)  # no Fast Open option: the server ignores the data
    c.cseq = 1001
    c.add(False, "SA", c.sseq, c.cseq)
    c.sseq += 1
    c.add(True, "A", c.cseq, c.sseq)
    c.data(ATTACK)
    return c.packets


def syn_other_isn(first_isn):
    def case():
        c = Conn(isn=900000)
        c.add(True, "S", first_isn, 0)  # the decoy SYN (a TTL that dies before the server)
        c.handshake()  # the real one, which the server answers
        c.data(ATTACK)
        return c.packets
    return case


def past_window(ahead):
    def case():
        c = Conn().handshake()
        c.data(b"hello\r\n")
        target = c.cseq + ahead
        c.add(True, "PA", target, c.sseq, BENIGN)  # the harmless copy of what comes there
        while c.cseq < target:
            chunk = b"f" * min(1400, target - c.cseq)
            c.data(chunk)
        c.data(ATTACK)
        return c.packets
    return case


def overlap_newer(c):
    """Out of order: a harmless tail first, then the attack's copy of the same
    bytes covering more: a Linux receiver takes the newer, covering copy,
    where first-bytes-win keeps the harmless one."""
    tail_at = c.cseq + 20
    c.add(True, "PA", tail_at, c.sseq, BENIGN[20:])
    c.add(True, "PA", tail_at - 5, c.sseq, ATTACK[15:])


def overlap_same_start(c):
    """The same, the newer copy starting where the held one does and reaching past it."""
    tail_at = c.cseq + 20
    c.add(True, "PA", tail_at, c.sseq, BENIGN[20:45])
    c.add(True, "PA", tail_at, c.sseq, ATTACK[20:])


def overlap_attack_held(c):
    """The attack's copy held first, then a harmless one starting where it
    does and reaching past it: Linux reads the harmless newer copy, Windows
    (first wins) keeps the held attack. Only the hole before them follows."""
    tail_at = c.cseq + 20
    c.add(True, "PA", tail_at, c.sseq, ATTACK[20:45])
    c.add(True, "PA", tail_at, c.sseq, BENIGN[20:])
    c.add(True, "PA", c.cseq, c.sseq, BENIGN[:20])
    c.cseq += len(BENIGN)
    c.add(False, "A", c.sseq, c.cseq)


def overlap_target(build):
    def case():
        c = Conn().handshake()
        c.data(b"hello\r\n")
        build(c)
        return c.packets
    return case


def overlap_case(build):
    def case():
        c = Conn().handshake()
        c.data(b"hello\r\n")
        build(c)
        c.data(ATTACK)
        return c.packets
    return case


def urgent(offset):
    def case():
        c = Conn().handshake()
        c.data(b"hello\r\n")
        # an extra byte sent as urgent data, which Linux takes out of the stream
        cut = ATTACK.index(b"passwd") + offset
        payload = ATTACK[:cut] + b"X" + ATTACK[cut:]
        pkt = c.frame(True, "PAU", c.cseq, c.sseq, payload)
        pkt[TCP].urgptr = cut + 1
        c.packets.append(pkt)
        c.cseq += len(payload)
        c.add(False, "A", c.sseq, c.cseq)
        return c.packets
    return case


CASES = [
    ("checksum: TCP, decoy data", decoy_first(tcp_checksum_decoy)),
    ("checksum: IPv4 header, decoy data", decoy_first(ip_checksum_decoy)),
    ("checksum: RST", decoy_first(checksum_rst)),
    ("checksum: FIN", decoy_first(checksum_fin)),
    ("rst: sequence + 1", decoy_first(rst_offset(1))),
    ("rst: sequence + 100 (in window)", decoy_first(rst_offset(100))),
    ("rst: sequence - 1, RST+ACK", decoy_first(rst_offset(-1, "RA"))),
    ("no ack: PSH only", decoy_first(no_ack("P"))),
    ("no ack: no flags", decoy_first(no_ack(""))),
    ("no ack: FIN without ACK", decoy_first(no_ack("F"))),
    ("paws: timestamp - 1", decoy_first(old_timestamp(2))),
    ("paws: timestamp - 100000", decoy_first(old_timestamp(100000))),
    ("paws: reordered, the gap's segment a tick older than the one ahead", reordered_paws),
    ("overlap: a newer copy covering held bytes", overlap_case(overlap_newer)),
    ("overlap: a newer copy covering held bytes from their start", overlap_case(overlap_same_start)),
    ("urgent: an extra urgent byte inside the pattern", urgent(2)),
    ("urgent: an extra urgent byte before the pattern", urgent(-1)),
    ("ttl: decoy data with TTL 1", decoy_first(low_ttl(1))),
    ("ttl: decoy data with TTL 3", decoy_first(low_ttl(3))),
    ("syn: data without Fast Open", syn_data_decoy),
    ("syn: a decoy SYN with another ISN first", syn_other_isn(1000)),
    ("syn: a decoy SYN with a nearby ISN first", syn_other_isn(899990)),
    ("ack of unsent bytes: + 1", decoy_first(ack_unsent(1))),
    ("ack of unsent bytes: + 100000", decoy_first(ack_unsent(100000))),
]

# Target-based reassembly (ids mode): (name, packets, --set for the
# server 10.0.0.2 or None for the Linux default, whether its receiver
# reads the attack, so vigil must alert).
CASES_TARGET = [
    ("target: newer copy from the held start, linux server", overlap_case(overlap_same_start), None, True),
    ("target: newer copy from the held start, windows server", overlap_case(overlap_same_start),
     "host_os_policy.windows=10.0.0.2", False),
    ("target: held attack, newer harmless copy, linux server", overlap_target(overlap_attack_held), None, False),
    ("target: held attack, newer harmless copy, windows server", overlap_target(overlap_attack_held),
     "host_os_policy.windows=10.0.0.0/24", True),
    ("target: held attack, newer harmless copy, bsd server", overlap_target(overlap_attack_held),
     "host_os_policy.bsd=10.0.0.2", True),
    ("target: urgent byte in the pattern, server reads it inline", urgent(2),
     "host_os_policy.urgent_inline=10.0.0.2", False),
]



def chunked_last(transfer_encoding):
    """A POST whose body, "f=../../../etc/passwd", is chunked as transfer_encoding says."""
    def case():
        c = Conn().handshake()
        body = b"11\r\nf=../../../etc/pa\r\n4\r\nsswd\r\n0\r\n\r\n"
        c.data(b"POST /cgi-bin/view HTTP/1.1\r\nHost: x\r\n" + transfer_encoding + b"\r\n" + body)
        return c.packets
    return case


# Transfer-Encoding values Apache, IIS and Node take for chunked (chunked
# listed last); libhtp alone took them for invalid and left the body chunked.
HTTP_CASES = [
    ("transfer-encoding: identity, chunked", chunked_last(b"Transfer-Encoding: identity, chunked\r\n")),
    ("transfer-encoding: IDENTITY ,<tab>Chunked", chunked_last(b"Transfer-Encoding: IDENTITY ,\tChunked\r\n")),
    ("transfer-encoding: identity and chunked in two headers",
     chunked_last(b"Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n")),
]

# Classes judged in ips mode only. An ACK of bytes never sent and data
# past the window cannot be told from what a tap or a capture missed, so
# ids mode does not refuse them (dataplane/flow/normalize.h).
CASES_IPS_ONLY = [
    ("window: decoy 9000 bytes ahead", past_window(9000)),
    ("window: decoy 70000 bytes ahead", past_window(70000)),
]


def judge(build, mode, extra, want_alert, rules, attack):
    """Run one case; returns (ok, why)."""
    rc, alerts, frames, err = run(rules, build(), mode=mode,
                                  extra=("--set", "dataplane.checksums=yes") + extra)
    if rc != 0:
        return False, f"vigil exited {rc}: {err[-300:]}"
    if mode == "ids":
        alerted = sid_counts(alerts).get(1, 0) >= 1
        return alerted == want_alert, f"alerts {sid_counts(alerts)}"
    leaked = sum(1 for f in frames if attack in f)
    return leaked == 0, f"{leaked} frame(s) with the attack reached the output"


def main():
    detected, total, failures = 0, 0, []
    both = ("ids", "ips")
    runs = [(n, b, both, (), True, RULES, b"/etc/passwd") for n, b in CASES]
    runs += [(n, b, ("ips",), (), True, RULES, b"/etc/passwd") for n, b in CASES_IPS_ONLY]
    runs += [(n, b, ("ids",), ("--set", s) if s else (), want, RULES, b"/etc/passwd")
             for n, b, s, want in CASES_TARGET]
    runs += [(n, b, both, (), True, HTTP_RULES, b"sswd") for n, b in HTTP_CASES]
    for name, build, modes, extra, want_alert, rules, attack in runs:
        for mode in modes:
            total += 1
            ok, why = judge(build, mode, extra, want_alert, rules, attack)
            detected += ok
            print(("ok: " if ok else "FAIL: ") + f"{name} [{mode}]" + ("" if ok else f" ({why})"))
            if not ok:
                failures.append(f"{name} [{mode}]")
    print(f"{detected} detected of {total}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
