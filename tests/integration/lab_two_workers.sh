#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: two workers, and the flows of one connection never split
# between them (issue 14, acceptance 3). vigil runs the lab board with two
# worker lcores (the af_packet ports get a queue pair each, which the
# kernel's symmetric PACKET_FANOUT_HASH fills: platform/rss.c), an empty
# ruleset (so every packet goes through a worker's flow table) and
# [dataplane] flow_dump, which writes every flow each worker saw at
# shut-down. Through it, 1,000 TCP connections from the client namespace
# to an echo server in the server namespace, 20 at a time, each sending
# 16 KB and reading them back reversed
# (tests/integration/lib/many_connections.py). Then, per connection:
#
#  1. the transfer is intact (every byte back, in order, reversed);
#  2. its flow is in the dump of exactly one worker, and that worker saw
#     packets of both directions (a packet the other worker had handled
#     would have made a flow there: every TCP packet takes a flow lookup);
#  3. per worker, the TCP packets it counted ("tcp" in --stats-json's
#     lcores[]) are exactly the packets of the TCP flows in its dump, so
#     no packet escaped the per-flow check;
#  4. both workers got connections (the split is printed), no flow table
#     was full, no record lost, nothing malformed, vigil exits 0.
#
# With fewer than 3 CPUs, the two workers share CPU 1 ([eal] extra
# --lcores), as in lab_health.sh.
#
# Run alone (root, repo root, after make), one lab test at a time:
#   flock /tmp/vigil-lab.lock bash tests/run.sh lab_two_workers
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly HELPER=tests/integration/lib/many_connections.py
readonly PORT=5201
readonly CONNECTIONS=1000
readonly BYTES=16384
readonly PARALLEL=20
readonly CLIENT_SECONDS=120

# The per-flow checks, on the client's report, the flow dump and the stats.
check_flows()
{
	"$PY" tests/integration/lib/lab_checks.py two_workers "$LAB_DIR/client.json" \
		"$LAB_DIR/flows.json" "$LAB_STATS_JSON" "$CONNECTIONS" "$LAB_SERVER_V4" "$PORT"
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-two-workers
	lab_up
	: >"$LAB_DIR/empty.rules"
	local -a lcores=()
	if (($(nproc) < 3)); then
		lcores=(--set "eal.extra=--lcores=0@0,1@1,2@1")
	fi
	lab_start_vigil --set lcores.workers=1-2 "${lcores[@]}" --rules "$LAB_DIR/empty.rules" \
		--set "dataplane.flow_dump=$LAB_DIR/flows.json" \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.store_dir=$LAB_DIR/store"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	if grep -qE 'port inside: inline, 2 queue\(s\): the kernel.s PACKET_FANOUT_HASH' "$LAB_VIGIL_ERR"; then
		lab_pass "start-up line: $(grep -E 'port inside:' "$LAB_VIGIL_ERR")"
	else
		lab_fail "no start-up line saying port inside spreads flows with the kernel's fanout"
	fi

	ip netns exec "$LAB_SERVER_NS" "$PY" "$HELPER" serve "$LAB_SERVER_V4" "$PORT" \
		$((CLIENT_SECONDS + 10)) &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" "$PORT" || lab_fail "echo server not listening"
	echo "-- $CONNECTIONS connections, $PARALLEL at a time"
	ip netns exec "$LAB_CLIENT_NS" timeout $((CLIENT_SECONDS + 20)) "$PY" "$HELPER" connect \
		"$LAB_SERVER_V4" "$PORT" "$CONNECTIONS" "$BYTES" "$PARALLEL" "$CLIENT_SECONDS" \
		>"$LAB_DIR/client.json" || lab_fail "the client ended with an error"
	sleep 0.5 # the last FINs and ACKs cross

	lab_stop_reported 15
	grep -E '^vigil: flow dump' "$LAB_VIGIL_ERR" || lab_fail "vigil wrote no flow dump"
	check_flows || lab_fail "the per-flow checks (above; a missing file is a failure too)"
	lab_finish lab_two_workers
}

main "$@"
