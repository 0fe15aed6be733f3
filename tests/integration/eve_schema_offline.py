#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: vigil's EVE is Suricata 8's EVE (issue 15, acceptance 1 and 2).
# vigil runs offline, with ET Open and the default ruleset (and a few rules
# of this test's own that alert on SSH, SMTP, MySQL, DNS and TLS units, so
# each protocol object shows in an alert), on mix-web.pcap and on a sample
# of the nDPI captures chosen for DNS (hostile names included), TLS, HTTP,
# SSH, SMTP, SIP and MySQL. Then:
#   - every line is valid UTF-8 and one JSON object;
#   - every record validates against ../shared/corpus/eve-schema/schema.json
#     (Debian's python3-jsonschema), with the optional fields switched on
#     ([eve] packet, payload, payload_printable, pcap_file, ether): 0
#     violations, the first ones printed with their path when there are any;
#   - flow, http, tls, dns, stats, alert and anomaly records are all present
#     (flow and the protocol records come from the workers' flow and
#     transaction records), and alerts carry the dns (version 3), tls, http,
#     ssh, smtp objects and vigil's mysql object;
#   - every community_id equals the value computed here, with the Community
#     ID specification's algorithm, from the record's own tuple; the
#     algorithm itself is first checked against the specification's
#     published test vectors;
#   - acceptance 2: two runs over mix-web.pcap on two appliance names
#     (board.name) give flow_ids that never collide.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/eve_schema_offline.py
import base64
import glob
import hashlib
import ipaddress
import json
import os
import struct
import subprocess
import sys
import tempfile

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import ROOT, VIGIL, check, finish  # noqa: E402

CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
SCHEMA = os.path.join(CORPUS, "eve-schema", "schema.json")
NDPI = os.path.join(CORPUS, "pcaps", "ndpi")
MIX_WEB = os.path.join(CORPUS, "pcaps", "mix-web.pcap")

# The nDPI sample: per protocol, captures with ordinary and hostile content.
SAMPLE = [
    # DNS: long, invalid and ambiguous names, tunnels, malformed messages
    "bad-dns-traffic.pcap", "dns-invalid-chars.pcap", "dns_long_domainname.pcap",
    "dns_ambiguous_names.pcap", "dns-tunnel-iodine.pcap", "malformed_dns.pcap",
    "dns_exfiltration.pcap",
    # TLS
    "google_ssl.pcap", "tls-esni-fuzzed.pcap", "long_tls_certificate.pcap",
    "ja3_lots_of_cipher_suites.pcap", "tls_alert.pcap", "ssl-cert-name-mismatch.pcap",
    # HTTP
    "http-manipulated.pcap", "http_invalid_server.pcap", "http-lines-split.pcap",
    "http_ipv6.pcap", "http_on_sip_port.pcap", "http-proxy.pcapng",
    "http_ua_splitted_in_two_pkts.pcapng",
    # SSH, SMTP, SIP, MySQL
    "ssh.pcap", "ssh_unidirectional.pcap", "smtp.pcap", "smtp-starttls.pcap", "sip.pcap",
    "FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", "mysql.pcapng",
    # IPv6 and tunnels
    "custom_rules_ipv6.pcapng", "ipv6_in_gtp.pcap",
]

# Rules of this test: one alert per unit of each protocol, so its object shows.
TEST_RULES = """
alert ssh any any -> any any (msg:"EVE schema test: SSH banner"; ssh.proto; content:"2"; sid:9990001; rev:1;)
alert smtp any any -> any any (msg:"EVE schema test: SMTP MAIL FROM"; smtp.mail_from; content:"@"; sid:9990002; rev:1;)
alert smtp any any -> any any (msg:"EVE schema test: SMTP RCPT TO"; smtp.rcpt_to; content:"@"; sid:9990003; rev:1;)
alert mysql any any -> any any (msg:"EVE schema test: MySQL query"; mysql.query; content:"select"; nocase; sid:9990004; rev:1;)
alert dns any any -> any any (msg:"EVE schema test: DNS query"; dns.query; content:"."; sid:9990005; rev:1;)
alert tls any any -> any any (msg:"EVE schema test: TLS SNI"; tls.sni; content:"."; sid:9990006; rev:1;)
"""

