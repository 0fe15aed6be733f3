#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a restart of vigil during a long transfer (issue 14,
# acceptance 5). On the lab board (fail = open, one worker, a rule that
# drops a path traversal, the compiled rules cached in [rules] cache_dir):
#
#  1. the client downloads 30 MB from the server at 6 MB/s over one TCP
#     connection (tests/integration/lib/long_connection.py);
#  2. 1.5 s in, vigil gets SIGTERM and, once it has exited, is started
#     again with the same board; the time from SIGTERM to exit and from
#     exec to "forwarding" are printed, and the longest time the download
#     received nothing (how long traffic stopped, as the transfer saw it);
#  3. the download completes, sha256 identical: the new vigil picked the
#     connection up mid-stream ([dataplane] midstream) and TCP resent what
#     was lost while no vigil ran (the lab's veths have no reader then: on
#     af_packet, software cannot fail open across the restart);
#  4. a traversal sent on that same connection afterwards is dropped: the
#     server never receives it and the new vigil's EVE file has the alert,
#     blocked.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_restart.sh
# About 20 s. Traffic stays inside the lab's namespaces; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh
# shellcheck source=tests/integration/lib/long_connection.sh
source tests/integration/lib/long_connection.sh

readonly PY=/usr/bin/python3
readonly PORT=9301
readonly BYTES=$((30 * 1024 * 1024))
readonly RATE=$((6 * 1024 * 1024))
readonly RESTART_AFTER_S=1.5
readonly SID=9140002

# start N: vigil run N (its own output files; the same board, rules and cache).
start()
{
	local n=$1
	LAB_VIGIL_OUT=$LAB_DIR/vigil-$n.out
	LAB_VIGIL_ERR=$LAB_DIR/vigil-$n.err
	LAB_STATS_JSON=$LAB_DIR/stats-$n.json
	lab_start_vigil --set board.fail=open --set "rules.cache_dir=$LAB_DIR/cache" \
		--rules "$LAB_DIR/restart.rules" --eve "$LAB_DIR/eve-$n.json" \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.store_dir=$LAB_DIR/store"
}

# ms_since EPOCHREALTIME: milliseconds from then to now.
ms_since() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (e - s) * 1000 }'; }

# Up to 30 s for vigil's "forwarding" line, checked every 5 ms.
wait_forwarding_line()
{
	local tries=6000
	until grep -q '^vigil: forwarding' "$LAB_VIGIL_ERR" 2>/dev/null; do
		((tries-- > 0)) || return 1
		lab_vigil_running || return 1
		sleep 0.005
	done
}

restart()
{
	local rc=0 term exited
	term=$EPOCHREALTIME
	kill -TERM "$LAB_VIGIL_PID"
	wait "$LAB_VIGIL_PID" || rc=$?
	LAB_VIGIL_PID=""
	exited=$EPOCHREALTIME
	((rc == 0)) && lab_pass "vigil exited 0 on SIGTERM, $(ms_since "$term") ms after it" ||
		lab_fail "vigil exited with status $rc"
	start 2
	if wait_forwarding_line; then
		lab_pass "the new vigil forwards $(ms_since "$exited") ms after its exec ($(ms_since "$term") ms after the SIGTERM)"
	else
		lab_fail "the new vigil did not start forwarding"
		tail -n 20 "$LAB_VIGIL_ERR"
	fi
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-restart
	lab_up
	long_connection_rules "$LAB_DIR/restart.rules" "$SID"
	start 1
	lab_wait_forwarding 30 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	long_connection_server "$PORT"
	ip netns exec "$LAB_CLIENT_NS" timeout 90 "$PY" "$LONG_CONNECTION_PY" download \
		"$LAB_SERVER_V4" "$PORT" "$LAB_DIR" "$BYTES" "$RATE" >"$LAB_DIR/download.txt" 2>&1 &
	local client=$!
	LAB_HELPER_PIDS+=("$client")
	long_connection_wait "the download" || true
	sleep "$RESTART_AFTER_S"
	restart
	lab_wait_gone "$client" 60 || lab_fail "the download did not end within 60 s"

	long_connection_report "$LAB_DIR/download.txt" "the restart"
	long_connection_blocked "$LAB_DIR/eve-2.json" "$SID"
	lab_finish lab_restart
}

main "$@"
