#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: rule updates (rules load + rules commit through the console)
# while traffic crosses vigil lose no packet. First five updates in a row
# under a steady ping (every 5 ms, 1,600 echoes) from the client to the
# server: every echo answered. Then five more, each with a 16 MB TCP
# transfer in flight when the commit swaps the ruleset: each checked by
# sha256. Afterwards: every echo answered, the transfer
# intact, and vigil's own counters agree with both sides: what each data
# port received the other transmitted, no drop of any reason. The two rule
# files alternate, and each must be live after its commit (its alert seen).
#
# Run alone (root, repo root, after make): bash tests/integration/lab_reload_under_traffic.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PKI=build/lab-pki
readonly RELOADS=5
readonly PINGS=1600
readonly TRANSFER_MB=16

ctl() { lab_ctl admin "$@"; }

write_rules()
{
	local n
	for n in 1 2; do
		cat >"$LAB_DIR/v$n/site.rules" <<EOF
alert icmp any any -> any any (msg:"echo under ruleset $n"; itype:8; content:"vigil-reload"; sid:200000$n; rev:1;)
alert tcp any any -> any 7100 (msg:"tcp under ruleset $n"; flow:established; content:"zzzz"; sid:210000$n; rev:1;)
EOF
	done
}

# reload N [DELAY]: upload the other rules file, wait DELAY seconds, commit.
reload()
{
	local i=$1 delay=${2:-} file=$LAB_DIR/v$((${1} % 2 + 1))/site.rules
	if ! ctl rules load "@$file" >/dev/null; then
		lab_fail "reload $i: load refused"
		return 1
	fi
	[[ -n $delay ]] && sleep "$delay"
	if ctl rules commit >"$LAB_DIR/commit.out"; then
		lab_pass "reload $i: $(cat "$LAB_DIR/commit.out")"
		return 0
	fi
	lab_fail "reload $i: commit refused"
	return 1
}

check_stats()
{
	"$PY" - "$LAB_STATS_JSON" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
ports = {p["name"]: p for p in s["ports"]}
t = s["total"]
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
i, o = ports["inside"], ports["outside"]
expect(f"inside rx {i['rx_packets']} == outside tx {o['tx_packets']}", i["rx_packets"] == o["tx_packets"])
expect(f"outside rx {o['rx_packets']} == inside tx {i['tx_packets']}", o["rx_packets"] == i["tx_packets"])
drops = t["drops"]
expect(f"no drop of any reason: {drops} {t.get('normalized_by_reason', {})}", all(v == 0 for v in drops.values()))
expect(f"no packet missed by the ports", all(p["rx_missed"] == 0 for p in (i, o)))
sys.exit(1 if bad else 0)
PYEOF
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-reload
	mkdir -p "$LAB_DIR/v1" "$LAB_DIR/v2"
	write_rules
	lab_up
	lab_start_vigil --rules "$LAB_DIR/v1/site.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.cache_dir="
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	# vigil-reload in every echo, so each ruleset's ICMP rule sees them all.
	ip netns exec "$LAB_CLIENT_NS" ping -q -i 0.005 -c "$PINGS" -W 2 -p 766967696c2d72656c6f6164 \
		"$LAB_SERVER_V4" >"$LAB_DIR/ping.out" 2>&1 &
	local pinger=$!
	LAB_HELPER_PIDS+=("$pinger")
	# Phase 1: the steady ping alone (a saturating transfer beside it would
	# fill the lab's af_packet rings on two shared cores, before vigil).
	local i rc transfer
	for ((i = 1; i <= RELOADS; i++)); do
		sleep 0.8
		reload "$i" "" || true
	done
	wait "$pinger" || true
	lab_forget_helper "$pinger"
	local summary
	summary=$(grep -E "packets transmitted" "$LAB_DIR/ping.out" || true)
	if grep -qE "^$PINGS packets transmitted, $PINGS received" <<<"$summary"; then
		lab_pass "ping every 5 ms through $RELOADS reloads: $summary"
	else
		lab_fail "ping through the reloads: ${summary:-no summary}"
	fi
	# Phase 2: a TCP transfer in flight while each commit swaps the ruleset.
	for ((i = RELOADS + 1; i <= 2 * RELOADS; i++)); do
		lab_tcp_transfer "$LAB_CLIENT_NS" "$LAB_SERVER_NS" "$LAB_SERVER_V4" $((7100 + i)) \
			$((TRANSFER_MB * 1024 * 1024)) >"$LAB_DIR/transfer.out" 2>&1 &
		transfer=$!
		reload "$i" 0.05 || true
		rc=0
		wait "$transfer" || rc=$?
		if ((rc == 0)); then
			lab_pass "reload $i: $TRANSFER_MB MB TCP transfer across the commit, sha256 identical"
		else
			lab_fail "reload $i: TCP transfer across the commit: $(cat "$LAB_DIR/transfer.out")"
		fi
	done

	rc=0
	lab_stop_vigil 15 || rc=$?
	((rc != 137)) || exit 1
	((rc == 0)) && lab_pass "vigil exited 0 on SIGTERM" || lab_fail "vigil exited with status $rc"
	check_stats || lab_failures=$((lab_failures + 1))
	# Both rulesets were live in turn: each one's echo rule alerted.
	local n1 n2
	n1=$(grep -c '"signature_id":2000001,' "$LAB_DIR/eve.json" || true)
	n2=$(grep -c '"signature_id":2000002,' "$LAB_DIR/eve.json" || true)
	if ((n1 > 0 && n2 > 0)); then
		lab_pass "both rulesets alerted in turn (sid 2000001: $n1, sid 2000002: $n2)"
	else
		lab_fail "rulesets did not alternate (sid 2000001: $n1, sid 2000002: $n2)"
	fi
	if ((lab_failures)); then
		tail -n 20 "$LAB_VIGIL_ERR"
		echo "lab_reload_under_traffic: $lab_failures failure(s)"
		exit 1
	fi
	echo "lab_reload_under_traffic: passed"
}

main "$@"
