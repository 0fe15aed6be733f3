#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: vigil's alerts agree with Suricata's on the suricata-verify cases
# of ../shared/corpus/suricata-verify/ (46 folders: pcap, rules, test.yaml).
# Each case runs vigil offline on its pcap with its rules (ips mode when the
# case says --simulate-ips or is named for ips, the case's suricata.yaml
# address groups as [vars]) and its test.yaml checks are evaluated on the EVE
# alerts, as suricata-verify's runner would for Suricata 8.0.
#
# Only checks on alerts are comparable: a filter on another event type (flow,
# drop, http, stats, anomaly, ...) or naming a field vigil does not write is
# listed as not comparable. A case "matches exactly" when vigil finished,
# it has at least one comparable check and every comparable check holds; a
# case with no comparable check is NOT-COMPARABLE, never a match. Cases
# whose relevant rules need an application-layer protocol (header protocol
# or keyword) are tagged app-layer; the others are packet level.
#
# Prints one line per case, the summary lines
#   packet-level cases: N, matching exactly: M (P%)
#   all cases: N, matching exactly: M (P%)
# and, for each case that does not match, what its settings or vigil's
# --check say about why. Exits 0 when at least 90% of all cases match.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/suricata_verify.py [NAME...]
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import ROOT, VIGIL  # noqa: E402
from suricata_verify_case import VIGIL_ALERT_FIELDS, Case  # noqa: E402

CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "suricata-verify"))
BOARD = os.path.join(ROOT, "board", "offline.conf")
RUN_TIMEOUT = 60
TARGET_PERCENT = 90
# What vigil's application layer parses (dataplane/app/app.c), for the reasons printed.
VIGIL_APP_PROTOCOLS = "HTTP/1.x, HTTP/2, TLS, DNS, SSH, SMTP, MySQL, SIP"
# Suricata's exception policies vigil's [app] error_policy takes.
APP_ERROR_POLICIES = ("ignore", "drop-packet", "drop-flow", "pass-packet", "pass-flow")


def vigil_common(case, work, prefix):
    args = ["--board", BOARD, "--set", f"eal.file_prefix={prefix}",
            "--set", f"board.mode={case.mode()}", "--set", f"rules.cache_dir={work}/cache"]
    for name, value in case.vars().items():
        args += ["--set", f"vars.{name}={value}"]
    if case.threshold_config:
        args += ["--set", f"rules.threshold_file={case.threshold_config}"]
    if case.sets().get("stream.async-oneside") in ("true", "yes", "1"):
        args += ["--set", "dataplane.tcp_async_oneside=yes"]
    # Suricata takes no TTL for a decoy: vigil's [dataplane] min_ttl off (one case
    # of the suite carries its query in a TTL-0 segment)
    args += ["--set", "dataplane.min_ttl=0"]
    # Suricata picks nothing up mid-stream unless told (stream.midstream); vigil does by default
    midstream = case.sets().get("stream.midstream") in ("true", "yes", "1")
    args += ["--set", "dataplane.midstream=" + ("yes" if midstream else "no")]
    policy = case.sets().get("app-layer.error-policy", case.sets().get("exception-policy"))
    if policy in APP_ERROR_POLICIES:
        args += ["--set", f"app.error_policy={policy}"]
    drops = eve_drop_logging(case.suricata_yaml)
    if drops:
        args += ["--set", f"eve.drops={drops}"]
    args += file_settings(case.suricata_yaml, work)
    args += eve_output_settings(case.suricata_yaml)
    order = case.suricata_yaml.get("action-order")
    if order:
        args += ["--set", "rules.action_order=" + ",".join(order)]
    if case.packet_alert_max() is not None:
        args += ["--set", f"rules.packet_alert_max={case.packet_alert_max()}"]
    # Suricata's -k (checksum checks): none, all or auto, as vigil's [dataplane]
    # checksums. Without -k the suite's cases expect no validation: bug-1045
    # alerts on segments whose TCP checksums are wrong in its capture.
    k = case.args[case.args.index("-k") + 1] if "-k" in case.args[:-1] else "none"
    if k in ("none", "all", "auto"):
        args += ["--set", "dataplane.checksums=" + {"none": "no", "all": "yes", "auto": "auto"}[k]]
    return args


def eve_drop_logging(suricata_yaml):
    """The case's eve-log drop output as vigil's [eve] drops (start or all); None: none."""
    for output in suricata_yaml.get("outputs") or []:
        eve = output.get("eve-log") if isinstance(output, dict) else None
        if not isinstance(eve, dict) or str(eve.get("enabled", "yes")).lower() in ("no", "false"):
            continue
        for t in eve.get("types") or []:
            if t == "drop":
                return "start"
            if isinstance(t, dict) and "drop" in t:
                flows = (t["drop"] or {}).get("flows", "start")
                return "all" if str(flows) == "all" else "start"
    return None


def yaml_true(value):
    return str(value).lower() in ("yes", "true", "1", "on")


