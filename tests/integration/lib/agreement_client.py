#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# The client side of lab_stream_agreement: from the client namespace, one
# hand-made TCP connection per case to a real Linux server through vigil,
# each carrying a decoy that a Linux receiver discards (or reassembles
# differently) next to the request. The client speaks from an address its
# own kernel does not own (SRC), so the kernel neither answers the server's
# SYN-ACK with a RST nor interferes; the server namespace is given a static
# neighbour entry for it. Prints one JSON line per case: its name and source
# port, and whether the handshake was answered.
#
# usage: agreement_client.py IFACE SRC_IP SRC_MAC DST_IP DST_MAC PORT [CASE...]
import json
import random
import sys
import threading
import time

from scapy.all import IP, TCP, Ether, Raw, conf  # noqa: E402

ATTACK = b"GET /view?f=../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"
DECOY = b"GET /view?f=../../../etc/xxxxxx HTTP/1.1\r\nHost: x\r\n\r\n"
SPLIT = ATTACK.index(b"passwd")  # where the two differ
HANDSHAKE_S = 3.0


class Link:
    """One L2 socket to send on and a reader thread that keeps the server's
    packets (to our address) by destination port."""

    def __init__(self, iface, src_ip, src_mac, dst_ip, dst_mac, port):
        self.iface, self.src_ip, self.src_mac = iface, src_ip, src_mac
        self.dst_ip, self.dst_mac, self.port = dst_ip, dst_mac, port
        self.sock = conf.L2socket(iface=iface)
        self.listen = conf.L2listen(iface=iface)
        self.got = {}
        self.cv = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while True:
            pkt = self.listen.recv()
            if pkt is None or TCP not in pkt or IP not in pkt:
                continue
            if pkt[IP].src != self.dst_ip or pkt[IP].dst != self.src_ip or pkt[TCP].sport != self.port:
                continue
            with self.cv:
                self.got.setdefault(pkt[TCP].dport, []).append(pkt)
                self.cv.notify_all()

    def wait_synack(self, sport, deadline_s):
        end = time.monotonic() + deadline_s
        with self.cv:
            while True:
                for pkt in self.got.get(sport, []):
                    if pkt[TCP].flags.S and pkt[TCP].flags.A:
                        return pkt
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cv.wait(left)

    def send(self, pkt):
        self.sock.send(pkt)


class Conn:
    """One connection: sequence numbers, timestamps, and the frames a case
    bends (flags, checksum, TTL, timestamp, ack)."""

    def __init__(self, link, sport):
        self.link, self.sport = link, sport
        self.isn = random.randrange(1 << 20, 1 << 30)
        self.seq = self.isn
        self.ack = 0
        self.tsval = random.randrange(1 << 20, 1 << 24)
        self.tsecr = 0

    def frame(self, flags, seq=None, payload=b"", ack=None, ts=None, bad_checksum=False, bad_ip_checksum=False, ttl=64, urgptr=0):
        self.tsval += 1
        opts = [("Timestamp", (ts if ts is not None else self.tsval, self.tsecr))]
        if "S" in flags:
            opts = [("MSS", 1460)] + opts
        tcp = TCP(sport=self.sport, dport=self.link.port, flags=flags,
                  seq=self.seq if seq is None else seq, ack=self.ack if ack is None else ack,
                  window=65535, options=opts, urgptr=urgptr)
        pkt = Ether(src=self.link.src_mac, dst=self.link.dst_mac) / \
            IP(src=self.link.src_ip, dst=self.link.dst_ip, ttl=ttl) / tcp
        if payload:
            pkt = pkt / Raw(load=payload)
        if bad_checksum or bad_ip_checksum:
            # the right checksum with two bits flipped: never equivalent to it
            pkt = Ether(bytes(pkt))
            if bad_checksum:
                pkt[TCP].chksum ^= 0x0101
            if bad_ip_checksum:
                pkt[IP].chksum ^= 0x0101
        return pkt

    def send(self, flags, **kw):
        self.link.send(self.frame(flags, **kw))

    def connect(self, syn_payload=b""):
        self.send("S", payload=syn_payload)
        synack = self.link.wait_synack(self.sport, HANDSHAKE_S)
        if synack is None:
            return False
        self.seq = self.isn + 1
        self.ack = synack[TCP].seq + 1
        for name, value in synack[TCP].options:
            if name == "Timestamp":
                self.tsecr = value[0]
        self.send("A")
        return True

    def data(self, payload, at=0, **kw):
        """payload at offset `at` of the stream (0: the next byte)."""
        self.send(kw.pop("flags", "PA"), seq=self.seq + at, payload=payload, **kw)

    def advance(self, n):
        self.seq += n


