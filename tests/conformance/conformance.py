#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# `make conformance`: vigil against Suricata's own conformance suite, judged
# as suricata-verify's runner judges Suricata. Each case of the corpus
# folder (default ../shared/corpus/suricata-verify-wide/) runs vigil offline
# on its pcap with its rules, its engine settings mapped to board settings
# where vigil has them (tests/integration/suricata_verify.py's mapping: ips
# for --simulate-ips or a name that says ips, -k, --set options, its
# suricata.yaml's address groups, action order, packet-alert-max), and
# every check of its test.yaml is evaluated on every EVE record with all
# its match keys. A case matches when vigil finished and every check
# holds; a check vigil cannot evaluate at all (a shell command, a file
# comparison) counts as not holding, with that reason. Nothing is left out
# as "not comparable": this is the figure the issue measures.
#
# Prints one line per case, then the ratio overall, without the
# http-evader cases, and by family, and the cases that do not match
# grouped by their first reason. --json FILE writes the same as JSON;
# --passing FILE writes the names of the matching cases (the list make
# test replays so a regression fails CI).
#
# CONFORMANCE_KEEP=1 keeps each case's work folder (eve.json, out.pcap)
# under the temporary top folder it prints, for looking at what vigil wrote.
#
# Run (root, repo root, after make):
#   /usr/bin/python3 tests/conformance/conformance.py [--corpus DIR] [--jobs N] [NAME...]
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "lib"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import suricata_verify_case  # noqa: E402
from suricata_verify_case import Case  # noqa: E402
import suricata_verify  # noqa: E402

VIGIL = os.path.join(ROOT, "build", "vigil")
WIDE = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "suricata-verify-wide"))
# Suricata's runner has the classification.config Suricata installs; the
# Emerging Threats one is the same table (classtype, text, priority).
CLASSIFICATION = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "et-open",
                                               "classification.config"))
RUN_TIMEOUT = 120

# Families as the issue counts them: the first pattern that fits the case's
# name (or, for the payload family, its rules) names its family.
FAMILIES = [
    ("http-evader", r"^http[-_]evader"),
    ("http2", r"http2"),
    ("decoder and stream events", r"^(decode|defrag|stream|ipv6|udp|engine)|event"),
    ("app-layer events", r"app-layer-event|applayer"),
    ("flowbits/flowint/vars", r"flowbit|flowint|flowvar|xbits|hostbits|pktvar"),
    ("thresholds", r"threshold|detection[-_]filter|rate[-_]filter|alert[-_]max"),
    ("dns", r"^dns"),
    ("tls", r"^(tls|ssl|ja3|ja4)"),
    ("tcp/stream", r"^(tcp|stream)"),
    ("http and files", r"^(http|file|filename|fileext|filemagic|filestore|mime|uricontent|hashaf)"),
    ("other protocols",
     r"^(smb|dcerpc|ftp|mqtt|enip|nfs|krb5|dnp3|ntp|snmp|sip|smtp|ssh|pgsql|telnet|quic|websocket|ldap|modbus|rdp|rfb|ike)"),
    ("ip", r"^(ip|bug|issue|proto|from|alert|drop|ips|flow|rule|output|eve|util|truncate)"),
    ("payload keywords", r"."),
]


def family(name):
    for fam, pattern in FAMILIES:
        if re.search(pattern, name):
            return fam
    return "payload keywords"


def vigil_args(case, work, prefix):
    args = suricata_verify.vigil_common(case, work, prefix)
    if not os.path.exists(os.path.join(case.directory, "classification.config")):
        args += ["--set", f"rules.classification={CLASSIFICATION}"]
    return args


def run_case(case, work, prefix):
    """vigil on one case. Returns (status: 0 or a text, every EVE record)."""
    common = vigil_args(case, work, prefix)
    rules = [a for p in case.rules_paths for a in ("--rules", p)]
    eve = os.path.join(work, "eve.json")
    try:
        proc = subprocess.run([VIGIL, *common, *rules, "--pcap", case.pcap,
                               "--out", os.path.join(work, "out.pcap"), "--eve", eve],
                              capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"timed out after {RUN_TIMEOUT} s", []
    finally:
        suricata_verify.remove_runtime_dir(prefix)
    records = []
    if os.path.exists(eve):
        with open(eve, errors="replace") as f:
            for line in f:
                try:
                    records.append(json.loads(line))
                except ValueError:
                    pass
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}", records
    return 0, records


