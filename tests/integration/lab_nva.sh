#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 13, acceptance 1 and 2): vigil as a network virtual
# appliance behind a gateway load balancer, in the lab. Namespaces: a
# client (10.90.1.1), a server (10.90.2.1) and between them our own
# balancer (tests/integration/lib/gwlb_emulator.py in namespace
# vigil-gwlb, the two sides' router) that hands every packet to vigil
# through the balancer's tunnel and checks every packet vigil returns
# against the contract before delivering it. vigil runs board
# nva-geneve (AWS mode) or nva-vxlan (Azure mode) on a veth to the
# balancer (its own address 10.80.0.10). In each mode:
#   - ping client -> server, and a 4 MB TCP transfer checked by SHA-256;
#   - an HTTP request with a traversal is dropped (the server never gets
#     it) and vigil's EVE alert names the tenant (AWS: the GWLB endpoint
#     and attachment ids; Azure: the VNI);
#   - a connection a reject rule cuts is reset on both sides, each RST
#     coming back inside the tunnel in a header the balancer accepts;
#   - AWS: 1,000 connections from one client port to one server port
#     (each closed by a RST, so each next SYN reuses the 5-tuple and gets
#     a fresh cookie): every one answered;
#   - the balancer saw no returned packet breaking the contract (GENEVE
#     header and options byte for byte, addresses swapped, ports kept;
#     VXLAN onto the other tunnel, inner Ethernet kept) and none it had
#     not sent.
# Both modes by default, about 40 s.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_nva.sh [aws|azure]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly GW_NS=vigil-gwlb
readonly CLIENT_V4=10.90.1.1 SERVER_V4=10.90.2.1 GW_V4=10.80.0.1 APPLIANCE_V4=10.80.0.10
readonly TRANSFER_BYTES=$((4 * 1024 * 1024))

nva_down()
{
	ip netns del "$LAB_CLIENT_NS" 2>/dev/null || true
	ip netns del "$LAB_SERVER_NS" 2>/dev/null || true
	ip netns del "$GW_NS" 2>/dev/null || true
	ip link del vigil-gw0 2>/dev/null || true
}

# nva_link NS DEV PEER_NS PEER ADDR PEER_ADDR: a veth pair, offloads off, up.
nva_link()
{
	local ns=$1 dev=$2 peer_ns=$3 peer=$4 addr=$5 peer_addr=$6
	ip link add "$dev" netns "$ns" type veth peer name "$peer" netns "$peer_ns"
	for end in "$ns:$dev:$addr" "$peer_ns:$peer:$peer_addr"; do
		IFS=: read -r n d a <<<"$end"
		ip netns exec "$n" ethtool -K "$d" tx off tso off gso off gro off >/dev/null 2>&1 || true
		ip -n "$n" addr add "$a" dev "$d"
		ip -n "$n" link set "$d" up
	done
}

# nva_appliance_link DEV PEER GW_ADDR [INDEX]: the balancer's side toward
# one vigil (DEV in the root namespace, read by vigil's af_packet device,
# with interface index INDEX if given; PEER in the balancer's namespace
# with GW_ADDR/24), room for the tunnel's overhead.
nva_appliance_link()
{
	local dev=$1 peer=$2 addr=$3
	local -a index=()
	[[ -n ${4:-} ]] && index=(index "$4")
	ip link add "$dev" "${index[@]}" type veth peer name "$peer" netns "$GW_NS"
	ip link set "$dev" mtu 1700
	ip -n "$GW_NS" link set "$peer" mtu 1700
	ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
	ip netns exec "$GW_NS" ethtool -K "$peer" tx off tso off gso off gro off >/dev/null 2>&1 || true
	sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	ip link set "$dev" promisc on
	ip link set "$dev" up
	ip -n "$GW_NS" addr add "$addr/24" dev "$peer"
	ip -n "$GW_NS" link set "$peer" up
}

