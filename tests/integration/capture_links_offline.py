#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: what a capture or a tunnel wraps around a packet does not hide
# it (offline board). The same UDP datagram with an attack in it, and the
# same rule, through:
#  - captures that are not Ethernet: raw IP (link type 101), BSD loopback
#    (0), Linux cooked (113): each alerts once with the inner addresses;
#  - GRE carrying IPv4 (with key and sequence), Ethernet (TEB), and
#    ERSPAN type II (whose VLAN the alert shows), and NSH carrying IPv4:
#    each alerts once, and decoder.gre / decoder.nsh count them;
#  - a capture whose third record is damaged (longer than any snapshot
#    length): the two records before it are inspected, vigil exits 0 and
#    says where the capture ended;
#  - a link type vigil does not read (802.11): refused, exit 1, by name.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/capture_links_offline.py
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import ROOT, VIGIL, check, finish  # noqa: E402
from scapy.all import GRE, IP, UDP, Ether, Raw, wrpcap  # noqa: E402

RULES = 'alert udp any any -> any any (msg:"attack"; content:"attack-payload"; sid:1; rev:1;)\n'
INNER = IP(src="10.7.0.1", dst="10.7.0.2") / UDP(sport=40000, dport=53) / Raw(load=b"xx attack-payload xx")
OUTER = IP(src="192.0.2.1", dst="192.0.2.2")
ETH = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


def vigil(work, pcap_in):
    rules = os.path.join(work, "t.rules")
    eve = os.path.join(work, "eve.json")
    with open(rules, "w") as f:
        f.write(RULES)
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"),
           "--set", f"eal.file_prefix=vigil-it-links-{os.getpid()}", "--set", f"rules.cache_dir={work}/cache",
           "--rules", rules, "--pcap", pcap_in, "--out", os.path.join(work, "out.pcap"), "--eve", eve]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    records = []
    if os.path.exists(eve):
        with open(eve) as f:
            records = [json.loads(line) for line in f if line.strip()]
    os.remove(eve) if os.path.exists(eve) else None
    return proc, records


def alerts_of(records):
    return [r for r in records if r.get("event_type") == "alert"]


def stats_of(records):
    stats = [r["stats"] for r in records if r.get("event_type") == "stats"]
    return stats[-1] if stats else {}


def raw_pcap(path, linktype, frames, snaplen=65535):
    """A pcap file written byte by byte (scapy cannot write a damaged record)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype))
        for i, (data, claimed) in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, claimed or len(data), claimed or len(data)))
            f.write(data)


def main():
    with tempfile.TemporaryDirectory(prefix="vigil-links-") as work:
        pcap = os.path.join(work, "in.pcap")
        ip = bytes(INNER)
        links = {
            "raw IP (101)": (101, ip),
            "BSD loopback (0)": (0, struct.pack("<I", 2) + ip),
            "Linux cooked (113)": (113, struct.pack(">HHH8sH", 0, 1, 6, b"\x02" * 6 + b"\0\0", 0x0800) + ip),
        }
        for what, (linktype, frame) in links.items():
            raw_pcap(pcap, linktype, [(frame, 0)])
            proc, records = vigil(work, pcap)
            got = alerts_of(records)
            check(f"{what}: exit 0, one alert with the packet's addresses",
                  proc.returncode == 0 and len(got) == 1 and got[0].get("src_ip") == "10.7.0.1",
                  f"rc {proc.returncode}, {len(got)} alerts {proc.stderr[-300:]}")

        erspan2 = struct.pack(">HH", 0x1017, 0x0864) + b"\0" * 4  # version 1, VLAN 23
        tunnels = {
            "GRE with IPv4 (key, sequence)": ETH / OUTER / GRE(key_present=1, seqnum_present=1, key=7, seqence_number=1, proto=0x0800) / INNER,
            "GRE with Ethernet (TEB)": ETH / OUTER / GRE(proto=0x6558) / ETH / INNER,
            "ERSPAN type II": ETH / OUTER / GRE(seqnum_present=1, seqence_number=2, proto=0x88be) / Raw(load=erspan2) / ETH / INNER,
            "NSH carrying IPv4": Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x894f) / Raw(load=bytes([0, 2, 2, 1, 0, 0, 1, 2])) / INNER,
        }
        for what, pkt in tunnels.items():
            wrpcap(pcap, [pkt])
            proc, records = vigil(work, pcap)
            got = alerts_of(records)
            decoder = stats_of(records).get("decoder", {})
            counter = "nsh" if "NSH" in what else "gre"
            ok = proc.returncode == 0 and len(got) == 1 and got[0].get("src_ip") == "10.7.0.1" and decoder.get(counter) == 1
            check(f"{what}: one alert with the inner addresses, decoder.{counter} 1", ok,
                  f"rc {proc.returncode}, {len(got)} alerts, decoder {decoder}")
            if "ERSPAN" in what:
                check("ERSPAN type II: its VLAN is the alert's", got and got[0].get("vlan") == [23], str(got[:1]))

        frame = bytes(ETH / INNER)
        raw_pcap(pcap, 1, [(frame, 0), (frame, 0), (frame[:20], 0x7fffffff)])
        proc, records = vigil(work, pcap)
        check("a damaged third record: the two before are inspected, exit 0",
              proc.returncode == 0 and len(alerts_of(records)) == 2, f"rc {proc.returncode} {proc.stderr[-300:]}")
        check("and vigil says where the capture ended", "the capture ends after 2 packets" in proc.stderr,
              proc.stderr[-300:])

        raw_pcap(pcap, 105, [(frame, 0)])
        proc, _records = vigil(work, pcap)
        check("an 802.11 capture is refused by name", proc.returncode != 0 and "IEEE802_11" in proc.stderr,
              f"rc {proc.returncode} {proc.stderr[-200:]}")
    return finish("capture_links_offline")


if __name__ == "__main__":
    sys.exit(main())