REQUIRED_EVENTS = ("flow", "http", "tls", "dns", "stats", "alert", "anomaly")


# --- Community ID v1, as the specification writes it --------------------------------------

ICMP4_PAIRS = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
ICMP6_PAIRS = {128: 129, 129: 128, 130: 131, 131: 130, 133: 134, 134: 133, 135: 136, 136: 135,
               139: 140, 140: 139, 144: 145, 145: 144}
PROTO_NUMBERS = {"TCP": 6, "UDP": 17, "ICMP": 1, "IPv6-ICMP": 58, "SCTP": 132}


def community_id(src, dst, proto, sport=0, dport=0, seed=0):
    """Community ID v1 of src -> dst (ICMP: sport/dport are type/code)."""
    a, b = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    one_way = False
    if proto in (1, 58):
        pairs = ICMP4_PAIRS if proto == 1 else ICMP6_PAIRS
        if sport in pairs:
            dport = pairs[sport]
        else:
            one_way = True
    has_ports = proto in (1, 6, 17, 58, 132)
    if not one_way and (a > b or (a == b and has_ports and sport > dport)):
        a, b, sport, dport = b, a, dport, sport
    data = struct.pack("!H", seed) + a + b + struct.pack("!BB", proto, 0)
    if has_ports:
        data += struct.pack("!HH", sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


# The specification's reference tests (pycommunityid): seed 0 and seed 1.
SPEC_VECTORS = [
    ("128.232.110.120", "66.35.250.204", 6, 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
     "1:3V71V58M3Ksw/yuFALMcW0LAHvc="),
    ("66.35.250.204", "128.232.110.120", 6, 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
     "1:3V71V58M3Ksw/yuFALMcW0LAHvc="),
    ("10.0.0.1", "10.0.0.2", 6, 10, 11569, "1:SXBGMX1lBOwhhoDrZynfROxnhnM=",
     "1:HmBRGR+fUyXF4t8WEtal7Y0gEAo="),
    ("192.168.1.52", "8.8.8.8", 17, 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
     "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="),
    ("192.168.170.8", "192.168.170.56", 132, 7, 80, "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=",
     "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU="),
    ("192.168.0.89", "192.168.0.1", 1, 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
     "1:03g6IloqVBdcZlPyX8r0hgoE7kA="),
    ("192.168.0.1", "192.168.0.89", 1, 0, 20, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
     "1:03g6IloqVBdcZlPyX8r0hgoE7kA="),
    ("192.168.0.89", "192.168.0.1", 1, 20, 1, "1:tz/fHIDUHs19NkixVVoOZywde+I=",
     "1:Ie3wmFyxiEyikbsbcO03d2nh+PM="),
    ("fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 135, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="),
    ("3ffe:507:0:1:260:97ff:fe07:69ea", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
     "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=", "1:OlOWx9psIbBFi7lOCw/4MhlKR9M="),
    ("3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:507:0:1:260:97ff:fe07:69ea", 58, 3, 0,
     "1:/OGBt9BN1ofenrmSPWYicpij2Vc=", "1:Ij4ZxnC87/MXzhOjvH2vHu7LRmE="),
    ("10.1.24.4", "10.1.12.1", 46, 0, 0, "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=",
     "1:BK3BVW3U2eemuwVQVN3zd/GULno="),
]


def check_spec_vectors():
    wrong = []
    for src, dst, proto, sport, dport, seed0, seed1 in SPEC_VECTORS:
        for seed, want in ((0, seed0), (1, seed1)):
            got = community_id(src, dst, proto, sport, dport, seed)
            if got != want:
                wrong.append((src, dst, proto, seed, got, want))
    check(f"community_id: the specification's {len(SPEC_VECTORS) * 2} test vectors", not wrong,
          wrong[:3])


def record_community_id(rec):
    """The community_id of a record's own tuple, or None when it has no IP tuple."""
    proto = PROTO_NUMBERS.get(rec.get("proto"))
    if proto is None:
        try:
            proto = int(rec.get("proto"))
        except (TypeError, ValueError):
            return None
    if "src_ip" not in rec or "dest_ip" not in rec:
        return None
    if proto in (1, 58):
        sport, dport = rec.get("icmp_type", 0), rec.get("icmp_code", 0)
    else:
        sport, dport = rec.get("src_port", 0), rec.get("dest_port", 0)
    src = rec["src_ip"]
    # behind a proxy src_ip is the X-Forwarded-For client: the tuple is the packet's
    proxy = rec.get("metadata", {}).get("flowints", {}).get("vigil", {}).get("proxy_ip")
    return community_id(proxy or src, rec["dest_ip"], proto, sport, dport)


# --- running vigil -----------------------------------------------------------------------

def rule_args(work):
    paths = sorted(glob.glob(os.path.join(CORPUS, "et-open", "*.rules")))
    paths += sorted(glob.glob(os.path.join(ROOT, "rules", "default", "*.rules")))
    own = os.path.join(work, "eve-schema-test.rules")
    with open(own, "w") as f:
        f.write(TEST_RULES)
    args = []
    for p in paths + [own]:
        args += ["--rules", p]
    return args


def run_vigil(work, pcap, eve, name="offline"):
    """One offline run (ids mode) appending to eve; returns (exit status, stderr tail)."""
    cmd = [VIGIL, "--board", os.path.join(ROOT, "board", "offline.conf"),
           "--set", f"eal.file_prefix=vigil-it-eve-{os.getpid()}",
           "--set", "board.mode=ids", "--set", f"board.name={name}",
           # captures taken on a sending host hold the checksums its NIC was
           # to fill in (mysql.pcapng: 10 of 41): inspect them all
           "--set", "dataplane.checksums=no",
           "--set", f"rules.cache_dir={work}/cache",
           "--set", f"rules.classification={CORPUS}/et-open/classification.config",
           # every optional field of a record too (issue 16): the frame, its
           # payload, the capture's name, MAC addresses
           "--set", "eve.packet=yes", "--set", "eve.payload=yes",
           "--set", "eve.payload_printable=yes", "--set", "eve.pcap_file=yes",
           "--set", "eve.ether=yes",
           *rule_args(work), "--pcap", pcap, "--out", os.path.join(work, "out.pcap"),
           "--eve", eve]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stderr.strip()[-400:]


def read_records(path):
    """Every line as (line number, record or None, why it is not a record)."""
    out = []
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                out.append((number, None, f"not UTF-8: {e}"))
                continue
            try:
                rec = json.loads(text)
            except ValueError as e:
                out.append((number, None, f"not JSON: {e}"))
                continue
            out.append((number, rec, "" if isinstance(rec, dict) else "not an object"))
    return out


def validate(records, label):
    with open(SCHEMA) as f:
        schema = json.load(f)
    cls = getattr(jsonschema, "Draft202012Validator", jsonschema.Draft7Validator)
    validator = cls(schema)
    violations = []
    for number, rec, _why in records:
        if rec is None:
            continue
        for err in validator.iter_errors(rec):
            path = "/".join(str(p) for p in err.absolute_path) or "(record)"
            violations.append(f"line {number} ({rec.get('event_type')}): {path}: {err.message[:160]}")
    for v in violations[:10]:
        print("    " + v)
    check(f"{label}: every record valid against Suricata 8's schema", not violations,
          f"{len(violations)} violation(s)")


def main():
    if not os.path.exists(VIGIL):
        print("eve_schema_offline: build/vigil missing (make first)")
        sys.exit(1)
    check_spec_vectors()
    with tempfile.TemporaryDirectory(prefix="vigil-eve-schema-") as work:
        eve = os.path.join(work, "eve.json")
        inputs = [MIX_WEB] + [os.path.join(NDPI, n) for n in SAMPLE]
        missing = [p for p in inputs if not os.path.exists(p)]
        check("every capture of the sample is in the corpus", not missing, missing)
        failed = []
        for pcap in inputs:
            if os.path.exists(pcap):
                rc, err = run_vigil(work, pcap, eve, "appliance-a")
                if rc != 0:
                    failed.append((os.path.basename(pcap), rc, err))
        check(f"vigil exits 0 on all {len(inputs)} captures", not failed, failed[:2])

        records = read_records(eve)
        broken = [(n, why) for n, rec, why in records if why]
        check(f"every one of the {len(records)} lines is valid UTF-8 JSON, one object",
              bool(records) and not broken, broken[:5])
        recs = [rec for _n, rec, why in records if not why]
        validate(records, f"{len(recs)} records")

        kinds = {}
        for rec in recs:
            kinds[rec.get("event_type")] = kinds.get(rec.get("event_type"), 0) + 1
        print(f"    event types: {kinds}")
        for kind in REQUIRED_EVENTS:
            check(f"{kind} records present", kinds.get(kind, 0) > 0, f"none among {sorted(kinds)}")

        alerts = [r for r in recs if r.get("event_type") == "alert"]
        for obj in ("dns", "tls", "http", "ssh", "smtp"):
            check(f"alerts carry the {obj} object", any(obj in a for a in alerts))
        check("DNS objects are Suricata 8's version 3 with queries[]",
              all(a["dns"].get("version") == 3 for a in alerts if "dns" in a) and
              any("queries" in a["dns"] for a in alerts if "dns" in a))
        check("alerts on MySQL carry vigil's mysql object (metadata.flowints.vigil.mysql)",
              any("mysql" in a.get("metadata", {}).get("flowints", {}).get("vigil", {})
                  for a in alerts))
        check("no top-level proxy_ip, acl_rule or tunnel tenant fields",
              not any(k in r for r in recs for k in ("proxy_ip", "acl_rule", "gwlb_endpoint_id")))

        with_id = [r for r in recs if "community_id" in r]
        wrong = []
        for r in with_id:
            want = record_community_id(r)
            if want != r["community_id"]:
                wrong.append((r.get("event_type"), r.get("src_ip"), r.get("dest_ip"),
                              r.get("proto"), r["community_id"], want))
        tuples = [r for r in recs if r.get("event_type") in ("alert", "anomaly", "drop", "flow")]
        missing = [r.get("event_type") for r in tuples if "src_ip" in r and "community_id" not in r]
        check(f"every alert, anomaly, drop and flow record has a community_id "
              f"({len(tuples) - len(missing)} of {len(tuples)}; protocol records too: "
              f"{len(with_id)} in all)", not missing, missing[:5])
        check(f"every community_id ({len(with_id)}) is the specification's value of its tuple",
              bool(with_id) and not wrong, wrong[:3])

        # acceptance 2: the same capture on two appliances, flow_ids never shared
        eve_b = os.path.join(work, "eve-b.json")
        rc, err = run_vigil(work, MIX_WEB, eve_b, "appliance-b")
        check("vigil exits 0 on mix-web.pcap as appliance-b", rc == 0, err)
        ids_a = {r["flow_id"] for n, r, why in read_records(eve) if not why and "flow_id" in r}
        ids_b = {r["flow_id"] for n, r, why in read_records(eve_b) if not why and "flow_id" in r}
        shared = ids_a & ids_b
        check(f"flow_ids of appliance-a ({len(ids_a)}) and appliance-b ({len(ids_b)}) never collide",
              bool(ids_a) and bool(ids_b) and not shared, f"{len(shared)} shared, e.g. {sorted(shared)[:5]}")
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/vigil-it-eve-{os.getpid()}"], check=False)
    finish("eve_schema_offline")


if __name__ == "__main__":
    main()
