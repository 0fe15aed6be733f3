#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What `make run` shows: vigil inline between two namespaces on the lab
# board, carrying pings (IPv4 and IPv6) and a 4 MB TCP transfer from the
# client to the server, checked end to end by sha256. Builds nothing: the
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
	say "starting vigil on board/lab.conf"
	lab_start_vigil
	echo "    pid $LAB_VIGIL_PID; waiting (at most 20 s) until it forwards"
	lab_wait_forwarding 20 || {
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
	fi
	if lab_vigil_running; then
		stop_vigil
		print_counters || true
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
