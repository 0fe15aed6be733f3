#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the dashboard and /metrics on the console's mutual-TLS port
# (the lab board), while traffic and the demo attacks cross vigil.
#   - without a client certificate the port answers nothing (curl refused);
#   - /metrics parses with Prometheus's own OpenMetrics parser and every
#     counter of `vigilctl stats --json`, taken between two scrapes, lies
#     between the two scrapes' values (same numbers, same moment);
#   - the API the page reads: /api/history has non-zero packet rates and
#     the demo's top signature, /api/rules and /api/status answer; unknown
#     paths are 404; every answer has the strict Content-Security-Policy;
#   - headless Chromium, its viewer certificate picked by policy from an
#     NSS database, renders the page: rates and the top signature are in
#     the rendered DOM; the screenshot is kept as
#     build/test-logs/lab_dashboard.png;
#   - dashboard reads are not written to the audit log one by one.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_dashboard.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PKI=build/lab-pki
readonly ATTACK_PORT=8080
readonly URL=https://vigil-lab:8443
readonly SHOT=build/test-logs/lab_dashboard.png
POLICY_FILE=""

# curl_as ROLE PATH [ARGS...]: an HTTPS GET on the console port from the
# operator namespace with ROLE's certificate ("none": without one).
curl_as()
{
	local role=$1 path=$2
	shift 2
	local -a cert=()
	[[ $role == none ]] || cert=(--cert "$PKI/$role.crt" --key "$PKI/$role.key")
	ip netns exec "$LAB_OPERATOR_NS" timeout 20 curl -sS --max-time 15 \
		--resolve "vigil-lab:8443:$LAB_MGMT_V4" --cacert "$PKI/ca.crt" "${cert[@]}" \
		"$@" "$URL$path"
}

attack()
{
	ip netns exec "$LAB_SERVER_NS" timeout 5 nc -l "$LAB_SERVER_V4" "$ATTACK_PORT" >/dev/null 2>&1 &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" "$ATTACK_PORT" || true
	printf '%b' "$1" | ip netns exec "$LAB_CLIENT_NS" timeout 5 nc -N -w 2 "$LAB_SERVER_V4" \
		"$ATTACK_PORT" >/dev/null 2>&1 || true
}

# Traffic: the traversal attack three times (the top signature), Shellshock
# once, pings for packet rates.
traffic()
{
	local i
	for i in 1 2 3; do attack 'GET /static/../../etc/passwd HTTP/1.0\r\n\r\n'; done
	attack 'GET / HTTP/1.0\r\nUser-Agent: () { :; }; /bin/id\r\n\r\n'
	ip netns exec "$LAB_CLIENT_NS" ping -q -c 20 -i 0.05 -W 1 "$LAB_SERVER_V4" >/dev/null 2>&1 || true
}

check_refused_without_certificate()
{
	local out rc=0
	out=$(curl_as none /metrics 2>&1) || rc=$?
	if ((rc != 0)) && ! grep -q vigil_ <<<"$out"; then
		lab_pass "no client certificate: refused (curl exit $rc)"
	else
		lab_fail "no client certificate: answered: $(head -c 200 <<<"$out")"
	fi
}

check_metrics()
{
	local m1=$LAB_DIR/m1.txt m2=$LAB_DIR/m2.txt stats=$LAB_DIR/stats.json
	curl_as viewer /metrics -D "$LAB_DIR/metrics.head" -o "$m1" || true
	lab_ctl viewer --json stats >"$stats" 2>&1 || true
	curl_as viewer /metrics -o "$m2" || true
	"$PY" - "$m1" "$stats" "$m2" "$LAB_DIR/metrics.head" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse

m1_path, stats_path, m2_path, head_path = sys.argv[1:5]
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)

def samples(path):
    out = {}
    for fam in parse(open(path).read()):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out

try:
    m1, m2 = samples(m1_path), samples(m2_path)
    expect(f"/metrics parses as OpenMetrics ({len(m1)} series)", len(m1) > 100)
