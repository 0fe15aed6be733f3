#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What `make run` shows: vigil inline between two namespaces on the lab
# board, carrying pings (IPv4 and IPv6) and a 4 MB TCP transfer from the
# client to the server, checked end to end by sha256, then a few attacks
# that the signatures of board/lab-demo.rules and the default ruleset
# (rules/default/, on HTTP found by content on port 8080) catch (one is
# reset, as the board runs in ips mode); their EVE alerts are printed
# beside the counters; then the operator's console (vigilctl over mutual
# TLS to vigil's management address, a throw-away operator CA from
# board/lab-pki.sh) shows status, rules and audit. Builds nothing: the
# Makefile builds build/vigil first. The lab steps (namespaces, vigil in the
# background with its own EAL file prefix, bounded waits, the transfer,
# SIGTERM, teardown on EXIT and Ctrl-C) come from board/lab-lib.sh; this
# script adds the friendly printing: headings, vigil's summary and a few
# counters from its JSON. Exits 0 only if every step worked. Must run as
# root from anywhere inside the repo.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly TRANSFER_BYTES=$((4 * 1024 * 1024))
readonly TRANSFER_PORT=5001
readonly ATTACK_PORT=8080
readonly DEMO_RULES=board/lab-demo.rules
readonly EXPECTED_SIDS="9000001 9000002 9000003 9000004"

LAB_PASS_PREFIX="    ok: "
LAB_FAIL_PREFIX="    FAILED: "

say() { printf '\n==> %s\n' "$*"; }

vigil_log_tail()
{
	echo "    --- vigil stderr (last lines) ---"
	tail -n 15 "$LAB_VIGIL_ERR" | sed 's/^/    /'
}

