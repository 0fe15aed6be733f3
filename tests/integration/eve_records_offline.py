#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 15): EVE as Suricata 8 writes it, the dataplane's part.
# vigil runs offline on ../shared/corpus/pcaps/mix-web.pcap, a few nDPI
# captures and a crafted capture, with the default rules and two rules on
# DNS packets (header only: no application-layer keyword), and its EVE
# file must hold:
#   - one flow record per flow, the same flows as the flow dump ([dataplane]
#     flow_dump), each with the dump's packets and bytes per direction
#     (whatever reason ended it: timeout, reused, shutdown ...); on the
#     clean nDPI captures the flows' packets and bytes add up to the
#     capture's IP packets and frame bytes;
#   - http, tls and dns records with their protocol objects; one http
#     record per transaction (two requests answered on one connection: two
#     records with their status; a request never answered: one record when
#     the flow ends);
#   - alerts with the flow's context: every alert on a DNS flow has
#     app_proto dns and a dns object, though the rules are on packets;
#     every alert has a flow object (counts, start, the flow's own
#     addresses); its flow record says alerted;
#   - one flow_id for every record of a flow (alert, flow, protocol,
#     anomaly): each names a flow record with the same endpoints;
#   - flow_ids of two runs over the same capture with two appliance names
#     ([board] name) that never meet; [eve] flows = no and [eve] protocols
#     = none switch the records off; [eve] flow_interval_s adds "live"
#     records of long flows.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/eve_records_offline.py
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import ROOT, VIGIL, Conversation, check, finish  # noqa: E402
from scapy.all import IP, IPv6, wrpcap  # noqa: E402
from scapy.utils import PcapNgReader, PcapReader  # noqa: E402

PCAPS = os.path.join(ROOT, "..", "shared", "corpus", "pcaps")
MIX_WEB = os.path.join(PCAPS, "mix-web.pcap")
# captures of every protocol with records, and whether all their packets
# reach a flow (ssh.pcap has 37 segments with a wrong TCP checksum: no flow
# counts them, each is an anomaly)
NDPI = [("http.pcapng", True), ("dns_long_domainname.pcap", True),
        ("long_tls_certificate.pcap", True), ("ssh.pcap", False), ("smtp.pcap", True)]
# protocols whose parser writes its EVE object today (app row's eve_details);
# the others' records are checked only when they come
WRITTEN = ("http", "tls", "dns")
DNS_RULES = ('alert udp any any -> any 53 (msg:"VIGIL TEST dns query packet"; sid:9915001; rev:1;)\n'
             'alert udp any 53 -> any any (msg:"VIGIL TEST dns answer packet"; sid:9915002; rev:1;)\n')
PROTOCOL_RECORDS = ("http", "tls", "dns", "ssh", "smtp", "mysql", "sip")


def rules_file(work):
    path = os.path.join(work, "test.rules")
    with open(path, "w") as out:
        for name in ("web.rules", "database.rules"):
            with open(os.path.join(ROOT, "rules", "default", name)) as f:
                out.write(f.read() + "\n")
        out.write(DNS_RULES)
    return path


def run_vigil(pcap, work, tag, name="offline", extra=()):
    """Run vigil on pcap; returns (exit status, EVE records, flow dump records, stderr)."""
    eve, dump = os.path.join(work, f"{tag}.eve.json"), os.path.join(work, f"{tag}.flows.json")
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"),
           "--set", f"eal.file_prefix=vigil-it-eve-{os.getpid()}",
           "--set", f"board.name={name}", "--set", f"rules.cache_dir={work}/cache",
           "--set", f"dataplane.flow_dump={dump}", "--set", "board.mode=ids",
           "--rules", rules_file(work), "--pcap", pcap, "--out", os.path.join(work, "out.pcap"),
           "--eve", eve, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    records, flows = [], []
    if os.path.exists(eve):
        # bytes of the traffic that are no UTF-8 are another check's (schema): replaced here
        with open(eve, encoding="utf-8", errors="replace") as f:
            records = [json.loads(line) for line in f if line.strip()]
    if os.path.exists(dump):
        with open(dump) as f:
            flows = [json.loads(line) for line in f if line.strip()]
        flows = [d for d in flows if "flow_id" in d]  # the last line counts records lost
    return proc.returncode, records, flows, proc.stderr