except Exception as e:  # the parser's refusal is the finding
    expect(f"/metrics parses as OpenMetrics: {e}", False)
    sys.exit(1)
head = open(head_path).read().lower()
expect("content type is OpenMetrics", "application/openmetrics-text" in head)
stats = json.load(open(stats_path))
st = stats["stats"]

checked = 0
def same(name, labels, value):
    global checked
    key = (name, tuple(sorted(labels.items())))
    if key not in m1 or key not in m2:
        expect(f"{name}{labels} present", False)
        return
    checked += 1
    if name.endswith("_total") and not (m1[key] <= value <= m2[key]):
        expect(f"{name}{labels}: stats {value} outside the scrapes {m1[key]}..{m2[key]}", False)

for p in st["ports"]:
    for k, v in p.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            same(f"vigil_port_{k}_total", {"port": p["name"], "role": p["role"]}, v)
for w in st["lcores"]:
    ids = {"lcore": str(w["lcore"]), "worker": str(w["worker"])}
    for k, v in w.items():
        if k in ("lcore", "worker"):
            continue
        if isinstance(v, dict):
            for r, n in v.items():
                if k == "flows":
                    gauge = "active" in r
                    same(f"vigil_worker_flows_{r}" + ("" if gauge else "_total"), ids, n)
                else:
                    same(f"vigil_worker_{k}_total", dict(ids, reason=r), n)
        elif isinstance(v, (int, float)):
            same(f"vigil_worker_{k}_total", ids, v)
for h in stats.get("rule_hits", []):
    same("vigil_rule_hits_total", {"gid": str(h["gid"]), "sid": str(h["sid"])}, h["hits"])
expect(f"{checked} counters of stats --json equal /metrics (between two scrapes)", checked > 80 and not bad)
alerts = sum(v for (n, l), v in m2.items() if n == "vigil_worker_alerts_total")
expect(f"alerts counted in /metrics: {alerts:.0f}", alerts >= 4)
sys.exit(1 if bad else 0)
PYEOF
}

# wait_history: until /api/history shows packets and the demo's top
# signature (the history samples every 10 s; its last point is live).
wait_history()
{
	local deadline=$((SECONDS + 30))
	while ((SECONDS < deadline)); do
		curl_as viewer /api/history -o "$LAB_DIR/history.json" 2>/dev/null || true
		if "$PY" - "$LAB_DIR/history.json" <<'PYEOF'; then return 0; fi
import json, sys
try:
    h = json.load(open(sys.argv[1]))["history"]
except Exception:
    sys.exit(1)
rates = [p["rx_pps"] for pt in h["points"] for p in pt["ports"].values()]
top = h.get("top_signatures") or [{}]
sys.exit(0 if rates and max(rates) > 0 and top[0].get("sid") == 9000001 else 1)
PYEOF
		sleep 0.5
	done
	return 1
}

check_api()
{
	if wait_history; then
		lab_pass "/api/history: packet rates > 0, top signature sid 9000001"
	else
		lab_fail "/api/history: no rates or top signature: $(head -c 400 "$LAB_DIR/history.json")"
	fi
	local out
	out=$(curl_as viewer /api/rules 2>&1) || true
	grep -q '"versions":\[{"version":1' <<<"$out" && lab_pass "/api/rules: version 1" ||
		lab_fail "/api/rules: $(head -c 200 <<<"$out")"
	out=$(curl_as viewer /nothing-here -o /dev/null -w '%{http_code}' 2>&1) || true
	[[ $out == 404 ]] && lab_pass "unknown path: 404" || lab_fail "unknown path: $out"
	out=$(curl_as viewer / -D - -o "$LAB_DIR/index.html" 2>&1) || true
	if grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" <<<"$out" &&
		grep -q '<script src="/dashboard.js"' "$LAB_DIR/index.html"; then
		lab_pass "/: the page, with a strict Content-Security-Policy"
	else
		lab_fail "/: $(head -c 300 <<<"$out")"
	fi
	out=$(curl_as viewer /metrics -X POST -o /dev/null -w '%{http_code}' 2>&1) || true
	[[ $out == 405 ]] && lab_pass "POST: 405" || lab_fail "POST answered $out"
}