def refused_rules(case, work, prefix):
    """What vigil --check says it did not load, one line per reason."""
    common = vigil_args(case, work, prefix)
    rules = [a for p in case.rules_paths for a in ("--rules", p)]
    try:
        check = subprocess.run([VIGIL, *common, *rules, "--check-list"], capture_output=True,
                               text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return []
    finally:
        suricata_verify.remove_runtime_dir(prefix)
    reasons = []
    for line in (check.stdout + check.stderr).splitlines():
        m = re.match(r"^\S+:\d+: sid \d+: (.*?)(?:: not implemented yet)?$", line.strip())
        if m and m.group(1) not in reasons:
            reasons.append(m.group(1))
    return reasons


def field_difference(check, records):
    """For a failing check: when the same records, matched on event type and
    signature alone, give the count wanted, the keys that made the difference."""
    core = {k: v for k, v in check.match.items() if k in ("event_type", "alert.signature_id")}
    if core == check.match:
        return ""
    holds, _got = check.evaluate(records, core)
    if not holds:
        return ""
    chosen = [r for r in records if suricata_verify_case.event_matches(r, core)]
    differing = sorted(k for k, v in check.match.items() if k not in core and not any(
        suricata_verify_case.event_matches(r, {k: v}) for r in chosen))
    return f" (fields {', '.join(differing)})" if differing else ""


def stats_check(wanted, records):
    """A stats check (counter: value, dotted names as in Suricata's stats)
    against the last EVE stats record: "" when every counter holds, else
    what differs."""
    stats = [r.get("stats") for r in records if r.get("event_type") == "stats"]
    if not stats:
        return "no stats record"
    last, wrong = stats[-1], []
    for key, value in (wanted or {}).items():
        node = last
        for part in str(key).split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node != value:
            wrong.append(f"{key} {node} (want {value})")
    return ", ".join(wrong)


def judge(case, status, records):
    """(matches, reasons, alerts_hold): every live check evaluated on every
    record; alerts_hold: vigil finished and the checks on alerts alone hold
    (the narrower figure earlier measurements gave)."""
    reasons = []
    alert_reasons = 0
    if status != 0:
        reasons.append(f"vigil did not finish: {status}")
    live = [c for c in case.checks if not c.skipped]
    if not live:
        reasons.append("no check for Suricata 8")
    for c in live:
        if not c.filter and isinstance(c.config, dict) and "stats" in c.config:
            wrong = stats_check(c.config["stats"], records)
            if wrong:
                reasons.append(f"check #{c.index} (stats counters): {wrong}")
            continue
        if not c.filter:
            kind = next(iter(c.config), "?") if isinstance(c.config, dict) else "?"
            reasons.append(f"check #{c.index}: a {kind} check (not an EVE filter)")
            continue
        holds, got = c.evaluate(records)
        if not holds:
            event_type = c.match.get("event_type", "any")
            reasons.append(f"check #{c.index} ({event_type}): expected {c.expected_text()}, got {got}"
                           + field_difference(c, records))
            alert_reasons += event_type in ("alert", "any")
    return not reasons, reasons, status == 0 and bool(live) and alert_reasons == 0


def first_reason_class(reasons, refusals):
    """The group a failing case is listed under."""
    if refusals:
        return "rule refused: " + refusals[0][:80]
    r = reasons[0]
    if r.startswith("vigil did not finish"):
        return "vigil did not finish"
    m = re.match(r"check #\d+ \((\S+)\): expected (\S+), got (\d+)( \(fields (.*)\))?", r)
    if m:
        event_type, expected, got = m.group(1), m.group(2), m.group(3)
        if m.group(5):
            return f"{event_type} record fields: " + re.sub(r"\.[^,]*", ".*", m.group(5))
        if event_type not in ("alert", "any"):
            return f"{event_type} records"
        if got == "0":
            return "alert missing"
        return "alert count differs"
    return r.split(":")[0]


def run_one(args_tuple):
    directory, top, index = args_tuple
    case = Case(directory)
    if not case.requires_met() or not case.pcap:
        return {"name": case.name, "family": family(case.name), "skipped": True}
    work = os.path.join(top, case.name)
    os.makedirs(work, exist_ok=True)
    prefix = f"vigil-cf-{os.getpid()}-{index}"
    status, records = run_case(case, work, prefix)
    ok, reasons, alerts_hold = judge(case, status, records)
    refusals = [] if ok else refused_rules(case, work, prefix)
    if not os.environ.get("CONFORMANCE_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    return {"name": case.name, "family": family(case.name), "match": ok, "reasons": reasons,
            "alerts_hold": alerts_hold,
            "refused": refusals[:3], "group": None if ok else first_reason_class(reasons, refusals)}


def percent(n, d):
    return 100.0 * n / d if d else 0.0


README_BEGIN = "<!-- conformance-failures:begin -->"
README_END = "<!-- conformance-failures:end -->"


def readme_failures(ran):
    """Markdown list of every case that does not match, grouped by first
    reason, each with the reasons the checks gave (at most three)."""
    groups = {}
    for r in ran:
        if not r["match"]:
            groups.setdefault(r["group"], []).append(r)
    out = []
    for g, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"- **{g}** ({len(rs)}):")
        for r in rs:
            why = "; ".join(r["reasons"][:3]) or "no reason recorded"
            out.append(f"  - `{r['name']}`: {why}".replace("|", "/"))
    return "\n".join(out)


