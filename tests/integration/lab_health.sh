#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: health that tells the truth (issue 13). The lab board's inside
# port gets the appliance's own address (10.77.0.254) and vigil runs two
# workers, with the TCP health check on port 80 and the HTTP one on 8080.
# From the client namespace, as a load balancer would probe (6 TCP and 6
# HTTP probers side by side, each probing again 20 ms after its last
# answer, each connection from a new source port:
# tests/integration/lib/health_probe.py):
#
#  1. healthy: every TCP probe connects, every HTTP probe gets 200;
#  2. `debug stall-worker 1 3000` (a test aid: [health] test_hooks = yes)
#     stalls worker 1 for real: within 1 s of the stall's start (vigil's
#     own CLOCK_MONOTONIC time of the request, which the probes share) and
#     until its end, no TCP probe connects (refused: the port is closed)
#     and no HTTP probe gets 200 (503 "unhealthy: worker_stalled"; those
#     that RSS gives to the stalled worker get no answer at all); the
#     first 503 and the first refusal come within 1 s too, and their
#     milliseconds are printed;
#  3. once the worker moves again, healthy within 1 s, and it stays;
#  4. status counts the stall and the answers; vigil logged the stall and
#     the recovery;
#  5. 20 slow clients holding the HTTP port with half a request keep
#     neither the checks (200 at once, the oldest shed) nor the console
#     (vigilctl status) from answering;
#  6. SIGTERM: from 50 ms after it on, every probe fails; vigil exits 0
#     and its --stats-json says "stopping" with the stall counted.
#
# With fewer than 3 CPUs, the two workers share CPU 1 ([eal] extra
# --lcores), which a 500 ms stall threshold does not notice.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_health.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly OWN_V4=10.77.0.254
readonly TCP_PORT=80
readonly HTTP_PORT=8080
readonly STALL_MS=500
readonly STALL_FOR_MS=3000
readonly PROBE=tests/integration/lib/health_probe.py
readonly PY=/usr/bin/python3

# health_probe.py in the client namespace.
probe() { ip netns exec "$LAB_CLIENT_NS" "$PY" "$PROBE" "$1" "$OWN_V4" "$TCP_PORT" "$HTTP_PORT" "${@:2}"; }

# The probe's "pass TEXT" / "fail TEXT" lines, reported; every probe goes to $1.
report_probe()
{
	local log=$1 verdict text
	shift
	while read -r verdict text; do
		if [[ $verdict == pass ]]; then lab_pass "$text"; else lab_fail "$text"; fi
	done < <(probe "$@" 2>"$log")
}

# The client keeps the appliance's MAC: an ARP request that RSS gives to
# the stalled worker would otherwise go unanswered and cut every probe.
pin_neighbour()
{
	local mac
	mac=$(ip -n "$LAB_CLIENT_NS" neigh show "$OWN_V4" dev cl0 | grep -oE 'lladdr [0-9a-f:]+' | cut -d' ' -f2) || true
	if [[ -n $mac ]]; then
		ip -n "$LAB_CLIENT_NS" neigh replace "$OWN_V4" lladdr "$mac" dev cl0 nud permanent
	else
		lab_fail "no neighbour entry for $OWN_V4 in the client namespace"
	fi
}

# lab_ctl's command line, for the probe to run at the moment it chooses.
ctl_command()
{
	printf '%s\n' ip netns exec "$LAB_OPERATOR_NS" timeout 20 build/vigilctl --host "$LAB_MGMT_V4" \
		--name vigil-lab --ca build/lab-pki/ca.crt --cert build/lab-pki/admin.crt \
		--key build/lab-pki/admin.key --json "$@"
}

