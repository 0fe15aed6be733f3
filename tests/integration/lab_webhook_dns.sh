#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 15, acceptance 3): sinks reached by host name, a webhook
# that throttles, and syslog records that carry the event. In the operator
# namespace run a DNS server (dnsmasq on 10.78.0.2 port 5300, the board's
# [management] dns) that knows hooks.lab.test and syslog.lab.test, an
# HTTPS webhook receiver on hooks.lab.test:8445 that answers its first two
# POSTs 429 with "Retry-After: 2", and a syslog-over-TLS receiver on
# syslog.lab.test:6515, both with the lab PKI's hooks certificate (the
# sinks check it against the URL's host name: no server name is set).
# Two rules match every echo of a burst of 40: a severity 1 one whose msg
# holds & < > and quotes, and a severity 3 one.
#
# Checks: both names were asked of the DNS server; the webhook (filter:
# alerts of severity 2 at most, 10 per batch, a 2 KB URL with a port) gets
# every severity 1 alert of the burst and no other, in the EVE file's
# order, after two 429s each followed by a wait of at least 2 s; every
# request carried the configured Authorization and X-Vigil-Lab headers,
# the Host header with its port and the whole path; the summary text is
# Slack-escaped; the sink counts 2 throttled, the 40 severity 3 alerts
# left out by its filter, none lost. Syslog (facility local3) gets all 80 alerts, each with
# [vigil@32473 sid action severity] matching its record, MSGID alert, the
# priority from the alert's severity and, as TIMESTAMP, the EVE record's
# own timestamp.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_webhook_dns.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PKI=build/lab-pki
readonly OPERATOR_V4=10.78.0.2
readonly DNS_PORT=5300
readonly BURST=40
readonly TOKEN="Bearer lab-token-3d9f"
# A Power Automate style URL: 2 KB with its scheme, host and port, all of it sent.
WEBHOOK_PATH=/workflows/$(printf 'a%.0s' {1..1900})/triggers/manual/paths/invoke?api-version=1
readonly WEBHOOK_PATH
readonly WEBHOOK_URL=https://hooks.lab.test:8445$WEBHOOK_PATH

start_helpers()
{
	ip netns exec "$LAB_OPERATOR_NS" timeout 120 dnsmasq --no-daemon --conf-file=/dev/null \
		--no-resolv --no-hosts \
		--listen-address="$OPERATOR_V4" --bind-interfaces --port="$DNS_PORT" \
		--address=/hooks.lab.test/"$OPERATOR_V4" --address=/syslog.lab.test/"$OPERATOR_V4" \
		--log-queries --log-facility="$LAB_DIR/dns.log" 2>"$LAB_DIR/dnsmasq.err" &
	LAB_HELPER_PIDS+=("$!")
	# s_server ends a session when its stdin ends: give it one that stays open.
	sleep 120 | ip netns exec "$LAB_OPERATOR_NS" timeout 120 stdbuf -o0 openssl s_server -quiet \
		-accept 6515 -cert "$PKI/hooks.crt" -key "$PKI/hooks.key" \
		>"$LAB_DIR/syslog.out" 2>"$LAB_DIR/syslog.err" &
	LAB_HELPER_PIDS+=("$!")
	ip netns exec "$LAB_OPERATOR_NS" timeout 120 "$PY" tests/integration/lib/webhook_receiver.py \
		"$OPERATOR_V4" 8445 "$PKI/hooks.crt" "$PKI/hooks.key" "$LAB_DIR/webhook.out" \
		--throttle 2 --retry-after 2 --log-header Authorization --log-header X-Vigil-Lab &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_OPERATOR_NS" 6515 && lab_wait_listening "$LAB_OPERATOR_NS" 8445 &&
		wait_udp_listening "$DNS_PORT"
}

# Up to 5 s for a UDP socket on port $1 in the operator namespace.
wait_udp_listening()
{
	local tries=50
	until ip netns exec "$LAB_OPERATOR_NS" ss -Hlun "sport = :$1" | grep -q .; do
		((tries-- > 0)) || return 1
		sleep 0.1
	done
}

count_lines() { grep -c "$1" "$2" 2>/dev/null || true; }
count_webhook() { count_lines '"signature_id": 300000[23],' "$LAB_DIR/webhook.out"; }
count_syslog_frames() { grep -o ' vigil - alert \[vigil@32473 ' "$LAB_DIR/syslog.out" 2>/dev/null | wc -l; }

