# SPDX-License-Identifier: BSD-3-Clause
"""
The verdict of tests/integration/lab_sqlmap.sh: which of sqlmap's injection
requests vigil alerted on.

  sqlmap_judge.py APP_LOG EVE MIN_SHARE [--list]

APP_LOG is sqli_app.py's log, one JSON line per request with its source
port; EVE is vigil's, with its http records. The application closes every
connection after one answer, so a connection is one request: the k-th
request from a client port is the k-th connection vigil logged an HTTP
transaction for from that port (the kernel reuses ports over thousands of
connections), and the request alerted when any rule alerted on that
connection's flow_id. A request is
  - benign when every parameter has the page's own value (id=1,
    user=alice, pass=secret, q=lamp); it must not alert (reported, counted);
  - a value probe when what differs is only letters and digits, a
    negative number or one number minus another (sqlmap's "is it dynamic",
    UNION and arithmetic checks: `id=9015`, `q=-1800`, `id=8624-8623`): no SQL syntax, nothing a detector should
    flag; counted apart, out of the share;
  - an injection request otherwise (a value with SQL syntax: a quote,
    operator, keyword with spaces, comment), the share's denominator.
Prints the share, the counts and each missed injection request (all of
them with --list), and exits 1 when the share is below MIN_SHARE or a
benign request alerted.
"""
import json
import re
import sys

SQLMAP_JUDGE_ORIGINAL = {"id": "1", "user": "alice", "pass": "secret", "q": "lamp"}
SQLMAP_JUDGE_APP_PORT = 8080
SQLMAP_JUDGE_PROBE = re.compile(r"[A-Za-z0-9]*|-?[0-9]+(?:-[0-9]+)?")


def sqlmap_judge_kind(params):
    changed = [v for k, v in params.items() if SQLMAP_JUDGE_ORIGINAL.get(k) != v]
    if not changed:
        return "benign"
    if all(SQLMAP_JUDGE_PROBE.fullmatch(v) for v in changed):
        return "probe"
    return "injection"


def sqlmap_judge_flows(eve):
    """The alerts' sids by flow_id, and the flow_ids of the HTTP
    transactions from each client port in the order vigil logged them."""
    alerted, flows_by_port = {}, {}
    for line in open(eve):
        rec = json.loads(line)
        kind = rec.get("event_type")
        if kind == "alert":
            alerted.setdefault(rec.get("flow_id"), set()).add(rec["alert"]["signature_id"])
        elif kind == "http" and rec.get("dest_port") == SQLMAP_JUDGE_APP_PORT:
            flows = flows_by_port.setdefault(rec.get("src_port"), [])
            if rec.get("flow_id") not in flows:
                flows.append(rec.get("flow_id"))
    return alerted, flows_by_port


def main():
    app_log, eve, min_share = sys.argv[1], sys.argv[2], float(sys.argv[3])
    list_all = "--list" in sys.argv[4:]
    requests = [json.loads(line) for line in open(app_log) if line.strip()]
    alerted, flows_by_port = sqlmap_judge_flows(eve)
    # The k-th request the application got from a port is the k-th HTTP
    # transaction vigil logged from that port (the kernel reuses ports).
    seen = {}
    unmatched = 0
    for r in requests:
        k = seen.get(r["port"], 0)
        seen[r["port"]] = k + 1
        flows = flows_by_port.get(r["port"], [])
        r["flow"] = flows[k] if k < len(flows) else None
        unmatched += r["flow"] is None
    logged = sum(len(f) for f in flows_by_port.values())
    print(f"{len(requests)} requests at the application, {logged} HTTP transactions in vigil's EVE, "
          f"{len(requests) - len(seen)} on a reused port")
    if unmatched:
        print(f"FAIL: {unmatched} requests have no HTTP transaction in the EVE file")
        return 1
    counts = {"benign": [0, 0], "probe": [0, 0], "injection": [0, 0]}
    missed, benign_alerts, sids = [], [], {}
    for r in requests:
        kind = sqlmap_judge_kind(r["params"])
        hit = r["flow"] in alerted
        counts[kind][0] += 1
        counts[kind][1] += hit
        if kind == "injection" and not hit:
            missed.append(r)
        if kind == "benign" and hit:
            benign_alerts.append((r, sorted(alerted[r["flow"]])))
        for sid in alerted.get(r["flow"], ()):
            sids[sid] = sids.get(sid, 0) + 1
    total, hits = counts["injection"]
    share = hits / total if total else 0.0
    for kind, (n, h) in counts.items():
        print(f"{kind}: {n} requests, {h} alerted")
    print("alerts by sid (requests): " + ", ".join(f"{s}:{n}" for s, n in sorted(sids.items(), key=lambda x: -x[1])))
    for r in missed if list_all else missed[:40]:
        print(f"  missed: {r['method']} {r['path']} {json.dumps(r['params'])[:300]}")
    for r, s in benign_alerts:
        print(f"  benign alerted: {r['method']} {r['path']} {r['params']} sids {s}")
    bad = 0
    ok = total >= 200 and share >= min_share
    print(("ok: " if ok else "FAIL: ") +
          f"sqlmap injection requests alerted: {hits} of {total} ({100 * share:.2f}%, at least {100 * min_share:.0f}% and 200 requests wanted)")
    bad += not ok
    print(("ok: " if not benign_alerts else "FAIL: ") + f"benign requests alerted: {len(benign_alerts)} of {counts['benign'][0]}")
    bad += bool(benign_alerts)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
