#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: EVE drop records for the packets ips mode drops ([eve] drops,
# Suricata's eve-log drop output), on the offline board. One HTTP session
# whose request a drop rule matches, then more packets of that flow both
# ways:
#  - drops = all: the request's record says reason "rules" and carries
#    the rule's alert (signature_id, action blocked) and the flow's http
#    object; every later packet of the flow has one with reason "flow
#    drop" (the rule dropped the whole flow); the flow record says
#    flow.action drop; all of them valid against Suricata 8's schema;
#  - drops = start: one record per direction of the flow;
#  - drops = no (the default), and ids mode: none;
#  - a noalert drop rule: no alert record, but the request's drop record
#    still names the rule that dropped it (Suricata's drop log);
#  - a rate_filter that turns an alert rule to drop: that packet's record
#    says reason "threshold detection_filter".
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/drop_records_offline.py
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import ROOT, Conversation, check, finish, run  # noqa: E402

RULES = ('drop http any any -> any any (msg:"traversal"; flow:to_server,established; '
         'http.uri; content:"/etc/passwd"; sid:7; rev:1;)\n')
SCHEMA = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "eve-schema", "schema.json"))


def session():
    c = Conversation(sport=42100).handshake()
    c.send(b"GET /view?f=../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", from_client=False)
    c.send(b"more from the client", from_client=True)
    c.send(b"more from the server", from_client=False)
    return c.packets


def drops_of(events):
    return [e for e in events if e.get("event_type") == "drop"]


def main():
    packets = session()
    rc, events, _frames, err = run(RULES, packets, mode="ips", extra=("--set", "eve.drops=all"),
                                   records=True)
    check("ips, drops = all: vigil ran", rc == 0, err[-300:])
    drops = drops_of(events)
    rules = [d for d in drops if d["drop"]["reason"] == "rules"]
    flow_drops = [d for d in drops if d["drop"]["reason"] == "flow drop"]
    check(f"the request's record: reason rules, the rule's alert and http ({len(rules)})",
          len(rules) == 1 and rules[0].get("alert", {}).get("signature_id") == 7 and
          rules[0]["alert"].get("action") == "blocked" and "http" in rules[0])
    check(f"every later packet of the flow: reason flow drop ({len(flow_drops)})", len(flow_drops) >= 3)
    check("every drop record has the flow's flow_id", len({d.get("flow_id") for d in drops}) == 1)
    flows = [e for e in events if e.get("event_type") == "flow"]
    check(f"the flow record says flow.action drop ({[f['flow'].get('action') for f in flows]})",
          any(f["flow"].get("action") == "drop" for f in flows))
    try:
        import jsonschema
        validator = jsonschema.Draft7Validator(json.load(open(SCHEMA)))
        bad = [e for e in drops + flows if list(validator.iter_errors(e))]
        check(f"drop and flow records valid against Suricata's schema ({len(bad)} not)", not bad)
    except ImportError:
        check("python3-jsonschema installed (make deps)", False)

    rc, events, _f, err = run(RULES, packets, mode="ips", extra=("--set", "eve.drops=start"))
    drops = drops_of(events)
    ways = sorted((d["src_port"], d["dest_port"]) for d in drops)
    check(f"drops = start: one record per direction ({ways})", rc == 0 and len(drops) == 2 and
          ways[0] != ways[1])
    rc, events, _f, err = run(RULES, packets, mode="ips")
    check(f"drops = no (default): none ({len(drops_of(events))})", rc == 0 and not drops_of(events))
    rc, events, _f, err = run(RULES, packets, mode="ids", extra=("--set", "eve.drops=all"))
    check(f"ids mode: none ({len(drops_of(events))})", rc == 0 and not drops_of(events))
    silent = RULES.replace('msg:"traversal";', 'msg:"traversal"; noalert;')
    rc, events, _f, err = run(silent, packets, mode="ips", extra=("--set", "eve.drops=all"))
    rules = [d for d in drops_of(events) if d["drop"]["reason"] == "rules"]
    alerts = [e for e in events if e.get("event_type") == "alert"]
    check(f"noalert drop rule: no alert ({len(alerts)}), the drop record names it "
          f"({[r.get('alert', {}).get('signature_id') for r in rules]})",
          rc == 0 and not alerts and len(rules) == 1 and
          rules[0].get("alert", {}).get("signature_id") == 7)
    with tempfile.TemporaryDirectory(prefix="vigil-drops-") as work:
        threshold = os.path.join(work, "threshold.config")
        with open(threshold, "w") as f:
            f.write("rate_filter gen_id 1, sig_id 9, track by_rule, count 1, seconds 60, "
                    "new_action drop, timeout 100\n")
        # the client's two data packets: the first alerts, the second is over the rate
        alerting = ('alert tcp any any -> any 80 (msg:"data"; flow:to_server,established; '
                    'dsize:>0; sid:9;)\n')
        rc, events, _f, err = run(alerting, packets, mode="ips",
                                  extra=("--set", "eve.drops=all",
                                         "--set", f"rules.threshold_file={threshold}"))
    reasons = [d["drop"]["reason"] for d in drops_of(events)]
    check(f"rate_filter drop: reason threshold detection_filter ({reasons})",
          rc == 0 and reasons[:1] == ["threshold detection_filter"])
    finish("drop_records_offline")


if __name__ == "__main__":
    main()