# wait_for WHAT FUNCTION N: until FUNCTION prints at least N (30 s); reported.
wait_for()
{
	local what=$1 fn=$2 want=$3 tries=300 got
	while got=$($fn) && ((got < want && tries-- > 0)); do sleep 0.1; done
	if ((got == want)); then lab_pass "$what: $got of $want"; else lab_fail "$what: $got, want $want"; fi
}

check_dns()
{
	local name
	for name in hooks.lab.test syslog.lab.test; do
		if grep -qE "query\[A\] $name from 10\.78\.0\.1" "$LAB_DIR/dns.log"; then
			lab_pass "$name asked of the lab's DNS server by vigil"
		else
			lab_fail "no query for $name in the DNS log: $(tail -n 3 "$LAB_DIR/dns.log" 2>/dev/null)"
		fi
	done
}

# The webhook's requests and alerts against the EVE file; one line per finding.
check_webhook()
{
	"$PY" - "$LAB_DIR" "$TOKEN" "$WEBHOOK_PATH" "$BURST" <<'PYEOF'
import json, sys
d, token, path, burst = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
eve = [json.loads(l) for l in open(d + "/eve.json") if '"event_type":"alert"' in l]
want = [e["timestamp"] for e in eve if e["alert"]["signature_id"] == 3000002]
got = [json.loads(l) for l in open(d + "/webhook.out")]
requests = [json.loads(l) for l in open(d + "/webhook.out.requests")]
def report(ok, what):
    print(("ok " if ok else "FAIL ") + what)
report(len(want) == burst, f"EVE file: {len(want)} severity 1 alerts, want {burst}")
report([g["timestamp"] for g in got] == want and all(g["alert"]["signature_id"] == 3000002 for g in got),
       f"webhook: every severity 1 alert ({len(got)}), none of severity 3, in the EVE file's order")
statuses = [r["status"] for r in requests]
report(statuses[:2] == [429, 429] and set(statuses[2:]) == {200},
       f"webhook answers: two 429s, then 200s: {statuses}")
waits = [round(requests[i + 1]["time"] - requests[i]["time"], 2)
         for i in range(len(requests) - 1) if requests[i]["status"] == 429]
report(len(waits) == 2 and min(waits) >= 1.95, f"retries after a 429 waited Retry-After's 2 s: {waits} s")
firsts = [r["first"] for r in requests[:3]]
report(len(set(firsts)) == 1, f"the throttled batch kept at the head for the retries: first alert {firsts}")
report(all(r["headers"]["Authorization"] == token and r["headers"]["X-Vigil-Lab"] == "dns" for r in requests),
       f"every request ({len(requests)}) with Authorization and X-Vigil-Lab")
report(all(r["host"] == "hooks.lab.test:8445" for r in requests), "Host header with the port: " + requests[0]["host"])
report(all(r["path"] == path for r in requests), f"the whole {len(path)}-byte path sent")
text = requests[-1]["text"] or ""
report('dns hook high &amp; &lt;urgent&gt; "quoted"' in text, "summary text Slack-escaped, whole: " + text[:90])
print("done")
PYEOF
}

# Every syslog frame: structured data and PRI from its record, TIMESTAMP the record's own.
check_syslog()
{
	"$PY" - "$LAB_DIR" "$BURST" <<'PYEOF'
import json, re, sys
d, burst = sys.argv[1], int(sys.argv[2])
data = open(d + "/syslog.out", "rb").read()
head = re.compile(rb'<(\d+)>1 (\S+) lab vigil - (\S+) \[vigil@32473 sid="(\d+)" action="([^"]*)" severity="(\d+)"\] ')
at, frames, bad = 0, [], []
while True:
    space = data.find(b" ", at)
    if space < 0 or not data[at:space].isdigit():
        break
    end = space + 1 + int(data[at:space])
    msg = data[space + 1:end]
    at = end
    m = head.match(msg)
    if not m:
        bad.append(msg[:120])
        continue
    frames.append((m, json.loads(msg[m.end():])))
def report(ok, what):
    print(("ok " if ok else "FAIL ") + what)
report(not bad and len(frames) == 2 * burst, f"syslog: {len(frames)} frames with structured data, want {2 * burst}; unreadable: {bad[:1]}")
def rfc5424(ts):  # EVE writes +0000, RFC 5424 wants +00:00
    return re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", ts)
sd_ok = all(int(m[4]) == r["alert"]["signature_id"] and m[5].decode() == r["alert"]["action"]
            and int(m[6]) == r["alert"]["severity"] and m[3] == b"alert" for m, r in frames)
report(sd_ok, "SD sid, action, severity and MSGID match each record")
pri = {1: 19 * 8 + 2, 3: 19 * 8 + 4}
report(all(int(m[1]) == pri[r["alert"]["severity"]] for m, r in frames),
       "PRI: facility local3, severity crit (1) and warning (3)")
report(all(m[2].decode() == rfc5424(r["timestamp"]) for m, r in frames),
       "TIMESTAMP is the record's own: " + (frames[0][0][2].decode() if frames else ""))
eve = sorted((e["alert"]["signature_id"], e["timestamp"]) for e in
             (json.loads(l) for l in open(d + "/eve.json") if '"event_type":"alert"' in l))
report(sorted((r["alert"]["signature_id"], r["timestamp"]) for m, r in frames) == eve,
       "syslog records are the EVE file's, time for time")
print("done")
PYEOF
}