def capture_totals(pcap):
    """IP packets (first fragments and whole datagrams) and their frame bytes, as scapy reads them."""
    reader = PcapNgReader(pcap) if pcap.endswith(".pcapng") else PcapReader(pcap)
    packets = size = 0
    for pkt in reader:
        ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
        if ip is None or (pkt.haslayer(IP) and pkt[IP].frag > 0):
            continue
        packets += 1
        size += len(pkt)
    reader.close()
    return packets, size


def endpoints(r):
    return frozenset([(r.get("src_ip"), r.get("src_port")), (r.get("dest_ip"), r.get("dest_port"))])


def check_flows(what, records, dump):
    """One flow record per flow of the dump, with its counts; returns the flow records by flow_id."""
    flows = [r for r in records if r["event_type"] == "flow"]
    by_id = {r["flow_id"]: r for r in flows}
    dump_by_id = {d["flow_id"]: d for d in dump}
    check(f"{what}: one flow record per flow ({len(flows)} records, {len(by_id)} flow_ids, "
          f"{len(dump_by_id)} flows in the dump)",
          len(flows) == len(by_id) == len(dump_by_id) > 0 and set(by_id) == set(dump_by_id))
    wrong = [i for i, r in by_id.items() if i in dump_by_id and
             (r["flow"]["pkts_toserver"], r["flow"]["pkts_toclient"], r["flow"]["bytes_toserver"],
              r["flow"]["bytes_toclient"]) !=
             (dump_by_id[i]["pkts_toserver"], dump_by_id[i]["pkts_toclient"],
              dump_by_id[i]["bytes_toserver"], dump_by_id[i]["bytes_toclient"])]
    check(f"{what}: each flow record has its flow's packets and bytes", not wrong, str(wrong[:3]))
    fields = ("pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient", "start", "end",
              "age", "state", "reason", "alerted")
    incomplete = [r for r in flows if any(k not in r["flow"] for k in fields)]
    check(f"{what}: every flow record has {', '.join(fields)}", not incomplete,
          json.dumps(incomplete[:1]))
    reasons = {r["flow"]["reason"] for r in flows}
    check(f"{what}: flow end reasons are named ({sorted(reasons)})",
          reasons <= {"timeout", "evicted", "reused", "shutdown", "forgotten"} and "shutdown" in reasons)
    tcp = [r for r in flows if r["proto"] == "TCP"]
    check(f"{what}: TCP flow records carry their flags", all("tcp_flags" in r.get("tcp", {}) for r in tcp))
    return by_id


def check_shared_ids(what, records, flows):
    """Every record with a flow_id names a flow record with the same endpoints."""
    orphans, strangers = [], []
    for r in records:
        if r["event_type"] == "flow" or "flow_id" not in r:
            continue
        f = flows.get(r["flow_id"])
        if f is None:
            orphans.append(r)
        elif endpoints(r) != endpoints(f) and r["event_type"] != "anomaly":
            strangers.append((r, f))
        elif r["event_type"] == "anomaly" and r.get("src_ip") not in (f["src_ip"], f["dest_ip"]):
            strangers.append((r, f))
    check(f"{what}: every record's flow_id names a flow record", not orphans,
          json.dumps(orphans[:1])[:400])
    check(f"{what}: every record of a flow has the flow's endpoints", not strangers,
          json.dumps(strangers[:1])[:600])


def check_alerts(what, records, flows):
    alerts = [r for r in records if r["event_type"] == "alert"]
    no_flow_object = [a for a in alerts if "flow_id" in a and
                      not {"pkts_toserver", "bytes_toclient", "start", "src_ip", "dest_ip"} <= set(a.get("flow", {}))]
    check(f"{what}: every alert on a flow has a flow object ({len(alerts)} alerts)", not no_flow_object,
          json.dumps(no_flow_object[:1])[:400])
    wrong_side = [a for a in alerts if a.get("flow_id") in flows and
                  a["flow"]["src_ip"] != flows[a["flow_id"]]["src_ip"]]
    check(f"{what}: an alert's flow object names the flow's client", not wrong_side)
    unmarked = [a for a in alerts if a.get("flow_id") in flows and not flows[a["flow_id"]]["flow"]["alerted"]]
    check(f"{what}: the flow record of every alert says alerted", not unmarked)
    alerted = {i for i, f in flows.items() if f["flow"]["alerted"]}
    check(f"{what}: a flow record says alerted only when an alert was raised",
          alerted <= {a.get("flow_id") for a in alerts})
    return alerts


