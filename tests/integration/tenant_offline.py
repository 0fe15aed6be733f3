#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 13, tenancy): a policy scoped to one tenant does not
# touch another. Offline on the cloud boards, through
#   vigil --board board/nva-geneve.conf --policy P --pcap IN --out OUT
# four GWLB tenants send the same attack on the same inner 5-tuple (one
# flow each, the flow key holds the tenant):
#   A  endpoint A, whose block turns the drop rule into an alert:
#      the attack comes back (per the GENEVE contract) and alerts "allowed"
#   B  endpoint B, attachment 1, no block: the attack is dropped, "blocked"
#   C  endpoint C, whose block says "mode ids": back, "allowed"
#   D  endpoint B, attachment 2, whose block excepts the client: back, no alert
# and without the policy all four are dropped (so the case can fail). VXLAN
# (board/nva-vxlan.conf): a block naming the pair's VNIs turns the drop
# into an alert, one naming other VNIs leaves it dropped. A tenant block
# that nests another is refused with file:line:col and nothing runs.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/tenant_offline.py
import os
import pathlib
import shutil
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, HERE)
from offline import eve_tunnel, run  # noqa: E402
from scapy.all import IP, Ether  # noqa: E402
from tunnel_offline import expect, failures, geneve, swapped, tcp_session, vxlan, vxlan_return  # noqa: E402

RULES = 'drop tcp any any -> any any (msg:"traversal"; flow:to_server; content:"/etc/passwd"; sid:1; rev:1;)\n'
ATTACK = b"GET /x?f=../../etc/passwd HTTP/1.1\r\nHost: app\r\n\r\n"
# (name, endpoint id, attachment id); B and D are one endpoint, two attachments
TENANTS = [("A", 0x0123456789ABCDEF, 0x1111222233334444),
           ("B", 0x0FEDCBA987654321, 0x5555666677778888),
           ("C", 0x0AAAAAAAAAAAAAAA, 0x0000000000000001),
           ("D", 0x0FEDCBA987654321, 0x9999AAAABBBBCCCC)]
GENEVE_POLICY = """# issue 13: per-tenant tuning
tenant vpce-00123456789abcdef {          # A: alert only
    action drop->alert sid 1
}
tenant vpce-00aaaaaaaaaaaaaaa {          # C: monitor only
    mode ids
}
tenant vpce-00fedcba987654321 attachment 9999aaaabbbbcccc {   # D, not B
    except sid 1 src 192.168.1.0/24
}
"""

WORK = pathlib.Path(tempfile.mkdtemp(prefix="vigil-tenant-"))


def policy_file(name, text):
    (WORK / name).write_text(text)
    return str(WORK / name)


def alerts_by_endpoint(alerts):
    """sid 1 alerts keyed by (endpoint id, attachment id) as EVE prints them."""
    out = {}
    for a in alerts:
        if a.get("event_type") == "alert" and a["alert"]["signature_id"] == 1:
            t = eve_tunnel(a)
            out.setdefault((t.get("gwlb_endpoint_id"), t.get("gwlb_attachment_id")), []).append(a["alert"]["action"])
    return out


