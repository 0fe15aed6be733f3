#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: an offline run loses no alert, however many there are. A
# capture of N UDP packets, each raising one alert (a rule on every UDP
# packet), goes through vigil offline: every alert must be in the EVE file
# (N lines, one per packet number), with alerts N and alerts_lost 0 in
# --stats-json, and the EVE counters saying N written, none lost. Before
# alert_push() waited on a full ring offline, a flood like this lost
# 606,410 of 1,000,002 alerts (counted, but lost): offline there is no line
# rate to keep, so the worker waits for the control lcore instead.
#
# N is VIGIL_FLOOD_PACKETS (default 1,000,000, the figure: about 8 s
# here, with 500 MB of EVE lines in a temporary folder; the ring holds 16,384).
# The capture is written directly (one frame built by scapy, repeated with
# its own timestamp), since scapy takes minutes for this many packets.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/alerts_flood_offline.py
import json
import os
import struct
import subprocess
import sys
import tempfile

from scapy.all import IP, UDP, Ether, Raw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
VIGIL = os.path.join(ROOT, "build", "vigil")
COUNT = int(os.environ.get("VIGIL_FLOOD_PACKETS", "1000000"))
# a payload rule: a rule on addresses alone is IP-only (Suricata), one alert per
# flow direction, not per packet
RULES = 'alert udp any any -> any any (msg:"every udp packet"; content:"x"; sid:1; rev:1;)\n'

failures = []


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


def write_pcap(path, count):
    frame = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                  IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=40000, dport=5353) /
                  Raw(load=b"x" * 16))
    t0 = 1700000000
    record = struct.Struct("<IIII")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        for i in range(count):
            chunk.append(record.pack(t0 + i // 1000000, i % 1000000, len(frame), len(frame)))
            chunk.append(frame)
            if len(chunk) >= 20000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))


def main():
    with tempfile.TemporaryDirectory(prefix="vigil-flood-") as work:
        pcap_in = os.path.join(work, "in.pcap")
        eve = os.path.join(work, "eve.json")
        stats_path = os.path.join(work, "stats.json")
        rules = os.path.join(work, "flood.rules")
        with open(rules, "w") as f:
            f.write(RULES)
        write_pcap(pcap_in, COUNT)
        cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"),
               "--set", f"eal.file_prefix=vigil-it-flood-{os.getpid()}",
               # alert lines only: stats records (eve_schema_offline's) would be
               # lines that are not alerts
               "--set", "eve.stats_interval_s=0",
               "--set", "board.mode=ids", "--set", f"rules.cache_dir={work}/cache",
               # alerts only: the counts below are alerts' (flow records: eve_records_offline)
               "--set", "eve.flows=no", "--set", "eve.protocols=none",
               "--rules", rules, "--pcap", pcap_in, "--out", os.path.join(work, "out.pcap"),
               "--eve", eve, "--stats-json", stats_path]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=150)
        check("vigil exits 0", proc.returncode == 0, proc.stderr[-500:])
        if proc.returncode != 0:
            return
        with open(stats_path) as f:
            stats = json.load(f)
        total = stats["total"]
        check(f"every packet read ({COUNT})", total["rx_packets"] == COUNT, total["rx_packets"])
        check(f"alerts {COUNT}", total["alerts"] == COUNT, total["alerts"])
        check("alerts_lost 0", total["alerts_lost"] == 0, total["alerts_lost"])
        e = stats.get("eve", {})
        check(f"eve written {COUNT}, none lost",
              e.get("written") == COUNT and e.get("lines_lost") == 0 and e.get("write_errors") == 0, e)
        numbers = set()
        lines = 0
        with open(eve) as f:
            for line in f:
                lines += 1
                a = json.loads(line)
                numbers.add(a.get("pcap_cnt"))
        check(f"EVE file has {COUNT} lines", lines == COUNT, lines)
        check("one alert per packet number", len(numbers) == COUNT, len(numbers))


if __name__ == "__main__":
    main()
    print("PASS" if not failures else f"FAIL: {len(failures)} check(s)")
    sys.exit(1 if failures else 0)
