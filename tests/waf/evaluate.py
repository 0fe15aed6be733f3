#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Detection and false-positive figures for the sqli/xss detectors and the
# default ruleset (rules/default/) against ../shared/corpus/waf/.
#
#  - libinjection: every sqli-*.txt line must make injection_sqli() fire,
#    every xss-*.txt line injection_xss(); false_positives.txt lines must
#    make neither fire. Lines are URL-decoded first ('+' as space), as the
#    HTTP parser decodes a parameter.
#  - CRS (crs-all-tests.jsonl): each request becomes the buffers
#    dataplane/app/app_http.c fills (http.uri: path percent-decoded twice, query
#    once, '+' kept; http.uri.raw as sent; the body, the cookie and the
#    headers as sent, http.header without Cookie as in Suricata,
#    http.header.raw with it; user agent, referer, host, method); the rules
#    apply their own transforms (url_decode). An attack case counts as
#    detected when any rule of rules/default fires (the sqli;/xss; rules
#    included), a benign case is a false positive when any fires. Per CRS
#    group. CRS "benign" cases listed in crs_benign_attacks.txt (reviewed:
#    attacks of another kind) are reported on their own rows; the
#    false-positive rate is given over all benign cases (raw) and over the
#    others (reviewed, marked *).
#
# Detector level: tests/waf/driver.c, built here with gcc against the rules
# library, runs the rules through rule_parse() and rule_match().
# End to end (--e2e): every CRS request as its own TCP conversation (client
# address = case number) in one pcap, through build/vigil on the offline
# board with rules/default (tests/integration/lib/offline.py); an alert's
# source address names its case. Needs build/vigil with the HTTP parser.
#
# Variants (tests/waf/variants/*.txt, written for vigil after issue 17's
# causes): each payload as a query parameter (the way the issue measured
# held-back lists), a form body, a JSON body, a multipart part and a
# cookie; per class and place, detection (attack classes) or false
# positives (benign.txt). Detector level through the driver, with
# --e2e also through build/vigil.
#
# Usage: tests/waf/evaluate.py [--e2e] [--list-fp] [--list-miss GROUP] [--json FILE]
# (--list-fp lists the false positives over the reviewed benign cases.)
import argparse
import base64
import glob
import json
import os
import subprocess
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "waf")
DRIVER = os.path.join(ROOT, "build", "tests", "waf", "driver")
RULES = sorted(glob.glob(os.path.join(ROOT, "rules", "default", "*.rules")))
# CRS "benign" cases reviewed as attacks of another kind (one per line: id, class, reason).
REVIEWED = os.path.join(ROOT, "tests", "waf", "crs_benign_attacks.txt")

# The CRS groups the default ruleset covers, and their names in the report.
GROUPS = {
    "913": "scanner",
    "921": "protocol attack",
    "930": "LFI",
    "931": "RFI",
    "932": "RCE",
    "933": "PHP",
    "934": "generic",
    "941": "XSS",
    "942": "SQLi",
    "944": "Java",
}


def build_driver():
    """Build the driver from the rules sources (no dataplane, no Hyperscan;
    mbedcrypto for the hash transforms)."""
    srcs = sorted(s for part in ("lang", "keywords", "match", "policy")
                  for s in glob.glob(os.path.join(ROOT, "rules", part, "*.c"))
                  if not os.path.basename(s).startswith("ruleset"))  # the Hyperscan scans
    libs = subprocess.run(["pkg-config", "--libs", "libpcre2-8"], capture_output=True,
                          text=True).stdout.split()
    os.makedirs(os.path.dirname(DRIVER), exist_ok=True)
    cmd = ["gcc", "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-I", ROOT,
           os.path.join(ROOT, "tests", "waf", "driver.c")] + srcs + libs + ["-lmbedcrypto", "-lm", "-o", DRIVER]
    subprocess.run(cmd, check=True)


def url_decode(data: bytes, plus=True) -> bytes:
    if plus:
        data = data.replace(b"+", b" ")
    return urllib.parse.unquote_to_bytes(data)


def vigil_uri(uri: bytes) -> bytes:
    """http.uri as dataplane/app/app_http.c fills it: the path percent-decoded twice
    (libhtp, then the second pass), the query once, '+' kept (Suricata's
    defaults, which ET Open rules rely on)."""
    path, sep, query = uri.partition(b"?")
    path = url_decode(url_decode(path, False), False)
    return path + sep + url_decode(query, False)


