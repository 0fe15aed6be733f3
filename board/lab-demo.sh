#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What `make run` shows: vigil inline between two namespaces on the lab
# board, carrying pings (IPv4 and IPv6) and a 4 MB TCP transfer from the
# client to the server, checked end to end by sha256. Builds nothing: the
# Makefile builds build/vigil first. Sets up the lab with board/lab-netns.sh,
# runs vigil in the background with its own EAL file prefix, stops it with
# SIGTERM, prints its summary and a few counters from its JSON, and always
# tears everything down (trap on EXIT). Every wait is bounded. Exits 0 only
# if every step worked. Must run as root from anywhere inside the repo.
set -euo pipefail

cd "$(dirname "$0")/.."

readonly VIGIL=build/vigil
readonly PY=/usr/bin/python3
readonly CLIENT=(ip netns exec vigil-client)
readonly SERVER=(ip netns exec vigil-server)
readonly TRANSFER_BYTES=$((4 * 1024 * 1024))
readonly TRANSFER_PORT=5001
readonly VIGIL_PREFIX=vigil-demo-$$

demo_dir=""
vigil_pid=""
server_pid=""
failures=0

say() { printf '\n==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
bad()
{
	printf '    FAILED: %s\n' "$*"
	failures=$((failures + 1))
}

# Wait up to $2 seconds for process $1 to end; 1 if it is still there.
wait_gone()
{
	local pid=$1 tenths=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null; do
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
}

cleanup()
{
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
	fi
	if [[ -n $vigil_pid ]] && kill -0 "$vigil_pid" 2>/dev/null; then
		kill -TERM "$vigil_pid" 2>/dev/null || true
		wait_gone "$vigil_pid" 10 || kill -KILL "$vigil_pid" 2>/dev/null || true
	fi
	bash board/lab-netns.sh down
	# DPDK leaves its runtime files (a few MB) behind; ours are ours to remove.
	rm -rf "/var/run/dpdk/$VIGIL_PREFIX"
	[[ -n $demo_dir ]] && rm -rf "$demo_dir"
	exit "$rc"
}

vigil_log_tail()
{
	echo "    --- vigil stderr (last lines) ---"
	tail -n 15 "$demo_dir/vigil.err" | sed 's/^/    /'
}

start_vigil()
{
	say "starting vigil on board/lab.conf"
	"$VIGIL" --board board/lab.conf --set "eal.file_prefix=$VIGIL_PREFIX" \
		--stats-json "$demo_dir/stats.json" >"$demo_dir/vigil.out" 2>"$demo_dir/vigil.err" &
	vigil_pid=$!
	echo "    pid $vigil_pid; waiting (at most 20 s) until it forwards"

	local deadline=$((SECONDS + 20))
	while ((SECONDS < deadline)); do
		if ! kill -0 "$vigil_pid" 2>/dev/null; then
			bad "vigil exited during start-up"
			vigil_log_tail
			return 1
		fi
		if "${CLIENT[@]}" ping -q -c 1 -W 1 10.77.0.2 >/dev/null 2>&1; then
			ok "forwarding after $((SECONDS + 20 - deadline)) s"
			return 0
		fi
		sleep 0.2
	done
	bad "no ping got through vigil within 20 s"
	vigil_log_tail
	return 1
}

ping_check()
{
	local what=$1
	shift
	local out
	if out=$("${CLIENT[@]}" timeout 10 ping "$@" 2>&1); then
		ok "$what: $(grep -E 'packets transmitted' <<<"$out")"
	else
		bad "$what"
		tail -n 4 <<<"$out" | sed 's/^/    /'
	fi
}

transfer_check()
{
	local src=$demo_dir/sent dst=$demo_dir/received
	say "TCP: $((TRANSFER_BYTES / 1024 / 1024)) MB of random data client -> server (nc, port $TRANSFER_PORT)"
	head -c "$TRANSFER_BYTES" /dev/urandom >"$src"

	"${SERVER[@]}" timeout 60 nc -l 10.77.0.2 "$TRANSFER_PORT" </dev/null >"$dst" &
	server_pid=$!
	local tries=50
	until "${SERVER[@]}" ss -Hltn "sport = :$TRANSFER_PORT" | grep -q LISTEN; do
		((tries-- > 0)) || {
			bad "server never listened"
			return 1
		}
		sleep 0.1
	done

	local start=$EPOCHREALTIME
	if ! "${CLIENT[@]}" timeout 60 nc -N -w 10 10.77.0.2 "$TRANSFER_PORT" <"$src"; then
		bad "client nc failed"
	fi
	if ! wait_gone "$server_pid" 30; then
		bad "server nc still running 30 s after the client finished"
		return 1
	fi
	local end=$EPOCHREALTIME
	server_pid=""

	local sent_sum received_sum received_bytes
	sent_sum=$(sha256sum <"$src" | cut -d' ' -f1)
	received_sum=$(sha256sum <"$dst" | cut -d' ' -f1)
	received_bytes=$(stat -c %s "$dst")
	echo "    sent     $TRANSFER_BYTES bytes, sha256 $sent_sum"
	echo "    received $received_bytes bytes, sha256 $received_sum"
	if [[ $sent_sum == "$received_sum" ]]; then
		ok "$(awk -v b="$TRANSFER_BYTES" -v s="$start" -v e="$end" \
			'BEGIN { printf "identical, %.2f s, %.1f Mbit/s", e - s, b * 8 / (e - s) / 1e6 }')"
	else
		bad "the server received different bytes"
	fi
}

stop_vigil()
{
	say "stopping vigil (SIGTERM)"
	kill -TERM "$vigil_pid" 2>/dev/null || true
	if ! wait_gone "$vigil_pid" 15; then
		bad "vigil still running 15 s after SIGTERM; killing it"
		kill -KILL "$vigil_pid" 2>/dev/null || true
		vigil_log_tail
		return 1
	fi
	local rc=0
	wait "$vigil_pid" || rc=$?
	vigil_pid=""
	if ((rc == 0)); then
		ok "vigil exited 0"
	else
		bad "vigil exited with status $rc"
		vigil_log_tail
	fi
	say "vigil's summary"
	sed 's/^/    /' "$demo_dir/vigil.out"
}

print_counters()
{
	say "headline counters (--stats-json)"
	if [[ ! -s $demo_dir/stats.json ]]; then
		bad "vigil wrote no stats JSON"
		return 1
	fi
	"$PY" - "$demo_dir/stats.json" <<'EOF' || bad "stats JSON unreadable"
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
EOF
}

main()
{
	if [[ $(id -u) -ne 0 ]]; then
		echo "lab-demo.sh: must run as root" >&2
		exit 1
	fi
	if [[ ! -x $VIGIL ]]; then
		echo "lab-demo.sh: $VIGIL not built (run make)" >&2
		exit 1
	fi
	demo_dir=$(mktemp -d /tmp/vigil-demo.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	say "lab: namespaces vigil-client (10.77.0.1, fd77::1) and vigil-server (10.77.0.2, fd77::2)"
	bash board/lab-netns.sh up
	ok "veth vigil-in <-> cl0, vigil-out <-> sv0"

	if start_vigil; then
		say "ping through vigil"
		ping_check "IPv4 10.77.0.1 -> 10.77.0.2" -q -c 4 -i 0.2 -W 2 10.77.0.2
		ping_check "IPv6 fd77::1 -> fd77::2" -6 -q -c 4 -i 0.2 -W 2 fd77::2
		transfer_check || true
	fi
	if [[ -n $vigil_pid ]] && kill -0 "$vigil_pid" 2>/dev/null; then
		stop_vigil || true
		print_counters || true
	fi

	echo
	if ((failures == 0)); then
		echo "lab demo: everything worked"
		exit 0
	fi
	echo "lab demo: $failures check(s) failed"
	exit 1
}

main "$@"
