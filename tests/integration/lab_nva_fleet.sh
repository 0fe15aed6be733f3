#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 13, acceptance 3): a fleet of two vigil appliances
# behind our own gateway load balancer (tests/integration/lib/
# gwlb_emulator.py, AWS mode), which spreads flows over them by 5-tuple
# and health-checks each (TCP to its own address, port 80, every 200 ms;
# two failures: unhealthy). 200 connections from the client to an echo
# server carry a message every 100 ms each; 2 s in, appliance A is
# stopped (SIGTERM). Its health check must fail within 1 s; the balancer
# then moves A's flows to B (target failover "rebalance"), and every
# connection goes on: no message is lost, no connection reset. Then each
# connection sends a traversal: B, which picked A's connections up
# mid-stream, inspects them as established and drops it (the rule says
# flow:established), so the server receives none. About 30 s.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_nva_fleet.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=tests/integration/lab_nva.sh
source tests/integration/lab_nva.sh

readonly APPLIANCE_B_V4=10.80.1.10 GW_B_V4=10.80.1.1
readonly CONNECTIONS=200
VIGIL_B_PID=""

fleet_down()
{
	[[ -z $VIGIL_B_PID ]] || kill -KILL "$VIGIL_B_PID" 2>/dev/null || true
	nva_down
	ip link del vigil-gw1 2>/dev/null || true
	rm -rf "/var/run/dpdk/$LAB_VIGIL_PREFIX-b"
}

fleet_up()
{
	nva_up
	# DPDK's af_packet names its fanout group (pid XOR interface index) &
	# 0xffff: two vigils started one after the other on neighbouring
	# interfaces can draw the same group and the second fails to start.
	# An index far from the first interface's keeps the groups apart.
	local far=$((($(cat /sys/class/net/vigil-gw0/ifindex) ^ 0x4000) | 0x8000))
	nva_appliance_link vigil-gw1 ga1 "$GW_B_V4" "$far"
}

# start_appliance NAME IFACE ADDR PREFIX OUT ERR: one vigil on board nva-geneve.
start_appliance()
{
	local name=$1 iface=$2 addr=$3 prefix=$4
	"$LAB_VIGIL" --board board/nva-geneve.conf --set "eal.file_prefix=$prefix" \
		--set "port data.device=net_af_packet0,iface=$iface" \
		--set "port data.ipv4=$addr/24" --set "rules.cache_dir=" \
		--rules "$LAB_DIR/nva.rules" --eve "$LAB_DIR/eve-$name.json" \
		>"$LAB_DIR/vigil-$name.out" 2>"$LAB_DIR/vigil-$name.err" &
}

echo_server()
{
	ip netns exec "$LAB_SERVER_NS" timeout 120 "$PY" -c '
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 9200)); s.listen(256)
log = open(sys.argv[2], "ab", buffering=0)
def echo(c):
    try:
        while True:
            d = c.recv(4096)
            if not d: break
            if b"passwd" in d: log.write(d)
            c.sendall(d)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()' "$SERVER_V4" "$LAB_DIR/server-attacks" &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" 9200 || lab_fail "no echo server"
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	LAB_TEARDOWN=(fleet_down)
	lab_init vigil-it-nva-fleet
	fleet_up
	: >"$LAB_DIR/server-attacks"
	echo 'drop tcp any any -> any any (msg:"traversal"; flow:to_server,established; content:"/etc/passwd"; sid:1; rev:1;)' \
		>"$LAB_DIR/nva.rules"
	start_appliance a vigil-gw0 "$APPLIANCE_V4" "$LAB_VIGIL_PREFIX"
	LAB_VIGIL_PID=$!
	LAB_VIGIL_ERR=$LAB_DIR/vigil-a.err LAB_VIGIL_OUT=$LAB_DIR/vigil-a.out
	start_appliance b vigil-gw1 "$APPLIANCE_B_V4" "$LAB_VIGIL_PREFIX-b"
	VIGIL_B_PID=$!
	lab_wait_log "forwarding" || { cat "$LAB_VIGIL_ERR"; exit 1; }
	until grep -q forwarding "$LAB_DIR/vigil-b.err"; do
		kill -0 "$VIGIL_B_PID" 2>/dev/null || { cat "$LAB_DIR/vigil-b.err"; exit 1; }
		sleep 0.1
	done
	ip netns exec "$GW_NS" "$PY" tests/integration/lib/gwlb_emulator.py aws "$LAB_DIR/gwlb.json" \
		gc0 gs0 0.0.0.0 "$APPLIANCE_V4,$APPLIANCE_B_V4" >"$LAB_DIR/gwlb.log" 2>&1 &
	LAB_HELPER_PIDS+=("$!")
	wait_state "all(s['healthy'].values())" 10 ||
		{ lab_fail "the balancer does not see both appliances healthy"; cat "$LAB_DIR/gwlb.json"; }
	echo_server
	# The client: CONNECTIONS connections, a message each every 100 ms for
	# 6 s (appliance A stops 2 s in), then a traversal on each; prints how
	# many connections lost nothing, and how many were cut.
	ip netns exec "$LAB_CLIENT_NS" timeout 90 "$PY" - "$SERVER_V4" "$CONNECTIONS" \
		"$LAB_DIR/client.json" "$LAB_DIR/client.started" <<'PYEOF' &
