#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a filter file's IP set used as a rule variable, end to end on
# the offline board, at the board's own memory (256 MB). The filter file
# declares "blocklist" from a list file: 99,000 IPv4 /24, 1,000,000 IPv4
# hosts each in a /24 of its own (more than the 32,767 tbl8 groups of the
# prefix table could hold), one IPv6 /48 and 1,000,000 IPv6 /128 hosts,
# each in a /64 of its own; the board variable
# BLOCKLIST = @blocklist makes it an address group, so
#   alert ip $BLOCKLIST any -> $HOME_NET any (...)
# alerts for a source in the set and not for one outside it, "!$BLOCKLIST"
# the other way round, IPv6 likewise. A rule naming a set the filter file
# lacks is refused with file:line, sid and reason; the others still load.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/rules_ipset_offline.py
import ipaddress
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import CLIENT_MAC, ROOT, SERVER_MAC, VIGIL, Conversation, run  # noqa: E402
from scapy.all import IPv6, UDP, Ether, Raw  # noqa: E402

NETS, HOSTS = 99_000, 1_000_000
BASE = ipaddress.IPv4Address("20.0.0.0")  # /24 number i is BASE + 256 * i
HOST_BASE = ipaddress.IPv4Address("30.0.0.0")  # /32 number i is HOST_BASE + 256 * i + 7
HOST6_BASE = ipaddress.IPv6Address("2001:db8:c000::")  # /128 number i: + (i << 64) + 1
INSIDE = str(BASE + 256 * 54_321 + 5)
OUTSIDE = str(BASE + 256 * NETS + 5)  # just past the last /24
HOST_IN, HOST_OUT = str(HOST_BASE + 256 * 777_777 + 7), str(HOST_BASE + 256 * 777_777 + 8)
INSIDE6, OUTSIDE6 = "2001:db8:bad::5", "2001:db8:1::5"
HOST6_IN, HOST6_OUT = str(HOST6_BASE + (654_321 << 64) + 1), str(HOST6_BASE + (654_321 << 64) + 2)

RULES = """
alert ip $BLOCKLIST any -> $HOME_NET any (msg:"source in the block list"; sid:1; rev:1;)
alert tcp !$BLOCKLIST any -> $HOME_NET 80 (msg:"source not in the block list"; content:"GET"; sid:2; rev:1;)
alert udp $BLOCKLIST any -> any any (msg:"block list over UDP"; sid:3; rev:1;)
"""

failures = []


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


def write_filter(work):
    base, base6 = int(HOST_BASE), int(HOST6_BASE)
    with open(os.path.join(work, "blocklist.txt"), "w") as f:
        f.write("# 2,099,001 prefixes\n")
        for i in range(NETS):
            f.write(f"{BASE + 256 * i}/24\n")
        for i in range(HOSTS):
            a = base + 256 * i + 7
            f.write(f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}\n")
        f.write("2001:db8:bad::/48\n")
        for i in range(HOSTS):
            f.write(f"{ipaddress.IPv6Address(base6 + (i << 64) + 1).compressed}\n")
    path = os.path.join(work, "filter.conf")
    with open(path, "w") as f:
        f.write("ipset blocklist file blocklist.txt\n")
    return path


def udp6(src, dst):
    pkt = Ether(src=CLIENT_MAC, dst=SERVER_MAC) / IPv6(src=src, dst=dst) / UDP(sport=5000, dport=53) / Raw(b"q")
    pkt.time = 1700000100.0
    return pkt


def alerts_by_source(alerts):
    """{sid: set of src_ip} of the alerts."""
    seen = {}
    for a in alerts:
        if a.get("event_type") == "alert":
            seen.setdefault(a["alert"]["signature_id"], set()).add(a["src_ip"])
    return seen


def case_match(filter_path):
    packets = []
    packets += Conversation(client=INSIDE, server="10.0.0.2", sport=40001).handshake().send(b"GET / HTTP/1.0\r\n\r\n").packets
    packets += Conversation(client=OUTSIDE, server="10.0.0.2", sport=40002, t0=1700000001.0).handshake().send(b"GET / HTTP/1.0\r\n\r\n").packets
    packets += Conversation(client=HOST_IN, server="10.0.0.2", sport=40003, t0=1700000002.0).handshake().send(b"GET / HTTP/1.0\r\n\r\n").packets
    packets += Conversation(client=HOST_OUT, server="10.0.0.2", sport=40004, t0=1700000003.0).handshake().send(b"GET / HTTP/1.0\r\n\r\n").packets
    packets += [udp6(INSIDE6, "2001:db8:2::1"), udp6(OUTSIDE6, "2001:db8:2::1")]
    packets += [udp6(HOST6_IN, "2001:db8:2::1"), udp6(HOST6_OUT, "2001:db8:2::1")]
    extra = ("--filter", filter_path, "--set", "vars.BLOCKLIST=@blocklist")
    rc, alerts, frames, err = run(RULES, packets, "ids", extra)
    check("vigil exits 0", rc == 0, err.strip()[-400:])
    check("every packet forwarded (ids, filter allows)", len(frames) == len(packets), f"{len(frames)} of {len(packets)}")
    seen = alerts_by_source(alerts)
    check("$BLOCKLIST: only the listed source alerts", seen.get(1) == {INSIDE, HOST_IN}, seen.get(1))
    check("!$BLOCKLIST: only the unlisted source alerts", seen.get(2) == {OUTSIDE, HOST_OUT}, seen.get(2))
    check("$BLOCKLIST over IPv6: only the listed source alerts", seen.get(3) == {INSIDE6, HOST6_IN}, seen.get(3))
    check("no other sid", set(seen) <= {1, 2, 3}, sorted(seen))


def case_unknown_set(filter_path, work):
    rules = os.path.join(work, "unknown.rules")
    with open(rules, "w") as f:
        f.write(RULES)
        f.write('alert ip @nosuch any -> any any (msg:"a set the filter lacks"; sid:9; rev:1;)\n')
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"), "--filter", filter_path,
           "--set", "vars.BLOCKLIST=@blocklist", "--rules", rules, "--check-list"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    check("--check with an unknown set exits 0", proc.returncode == 0, out[-300:])
    check("unknown set refused with file:line: sid: reason",
          f"{rules}:5" in out and "sid 9" in out and 'unknown IP set "nosuch"' in out, out[-400:])
    check("the other rules load", "loaded 3 of 4 rules" in out, out[-300:])
    # Without a filter file no rule may name a set.
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"),
           "--set", "vars.BLOCKLIST=@blocklist", "--rules", rules, "--check-list"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    check("no filter file: rules on sets refused", "loaded 0 of 4 rules" in out and "no filter file" in out, out[-400:])


def main():
    with tempfile.TemporaryDirectory(prefix="vigil-ipset-rules-") as work:
        filter_path = write_filter(work)
        case_match(filter_path)
        case_unknown_set(filter_path, work)
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