def eve_output_settings(suricata_yaml):
    """The case's eve-log options vigil has as [eve] settings: ethernet and
    pcap-file, and its alert type's packet, payload and payload-printable."""
    args = []
    for output in suricata_yaml.get("outputs") or []:
        eve = output.get("eve-log") if isinstance(output, dict) else None
        if not isinstance(eve, dict) or not yaml_true(eve.get("enabled", "yes")):
            continue
        for key, setting in (("ethernet", "ether"), ("pcap-file", "pcap_file")):
            if yaml_true(eve.get(key, "no")):
                args += ["--set", f"eve.{setting}=yes"]
        for t in eve.get("types") or []:
            alert = t.get("alert") if isinstance(t, dict) else None
            if not isinstance(alert, dict):
                continue
            for key, setting in (("packet", "packet"), ("payload", "payload"),
                                 ("payload-printable", "payload_printable")):
                if yaml_true(alert.get(key, "no")):
                    args += ["--set", f"eve.{setting}=yes"]
    return args


def file_settings(suricata_yaml, work):
    """The case's files output (force-magic, force-hash) and file-store as vigil's [files]."""
    args = []
    for output in suricata_yaml.get("outputs") or []:
        if not isinstance(output, dict):
            continue
        store = output.get("file-store")
        if isinstance(store, dict) and str(store.get("enabled", "no")).lower() in ("yes", "true"):
            args += ["--set", f"files.store_dir={work}/filestore"]
        eve = output.get("eve-log")
        for t in (eve or {}).get("types") or [] if isinstance(eve, dict) else []:
            files = t.get("files") if isinstance(t, dict) else None
            if not isinstance(files, dict):
                continue
            if str(files.get("force-magic", "no")).lower() in ("yes", "true"):
                args += ["--set", "files.magic=yes"]
            hashes = [h for h in files.get("force-hash") or [] if h in ("md5", "sha1", "sha256")]
            if hashes:
                args += ["--set", "files.hashes=" + ",".join(hashes)]
    return args


def remove_runtime_dir(prefix):
    """DPDK leaves its runtime files under /var/run/dpdk/PREFIX; this run's prefix only."""
    shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)