# Findings printed by the checks above, as lab_pass and lab_fail; a check
# that did not get to its end ("done") failed.
report_findings()
{
	local what=$1 line done=false
	while IFS= read -r line; do
		case $line in
		"ok "*) lab_pass "${line#ok }" ;;
		done) done=true ;;
		*) lab_fail "${line#FAIL }" ;;
		esac
	done
	$done || lab_fail "$what: the check ended early (see above)"
}

# The webhook sink's counters from sinks status.
webhook_counters()
{
	lab_ctl admin --json sinks status | "$PY" -c '
import json, sys
for s in json.load(sys.stdin)["sinks"]:
    if s["name"] == "webhook":
        u = s["undelivered"]
        print(s["delivered"], u["queue_full"] + u["failed"], s["queued"], s["throttled"], s["filtered"], s["address"])'
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	command -v dnsmasq >/dev/null || { echo "FAIL: dnsmasq not installed (make deps)"; exit 1; }
	lab_init vigil-it-webhook-dns
	lab_up
	cat >"$LAB_DIR/hook.rules" <<'EOF'
alert icmp any any -> any any (msg:"dns hook high & <urgent> \"quoted\""; itype:8; content:"hook-test"; priority:1; sid:3000002; rev:1;)
alert icmp any any -> any any (msg:"dns hook low"; itype:8; content:"hook-test"; priority:3; sid:3000003; rev:1;)
EOF
	lab_start_vigil --rules "$LAB_DIR/hook.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.cache_dir=" --set "management.dns=$OPERATOR_V4:$DNS_PORT" \
		--set "alerts.syslog=syslog.lab.test:6515" --set "alerts.syslog_ca=$PKI/ca.crt" \
		--set "alerts.syslog_facility=local3" --set "alerts.syslog_events=alert" \
		--set "alerts.webhook=$WEBHOOK_URL" --set "alerts.webhook_ca=$PKI/ca.crt" \
		--set "alerts.webhook_header=Authorization: $TOKEN" \
		--set "alerts.webhook_header=X-Vigil-Lab: dns" \
		--set "alerts.webhook_events=alert" --set "alerts.webhook_min_severity=2" \
		--set "alerts.webhook_batch=10"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	start_helpers || { lab_fail "DNS server or receivers did not start"; cat "$LAB_DIR/dnsmasq.err"; exit 1; }

	local out
	out=$(ip netns exec "$LAB_CLIENT_NS" ping -q -i 0.01 -c "$BURST" -W 2 -p 686f6f6b2d74657374 \
		"$LAB_SERVER_V4" 2>&1 || true)
	grep -qE "^$BURST packets transmitted, $BURST received" <<<"$out" &&
		lab_pass "burst of $BURST echoes, all answered" || lab_fail "burst: $(grep transmitted <<<"$out")"

	wait_for "syslog frames" count_syslog_frames $((2 * BURST))
	wait_for "webhook alerts" count_webhook "$BURST"
	check_dns
	report_findings "webhook" < <(check_webhook)
	report_findings "syslog" < <(check_syslog)

	local delivered undelivered queued throttled filtered address
	read -r delivered undelivered queued throttled filtered address <<<"$(webhook_counters)"
	if ((delivered == BURST && undelivered == 0 && queued == 0 && throttled == 2 && filtered >= BURST)) &&
		[[ $address == "$OPERATOR_V4" ]]; then
		lab_pass "sinks status: webhook at $address, $delivered delivered, 2 throttled, $filtered left out by its filter"
	else
		lab_fail "sinks status: webhook address $address, delivered $delivered, undelivered $undelivered, queued $queued, throttled $throttled, filtered $filtered"
	fi
	lab_finish lab_webhook_dns
}

main "$@"