nva_up()
{
	nva_down
	ip netns add "$LAB_CLIENT_NS"
	ip netns add "$LAB_SERVER_NS"
	ip netns add "$GW_NS"
	for ns in "$LAB_CLIENT_NS" "$LAB_SERVER_NS" "$GW_NS"; do
		ip -n "$ns" link set lo up
	done
	nva_link "$LAB_CLIENT_NS" cl0 "$GW_NS" gc0 "$CLIENT_V4/24" 10.90.1.254/24
	nva_link "$LAB_SERVER_NS" sv0 "$GW_NS" gs0 "$SERVER_V4/24" 10.90.2.254/24
	ip -n "$LAB_CLIENT_NS" route add default via 10.90.1.254
	ip -n "$LAB_SERVER_NS" route add default via 10.90.2.254
	nva_appliance_link vigil-gw0 ga0 "$GW_V4"
	# the emulator routes; the kernel must not (it only resolves the sides'
	# addresses, which the emulator reads from its ARP table)
	ip netns exec "$GW_NS" sysctl -qw net.ipv4.ip_forward=0
	ip netns exec "$GW_NS" ping -q -c 1 -W 2 "$CLIENT_V4" >/dev/null
	ip netns exec "$GW_NS" ping -q -c 1 -W 2 "$SERVER_V4" >/dev/null
}

# wait_state EXPR S: until the emulator's state satisfies the Python EXPR over s.
wait_state()
{
	local tenths=$(($2 * 10))
	until "$PY" -c "import json, sys; s = json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" \
		"$LAB_DIR/gwlb.json" 2>/dev/null; do
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
}

start_vigil()
{
	local board=$1
	"$LAB_VIGIL" --board "board/$board" --set "eal.file_prefix=$LAB_VIGIL_PREFIX" \
		--set "port data.device=net_af_packet0,iface=vigil-gw0" \
		--set "port data.ipv4=$APPLIANCE_V4/24" --set "rules.cache_dir=" \
		--rules "$LAB_DIR/nva.rules" --eve "$LAB_DIR/eve.json" \
		--stats-json "$LAB_STATS_JSON" >"$LAB_VIGIL_OUT" 2>"$LAB_VIGIL_ERR" &
	LAB_VIGIL_PID=$!
}

transfer()
{
	local got
	head -c "$TRANSFER_BYTES" /dev/urandom >"$LAB_DIR/sent"
	ip netns exec "$LAB_SERVER_NS" timeout 60 nc -l "$SERVER_V4" 9000 >"$LAB_DIR/received" </dev/null &
	local listener=$!
	LAB_HELPER_PIDS+=("$listener")
	lab_wait_listening "$LAB_SERVER_NS" 9000 || lab_fail "transfer: no listener"
	ip netns exec "$LAB_CLIENT_NS" timeout 60 nc -N -w 10 "$SERVER_V4" 9000 <"$LAB_DIR/sent" ||
		lab_fail "transfer: the client's nc failed"
	lab_wait_gone "$listener" 30 || lab_fail "transfer: the listener still running"
	got=$(stat -c %s "$LAB_DIR/received")
	if [[ $(sha256sum <"$LAB_DIR/sent") == "$(sha256sum <"$LAB_DIR/received")" ]]; then
		lab_pass "$MODE: 4 MB over TCP through the tunnel, sha256 identical"
	else
		lab_fail "$MODE: transfer: received $got of $TRANSFER_BYTES bytes, sha256 differs"
	fi
}