def readme_rewrite(path, ran):
    """Replace the text between README_BEGIN and README_END of path with the
    list above. Returns 0, or 1 when the markers are missing."""
    with open(path) as f:
        text = f.read()
    start, end = text.find(README_BEGIN), text.find(README_END)
    if start < 0 or end < start:
        print(f"{path}: no {README_BEGIN} ... {README_END} markers")
        return 1
    body = readme_failures(ran)
    text = text[:start + len(README_BEGIN)] + "\n" + body + "\n" + text[end:]
    with open(path, "w") as f:
        f.write(text)
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=WIDE)
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--json")
    parser.add_argument("--passing")
    parser.add_argument("--readme", help="rewrite the list of cases that do not match "
                        "between the conformance-failures markers of this file")
    parser.add_argument("names", nargs="*")
    a = parser.parse_args()
    dirs = sorted(d for d in glob.glob(os.path.join(a.corpus, "*")) if os.path.isdir(d))
    if a.names:
        dirs = [d for d in dirs if os.path.basename(d) in a.names]
    if not dirs or not os.access(VIGIL, os.X_OK):
        print(f"no cases under {a.corpus} or no {VIGIL}")
        return 1
    keep = os.environ.get("CONFORMANCE_KEEP")
    with tempfile.TemporaryDirectory(prefix="vigil-cf-") as scratch:
        top = tempfile.mkdtemp(prefix="vigil-cf-kept-") if keep else scratch
        if keep:
            print(f"work folders kept under {top}")
        with ThreadPoolExecutor(max_workers=a.jobs) as pool:
            results = []
            for r in pool.map(run_one, [(d, top, i) for i, d in enumerate(dirs)]):
                results.append(r)
                if r.get("skipped"):
                    print(f"{'SKIPPED':<9} {r['name']} | requires or pcap not met", flush=True)
                    continue
                line = f"{'MATCH' if r['match'] else 'MISMATCH':<9} {r['name']}"
                if not r["match"]:
                    line += " | " + "; ".join(r["reasons"][:4])
                    if r["refused"]:
                        line += " | refused: " + r["refused"][0][:160]
                print(line, flush=True)
    ran = [r for r in results if not r.get("skipped")]
    matched = [r for r in ran if r["match"]]
    others = [r for r in ran if r["family"] != "http-evader"]
    others_matched = [r for r in others if r["match"]]
    print(f"all cases: {len(ran)}, matching: {len(matched)} ({percent(len(matched), len(ran)):.1f}%)")
    print(f"without http-evader: {len(others)}, matching: {len(others_matched)} "
          f"({percent(len(others_matched), len(others)):.1f}%)")
    alert_only = [r for r in ran if r["alerts_hold"]]
    alert_only_others = [r for r in others if r["alerts_hold"]]
    print(f"checks on alerts only: {percent(len(alert_only), len(ran)):.1f}% of all, "
          f"{percent(len(alert_only_others), len(others)):.1f}% without http-evader")
    fams = {}
    for r in ran:
        fams.setdefault(r["family"], []).append(r)
    print("by family:")
    for fam, rs in sorted(fams.items(), key=lambda kv: -len(kv[1])):
        m = sum(1 for r in rs if r["match"])
        m2 = sum(1 for r in rs if r["alerts_hold"])
        print(f"  {fam:<28} {m:>4} of {len(rs):<4} ({percent(m, len(rs)):.0f}%; "
              f"alert checks {percent(m2, len(rs)):.0f}%)")
    groups = {}
    for r in ran:
        if not r["match"]:
            groups.setdefault(r["group"], []).append(r["name"])
    print("cases that do not match, by first reason:")
    for g, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {g} ({len(names)}): {', '.join(names)}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results}, f, indent=1)
    if a.passing:
        with open(a.passing, "w") as f:
            f.write("".join(r["name"] + "\n" for r in matched))
    if a.readme:
        return readme_rewrite(a.readme, ran)
    return 0


if __name__ == "__main__":
    sys.exit(main())