# Each case: (name, setup). setup(conn) sends the decoy and the request
# after the handshake; what the server keeps is its kernel's business.
def case_overlap_newer(c):
    # held out-of-order bytes, then a segment from before them covering
    # them: Linux keeps the newer (covering) copy
    c.data(DECOY[SPLIT:], at=SPLIT)
    c.data(ATTACK)


def case_overlap_older(c):
    c.data(ATTACK[SPLIT:], at=SPLIT)
    c.data(DECOY)


def case_overlap_same_start(c):
    # held bytes, then a copy starting at their start and reaching past them
    c.data(DECOY[SPLIT:SPLIT + 3], at=SPLIT)
    c.data(ATTACK[SPLIT:], at=SPLIT)
    c.data(ATTACK[:SPLIT])


def case_retransmit(c):
    # in-order bytes already delivered, then another copy: the first stays
    c.data(DECOY)
    c.data(ATTACK)


def case_bad_checksum(c):
    c.data(DECOY, bad_checksum=True)
    c.data(ATTACK)


def case_bad_ip_checksum(c):
    c.data(DECOY, bad_ip_checksum=True)
    c.data(ATTACK)


def case_overlap_tail(c):
    # the request's tail held first, then the decoy's from one byte before
    # it: Linux keeps the newer, earlier-starting copy
    c.data(ATTACK[SPLIT + 1:], at=SPLIT + 1)
    c.data(DECOY[SPLIT:], at=SPLIT)
    c.data(ATTACK[:SPLIT])


def case_no_ack(c):
    c.data(DECOY, flags="P")
    c.data(ATTACK)


def case_paws(c):
    c.data(DECOY, ts=c.tsval - 100000)
    c.data(ATTACK)


def case_ack_unsent(c):
    c.data(DECOY, ack=c.ack + 100000)
    c.data(ATTACK)


def case_low_ttl(c):
    c.data(DECOY, ttl=1)
    c.data(ATTACK)


def case_low_ttl_rst(c):
    c.send("RA", ttl=2)
    c.data(ATTACK)


def case_urgent(c):
    # one byte inserted before "passwd" and marked urgent: a Linux receiver
    # takes it out of the stream (SO_OOBINLINE off)
    body = ATTACK[:SPLIT] + b"Z" + ATTACK[SPLIT:]
    c.data(body, flags="PAU", urgptr=SPLIT + 1)


def case_rst_not_exact(c):
    # in the window but not at the next byte: a challenge, not a close
    c.send("R", seq=c.seq + 10)
    c.data(ATTACK)


def case_rst_bad_checksum(c):
    c.send("RA", bad_checksum=True)
    c.data(ATTACK)


def case_fin_bad_checksum(c):
    c.send("FA", bad_checksum=True)
    c.data(ATTACK)


CASES = {
    "overlap_newer": case_overlap_newer,
    "overlap_older": case_overlap_older,
    "overlap_same_start": case_overlap_same_start,
    "retransmit": case_retransmit,
    "bad_checksum": case_bad_checksum,
    "bad_ip_checksum": case_bad_ip_checksum,
    "overlap_tail": case_overlap_tail,
    "no_ack": case_no_ack,
    "paws": case_paws,
    "ack_unsent": case_ack_unsent,
    "low_ttl": case_low_ttl,
    "low_ttl_rst": case_low_ttl_rst,
    "urgent": case_urgent,
    "rst_not_exact": case_rst_not_exact,
    "rst_bad_checksum": case_rst_bad_checksum,
    "fin_bad_checksum": case_fin_bad_checksum,
    "syn_data": None,  # the decoy rides on the SYN itself (no Fast Open)
}


def main():
    iface, src_ip, src_mac, dst_ip, dst_mac, port = sys.argv[1:7]
    names = sys.argv[7:] or list(CASES)
    link = Link(iface, src_ip, src_mac, dst_ip, dst_mac, int(port))
    base = random.randrange(20000, 50000)
    for i, name in enumerate(names):
        conn = Conn(link, base + i)
        syn_payload = DECOY if name == "syn_data" else b""
        ok = conn.connect(syn_payload)
        if ok:
            if CASES[name]:
                CASES[name](conn)
            else:
                conn.data(ATTACK)
        print(json.dumps({"case": name, "sport": conn.sport, "connected": ok}), flush=True)


if __name__ == "__main__":
    main()