# Chromium with its own NSS database (HOME) holding the lab CA and the
# viewer's certificate, which a policy picks for the console's address.
check_browser()
{
	local home=$LAB_DIR/home db
	db=sql:$home/.pki/nssdb
	mkdir -p "$home/.pki/nssdb"
	certutil -N -d "$db" --empty-password
	certutil -A -d "$db" -n vigil-lab-ca -t "C,," -i "$PKI/ca.crt"
	openssl pkcs12 -export -in "$PKI/viewer.crt" -inkey "$PKI/viewer.key" \
		-out "$LAB_DIR/viewer.p12" -passout pass:
	pk12util -i "$LAB_DIR/viewer.p12" -d "$db" -W '' >/dev/null
	POLICY_FILE=/etc/chromium/policies/managed/vigil-lab-dashboard-$$.json
	mkdir -p "$(dirname "$POLICY_FILE")"
	printf '{"AutoSelectCertificateForUrls": ["{\\"pattern\\":\\"%s\\",\\"filter\\":{}}"]}\n' \
		"$URL" >"$POLICY_FILE"
	local -a chrome=(ip netns exec "$LAB_OPERATOR_NS" env HOME="$home" timeout 90 chromium
		--headless=new --no-sandbox --disable-gpu --no-first-run --disable-dev-shm-usage
		--user-data-dir="$home/profile" --host-resolver-rules="MAP vigil-lab $LAB_MGMT_V4"
		--window-size=1400,1500 --virtual-time-budget=8000)
	"${chrome[@]}" --dump-dom "$URL/" >"$LAB_DIR/dom.html" 2>"$LAB_DIR/chromium.err" || true
	"${chrome[@]}" --screenshot="$PWD/$SHOT" "$URL/" >/dev/null 2>>"$LAB_DIR/chromium.err" || true
	if grep -q 'vigil demo: path traversal to /etc/passwd' "$LAB_DIR/dom.html" &&
		grep -qE 'inside rx now [0-9.kMG]+ peak [0-9.]*[1-9]' "$LAB_DIR/dom.html"; then
		lab_pass "Chromium renders the page: non-zero packet rate, top signature 9000001"
	else
		lab_fail "Chromium's page lacks rates or the top signature:"
		grep -oE 'legend-pps.{0,300}|updated.{0,120}' "$LAB_DIR/dom.html" | head -n 4 | sed 's/^/    /'
		tail -n 5 "$LAB_DIR/chromium.err" | sed 's/^/    /'
	fi
	[[ -s $SHOT ]] && lab_pass "screenshot kept: $SHOT" || lab_fail "no screenshot"
}

check_audit_quiet()
{
	local n
	n=$(grep -c '"stats"' "$LAB_DIR/audit.log" 2>/dev/null || true)
	# The two vigilctl stats calls above are audited; the page's reads are not.
	((n <= 2)) && lab_pass "dashboard reads not in the audit log ($n stats records)" ||
		lab_fail "$n stats records in the audit log"
}

cleanup_policy() { [[ -z $POLICY_FILE ]] || rm -f "$POLICY_FILE"; }

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	command -v chromium >/dev/null && command -v certutil >/dev/null ||
		{ echo "FAIL: chromium and libnss3-tools are needed (make deps)"; exit 1; }
	lab_init vigil-it-dashboard
	trap 'cleanup_policy; lab_cleanup' EXIT
	lab_up
	lab_start_vigil --rules board/lab-demo.rules --eve "$LAB_DIR/eve.json" \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.cache_dir="
	lab_wait_forwarding 30 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	mkdir -p build/test-logs
	traffic
	check_refused_without_certificate
	check_api
	check_metrics
	check_browser
	check_audit_quiet
	lab_finish lab_dashboard
}

main "$@"