import json, socket, sys, time
server, n, out, started = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conns = []
for i in range(n):
    s = socket.create_connection((server, 9200), timeout=5)
    conns.append(s)
open(started, "w").close()
ok = [True] * n
end = time.monotonic() + 6
k = 0
while time.monotonic() < end:
    for i, s in enumerate(conns):
        if not ok[i]:
            continue
        msg = b"tick %d %d\n" % (i, k)
        try:
            s.settimeout(10)
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                d = s.recv(len(msg) - len(got))
                if not d:
                    raise OSError("closed")
                got += d
            ok[i] = got == msg
        except OSError:
            ok[i] = False
    k += 1
    time.sleep(0.1)
for s in conns:
    try:
        s.sendall(b"GET /view?f=../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")
    except OSError:
        pass
json.dump({"kept": sum(ok), "cut": n - sum(ok), "rounds": k}, open(out, "w"))
time.sleep(2)
PYEOF
	local client=$!
	LAB_HELPER_PIDS+=("$client")
	local tenths=300
	until [[ -e $LAB_DIR/client.started ]]; do
		((tenths-- > 0)) || { lab_fail "the client did not connect"; break; }
		sleep 0.1
	done
	sleep 2
	local stopped_at
	stopped_at=$(date +%s.%N)
	kill -TERM "$LAB_VIGIL_PID"
	if wait_state "s['healthy']['$APPLIANCE_V4'] is False" 5; then
		local took
		took=$("$PY" -c 'import json, sys; s = json.load(open(sys.argv[1]))
print(round((s[sys.argv[2] + " became unhealthy at"] - float(sys.argv[3])) * 1000))' \
			"$LAB_DIR/gwlb.json" "$APPLIANCE_V4" "$stopped_at")
		((took <= 1000)) && lab_pass "appliance A stopped: its health check failed after $took ms" ||
			lab_fail "appliance A stopped: its health check failed only after $took ms"
	else
		lab_fail "appliance A stopped: its health check still passes"
	fi
	lab_wait_gone "$client" 60 || lab_fail "the client still running"
	lab_forget_helper "$client"
	"$PY" - "$LAB_DIR/client.json" "$LAB_DIR/gwlb.json" "$CONNECTIONS" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
c, s, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
expect(f"{c['kept']} of {n} connections lost nothing over {c['rounds']} rounds ({c['cut']} cut)",
       c["kept"] == n)
expect(f"{s['rebalanced']} flows moved to the healthy appliance", s["rebalanced"] >= 1)
expect(f"no returned packet broke the contract ({s['contract_broken']})", s["contract_broken"] == 0)
sys.exit(1 if bad else 0)
PYEOF
	if [[ -s $LAB_DIR/server-attacks ]]; then
		lab_fail "a traversal reached the server after the move: $(head -c 300 "$LAB_DIR/server-attacks" | od -c | head -n 8)"
		grep -c '"signature_id":1,' "$LAB_DIR/eve-a.json" 2>/dev/null | sed 's/^/    appliance A alerts: /'
	else
		lab_pass "no traversal reached the server (B inspected the moved connections as established)"
	fi
	local blocked
	blocked=$(grep -c '"signature_id":1,' "$LAB_DIR/eve-b.json" 2>/dev/null || true)
	((blocked >= CONNECTIONS)) && lab_pass "appliance B blocked $blocked traversals" ||
		lab_fail "appliance B blocked $blocked traversals (of $CONNECTIONS)"
	wait "$LAB_VIGIL_PID" 2>/dev/null || true
	LAB_VIGIL_PID=""
	kill -TERM "$VIGIL_B_PID"
	lab_wait_gone "$VIGIL_B_PID" 15 && lab_pass "appliance B exited on SIGTERM" ||
		lab_fail "appliance B still running 15 s after SIGTERM"
	lab_finish lab_nva_fleet
}

main "$@"