# ---------------------------------------------------------------- libinjection

def libinjection_sets():
    sets = {}
    for path in sorted(glob.glob(os.path.join(CORPUS, "libinjection", "*.txt"))):
        name = os.path.basename(path)
        if name.startswith("sqli-"):
            kind = "sqli"
        elif name.startswith("xss-"):
            kind = "xss"
        elif name == "false_positives.txt":
            kind = "benign"
        else:
            continue  # tbd-*: not settled upstream
        lines = []
        with open(path, "rb") as f:
            for raw in f:
                raw = raw.rstrip(b"\r\n")
                if not raw.strip() or raw.startswith(b"#"):
                    continue
                lines.append(url_decode(raw))
        sets.setdefault(kind, []).append((name, lines))
    return sets


def run_detect(inputs):
    text = "".join(x.hex() + "\n" for x in inputs)
    out = subprocess.run([DRIVER, "detect"], input=text, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    return [tuple(int(v) for v in line.split()) for line in out if line]


def evaluate_libinjection(report, args):
    sets = libinjection_sets()
    for kind, files in sets.items():
        inputs = [x for _, lines in files for x in lines]
        res = run_detect(inputs)
        if kind == "benign":
            fp_sqli = [x for x, r in zip(inputs, res) if r[0]]
            fp_xss = [x for x, r in zip(inputs, res) if r[1]]
            fp_any = [x for x, r in zip(inputs, res) if r[0] or r[1]]
            report["libinjection false_positives"] = {
                "benign": len(inputs), "fp": len(fp_any), "fp_sqli": len(fp_sqli),
                "fp_xss": len(fp_xss), "fp_list": [x.decode("latin-1") for x in fp_any]}
            continue
        col = 0 if kind == "sqli" else 1
        hits = sum(1 for r in res if r[col])
        misses = [x for x, r in zip(inputs, res) if not r[col]]
        report[f"libinjection {kind}"] = {"attacks": len(inputs), "detected": hits,
                                           "miss_list": [x.decode("latin-1") for x in misses]}


# ---------------------------------------------------------------- CRS

def request_parts(case):
    """The buffers of one CRS request, as vigil's HTTP parser fills them."""
    method = (case.get("method") or "GET").encode()
    uri = (case.get("uri") or "/").encode("utf-8", "surrogateescape")
    headers = dict(case.get("headers") or {})
    body = case.get("data")
    if case.get("encoded_request"):
        raw = base64.b64decode(case["encoded_request"])
        head, _, body_b = raw.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        method = parts[0]
        uri = parts[1] if len(parts) > 1 else b"/"
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.decode("latin-1")] = v.strip().decode("latin-1")
        body = body_b
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogateescape")
    if isinstance(body, list):
        body = "\r\n".join(body).encode()
    body = body or b""
    bufs = {
        "http.method": method,
        "http.uri.raw": uri,
        "http.uri": vigil_uri(uri),
    }
    if body:
        bufs["http.request_body"] = body
    hdr = b""
    raw = b""
    for k, v in headers.items():
        v = str(v).encode("utf-8", "surrogateescape")
        line = k.encode("latin-1") + b": " + v + b"\r\n"
        raw += line
        lk = k.lower()
        if lk != "cookie":
            hdr += line
        if lk == "cookie":
            bufs["http.cookie"] = v
        elif lk == "user-agent":
            bufs["http.user_agent"] = v
        elif lk == "host":
            bufs["http.host"] = v
        elif lk == "referer":
            bufs["http.referer"] = v
        elif lk == "content-type":
            bufs["http.content_type"] = v
    if hdr:
        bufs["http.header"] = hdr
    if raw:
        bufs["http.header.raw"] = raw
    return bufs


def reviewed_attacks():
    """Case ids of the reviewed list, with their attack class."""
    out = {}
    with open(REVIEWED) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or not all(fields):
                sys.exit(f"{REVIEWED}:{n}:1: want 'id<TAB>class<TAB>reason'")
            out[fields[0]] = fields[1]
    return out


def case_id(case):
    return f'{case["rule_id"]}-{case["test_id"]}'


def tally(g, case, fired, ident, reviewed, detail):
    """Count one CRS case in group g: attack, reviewed benign-marked attack, or benign."""
    if case["expect"] == "attack":
        g["attacks"] += 1
        if fired:
            g["detected"] += 1
        else:
            g["miss_list"].append(detail)
        return
    g["benign"] += 1
    if fired:
        g["fp"] += 1
    if ident in reviewed:
        g["marked_attacks"] += 1
        g["marked_detected"] += 1 if fired else 0
        return
    g["benign_reviewed"] += 1
    if fired:
        g["fp_reviewed"] += 1
        g["fp_list"].append(detail)


