#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the EVE file on a full file system loses lines, counted, and
# never half a line. vigil runs offline with --eve on a 1 MB tmpfs and a
# capture of 20,000 UDP packets that each raise an alert (about 10 MB of
# EVE lines), so the file system fills early in the run. Then:
# - written + lines_lost (--stats-json "eve") = the alerts raised
#   (total.alerts), with lines_lost > 0 and write_errors > 0;
# - the file holds exactly `written` lines, each a whole JSON object, and
#   ends with a newline (before, a cut last line and no counter: 2,783 lines
#   written of 319,057 counted as delivered);
# - the full disk is warned about once (the run is shorter than the 10 s
#   between warnings), not once per line.
# That writing resumes once space returns is tested on the sink itself
# (tests/unit/test_eve.c, a file-size limit raised mid-way).
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/eve_full_disk_offline.py
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
COUNT = 20000
# a payload rule: a rule on addresses alone is IP-only (Suricata), one alert per
# flow direction, not per packet
RULES = 'alert udp any any -> any any (msg:"every udp packet"; content:"x"; sid:1; rev:1;)\n'

failures = []


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


def write_pcap(path, count):
    """count copies of one UDP frame, each with its own time (scapy is too slow for many)."""
    frame = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                  IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=40000, dport=5353) /
                  Raw(load=b"x" * 16))
    record = struct.Struct("<IIII")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        f.write(b"".join(record.pack(1700000000, i, len(frame), len(frame)) + frame
                         for i in range(count)))


def run(work, full):
    pcap_in = os.path.join(work, "in.pcap")
    stats_path = os.path.join(work, "stats.json")
    rules = os.path.join(work, "flood.rules")
    with open(rules, "w") as f:
        f.write(RULES)
    write_pcap(pcap_in, COUNT)
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"),
           "--set", f"eal.file_prefix=vigil-it-evefull-{os.getpid()}",
           # alert lines only: stats records (eve_schema_offline's) would be
           # lines that are not alerts
           "--set", "eve.stats_interval_s=0",
           "--set", "board.mode=ids", "--set", f"rules.cache_dir={work}/cache",
           # alerts only: the counts below are alerts' (flow records: eve_records_offline)
           "--set", "eve.flows=no", "--set", "eve.protocols=none",
           "--rules", rules, "--pcap", pcap_in, "--out", os.path.join(work, "out.pcap"),
           "--eve", os.path.join(full, "eve.json"), "--stats-json", stats_path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    check("vigil exits 0 with the EVE file system full", proc.returncode == 0, proc.stderr[-500:])
    if proc.returncode != 0:
        return
    with open(stats_path) as f:
        stats = json.load(f)
    alerts = stats["total"]["alerts"]
    e = stats.get("eve", {})
    check(f"every packet alerted ({COUNT})", alerts == COUNT and stats["total"]["alerts_lost"] == 0,
          (alerts, stats["total"]["alerts_lost"]))
    check("written + lines_lost = alerts raised",
          e.get("written", -1) + e.get("lines_lost", -1) == alerts, (e, alerts))
    check("lines were lost and counted", e.get("lines_lost", 0) > 0 and e.get("write_errors", 0) > 0, e)
    with open(os.path.join(full, "eve.json"), "rb") as f:
        data = f.read()
    check("the file ends with a whole line", data.endswith(b"\n"), data[-80:])
    lines = data.split(b"\n")[:-1]
    whole = 0
    for line in lines:
        try:
            json.loads(line)
            whole += 1
        except ValueError:
            pass
    check("every line in the file is whole JSON", whole == len(lines), (whole, len(lines)))
    check("the file holds `written` lines", len(lines) == e.get("written"), (len(lines), e))
    warnings = proc.stderr.count("EVE file:")
    check("the full disk is warned about once", warnings == 1, warnings)


def main():
    with tempfile.TemporaryDirectory(prefix="vigil-evefull-") as work:
        full = os.path.join(work, "full")
        os.mkdir(full)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full], check=True)
        try:
            run(work, full)
        finally:
            subprocess.run(["umount", full], check=False)


if __name__ == "__main__":
    main()
    print("PASS" if not failures else f"FAIL: {len(failures)} check(s)")
    sys.exit(1 if failures else 0)
