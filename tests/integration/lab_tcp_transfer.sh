#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: vigil inline on the lab board (af_packet between two network
# namespaces) carries real traffic unchanged. Pings over IPv4 and IPv6, then
# 1 MB of random data over TCP each way (client -> server, server -> client),
# each checked by sha256. vigil is stopped with SIGTERM and must exit 0;
# its --stats-json must show both ports receiving and transmitting, at least
# as many packets as the transfers need, TCP, ICMP and ICMPv6 decoded (ping6
# and neighbour discovery) and nothing malformed.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_tcp_transfer.sh
# Traffic stays inside the namespaces vigil-client and vigil-server
# (10.77.0.0/24, fd77::/64); everything is torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."

readonly VIGIL=build/vigil
readonly PY=/usr/bin/python3
readonly CLIENT=(ip netns exec vigil-client)
readonly SERVER=(ip netns exec vigil-server)
readonly TRANSFER_BYTES=$((1024 * 1024))
readonly VIGIL_PREFIX=vigil-it-lab-$$

work=""
vigil_pid=""
nc_pid=""
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

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
	[[ -n $nc_pid ]] && { kill "$nc_pid" 2>/dev/null || true; }
	if [[ -n $vigil_pid ]] && kill -0 "$vigil_pid" 2>/dev/null; then
		kill -TERM "$vigil_pid" 2>/dev/null || true
		wait_gone "$vigil_pid" 10 || kill -KILL "$vigil_pid" 2>/dev/null || true
	fi
	bash board/lab-netns.sh down
	rm -rf "/var/run/dpdk/$VIGIL_PREFIX" # DPDK's runtime files for our prefix
	[[ -n $work ]] && rm -rf "$work"
	exit "$rc"
}

wait_listening()
{
	local ns=$1 port=$2 tries=50
	until ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q LISTEN; do
		((tries-- > 0)) || return 1
		sleep 0.1
	done
}

# transfer client_to_server|server_to_client PORT: one side sends
# TRANSFER_BYTES to the other. The server always listens (on 10.77.0.2);
# the sending side shuts its write half at EOF (-N) so the other sees the end.
transfer()
{
	local name=$1 port=$2 src=$work/$1.sent dst=$work/$1.received
	head -c "$TRANSFER_BYTES" /dev/urandom >"$src"
	if [[ $name == client_to_server ]]; then
		"${SERVER[@]}" timeout 60 nc -l 10.77.0.2 "$port" </dev/null >"$dst" &
		nc_pid=$!
		wait_listening vigil-server "$port" || { fail "$name: no listener"; return; }
		"${CLIENT[@]}" timeout 60 nc -N -w 10 10.77.0.2 "$port" <"$src" ||
			fail "$name: client nc failed"
	else
		"${SERVER[@]}" timeout 60 nc -N -l 10.77.0.2 "$port" <"$src" >/dev/null &
		nc_pid=$!
		wait_listening vigil-server "$port" || { fail "$name: no listener"; return; }
		"${CLIENT[@]}" timeout 60 nc -d -w 10 10.77.0.2 "$port" >"$dst" ||
			fail "$name: client nc failed"
	fi
	wait_gone "$nc_pid" 30 || fail "$name: server nc did not finish"
	nc_pid=""
	if [[ $(sha256sum <"$src") == "$(sha256sum <"$dst")" ]]; then
		pass "$name: $TRANSFER_BYTES bytes, sha256 identical"
	else
		fail "$name: received $(stat -c %s "$dst") bytes, sha256 differs"
	fi
}

start_vigil()
{
	"$VIGIL" --board board/lab.conf --set "eal.file_prefix=$VIGIL_PREFIX" \
		--stats-json "$work/stats.json" >"$work/vigil.out" 2>"$work/vigil.err" &
	vigil_pid=$!
	local deadline=$((SECONDS + 20))
	while ((SECONDS < deadline)); do
		kill -0 "$vigil_pid" 2>/dev/null || break
		if "${CLIENT[@]}" ping -q -c 1 -W 1 10.77.0.2 >/dev/null 2>&1; then
			pass "vigil forwarding"
			return 0
		fi
		sleep 0.2
	done
	fail "vigil not forwarding within 20 s"
	cat "$work/vigil.err"
	return 1
}

stop_vigil()
{
	kill -TERM "$vigil_pid" 2>/dev/null || true
	if ! wait_gone "$vigil_pid" 15; then
		fail "vigil still running 15 s after SIGTERM"
		return 1
	fi
	local rc=0
	wait "$vigil_pid" || rc=$?
	vigil_pid=""
	if ((rc == 0)); then
		pass "vigil exited 0 on SIGTERM"
	else
		fail "vigil exited with status $rc"
	fi
	cat "$work/vigil.out"
}

check_stats()
{
	"$PY" - "$work/stats.json" "$TRANSFER_BYTES" <<'EOF'
import json, sys

stats = json.load(open(sys.argv[1]))
transfer_bytes = int(sys.argv[2])
total = stats["total"]
bad = []

def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        bad.append(what)

ports = {p["name"]: p for p in stats["ports"]}
for name in ("inside", "outside"):
    p = ports.get(name)
    expect(f"port {name} present", p is not None)
    if p:
        expect(f"port {name} rx_packets {p['rx_packets']} > 0", p["rx_packets"] > 0)
        expect(f"port {name} tx_packets {p['tx_packets']} > 0", p["tx_packets"] > 0)
# Two transfers of transfer_bytes in segments of at most 1448 bytes.
need = 2 * transfer_bytes // 1448
expect(f"total rx_packets {total['rx_packets']} >= {need}", total["rx_packets"] >= need)
expect(f"total tx_packets {total['tx_packets']} > 0", total["tx_packets"] > 0)
for key in ("tcp", "icmp", "icmpv6", "ipv4", "ipv6"):
    expect(f"total {key} {total[key]} > 0", total[key] > 0)
expect(f"total malformed {total['malformed']} == 0", total["malformed"] == 0)
expect(f"drops.malformed {total['drops']['malformed']} == 0", total["drops"]["malformed"] == 0)
lcore_rx = sum(l["rx_packets"] for l in stats["lcores"])
expect(f"lcores rx_packets sum {lcore_rx} == total {total['rx_packets']}",
       lcore_rx == total["rx_packets"])
sys.exit(1 if bad else 0)
EOF
}

main()
{
	[[ -x $VIGIL ]] || { echo "FAIL: $VIGIL not built"; exit 1; }
	work=$(mktemp -d /tmp/vigil-it-lab.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	bash board/lab-netns.sh up
	start_vigil || exit 1

	local out
	if out=$("${CLIENT[@]}" timeout 10 ping -q -c 3 -i 0.2 -W 2 10.77.0.2 2>&1); then
		pass "ping 10.77.0.2"
	else
		fail "ping 10.77.0.2: $out"
	fi
	if out=$("${CLIENT[@]}" timeout 10 ping -6 -q -c 3 -i 0.2 -W 2 fd77::2 2>&1); then
		pass "ping fd77::2"
	else
		fail "ping fd77::2: $out"
	fi
	transfer client_to_server 5101
	transfer server_to_client 5102

	stop_vigil || exit 1
	[[ -s $work/stats.json ]] || { fail "no stats JSON written"; exit 1; }
	check_stats || failures=$((failures + 1))

	if ((failures)); then
		echo "lab_tcp_transfer: $failures failure(s)"
		exit 1
	fi
	echo "lab_tcp_transfer: passed"
}

main "$@"