def new_group():
    return {"attacks": 0, "detected": 0, "benign": 0, "fp": 0, "benign_reviewed": 0,
            "fp_reviewed": 0, "marked_attacks": 0, "marked_detected": 0,
            "miss_list": [], "fp_list": []}


def crs_cases():
    with open(os.path.join(CORPUS, "crs-all-tests.jsonl")) as f:
        for line in f:
            case = json.loads(line)
            group = case["category"].split("-")[1]
            if group in GROUPS and case["expect"] in ("attack", "benign"):
                yield group, case


def evaluate_crs(report, args):
    cases = list(crs_cases())
    text = []
    for i, (group, case) in enumerate(cases):
        text.append(f"CASE {i}\n")
        for name, value in request_parts(case).items():
            text.append(f"BUF {name} {value.hex()}\n")
        text.append("END\n")
    out = subprocess.run([DRIVER, "rules"] + RULES, input="".join(text), capture_output=True,
                         text=True, check=True)
    if "loaded" in out.stderr:
        report["rules"] = out.stderr.strip().splitlines()[-1]
    refused = [x for x in out.stderr.splitlines() if "sid" in x]
    if refused:
        sys.exit("rules refused:\n" + "\n".join(refused))
    fired = {}
    for line in out.stdout.splitlines():
        i, sids, _s, _x = line.split(" ")
        fired[int(i)] = [] if sids == "-" else sids.split(",")
    reviewed = reviewed_attacks()
    known = {case_id(c) for _, c in cases if c["expect"] == "benign"}
    for ident in reviewed:
        if ident not in known:
            sys.exit(f"{REVIEWED}: {ident} is not a CRS benign case")
    for i, (group, case) in enumerate(cases):
        g = report.setdefault(f"CRS {group} {GROUPS[group]}", new_group())
        ident = case_id(case)
        if case["expect"] == "attack":
            detail = ident + " " + case["uri"][:120] + " " + str(case.get("data") or "")[:120]
        else:
            detail = (ident + " sids " + ",".join(fired[i]) + " " + case["uri"][:120] + " " +
                      str(case.get("data") or "")[:80])
        tally(g, case, fired[i], ident, reviewed, detail)


# ---------------------------------------------------------------- variants

VARIANTS = os.path.join(ROOT, "tests", "waf", "variants")
PLACES = ("query", "form", "json", "multipart", "cookie")


def as_param(payload: str) -> str:
    """A payload as a tool puts it in a parameter: what cannot stand in a
    URI or would split the parameter is percent-encoded; escapes already
    written stay as written (the encoding is the point of those lines)."""
    out = []
    for ch in payload:
        if ch in " #&+?\"" or ord(ch) < 0x21 or ord(ch) > 0x7e:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def variant_case(payload: str, place: str):
    """One request carrying payload as parameter q in place (a CRS-like case)."""
    enc = as_param(payload)
    headers = {"Host": "app.example", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}
    case = {"method": "GET", "uri": "/search?q=" + enc, "headers": headers}
    if place == "form":
        case.update(method="POST", uri="/search", data="q=" + enc)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif place == "json":
        case.update(method="POST", uri="/api/search", data=json.dumps({"q": payload}))
        headers["Content-Type"] = "application/json"
    elif place == "multipart":
        body = ("--b0undary\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n" + payload +
                "\r\n--b0undary--\r\n")
        case.update(method="POST", uri="/upload", data=body)
        headers["Content-Type"] = "multipart/form-data; boundary=b0undary"
    elif place == "cookie":
        case["uri"] = "/search"
        headers["Cookie"] = "q=" + enc
    return case


def variant_sets():
    for path in sorted(glob.glob(os.path.join(VARIANTS, "*.txt"))):
        cls = os.path.basename(path)[:-4]
        with open(path, encoding="utf-8") as f:
            lines = [x.rstrip("\n") for x in f if x.strip() and not x.startswith("#")]
        yield cls, lines