def run_case(case, work):
    """Run vigil on one case. Returns (exit status or a text, alerts, --check refusals text)."""
    prefix = f"vigil-sv-{os.getpid()}"
    common = vigil_common(case, work, prefix)
    rules = [a for p in case.rules_paths for a in ("--rules", p)]
    refusals = ""
    try:
        check = subprocess.run([VIGIL, *common, *rules, "--check"], capture_output=True,
                               text=True, timeout=RUN_TIMEOUT)
        lines = (check.stdout + check.stderr).splitlines()
        refusals = "\n".join(line for line in lines if "(e.g." in line or "not loaded" in line)
        eve = os.path.join(work, "eve.json")
        proc = subprocess.run([VIGIL, *common, *rules, "--pcap", case.pcap,
                               "--out", os.path.join(work, "out.pcap"), "--eve", eve],
                              capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"timed out after {RUN_TIMEOUT} s", [], refusals
    finally:
        remove_runtime_dir(prefix)
    alerts = []
    if os.path.exists(eve):
        with open(eve) as f:
            alerts = [json.loads(line) for line in f if line.strip()]
    status = proc.returncode if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    return status, alerts, refusals


def emitted_fields(alerts):
    fields = set(VIGIL_ALERT_FIELDS)

    def walk(obj, prefix):
        for key, value in obj.items():
            fields.add(prefix + key)
            if isinstance(value, dict):
                walk(value, prefix + key + ".")
            # a list's members are named without their index (see field_base)
            for member in value if isinstance(value, list) else []:
                if isinstance(member, dict):
                    walk(member, prefix + key + ".")
    for a in alerts:
        walk(a, "")
    return fields


def judge(case, status, alerts):
    """Returns a dict: verdict, details (per check), not_comparable, app_layer reasons."""
    emitted = emitted_fields(alerts)
    live = [c for c in case.checks if not c.skipped]
    comparable = [c for c in live if c.not_comparable_reason(emitted) is None]
    not_comparable = [(c, c.not_comparable_reason(emitted)) for c in live if c not in comparable]
    results = []
    for c in comparable:
        holds, got = c.evaluate(alerts)
        results.append((c, holds, got))
    # For information: alert checks that name fields vigil does not write,
    # evaluated without those fields. Never counted.
    relaxed = []
    for c, why in not_comparable:
        if why.startswith("fields vigil does not emit") and c.match.get("event_type") in (None, "alert"):
            holds, got = c.evaluate(alerts, c.relaxed_match(emitted))
            if not holds:
                relaxed.append((c, got))
    app = case.app_layer_reasons(comparable)
    if not comparable:
        verdict = "NOT-COMPARABLE"
    elif status == 0 and all(h for _c, h, _g in results):
        verdict = "MATCH"
    else:
        verdict = "MISMATCH"
    return {"verdict": verdict, "results": results, "not_comparable": not_comparable,
            "skipped": [c for c in case.checks if c.skipped], "app": app, "relaxed": relaxed}


def sid_totals(alerts):
    totals = {}
    for a in alerts:
        sid = a.get("alert", {}).get("signature_id")
        totals[sid] = totals.get(sid, 0) + 1
    return totals


def case_line(case, status, alerts, j):
    parts = [f"{j['verdict']:<14} {case.name}"]
    if j["app"]:
        parts.append(f"app-layer [{'; '.join(sorted(set(j['app'])))}]")
    failing = [(c, g) for c, h, g in j["results"] if not h]
    if failing:
        parts.append("; ".join(f"{c.describe()}: expected {c.expected_text()} got {g}" for c, g in failing))
    elif j["results"]:
        parts.append(f"{len(j['results'])} comparable check(s) hold")
    if status != 0:
        parts.append(f"vigil {status}")
    if j["not_comparable"]:
        parts.append("not comparable: " + "; ".join(
            f"#{c.index} ({why})" for c, why in j["not_comparable"]))
    if j["skipped"]:
        parts.append("skipped (requires exclude Suricata 8): " + ", ".join(f"#{c.index}" for c in j["skipped"]))
    if j["relaxed"]:
        parts.append("ignoring those fields (not counted): " + "; ".join(
            f"sid {c.sid}: expected {c.expected_text()} got {g}" for c, g in j["relaxed"]))
    if j["verdict"] == "NOT-COMPARABLE":
        parts.append(f"vigil alerts by sid {sid_totals(alerts)}")
    if j["verdict"] == "MATCH" and case.engine_differences():
        parts.append("holds although vigil ignores: " + "; ".join(case.engine_differences()))
    return " | ".join(parts)


def mismatch_reasons(case, status, refusals, j):
    reasons = []
    if status != 0:
        reasons.append(f"vigil did not finish: {status}")
    failing_sids = {c.sid for c, h, _g in j["results"] if not h}
    for line in refusals.splitlines():
        if any(f"sid {s}" in line for s in failing_sids if s is not None) or None in failing_sids:
            reasons.append("rule refused by --check: " + line.strip())
    reasons += case.engine_differences()
    for c, holds, got in j["results"]:
        rule = next((r for r in case.rules if r.sid == c.sid), None)
        if not holds and got == 0 and rule is not None and rule.app_layer_reasons():
            reasons.append(f"no alert at all for sid {c.sid}, an application-layer rule "
                           f"({rule.proto}): is its protocol one vigil parses ({VIGIL_APP_PROTOCOLS})?")
    if not j["results"]:
        reasons.append("no check vigil's alerts can answer")
    if not reasons:
        reasons.append("no setting or refused keyword explains it: suspected vigil bug")
    return reasons


def main():
    names = sys.argv[1:]
    dirs = sorted(d for d in glob.glob(os.path.join(CORPUS, "*")) if os.path.isdir(d))
    if names:
        dirs = [d for d in dirs if os.path.basename(d) in names]
    if not dirs or not os.access(VIGIL, os.X_OK):
        print(f"no cases under {CORPUS} or no {VIGIL}")
        return 1
    total, matching, not_comparable, misses = 0, 0, 0, []
    packet_level, packet_matching = 0, 0
    with tempfile.TemporaryDirectory(prefix="vigil-sv-") as top:
        for directory in dirs:
            case = Case(directory)
            if not case.requires_met() or not case.pcap:
                print(f"{'SKIPPED':<14} {case.name} | requires or pcap not met")
                continue
            work = os.path.join(top, case.name)
            os.makedirs(work)
            status, alerts, refusals = run_case(case, work)
            shutil.rmtree(work, ignore_errors=True)
            j = judge(case, status, alerts)
            print(case_line(case, status, alerts, j))
            total += 1
            packet_level += not j["app"]
            if j["verdict"] == "MATCH":
                matching += 1
                packet_matching += not j["app"]
                continue
            not_comparable += j["verdict"] == "NOT-COMPARABLE"
            misses.append((case, mismatch_reasons(case, status, refusals, j)))
    packet_percent = 100.0 * packet_matching / packet_level if packet_level else 0.0
    percent = 100.0 * matching / total if total else 0.0
    print(f"packet-level cases: {packet_level}, matching exactly: {packet_matching} ({packet_percent:.0f}%)")
    print(f"all cases: {total}, matching exactly: {matching} ({percent:.0f}%)")
    print(f"(of the {total - matching} not matching, {not_comparable} have no check vigil's alerts can answer)")
    if misses:
        print("cases that do not match:")
        for case, reasons in misses:
            print(f"  {case.name}: " + "; ".join(reasons))
    return 0 if percent >= TARGET_PERCENT else 1

if __name__ == "__main__":
    sys.exit(main())