check_status()
{
	local status
	status=$(lab_ctl admin --json status 2>&1) || true
	if "$PY" -c '
import json, sys
h = json.loads(sys.stdin.read())["health"]
c = h["checks"]
ok = (h["state"] == "healthy" and h["workers"][1]["stalls"] == 1 and h["workers"][0]["stalls"] == 0
      and h["failing"] == 1 and c["http_503"] > 0 and c["http_200"] > 0
      and c["tcp_accepted"] > 0 and c["tcp_port_closed"] == 1)
print("state %s, worker 1: %d stall(s), longest %d ms; checks %s" % (h["state"],
      h["workers"][1]["stalls"], h["workers"][1]["longest_stall_ms"], c))
sys.exit(0 if ok else 1)' <<<"$status" >"$LAB_DIR/status.txt" 2>&1; then
		lab_pass "status: $(cat "$LAB_DIR/status.txt")"
	else
		lab_fail "status: $(cat "$LAB_DIR/status.txt")"
	fi
	if lab_wait_log 'health: worker 1 stalled: no progress for 500 ms' &&
		lab_wait_log 'health: worker 1 moving again after [0-9]+ ms'; then
		lab_pass "vigil logged the stall and the recovery: $(grep -E 'worker 1 moving again' "$LAB_VIGIL_ERR")"
	else
		lab_fail "vigil's log has no stall and recovery of worker 1"
	fi
}

check_exit()
{
	local rc=0
	lab_wait_gone "$LAB_VIGIL_PID" 15 || kill -KILL "$LAB_VIGIL_PID" 2>/dev/null || true
	wait "$LAB_VIGIL_PID" || rc=$?
	LAB_VIGIL_PID=""
	if ((rc == 0)); then
		lab_pass "vigil exited 0 on SIGTERM"
	else
		lab_fail "vigil exited with status $rc"
	fi
	if "$PY" -c '
import json, sys
h = json.load(open(sys.argv[1]))["health"]
sys.exit(0 if h["state"] == "stopping" and h["workers"][1]["stalls"] == 1 else 1)' "$LAB_STATS_JSON" 2>/dev/null; then
		lab_pass "--stats-json: health stopping, the stall of worker 1 counted"
	else
		lab_fail "--stats-json health: $(grep -oE '"health":.*' "$LAB_STATS_JSON" 2>/dev/null | head -c 400)"
	fi
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-health
	lab_up
	local -a lcores=()
	if (($(nproc) < 3)); then
		lcores=(--set "eal.extra=--lcores=0@0,1@1,2@1")
	fi
	lab_start_vigil --set lcores.workers=1-2 "${lcores[@]}" \
		--set "port inside.ipv4=$OWN_V4/24" --set "health.tcp_port=$TCP_PORT" \
		--set "health.http_port=$HTTP_PORT" --set "health.stall_ms=$STALL_MS" \
		--set health.test_hooks=yes \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.store_dir=$LAB_DIR/store"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	if probe wait 10; then
		lab_pass "health checks answered: TCP $OWN_V4:$TCP_PORT connects, HTTP $OWN_V4:$HTTP_PORT gives 200"
	else
		lab_fail "no healthy answer on $OWN_V4 within 10 s"
		lab_finish lab_health
	fi
	pin_neighbour

	local -a ctl
	mapfile -t ctl < <(ctl_command debug stall-worker 1 "$STALL_FOR_MS")
	echo "-- worker 1 stalled for $STALL_FOR_MS ms"
	report_probe "$LAB_DIR/stall-probes.txt" stall "$STALL_FOR_MS" "${ctl[@]}"
	check_status

	echo "-- slow clients"
	mapfile -t ctl < <(ctl_command status)
	report_probe "$LAB_DIR/hold.txt" hold 20 "${ctl[@]}"

	echo "-- SIGTERM"
	report_probe "$LAB_DIR/sigterm-probes.txt" sigterm "$LAB_VIGIL_PID"
	check_exit
	if ((lab_failures)); then
		echo "--- the failed probes around the stall (start ms, kind, result)"
		{ grep -vE ' (tcp ok|http 200)( |$)' "$LAB_DIR/stall-probes.txt" || true; } | head -n 100 || true
	fi
	lab_finish lab_health
}

main "$@"