def geneve_cases():
    sent, attack_of = [], {}
    for i, (name, endpoint, attachment) in enumerate(TENANTS):
        # one inner 5-tuple for all: only the tunnel tells the tenants apart
        for p in tcp_session("192.168.1.5", "172.16.0.9", 41001, [ATTACK]):
            sent.append(geneve(p, endpoint, attachment, 0xC0C0A000 + i))
        attack_of[name] = len(sent) - 1
    for i, f in enumerate(sent):
        f.time = 1700000000 + i * 0.001
    key = {name: (f"vpce-{e:017x}", f"{a:016x}") for name, e, a in TENANTS}

    rc, alerts, frames, err = run(RULES, sent, mode="ips", board="nva-geneve.conf")
    got = alerts_by_endpoint(alerts)
    expect(f"geneve, no policy: all four attacks dropped and blocked (rc {rc}, {len(frames)} returned, {got})",
           rc == 0 and len(frames) == len(sent) - 4 and all(got.get(key[n]) == ["blocked"] for n in key))

    policy = policy_file("geneve.policy", GENEVE_POLICY)
    rc, alerts, frames, err = run(RULES, sent, mode="ips", board="nva-geneve.conf", extra=("--policy", policy))
    expect(f"geneve, tenant policy: vigil exited {rc} {err[-300:] if rc else ''}", rc == 0)
    want = [swapped(bytes(f)) for i, f in enumerate(sent) if i != attack_of["B"]]
    expect(f"geneve: every frame but B's attack came back per contract ({len(frames)} of {len(want)})",
           frames == want)
    got = alerts_by_endpoint(alerts)
    expect(f"geneve: A's attack alerted as allowed ({got.get(key['A'])})", got.get(key["A"]) == ["allowed"])
    expect(f"geneve: B's attack on the same 5-tuple dropped and blocked ({got.get(key['B'])})",
           got.get(key["B"]) == ["blocked"])
    expect(f"geneve: C (mode ids) alerted as allowed ({got.get(key['C'])})", got.get(key["C"]) == ["allowed"])
    expect(f"geneve: D (B's endpoint, its own attachment) excepted, no alert ({got.get(key['D'])})",
           key["D"] not in got)


def vxlan_cases():
    client_mac, server_mac = "02:00:00:00:01:01", "02:00:00:00:02:02"
    sent = []
    for p in tcp_session("192.168.2.5", "172.16.2.9", 44001, [ATTACK]):
        from_client = p[IP].src == "192.168.2.5"
        eth = Ether(src=client_mac, dst=server_mac) if from_client else Ether(src=server_mac, dst=client_mac)
        sent.append(vxlan(eth / p, 10800 if from_client else 10801, 800 if from_client else 801))
    for i, f in enumerate(sent):
        f.time = 1700000000 + i * 0.001

    def expected(frame):
        port = struct.unpack("!H", frame[36:38])[0]
        return vxlan_return(frame, 10801, 801) if port == 10800 else vxlan_return(frame, 10800, 800)

    def actions(alerts):
        return [a["alert"]["action"] for a in alerts if a.get("event_type") == "alert" and eve_tunnel(a).get("vni") == 800]

    ours = policy_file("vxlan.policy", "tenant vni 800 801 {\n    action drop->alert sid 1\n}\n")
    rc, alerts, frames, err = run(RULES, sent, mode="ips", board="nva-vxlan.conf", extra=("--policy", ours))
    expect(f"vxlan: the pair's block: the attack came back ({len(frames)} of {len(sent)}), alerted as allowed "
           f"({actions(alerts)})",
           rc == 0 and frames == [expected(bytes(f)) for f in sent] and actions(alerts) == ["allowed"])
    other = policy_file("vxlan-other.policy", "tenant vni 900 901 {\n    action drop->alert sid 1\n}\n")
    rc, alerts, frames, err = run(RULES, sent, mode="ips", board="nva-vxlan.conf", extra=("--policy", other))
    expect(f"vxlan: another pair's block: the attack dropped ({len(frames)} of {len(sent)} back), blocked "
           f"({actions(alerts)})",
           rc == 0 and frames == [expected(bytes(f)) for f in sent[:-1]] and actions(alerts) == ["blocked"])


def refused():
    bad = policy_file("nested.policy", "tenant vni 800 {\n  tenant vni 801 {\n  }\n}\n")
    frame = vxlan(Ether() / IP(src="192.168.2.5", dst="172.16.2.9"), 10800, 800)
    rc, alerts, frames, err = run(RULES, [frame], mode="ips", board="nva-vxlan.conf", extra=("--policy", bad))
    expect(f"a nested tenant block is refused with file:line:col ({err.strip()[-200:]})",
           rc != 0 and f"{bad}:2:3: error: tenant blocks do not nest" in err and not frames)


def main():
    geneve_cases()
    vxlan_cases()
    refused()
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"tenant_offline: {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
