#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: signature inspection end to end on the offline board. Each case
# writes a rules file, crafts a conversation with scapy, runs vigil with
# --eve, and checks that exactly the expected sids alerted (no others), the
# right number of times, with alert.action allowed/blocked as the mode says,
# and that in ips mode the blocked packets are missing from the output.
#
# Cases: every action in ids and ips mode; a pattern split across TCP
# segments; out-of-order segments; flowbits across packets and flows;
# thresholds (limit, threshold, both) and detection_filter; block-list rules
# found through the address index; rules that must be refused (a missing
# ';' between options, a sid given twice) are reported by --check-list with
# file:line and never alert.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/rules_offline.py
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import VIGIL, Conversation, run, sid_counts  # noqa: E402

failures = []


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


def expect(name, rules, packets, want, mode="ids"):
    """Run and compare the sids that alerted with want ({sid: count}); returns the run."""
    rc, alerts, frames, err = run(rules, packets, mode)
    check(f"{name}: vigil exits 0", rc == 0, err.strip()[-300:])
    got = sid_counts(alerts)
    check(f"{name}: alerts {want}", got == want, f"got {got}")
    return alerts, frames


ACTION_RULES = """
alert tcp any any -> any any (msg:"alert action"; content:"attack-alert"; sid:1; rev:1;)
drop tcp any any -> any any (msg:"drop action"; content:"attack-drop"; sid:2; rev:1;)
reject tcp any any -> any any (msg:"reject action"; content:"attack-reject"; sid:3; rev:1;)
pass tcp any any -> any any (msg:"pass action"; content:"harmless"; sid:4; rev:1;)
alert tcp any any -> any any (msg:"suppressed by pass"; content:"harmless"; sid:5; rev:1;)
"""


def action_conversation():
    """One connection per action: a drop or reject decided on the stream holds for its whole flow."""
    packets = []
    for i, data in enumerate((b"GET /attack-alert", b"x attack-drop x", b"y attack-reject y",
                              b"harmless data")):
        packets += Conversation(sport=40000 + i, t0=1700000000.0 + i).handshake().send(data).packets
    return packets


def case_flow_drop():
    """Suricata 7: after a drop on the stream, the flow's later packets are dropped uninspected."""
    c = Conversation().handshake().send(b"x attack-drop x").send(b"GET /attack-alert").send(b"more")
    for mode in ("ids", "ips"):
        _alerts, frames = expect(f"flow drop/{mode}", ACTION_RULES, c.packets, {2: 1}, mode)
        if mode == "ips":
            later = [p for p in (b"attack-alert", b"more") if any(p in f for f in frames)]
            check("flow drop/ips: later packets of the flow dropped", not later, f"passed {later}")


def case_actions():
    packets = action_conversation()
    for mode in ("ids", "ips"):
        alerts, frames = expect(f"actions/{mode}", ACTION_RULES, packets, {1: 1, 2: 1, 3: 1}, mode)
        actions = {a["alert"]["signature_id"]: a["alert"]["action"] for a in alerts}
        blocked = "blocked" if mode == "ips" else "allowed"
        check(f"actions/{mode}: alert.action", actions == {1: "allowed", 2: blocked, 3: blocked}, actions)
        dropped = [p for p in (b"attack-drop", b"attack-reject") if not any(p in f for f in frames)]
        if mode == "ids":
            check("actions/ids: nothing dropped", len(frames) == len(packets) and not dropped,
                  f"{len(frames)} of {len(packets)} out")
        else:
            check("actions/ips: drop and reject packets removed", len(dropped) == 2, f"missing {dropped}")
            resets = [f for f in frames if len(f) >= 54 and f[12:14] == b"\x08\x00" and f[23] == 6 and f[47] & 0x04]
            check("actions/ips: reject sends a RST to each end", len(resets) == 2, f"{len(resets)} RSTs")


def case_stream():
    rules = 'alert tcp any any -> any 80 (msg:"split"; flow:to_server,established; content:"splitpattern"; sid:10; rev:1;)\n'
    c = Conversation().handshake().send(b"xxsplitpatternyy", segments=[6, 5, 5])
    expect("stream/split across segments", rules, c.packets, {10: 1})
    c = Conversation().handshake().send(b"xxsplitpatternyy", segments=[6, 5, 5], order=[2, 1, 0])
    expect("stream/out of order", rules, c.packets, {10: 1})
    c = Conversation().handshake().send(b"splitpattern", from_client=False)
    expect("stream/to_client does not match to_server rule", rules, c.packets, {})


def case_flowbits():
    rules = """
alert tcp any any -> any any (msg:"login seen"; content:"LOGIN"; flowbits:set,logged_in; flowbits:noalert; sid:20; rev:1;)
alert tcp any any -> any any (msg:"secret after login"; content:"SECRET"; flowbits:isset,logged_in; sid:21; rev:1;)
alert tcp any any -> any any (msg:"secret without login"; content:"SECRET"; flowbits:isnotset,logged_in; sid:22; rev:1;)
"""
    a = Conversation(sport=40001).handshake().send(b"LOGIN bob").send(b"SECRET one")
    b = Conversation(sport=40002).handshake().send(b"SECRET two")
    expect("flowbits", rules, a.packets + b.packets, {21: 1, 22: 1})


