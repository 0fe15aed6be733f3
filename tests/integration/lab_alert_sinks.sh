#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: every alert reaches every healthy sink. In the operator
# namespace (the management side) run a syslog-over-TLS receiver
# (openssl s_server on 6514) and an HTTPS webhook receiver (python's
# http.server with ssl on 8444), both with a certificate of the lab CA.
# A burst of 100 alerting echoes crosses vigil: the EVE file, the syslog
# receiver (RFC 5424 with structured data, octet-counted frames) and the
# webhook receiver (batched JSON with a Slack-style "text") each get all
# 100. Then the webhook receiver is stopped and a second burst of 50 is
# sent: syslog and the EVE file still get all of them, forwarding is
# unaffected (every echo answered), and the webhook sink keeps the 50
# queued and retries (console: sinks status), losing none: once the
# receiver is back it gets all 50, after the first 100 and in order.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_alert_sinks.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PKI=build/lab-pki
readonly OPERATOR_V4=10.78.0.2
readonly FIRST=100
readonly SECOND=50
WEBHOOK_PID=""

ctl() { lab_ctl admin "$@"; }

start_webhook_receiver()
{
	ip netns exec "$LAB_OPERATOR_NS" timeout 120 "$PY" tests/integration/lib/webhook_receiver.py \
		"$OPERATOR_V4" 8444 "$PKI/receiver.crt" "$PKI/receiver.key" "$LAB_DIR/webhook.out" &
	WEBHOOK_PID=$!
	LAB_HELPER_PIDS+=("$WEBHOOK_PID")
	lab_wait_listening "$LAB_OPERATOR_NS" 8444
}

start_receivers()
{
	# s_server ends a session when its stdin ends: give it one that stays open.
	sleep 120 | ip netns exec "$LAB_OPERATOR_NS" timeout 120 stdbuf -o0 openssl s_server -quiet \
		-accept 6514 -cert "$PKI/receiver.crt" -key "$PKI/receiver.key" \
		>"$LAB_DIR/syslog.out" 2>"$LAB_DIR/syslog.err" &
	LAB_HELPER_PIDS+=("$!")
	start_webhook_receiver && lab_wait_listening "$LAB_OPERATOR_NS" 6514
}

# burst N: N echoes every 10 ms carrying the pattern the rule looks for.
burst()
{
	local out
	out=$(ip netns exec "$LAB_CLIENT_NS" ping -q -i 0.01 -c "$1" -W 2 -p 73696e6b2d74657374 \
		"$LAB_SERVER_V4" 2>&1 || true)
	if grep -qE "^$1 packets transmitted, $1 received" <<<"$out"; then
		lab_pass "burst of $1 echoes, all answered"
	else
		lab_fail "burst of $1: $(grep transmitted <<<"$out")"
	fi
}

# Syslog frames as RFC 5425 has them ("LEN SP MSG", back to back): how many
# are RFC 5424 messages whose body is an EVE alert of sid 3000001.
count_syslog()
{
	"$PY" - "$LAB_DIR/syslog.out" <<'PYEOF'
import json, re, sys
data = open(sys.argv[1], "rb").read()
at = good = 0
header = re.compile(rb'<\d+>1 \S+ \S+ vigil - alert \[vigil@32473 sid="\d+" action="\w+" severity="\d+"\] ')
while True:
    space = data.find(b" ", at)
    if space < 0 or not data[at:space].isdigit():
        break
    end = space + 1 + int(data[at:space])
    if end > len(data):
        break
    msg = data[space + 1:end]
    m = header.match(msg)
    if m and json.loads(msg[m.end():])["alert"]["signature_id"] == 3000001:
        good += 1
    at = end
print(good)
PYEOF
}
count_webhook() { grep -c '"signature_id": 3000001,' "$LAB_DIR/webhook.out" 2>/dev/null || true; }
eve_timestamps() { grep '"signature_id":3000001,' "$LAB_DIR/eve.json" | "$PY" -c 'import json, sys; [print(json.loads(l)["timestamp"]) for l in sys.stdin]'; }
# The alerts' timestamps, in the order the receiver got them and the EVE file has them.
same_order()
{
	cmp -s <(eve_timestamps) <("$PY" -c 'import json, sys; [print(json.loads(l)["timestamp"]) for l in open(sys.argv[1])]' "$LAB_DIR/webhook.out")
}
count_eve() { grep -c '"signature_id":3000001,' "$LAB_DIR/eve.json" 2>/dev/null || true; }

