# SPDX-License-Identifier: BSD-3-Clause
#
# Shared by the offline rule scenarios: build TCP/UDP conversations with
# scapy, run vigil on the offline board with a rules file, and read back
# the EVE alerts and the output pcap. Each scenario states its rules, its
# packets and what must come out; this module only runs and reads.
import json
import os
import subprocess
import sys
import tempfile

from scapy.all import IP, TCP, UDP, Ether, Raw, wrpcap
from scapy.utils import RawPcapReader

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
VIGIL = os.path.join(ROOT, "build", "vigil")

CLIENT_MAC, SERVER_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02"


class Conversation:
    """A TCP connection with correct sequence numbers, for crafting streams."""

    def __init__(self, client="10.0.0.1", server="10.0.0.2", sport=40000, dport=80, t0=1700000000.0):
        self.client, self.server, self.sport, self.dport = client, server, sport, dport
        self.cseq, self.sseq = 1000, 5000
        self.time = t0
        self.packets = []

    def _frame(self, from_client, flags, seq, ack, payload=b""):
        if from_client:
            ip = IP(src=self.client, dst=self.server) / TCP(sport=self.sport, dport=self.dport, flags=flags, seq=seq, ack=ack)
            eth = Ether(src=CLIENT_MAC, dst=SERVER_MAC)
        else:
            ip = IP(src=self.server, dst=self.client) / TCP(sport=self.dport, dport=self.sport, flags=flags, seq=seq, ack=ack)
            eth = Ether(src=SERVER_MAC, dst=CLIENT_MAC)
        pkt = eth / ip
        if payload:
            pkt = pkt / Raw(load=payload)
        self.time += 0.001
        pkt.time = self.time
        return pkt

    def handshake(self):
        self.packets.append(self._frame(True, "S", self.cseq, 0))
        self.cseq += 1
        self.packets.append(self._frame(False, "SA", self.sseq, self.cseq))
        self.sseq += 1
        self.packets.append(self._frame(True, "A", self.cseq, self.sseq))
        return self

    def send(self, data, from_client=True, segments=None, order=None):
        """Send data, cut into segments (list of sizes) and sent in order (list of indexes)."""
        sizes = segments or [len(data)]
        pieces, offset = [], 0
        base = self.cseq if from_client else self.sseq
        for size in sizes:
            pieces.append((base + offset, data[offset:offset + size]))
            offset += size
        for i in order or range(len(pieces)):
            seq, chunk = pieces[i]
            ack = self.sseq if from_client else self.cseq
            self.packets.append(self._frame(from_client, "PA", seq, ack, chunk))
        if from_client:
            self.cseq += len(data)
        else:
            self.sseq += len(data)
        return self

    def udp(self, data, from_client=True):
        src, dst = (self.client, self.server) if from_client else (self.server, self.client)
        sport, dport = (self.sport, self.dport) if from_client else (self.dport, self.sport)
        pkt = Ether(src=CLIENT_MAC, dst=SERVER_MAC) / IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(load=data)
        self.time += 0.001
        pkt.time = self.time
        self.packets.append(pkt)
        return self


# EVE records that are no event of a packet (issue 15): flow records and
# the protocols' transaction records; the scenarios here read the events.
RECORD_TYPES = frozenset(("flow", "http", "tls", "dns", "ssh", "smtp", "mysql", "sip", "mqtt", "krb5", "enip", "ldap", "snmp", "nfs", "pgsql", "stats", "fileinfo"))


def run(rules, packets, mode="ids", extra=(), board="offline.conf", records=False):
    """Run vigil offline (board: a file of board/, run with --pcap/--out);
    returns (exit status, alerts list, output frames, stderr). The alerts
    list holds the packets' events (alert, drop, anomaly), and the flow
    and protocol records (RECORD_TYPES) too when records is true."""
    with tempfile.TemporaryDirectory(prefix="vigil-rules-") as work:
        pcap_in = os.path.join(work, "in.pcap")
        pcap_out = os.path.join(work, "out.pcap")
        rules_path = os.path.join(work, "test.rules")
        eve_path = os.path.join(work, "eve.json")
        wrpcap(pcap_in, packets)
        with open(rules_path, "w") as f:
            f.write(rules)
        cmd = [VIGIL, "--board", os.path.join(ROOT, "board", board),
               "--set", f"eal.file_prefix=vigil-it-rules-{os.getpid()}",
               "--set", f"board.mode={mode}", "--set", f"rules.cache_dir={work}/cache",
               "--rules", rules_path, "--pcap", pcap_in, "--out", pcap_out, "--eve", eve_path, *extra]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        alerts = []
        if os.path.exists(eve_path):
            with open(eve_path) as f:
                alerts = [json.loads(line) for line in f if line.strip()]
            if not records:
                alerts = [a for a in alerts if a.get("event_type") not in RECORD_TYPES]
        frames = []
        if os.path.exists(pcap_out):
            reader = RawPcapReader(pcap_out)
            frames = [bytes(d) for d, _m in reader]
            reader.close()
        return proc.returncode, alerts, frames, proc.stderr


def eve_vigil(rec):
    """vigil's own fields of an EVE record: the one object Suricata's schema
    leaves open, metadata.flowints.vigil (control/eve.h)."""
    return rec.get("metadata", {}).get("flowints", {}).get("vigil", {})


def eve_tunnel(rec):
    """The tunnel of an EVE record: Suricata's tunnel object (the outer
    addresses) with vigil's tenant fields (type, vni, gwlb ids) merged in."""
    return {**rec.get("tunnel", {}), **eve_vigil(rec).get("tunnel", {})}


def sid_counts(alerts):
    counts = {}
    for a in alerts:
        if a.get("event_type") == "alert":
            sid = a["alert"]["signature_id"]
            counts[sid] = counts.get(sid, 0) + 1
    return counts


failures = []


def check(what, ok, detail=""):
    """One line "ok: WHAT" or "FAIL: WHAT (DETAIL)"; failures are kept for finish()."""
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok or detail == "" else f" ({detail})"))
    if not ok:
        failures.append(what)


def finish(name):
    """The scenario's last line, and its exit status: 1 when a check failed."""
    if failures:
        print(f"{name}: {len(failures)} failure(s)")
        sys.exit(1)
    print(f"{name}: passed")