def evaluate_variants(report, args):
    cases = variant_cases()
    text = []
    for i, (_cls, _place, _payload, case) in enumerate(cases):
        text.append(f"CASE {i}\n")
        for name, value in request_parts(case).items():
            text.append(f"BUF {name} {value.hex()}\n")
        text.append("END\n")
    out = subprocess.run([DRIVER, "rules"] + RULES, input="".join(text), capture_output=True,
                         text=True, check=True)
    fired = {}
    for line in out.stdout.splitlines():
        i, sids, _s, _x = line.split(" ")
        fired[int(i)] = [] if sids == "-" else sids.split(",")
    for i, (cls, place, payload, _case) in enumerate(cases):
        g = report.setdefault(f"variants {cls} {place}", new_group())
        if cls == "benign":
            g["benign"] += 1
            g["benign_reviewed"] += 1
            if fired[i]:
                g["fp"] += 1
                g["fp_reviewed"] += 1
                g["fp_list"].append(payload + " sids " + ",".join(fired[i]))
        else:
            g["attacks"] += 1
            if fired[i]:
                g["detected"] += 1
            else:
                g["miss_list"].append(payload)


def raw_request(case):
    """The request bytes as sent (encoded_request when the test gives one)."""
    if case.get("encoded_request"):
        return base64.b64decode(case["encoded_request"])
    method = case.get("method") or "GET"
    uri = case.get("uri") or "/"
    version = case.get("version") or "HTTP/1.1"
    body = case.get("data") or b""
    if isinstance(body, list):
        body = "\r\n".join(body)
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogateescape")
    headers = dict(case.get("headers") or {})
    if body and not any(k.lower() == "content-length" for k in headers):
        headers["Content-Length"] = str(len(body))
    head = f"{method} {uri} {version}\r\n".encode("utf-8", "surrogateescape")
    for k, v in headers.items():
        head += f"{k}: {v}\r\n".encode("utf-8", "surrogateescape")
    return head + b"\r\n" + body


def evaluate_e2e(report, args):
    """All CRS cases as TCP conversations in one pcap, through build/vigil offline."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "lib"))
    import offline  # noqa: E402  (needs scapy; only for this mode)
    cases = list(crs_cases())
    packets = []
    for i, (group, case) in enumerate(cases):
        conv = offline.Conversation(sport=10000 + i % 50000,
                                    client=f"10.{1 + i // 50000}.{(i // 250) % 250}.{1 + i % 250}")
        conv.handshake().send(raw_request(case))
        packets += conv.packets
    rules = "".join(open(r).read() + "\n" for r in RULES)
    status, alerts, _frames, stderr = offline.run(rules, packets)
    if status != 0:
        print(stderr[-2000:], file=sys.stderr)
    fired = {}
    for a in alerts:
        if a.get("event_type") != "alert":
            continue
        ip = a.get("src_ip", "")
        parts = ip.split(".")
        if len(parts) != 4:
            continue
        i = (int(parts[1]) - 1) * 50000 + int(parts[2]) * 250 + int(parts[3]) - 1
        fired.setdefault(i, []).append(str(a["alert"]["signature_id"]))
    reviewed = reviewed_attacks()
    for i, (group, case) in enumerate(cases):
        g = report.setdefault(f"E2E {group} {GROUPS[group]}", new_group())
        ident = case_id(case)
        sids = sorted(set(fired.get(i, [])))
        if case["expect"] == "attack":
            detail = ident + " " + case["uri"][:120] + " " + str(case.get("data") or "")[:120]
        else:
            detail = (ident + " sids " + ",".join(sids) + " " + case["uri"][:120] + " " +
                      str(case.get("data") or "")[:80])
        tally(g, case, sids, ident, reviewed, detail)


def variant_cases():
    cases = []
    for cls, lines in variant_sets():
        for place in PLACES:
            for payload in lines:
                cases.append((cls, place, payload, variant_case(payload, place)))
    return cases


def evaluate_variants_e2e(report, args):
    """The variant requests as TCP conversations through build/vigil offline."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "lib"))
    import offline  # noqa: E402
    cases = variant_cases()
    packets = []
    for i, (_cls, _place, _payload, case) in enumerate(cases):
        conv = offline.Conversation(sport=10000 + i % 50000,
                                    client=f"10.{1 + i // 50000}.{(i // 250) % 250}.{1 + i % 250}")
        conv.handshake().send(raw_request(case))
        packets += conv.packets
    rules = "".join(open(r).read() + "\n" for r in RULES)
    status, alerts, _frames, stderr = offline.run(rules, packets)
    if status != 0:
        print(stderr[-2000:], file=sys.stderr)
    fired = {}
    for a in alerts:
        parts = a.get("src_ip", "").split(".") if a.get("event_type") == "alert" else []
        if len(parts) == 4:
            i = (int(parts[1]) - 1) * 50000 + int(parts[2]) * 250 + int(parts[3]) - 1
            fired.setdefault(i, []).append(str(a["alert"]["signature_id"]))
    for i, (cls, place, payload, _case) in enumerate(cases):
        g = report.setdefault(f"E2E variants {cls} {place}", new_group())
        sids = sorted(set(fired.get(i, [])))
        if cls == "benign":
            g["benign"] += 1
            g["benign_reviewed"] += 1
            g["fp"] += 1 if sids else 0
            g["fp_reviewed"] += 1 if sids else 0
            if sids:
                g["fp_list"].append(payload + " sids " + ",".join(sids))
        else:
            g["attacks"] += 1
            g["detected"] += 1 if sids else 0
            if not sids:
                g["miss_list"].append(payload)