# wait_for WHAT FUNCTION N: until FUNCTION prints at least N (20 s); reported.
wait_for()
{
	local what=$1 fn=$2 want=$3 tries=200 got
	while got=$($fn) && ((got < want && tries-- > 0)); do sleep 0.1; done
	if ((got == want)); then lab_pass "$what: $got of $want"; else lab_fail "$what: $got, want $want"; fi
}

# The webhook sink's counters from sinks status: delivered and undelivered.
webhook_counters()
{
	ctl --json sinks status | "$PY" -c '
import json, sys
for s in json.load(sys.stdin)["sinks"]:
    if s["name"] == "webhook":
        u = s["undelivered"]
        print(s["delivered"], u["queue_full"] + u["failed"], s["queued"], s["retries"])'
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-sinks
	lab_up
	cat >"$LAB_DIR/sink.rules" <<'EOF'
alert icmp any any -> any any (msg:"sink test echo"; itype:8; content:"sink-test"; classtype:misc-activity; sid:3000001; rev:1;)
EOF
	lab_start_vigil --rules "$LAB_DIR/sink.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.cache_dir=" \
		--set "alerts.syslog=$OPERATOR_V4:6514" --set "alerts.syslog_ca=$PKI/ca.crt" \
		--set "alerts.syslog_server_name=vigil-operator" --set "alerts.syslog_events=alert" \
		--set "alerts.webhook=https://$OPERATOR_V4:8444/hooks/vigil" \
		--set "alerts.webhook_ca=$PKI/ca.crt" --set "alerts.webhook_server_name=vigil-operator"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	start_receivers || { lab_fail "receivers did not start"; exit 1; }

	burst "$FIRST"
	wait_for "EVE file" count_eve "$FIRST"
	wait_for "syslog over TLS" count_syslog "$FIRST"
	wait_for "webhook" count_webhook "$FIRST"
	[[ ! -s $LAB_DIR/webhook.out.bad ]] && lab_pass "every webhook body had text and alerts" ||
		lab_fail "webhook bodies refused: $(head -n 2 "$LAB_DIR/webhook.out.bad")"
	if grep -qE '^[0-9]+ <13[0-9]>1 [0-9T:.+-]+ lab vigil - alert \[vigil@32473 sid="3000001" action="[a-z]+" severity="3"\] \{' "$LAB_DIR/syslog.out"; then
		lab_pass "syslog frames: octet count, RFC 5424 header and structured data, EVE record"
	else
		lab_fail "syslog frames not as RFC 5424/5425: $(head -c 200 "$LAB_DIR/syslog.out")"
	fi

	kill "$WEBHOOK_PID" 2>/dev/null || true
	wait "$WEBHOOK_PID" 2>/dev/null || true
	burst "$SECOND"
	wait_for "EVE file with the webhook receiver down" count_eve $((FIRST + SECOND))
	wait_for "syslog with the webhook receiver down" count_syslog $((FIRST + SECOND))
	local tries=150 counters delivered undelivered queued retries
	while counters=$(webhook_counters) && read -r delivered undelivered queued retries <<<"$counters" &&
		((queued < SECOND || retries < 2)) && ((tries-- > 0)); do
		sleep 0.2
	done
	if ((delivered == FIRST && undelivered == 0 && queued == SECOND && retries >= 2)); then
		lab_pass "webhook sink with its receiver down: $queued kept queued, $retries retries, none lost"
	else
		lab_fail "webhook sink: delivered $delivered (want $FIRST), undelivered $undelivered (want 0), queued $queued (want $SECOND), retries $retries"
	fi
	start_webhook_receiver || lab_fail "webhook receiver did not start again"
	wait_for "webhook once its receiver is back" count_webhook $((FIRST + SECOND))
	same_order && lab_pass "webhook alerts in the EVE file's order" ||
		lab_fail "webhook alerts out of order"
	tries=50
	while counters=$(webhook_counters) && read -r delivered undelivered queued retries <<<"$counters" &&
		((delivered < FIRST + SECOND && tries-- > 0)); do
		sleep 0.2
	done
	((delivered == FIRST + SECOND && undelivered == 0 && queued == 0)) &&
		lab_pass "webhook sink: all $delivered delivered" ||
		lab_fail "webhook sink: delivered $delivered, undelivered $undelivered, queued $queued"
	local text
	text=$(ctl sinks status 2>&1 || true)
	grep -q "^syslog .*connected, $((FIRST + SECOND)) offered, $((FIRST + SECOND)) delivered" <<<"$text" &&
		lab_pass "sinks status: syslog all delivered" || lab_fail "sinks status: $text"

	lab_finish lab_alert_sinks
}

main "$@"