def check_capture(what, pcap, work, need=(), totals=False):
    status, records, dump, err = run_vigil(pcap, work, what)
    check(f"{what}: vigil exits 0", status == 0, err[-400:])
    flows = check_flows(what, records, dump)
    check_shared_ids(what, records, flows)
    alerts = check_alerts(what, records, flows)
    for proto in need:
        got = [r for r in records if r["event_type"] == proto]
        check(f"{what}: {proto} records with their object ({len(got)})",
              (got or proto not in WRITTEN) and
              all(isinstance(r.get(proto), dict) and r[proto] and r.get("app_proto") == proto for r in got))
    if totals:
        packets, size = capture_totals(pcap)
        fl = [r["flow"] for r in records if r["event_type"] == "flow"]
        got = (sum(f["pkts_toserver"] + f["pkts_toclient"] for f in fl),
               sum(f["bytes_toserver"] + f["bytes_toclient"] for f in fl))
        check(f"{what}: flows carry the capture's packets and bytes {got}", got == (packets, size),
              f"capture {(packets, size)}")
    return records, flows, alerts


def check_dns_alerts(what, records, flows, alerts):
    """Alerts on DNS flows whose parser read a message (a flow of one
    malformed datagram is DNS by its port's probe but has no dns object)."""
    parsed = {r["flow_id"] for r in records if r["event_type"] == "dns"}
    on_dns = [a for a in alerts if flows.get(a.get("flow_id"), {}).get("app_proto") == "dns" and
              a["flow_id"] in parsed]
    bare = [a for a in on_dns if a.get("app_proto") != "dns" or not isinstance(a.get("dns"), dict)]
    check(f"{what}: alerts on DNS flows carry app_proto dns and the dns object "
          f"({len(on_dns) - len(bare)} of {len(on_dns)})", on_dns and not bare, json.dumps(bare[:1])[:400])


def crafted_http(work):
    """Two answered requests on one connection, and a request never answered."""
    c = Conversation(sport=41000, dport=80).handshake()
    for n in (1, 2):
        body = b"x" * 3000
        c.send(b"POST /upload%d HTTP/1.1\r\nHost: crafted.example\r\nContent-Length: %d\r\n\r\n" % (n, len(body)) + body,
               segments=[1000, 1000, 1000, 100])
        page = b"<html>" + b"y" * 4000 + b"</html>"
        c.send(b"HTTP/1.1 20%d OK\r\nContent-Length: %d\r\n\r\n" % (n - 1, len(page)) + page, from_client=False,
               segments=[1400, 1400, 1400])
    lone = Conversation(sport=41001, dport=80, t0=1700000001.0).handshake()
    lone.send(b"GET /never-answered HTTP/1.1\r\nHost: crafted.example\r\n\r\n")
    pcap = os.path.join(work, "crafted.pcap")
    wrpcap(pcap, c.packets + lone.packets)
    status, records, dump, err = run_vigil(pcap, work, "crafted")
    check("crafted: vigil exits 0", status == 0, err[-400:])
    http = [r for r in records if r["event_type"] == "http"]
    answered = sorted((r["http"].get("url"), r["http"].get("status")) for r in http if r["src_port"] == 41000)
    check(f"crafted: one http record per answered transaction, with its status ({answered})",
          answered == [("/upload1", 200), ("/upload2", 201)])
    lone_records = [r["http"].get("url") for r in http if r["src_port"] == 41001]
    check(f"crafted: a request never answered gets its record when the flow ends ({lone_records})",
          lone_records == ["/never-answered"])
    flows = [r for r in records if r["event_type"] == "flow"]
    check("crafted: two flow records, app_proto http, client to server",
          len(flows) == 2 and all(f["app_proto"] == "http" and f["dest_port"] == 80 for f in flows))