attack()
{
	ip netns exec "$LAB_SERVER_NS" timeout 20 "$PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(4); s.settimeout(15)
got = b""
try:
    c, _ = s.accept(); c.settimeout(3)
    while True:
        d = c.recv(4096)
        if not d: break
        got += d
except OSError:
    pass
open(sys.argv[2], "wb").write(got)' "$SERVER_V4" "$LAB_DIR/attack.received" &
	local listener=$!
	LAB_HELPER_PIDS+=("$listener")
	lab_wait_listening "$LAB_SERVER_NS" 8080 || lab_fail "attack: no listener"
	printf 'GET /view?f=../../../etc/passwd HTTP/1.1\r\nHost: app\r\n\r\n' |
		ip netns exec "$LAB_CLIENT_NS" timeout 10 nc -w 3 "$SERVER_V4" 8080 >/dev/null 2>&1 || true
	lab_wait_gone "$listener" 20 || true
	if grep -q passwd "$LAB_DIR/attack.received" 2>/dev/null; then
		lab_fail "$MODE: the traversal reached the server"
	else
		lab_pass "$MODE: the traversal never reached the server"
	fi
}

# reject: a connection a reject rule cuts gets a RST on both sides, each
# delivered by the balancer from inside the tunnel.
reject()
{
	ip netns exec "$LAB_SERVER_NS" timeout 20 "$PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 9300)); s.listen(4); s.settimeout(15)
what = "no connection"
try:
    c, _ = s.accept(); c.settimeout(5)
    c.sendall(b"ready")  # the client sends only once the connection is accepted
    what = "closed"
    while c.recv(4096):
        pass
except ConnectionResetError:
    what = "reset"
except OSError as e:
    what = type(e).__name__
open(sys.argv[2], "w").write(what)' "$SERVER_V4" "$LAB_DIR/reject.server" &
	local listener=$!
	LAB_HELPER_PIDS+=("$listener")
	lab_wait_listening "$LAB_SERVER_NS" 9300 || lab_fail "reject: no listener"
	local client
	client=$(ip netns exec "$LAB_CLIENT_NS" timeout 20 "$PY" -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 9300), timeout=5)
s.recv(5)  # "ready": a RST to a connection not yet accepted would only drop it from the queue
s.sendall(b"please rejectme now")
try:
    print("reset" if not s.recv(4096) else "data")
except ConnectionResetError:
    print("reset")
except OSError as e:
    print(type(e).__name__)' "$SERVER_V4")
	lab_wait_gone "$listener" 20 || true
	local server
	server=$(cat "$LAB_DIR/reject.server" 2>/dev/null || echo "nothing")
	[[ $client == reset && $server == reset ]] &&
		lab_pass "$MODE: a rejected connection was reset on both sides (client: $client, server: $server)" ||
		lab_fail "$MODE: a rejected connection: client $client, server $server (both should be reset)"
}