start_vigil()
{
	say "starting vigil on board/lab.conf with $DEMO_RULES and rules/default/"
	lab_start_vigil --rules "$DEMO_RULES" rules/default/*.rules --eve "$LAB_DIR/eve.json"
	echo "    pid $LAB_VIGIL_PID; waiting (at most 90 s: the first start compiles the rules) until it forwards"
	lab_wait_forwarding 90 || {
		vigil_log_tail
		return 1
	}
}

transfer_check()
{
	say "TCP: $((TRANSFER_BYTES / 1024 / 1024)) MB of random data client -> server (nc, port $TRANSFER_PORT)"
	lab_tcp_transfer "$LAB_CLIENT_NS" "$LAB_SERVER_NS" "$LAB_SERVER_V4" "$TRANSFER_PORT" "$TRANSFER_BYTES" || true
	[[ -n $LAB_TRANSFER_SECONDS ]] || return 0
	echo "    sent     $TRANSFER_BYTES bytes, sha256 $LAB_SENT_SHA256"
	echo "    received $LAB_RECEIVED_BYTES bytes, sha256 $LAB_RECEIVED_SHA256"
	awk -v b="$TRANSFER_BYTES" -v s="$LAB_TRANSFER_SECONDS" \
		'BEGIN { printf "    %.2f s, %.1f Mbit/s\n", s, b * 8 / s / 1e6 }'
}

# One short TCP conversation carrying payload from the client to the server.
attack()
{
	local what=$1 payload=$2
	ip netns exec "$LAB_SERVER_NS" timeout 5 nc -l "$LAB_SERVER_V4" "$ATTACK_PORT" >/dev/null 2>&1 &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" "$ATTACK_PORT" || true
	printf '%b' "$payload" | ip netns exec "$LAB_CLIENT_NS" timeout 5 nc -N -w 2 "$LAB_SERVER_V4" \
		"$ATTACK_PORT" >/dev/null 2>&1 || true
	echo "    sent: $what"
}

send_attacks()
{
	say "attacks client -> server (port $ATTACK_PORT) and an oversized ping"
	attack "HTTP request for ../../etc/passwd" 'GET /static/../../etc/passwd HTTP/1.0\r\n\r\n'
	attack "Shellshock in a User-Agent" 'GET / HTTP/1.0\r\nUser-Agent: () { :; }; /bin/id\r\n\r\n'
	attack "a shell command (reset by vigil)" 'exec /bin/sh -i\n'
	ip netns exec "$LAB_CLIENT_NS" ping -q -c 1 -s 1200 -W 2 "$LAB_SERVER_V4" >/dev/null 2>&1 || true
	echo "    sent: ping with 1200 bytes of data"
}

print_alerts()
{
	say "alerts (--eve, EVE JSON lines)"
	"$PY" - "$LAB_DIR/eve.json" "$EXPECTED_SIDS" <<'PYEOF'
import json, sys
path, expected = sys.argv[1], {int(s) for s in sys.argv[2].split()}
try:
    records = [json.loads(l) for l in open(path) if l.strip()]
except OSError:
    records = []
# the EVE file also holds the drop records of what ips mode dropped
alerts = [r for r in records if r.get("event_type") == "alert"]
def end(a, side):
    port = a.get(f"{side}_port")
    return a[f"{side}_ip"] + (f":{port}" if port is not None else "")
for a in alerts:
    al = a["alert"]
    http = a.get("http", {})
    where = f"  [{a.get('app_proto')} {http.get('http_method', '')} {http.get('url', '')}]" if http else ""
    print(f"    {a['timestamp'][11:23]}  {al['action']:7}  sid {al['signature_id']}  "
          f"{end(a, 'src')} -> {end(a, 'dest')}  {al['signature']}{where}")
seen = {a["alert"]["signature_id"] for a in alerts}
blocked = {a["alert"]["signature_id"] for a in alerts if a["alert"]["action"] == "blocked"}
missing = sorted(expected - seen)
if missing or 9000003 not in blocked:
    print(f"    missing alerts: {missing}; sid 9000003 blocked: {9000003 in blocked}")
    sys.exit(1)
PYEOF
}

# The operator's console: vigilctl over mutual TLS from the operator
# namespace to vigil's own management address, with the throw-away
# operator PKI of board/lab-pki.sh (admin certificate OU=admin).
console_demo()
{
	say "operator console: vigilctl from namespace $LAB_OPERATOR_NS to $LAB_MGMT_V4 (mutual TLS)"
	lab_mgmt_up 20 || return 0
	local -a ctl=(ip netns exec "$LAB_OPERATOR_NS" timeout 30 build/vigilctl --host "$LAB_MGMT_V4"
		--name vigil-lab --ca build/lab-pki/ca.crt --cert build/lab-pki/admin.crt
		--key build/lab-pki/admin.key)
	local cmd
	for cmd in "status" "rules show" "mode" "sinks status" "audit tail 3"; do
		echo "    \$ vigilctl $cmd"
		# shellcheck disable=SC2086
		if "${ctl[@]}" $cmd 2>&1 | sed 's/^/      /'; then :; else lab_fail "vigilctl $cmd"; fi
	done
}

# The dashboard and /metrics on the same port: where they are, one scrape
# shown, and how to open the page with the demo's viewer certificate.
dashboard_demo()
{
	local url=https://vigil-lab:8443
	local p12=build/lab-pki/viewer.p12
	openssl pkcs12 -export -in build/lab-pki/viewer.crt -inkey build/lab-pki/viewer.key \
		-out "$p12" -passout pass:vigil 2>/dev/null || true
	say "dashboard and metrics: $url/ and $url/metrics (vigil-lab is $LAB_MGMT_V4, namespace $LAB_OPERATOR_NS)"
	echo "    \$ curl --cert viewer.crt ... $url/metrics (the first lines)"
	local scrape
	if scrape=$(ip netns exec "$LAB_OPERATOR_NS" timeout 10 curl -sS \
		--resolve "vigil-lab:8443:$LAB_MGMT_V4" --cacert build/lab-pki/ca.crt \
		--cert build/lab-pki/viewer.crt --key build/lab-pki/viewer.key "$url/metrics" 2>&1) &&
		grep -q '^vigil_' <<<"$scrape"; then
		grep -m 6 '^vigil_' <<<"$scrape" | sed 's/^/      /'
		echo "      ... ($(grep -c '^vigil_' <<<"$scrape") series)"
	else
		lab_fail "GET /metrics: $(head -c 200 <<<"$scrape")"
	fi
	cat <<HELP
    To open the dashboard, keep the lab up (VIGIL_DEMO_HOLD=600 make run holds it
    600 s before stopping) and, from another shell, start a browser inside the
    operator namespace with the demo's viewer certificate ($p12, password vigil):
      sudo ip netns exec $LAB_OPERATOR_NS chromium --no-sandbox --user-data-dir=/tmp/vigil-browser \\
        --host-resolver-rules="MAP vigil-lab $LAB_MGMT_V4"  $url/
    then import build/lab-pki/ca.crt (Authorities) and $p12 (Your certificates)
    under Settings, Privacy and security, Manage certificates, and pick it when asked.
HELP
	local hold=${VIGIL_DEMO_HOLD:-0}
	if ((hold > 0)); then
		echo "    holding the lab for $hold s (Ctrl-C ends it)"
		local until=$((SECONDS + hold))
		while ((SECONDS < until)) && lab_vigil_running; do sleep 1; done
	fi
}

stop_vigil()
{
	say "stopping vigil (SIGTERM)"
	local rc=0
	lab_stop_vigil 15 || rc=$?
	if ((rc == 0)); then
		lab_pass "vigil exited 0"
	else
		((rc == 137)) || lab_fail "vigil exited with status $rc"
		vigil_log_tail
	fi
	say "vigil's summary"
	sed 's/^/    /' "$LAB_VIGIL_OUT"
}

print_counters()
{
	say "headline counters (--stats-json)"
	if [[ ! -s $LAB_STATS_JSON ]]; then
		lab_fail "vigil wrote no stats JSON"
		return 1
	fi
	"$PY" - "$LAB_STATS_JSON" <<'PYEOF' || lab_fail "stats JSON unreadable"
import json, sys
s = json.load(open(sys.argv[1]))
for p in s["ports"]:
    print(f"    port {p['name']:8} rx {p['rx_packets']:>8} pkts {p['rx_bytes']:>11} B   "
          f"tx {p['tx_packets']:>8} pkts {p['tx_bytes']:>11} B   missed {p['rx_missed']}")
t = s["total"]
print(f"    total     rx {t['rx_packets']} tx {t['tx_packets']}  ipv4 {t['ipv4']} ipv6 {t['ipv6']}  "
      f"tcp {t['tcp']} udp {t['udp']} icmp {t['icmp']} icmpv6 {t['icmpv6']}")
d = t["drops"]
print(f"    malformed {t['malformed']}  drops: malformed {d['malformed']} "
      f"tx_full {d['tx_full']} verdict {d['verdict']}")
PYEOF
}

main()
{
	if [[ $(id -u) -ne 0 ]]; then
		echo "lab-demo.sh: must run as root" >&2
		exit 1
	fi
	if [[ ! -x $LAB_VIGIL ]]; then
		echo "lab-demo.sh: $LAB_VIGIL not built (run make)" >&2
		exit 1
	fi
	lab_init vigil-demo

	say "lab: namespaces vigil-client (10.77.0.1, fd77::1) and vigil-server (10.77.0.2, fd77::2)"
	lab_up
	lab_pass "veth vigil-in <-> cl0, vigil-out <-> sv0"

	if start_vigil; then
		say "ping through vigil"
		lab_ping "$LAB_CLIENT_NS" "IPv4 10.77.0.1 -> 10.77.0.2" -q -c 4 -i 0.2 -W 2 10.77.0.2 || true
		lab_ping "$LAB_CLIENT_NS" "IPv6 fd77::1 -> fd77::2" -6 -q -c 4 -i 0.2 -W 2 fd77::2 || true
		transfer_check
		send_attacks
		console_demo
		dashboard_demo
	fi
	if lab_vigil_running; then
		stop_vigil
		print_counters || true
		print_alerts && lab_pass "every demo attack alerted, the shell command was reset" ||
			lab_fail "expected alerts missing"
	fi

	echo
	if ((lab_failures == 0)); then
		echo "lab demo: everything worked"
		exit 0
	fi
	echo "lab demo: $lab_failures check(s) failed"
	exit 1
}

main "$@"