def main():
    with tempfile.TemporaryDirectory(prefix="vigil-eve-records-") as work:
        records, flows, alerts = check_capture("mix-web", MIX_WEB, work, need=("http", "tls", "dns"))
        check_dns_alerts("mix-web", records, flows, alerts)
        anomalies = [r for r in records if r["event_type"] == "anomaly" and "flow_id" in r]
        check(f"mix-web: anomalies of a flow carry its flow_id and ports ({len(anomalies)})",
              anomalies and all("src_port" in r and "dest_port" in r for r in anomalies))
        for name, whole in NDPI:
            proto = name.split("_")[0].split(".")[0].split("-")[0]
            proto = {"long": "tls"}.get(proto, proto)
            rec, fl, al = check_capture(name, os.path.join(PCAPS, "ndpi", name), work, need=(proto,),
                                        totals=whole)
            if proto == "dns":
                check_dns_alerts(name, rec, fl, al)
            if name == "ssh.pcap":
                bad = [r for r in rec if r["event_type"] == "anomaly" and
                       r["anomaly"].get("event") == "decoder.l4_checksum"]
                check(f"ssh.pcap: segments with a wrong checksum are anomalies, bounded ({len(bad)} of 37)",
                      0 < len(bad) <= 37 and all(r["anomaly"]["type"] == "decode" for r in bad))
        crafted_http(work)

        # two appliances, the same capture: no flow_id in common
        ids = []
        for name in ("edge-a", "edge-b"):
            status, rec, _dump, err = run_vigil(MIX_WEB, work, name, name=name)
            ids.append({r["flow_id"] for r in rec if "flow_id" in r})
        check(f"two appliance names: flow_ids never meet ({len(ids[0])}, {len(ids[1])} flows)",
              ids[0] and ids[1] and not ids[0] & ids[1] and len(ids[0]) == len(ids[1]))
        check("flow_ids stay below 2^53 (exact in a JSON reader's double)",
              all(0 < i < 2 ** 53 for i in ids[0] | ids[1]))

        # switched off
        status, rec, _dump, err = run_vigil(MIX_WEB, work, "off", extra=(
            "--set", "eve.flows=no", "--set", "eve.protocols=none"))
        kinds = {r["event_type"] for r in rec}
        check(f"[eve] flows = no, protocols = none: no flow or protocol record ({sorted(kinds)})",
              status == 0 and "alert" in kinds and not kinds & {"flow", *PROTOCOL_RECORDS})
        status, rec, _dump, err = run_vigil(MIX_WEB, work, "dns-only", extra=("--set", "eve.protocols=dns"))
        kinds = {r["event_type"] for r in rec}
        check(f"[eve] protocols = dns: dns records only ({sorted(kinds)})",
              status == 0 and "dns" in kinds and "flow" in kinds and not kinds & {"http", "tls"})
        # long flows: a record every second of their life, besides the one at their end
        status, rec, dump, err = run_vigil(MIX_WEB, work, "periodic", extra=("--set", "eve.flow_interval_s=1"))
        live = [r for r in rec if r["event_type"] == "flow" and r["flow"]["reason"] == "live"]
        ended = {r["flow_id"]: r for r in rec if r["event_type"] == "flow" and r["flow"]["reason"] != "live"}
        early = [r for r in live if r["flow_id"] in ended and
                 r["flow"]["pkts_toserver"] > ended[r["flow_id"]]["flow"]["pkts_toserver"]]
        check(f"[eve] flow_interval_s = 1: live records of long flows ({len(live)}), each flow still "
              f"ended once ({len(ended)} of {len(dump)})",
              status == 0 and live and len(ended) == len(dump) and
              all(r["flow_id"] in ended and r["flow"]["age"] >= 1 for r in live) and not early)
        status, _rec, _dump, err = run_vigil(MIX_WEB, work, "bad", extra=("--set", "eve.protocols=http gopher"))
        check("[eve] protocols with an unknown name is refused, naming it",
              status != 0 and '"gopher"' in err, err[-300:])
    finish("eve_records_offline")


if __name__ == "__main__":
    main()