def print_report(report, args):
    """One row per set: detection, then false positives over all benign cases
    (raw) and over those not on the reviewed list; then the reviewed
    benign-marked attacks on their own rows."""
    print(f"{'set':34} {'attacks':>7} {'detected':>8} {'rate':>6} {'benign':>6} {'fp':>4} "
          f"{'fp raw':>7} {'benign*':>7} {'fp*':>4} {'fp* rate':>8}")
    totals = {}

    def pct(n, d, digits):
        return f"{100.0 * n / d:.{digits}f}%" if d else "-"

    def line(name, a, d, b, fp, br, fpr):
        print(f"{name:34} {a:7} {d:8} {pct(d, a, 1):>6} {b:6} {fp:4} {pct(fp, b, 2):>7} "
              f"{br:7} {fpr:4} {pct(fpr, br, 2):>8}")

    marked = []
    for name, r in report.items():
        if not isinstance(r, dict):
            continue
        a, d = r.get("attacks", 0), r.get("detected", 0)
        b, fp = r.get("benign", 0), r.get("fp", 0)
        br, fpr = r.get("benign_reviewed", b), r.get("fp_reviewed", fp)
        # "all": libinjection and CRS at detector level; "E2E+lib": libinjection
        # (detector level, it has no requests) and CRS end to end.
        keys = [name.split(" ")[0]]
        if name.startswith("variants") or name.startswith("E2E variants"):
            keys = [" ".join(name.split(" ")[:2])]  # our own sets: their own total
        elif name.startswith("E2E"):
            keys.append("E2E+lib")
        else:
            keys.append("all")
        if name.startswith("libinjection"):
            keys.append("E2E+lib")
        for key in keys:
            t = totals.setdefault(key, [0, 0, 0, 0, 0, 0])
            for k, v in enumerate((a, d, b, fp, br, fpr)):
                t[k] += v
        line(name, a, d, b, fp, br, fpr)
        if r.get("marked_attacks"):
            marked.append((name, r["marked_attacks"], r["marked_detected"]))
    if "E2E" not in totals:
        totals.pop("E2E+lib", None)
    for key, t in totals.items():
        label = {"E2E+lib": "all, CRS end to end"}.get(key, key)
        line(f"overall {label}", *t)
    print("* benign cases not on tests/waf/crs_benign_attacks.txt (reviewed: attacks of "
          "another class); those cases:")
    for name, n, hit in marked:
        print(f"  {name:32} {n:7} {hit:8} {pct(hit, n, 1):>6}   (benign-marked attacks, "
              "reported apart)")
    if "rules" in report:
        print(report["rules"])
    if args.list_fp:
        for name, r in report.items():
            for x in (r.get("fp_list", []) if isinstance(r, dict) else []):
                print(f"FP {name}: {x!r}")
    if args.list_miss:
        for name, r in report.items():
            if isinstance(r, dict) and args.list_miss in name:
                for x in r.get("miss_list", []):
                    print(f"MISS {name}: {x!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list-fp", action="store_true", help="print every false positive")
    ap.add_argument("--list-miss", metavar="SET", help="print the misses of sets naming SET")
    ap.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--e2e", action="store_true", help="also run end to end through build/vigil")
    args = ap.parse_args()
    if not args.no_build:
        build_driver()
    report = {}
    evaluate_libinjection(report, args)
    evaluate_crs(report, args)
    evaluate_variants(report, args)
    if args.e2e:
        evaluate_e2e(report, args)
        evaluate_variants_e2e(report, args)
    print_report(report, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