def case_thresholds():
    rules = """
alert udp any any -> any any (msg:"limit"; content:"probe"; threshold:type limit, track by_src, count 2, seconds 60; sid:30; rev:1;)
alert udp any any -> any any (msg:"threshold"; content:"probe"; threshold:type threshold, track by_src, count 3, seconds 60; sid:31; rev:1;)
alert udp any any -> any any (msg:"both"; content:"probe"; threshold:type both, track by_dst, count 2, seconds 60; sid:32; rev:1;)
alert udp any any -> any any (msg:"detection filter"; content:"probe"; detection_filter:track by_src, count 3, seconds 60; sid:33; rev:1;)
"""
    c = Conversation(dport=53)
    for _ in range(7):
        c.udp(b"a probe packet")
    # limit: first 2; threshold: every 3rd (3, 6); both: once after 2; detection_filter: after 3 (4..7)
    expect("thresholds", rules, c.packets, {30: 2, 31: 2, 32: 1, 33: 4})


def case_block_list():
    """Address-only rules (block lists) are found through the address index."""
    rules = """
alert ip [1.2.3.4,5.6.7.0/24,2001:db8::/32] any -> $HOME_NET any (msg:"block list"; sid:40; rev:1;)
alert tcp $HOME_NET any -> [9.9.9.9] 80 (msg:"to a listed server on port 80"; sid:41; rev:1;)
"""
    packets = []
    for client, server, dport in (("5.6.7.8", "10.0.0.2", 22), ("9.9.9.8", "10.0.0.2", 22),
                                  ("10.0.0.2", "5.6.7.8", 22), ("10.0.0.3", "9.9.9.9", 80),
                                  ("10.0.0.3", "9.9.9.9", 81)):
        packets += Conversation(client=client, server=server, dport=dport).udp(b"x").packets
    # only 5.6.7.8 -> 10.0.0.2 fits sid 40 (the rule is one-way); no UDP fits sid 41
    expect("block list by address", rules, packets, {40: 1})
    packets = Conversation(client="10.0.0.3", server="9.9.9.9", dport=80).handshake().packets
    # the client's SYN and ACK fit; the server's SYN-ACK goes the other way
    expect("listed destination and port", rules, packets, {41: 2})


# Line 2 ran two options together: it once loaded with no content and
# alerted on every packet. Sid 51 comes again in the second file with a
# higher rev, which is the one kept.
REFUSED_RULES = """alert tcp any any -> any any (msg:"good"; content:"attack-alert"; sid:50; rev:1;)
alert tcp any any -> any any (msg:"x" content:"attack-none"; sid:9; rev:1;)
alert tcp any any -> any any (msg:"old"; content:"attack-alert"; sid:51; rev:1;)
"""
REFUSED_RULES_AGAIN = """alert tcp any any -> any any (msg:"new"; content:"attack-alert"; sid:51; rev:2;)
"""


def case_refused_rules():
    with tempfile.TemporaryDirectory(prefix="vigil-refused-") as work:
        first, second = os.path.join(work, "a.rules"), os.path.join(work, "b.rules")
        with open(first, "w") as f:
            f.write(REFUSED_RULES)
        with open(second, "w") as f:
            f.write(REFUSED_RULES_AGAIN)
        proc = subprocess.run([VIGIL, "--rules", first, second, "--check-list"],
                              capture_output=True, text=True, timeout=60)
        out = proc.stdout + proc.stderr
        check("refused: --check-list exits 0", proc.returncode == 0, out[-300:])
        want = f'{first}:2: sid 9: missing ";" between options: "msg" and "content"'
        check("refused: a missing ';' is reported with file:line", want in out, out[-600:])
        want = f"{first}:3: sid 51: duplicate sid: the rule at {second}:1 is kept (rev 2, this one rev 1)"
        check("refused: a duplicate sid names the rule kept", want in out, out[-600:])
        check("refused: loaded 2 of 4 rules", "loaded 2 of 4 rules" in out, out[-300:])
    packets = Conversation(sport=40060).handshake().send(b"attack-alert").packets
    alerts = expect("refused", REFUSED_RULES + REFUSED_RULES_AGAIN, packets, {50: 1, 51: 1})[0]
    messages = sorted(a["alert"]["signature"] for a in alerts if a.get("event_type") == "alert")
    check("refused: the higher rev of sid 51 alerts", messages == ["good", "new"], messages)


def main():
    for case in (case_actions, case_flow_drop, case_stream, case_flowbits, case_thresholds,
                 case_block_list, case_refused_rules):
        case()
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