reuse()
{
	local out
	ip netns exec "$LAB_SERVER_NS" timeout 120 "$PY" -c '
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 9100)); s.listen(64)
def echo(c):
    c.settimeout(5)
    try:
        while True:
            d = c.recv(4096)
            if not d: break
            c.sendall(d)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()' "$SERVER_V4" &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" 9100 || lab_fail "reuse: no listener"
	out=$(ip netns exec "$LAB_CLIENT_NS" timeout 120 "$PY" -c '
import socket, struct, sys, time
ok = failed = 0
end = time.monotonic() + 90
for i in range(1000):
    if time.monotonic() > end: break
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.settimeout(3)
    try:
        s.bind((sys.argv[1], 45000)); s.connect((sys.argv[2], 9100))
        msg = b"ping %d" % i
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = s.recv(64)
            if not d: break
            got += d
        ok += got == msg
        failed += got != msg
    except OSError:
        failed += 1
    s.close()  # linger 0: a RST, no TIME_WAIT, so the next SYN reuses the 5-tuple
print(ok, failed)' "$CLIENT_V4" "$SERVER_V4")
	local ok=${out% *} failed=${out#* }
	((ok == 1000 && failed == 0)) &&
		lab_pass "$MODE: 1000 connections reusing one 5-tuple: $ok answered, $failed lost" ||
		lab_fail "$MODE: connections reusing one 5-tuple: $ok answered, $failed lost (of 1000)"
}

# run_mode MODE: the whole scenario once, on the board of MODE (aws or azure).
run_mode()
{
	MODE=$1
	local board=nva-geneve.conf
	[[ $MODE == azure ]] && board=nva-vxlan.conf
	nva_up
	rm -f "$LAB_DIR"/{gwlb.json,eve.json,attack.received,received,sent}
	cat >"$LAB_DIR/nva.rules" <<'RULES'
drop tcp any any -> any any (msg:"traversal"; flow:to_server,established; content:"/etc/passwd"; sid:1; rev:1;)
reject tcp any any -> any 9300 (msg:"rejected"; flow:to_server,established; content:"rejectme"; sid:3; rev:1;)
RULES
	start_vigil "$board"
	lab_wait_log "forwarding" || { cat "$LAB_VIGIL_ERR"; exit 1; }
	ip netns exec "$GW_NS" env GWLB_HEALTH_PORT=0 "$PY" tests/integration/lib/gwlb_emulator.py \
		"$MODE" "$LAB_DIR/gwlb.json" gc0 gs0 "$GW_V4" "$APPLIANCE_V4" >"$LAB_DIR/gwlb.log" 2>&1 &
	local emulator=$!
	LAB_HELPER_PIDS+=("$emulator")
	wait_state 's["time"] > 0' 10 || { lab_fail "the emulator did not start"; cat "$LAB_DIR/gwlb.log"; }
	lab_wait_answer "$LAB_CLIENT_NS" "$SERVER_V4" 20 "$MODE: ping client -> server through the tunnel" ||
		{ tail -n 20 "$LAB_DIR/gwlb.log"; cat "$LAB_DIR/gwlb.json"; }
	transfer
	attack
	reject
	[[ $MODE == aws ]] && reuse
	sleep 0.3 # the emulator's state file is rewritten every 100 ms
	"$PY" - "$LAB_DIR/gwlb.json" "$MODE" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
s, mode = json.load(open(sys.argv[1])), sys.argv[2]
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
expect(f"{mode}: {s['returned']} packets returned by vigil, {s['contract_broken']} breaking the contract "
       f"{s['broken_examples']}", s["returned"] > 1000 and s["contract_broken"] == 0)
expect(f"{mode}: {s['unmatched']} returned packets the balancer never sent, "
       f"{s.get('originated', 0)} rejects in the flow's own tunnel header",
       s["unmatched"] == 0 and s.get("originated", 0) >= 2)
if mode == "aws":
    expect(f"aws: {s['new_cookies']} fresh cookies for reused 5-tuples", s["new_cookies"] >= 999)
sys.exit(1 if bad else 0)
PYEOF
	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "$MODE: vigil exited 0 on SIGTERM" || lab_fail "$MODE: vigil exited with status $rc"
	kill "$emulator" 2>/dev/null || true
	"$PY" - "$LAB_DIR/eve.json" "$MODE" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
mode = sys.argv[2]
alerts = [json.loads(l) for l in open(sys.argv[1]) if '"signature_id":1,' in l]
# the tenant is vigil's own (metadata.flowints.vigil.tunnel), the outer addresses Suricata's tunnel
t = {**alerts[0].get("tunnel", {}),
     **alerts[0].get("metadata", {}).get("flowints", {}).get("vigil", {}).get("tunnel", {})} if alerts else {}
ok = bool(alerts) and alerts[0]["alert"]["action"] == "blocked" and (
    t.get("gwlb_endpoint_id") == "vpce-00a1b2c3d4e5f6071" and t.get("gwlb_attachment_id") == "00000000c0ffee01"
    if mode == "aws" else t.get("vni") == 800)
print(("ok: " if ok else "FAIL: ") + f"{mode}: the blocked request's alert names its tenant: {t}")
sys.exit(0 if ok else 1)
PYEOF
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	LAB_TEARDOWN=(nva_down)
	lab_init vigil-it-nva
	local mode
	for mode in ${1:-aws azure}; do
		run_mode "$mode"
	done
	lab_finish lab_nva
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
