#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a policy rate limit in the lab namespaces. vigil runs inline
# (ips) with only a policy file: "ratelimit new_connections 5/s per src
# block 4s". The client opens TCP connections to a server that accepts and
# closes them:
#   1. one connection works;
#   2. a burst: after about 5 connections the source is blocked (the next
#      SYN gets no answer), and so is its ping (every packet of a blocked
#      source is dropped);
#   3. the block lifts by itself after the block time (measured);
#   4. a second burst blocks it again, SIGUSR1 releases it at once;
#   5. the stats JSON counts the drops (drops.rate_limit), two blocks, one
#      release, and the summary prints the rate-limit line.
# The lab steps come from board/lab-lib.sh; the assertions are this
# scenario's. About 15 s.
#
# Run alone (root, repo root, after make), under the lab lock:
#   flock /tmp/vigil-lab.lock bash tests/integration/lab_rate_limit.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PORT=5301
readonly BLOCK_S=4

write_helpers()
{
	cat >"$LAB_DIR/policy" <<EOF
# lab_rate_limit: a source may open 5 connections a second
ratelimit new_connections 5/s per src block ${BLOCK_S}s
EOF
	cat >"$LAB_DIR/server.py" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
EOF
	# probe.py burst|until_ok ADDR PORT: prints "successes failed_at" or "ok_at" (CLOCK_MONOTONIC)
	cat >"$LAB_DIR/probe.py" <<'EOF'
import socket, sys, time

def connect(addr, port, timeout):
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        return True
    except OSError:
        return False
    finally:
        s.close()

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "burst":
    for n in range(30):
        if not connect(addr, port, 0.3):
            print(n, time.monotonic())
            sys.exit(0)
    print(30, 0)
else:
    limit = time.monotonic() + float(sys.argv[4])
    while time.monotonic() < limit:
        if connect(addr, port, 0.5):
            print(time.monotonic())
            sys.exit(0)
        time.sleep(0.2)
    print("timeout")
    sys.exit(1)
EOF
}

# A burst must be cut after 3 to 5 connections; BLOCKED_AT is the time of the first refusal.
BLOCKED_AT=0
burst()
{
	local what=$1 out n
	out=$(ip netns exec "$LAB_CLIENT_NS" timeout 20 "$PY" "$LAB_DIR/probe.py" burst "$LAB_SERVER_V4" "$PORT")
	read -r n BLOCKED_AT <<<"$out"
	if ((n >= 3 && n <= 5)); then
		lab_pass "$what: blocked after $n connections"
	else
		lab_fail "$what: $n connections before the block (want 3 to 5)"
	fi
}

until_ok()
{
	ip netns exec "$LAB_CLIENT_NS" timeout 20 "$PY" "$LAB_DIR/probe.py" until_ok "$LAB_SERVER_V4" "$PORT" "$1"
}

check_stats()
{
	"$PY" - "$LAB_STATS_JSON" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
rl, drops = s["rate_limit"], s["total"]["drops"]["rate_limit"]
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    bad.extend([] if ok else [what])
expect(f"drops.rate_limit {drops} >= 2", drops >= 2)
expect(f"rate_limit.blocks {rl['blocks']} == 2", rl["blocks"] == 2)
expect(f"rate_limit.released {rl['released']} == 1", rl["released"] == 1)
sys.exit(1 if bad else 0)
EOF
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-ratelimit
	write_helpers
	lab_up
	ip netns exec "$LAB_SERVER_NS" timeout 60 "$PY" "$LAB_DIR/server.py" "$LAB_SERVER_V4" "$PORT" &
	LAB_HELPER_PIDS+=("$!")
	lab_start_vigil --set board.mode=ips --policy "$LAB_DIR/policy"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_wait_listening "$LAB_SERVER_NS" "$PORT" || lab_fail "server not listening"

	if [[ $(until_ok 3) != timeout ]]; then lab_pass "one connection works"; else lab_fail "one connection"; fi
	sleep 1.1 # a fresh window for the burst

	local ok_at
	burst "burst 1"
	if ip netns exec "$LAB_CLIENT_NS" ping -q -c 1 -W 1 "$LAB_SERVER_V4" >/dev/null 2>&1; then
		lab_fail "a ping from the blocked source got through"
	else
		lab_pass "the blocked source's ping is dropped"
	fi
	ok_at=$(until_ok 8) || true
	if [[ $ok_at == timeout || -z $ok_at ]]; then
		lab_fail "the block did not lift within 8 s"
	else
		"$PY" -c "import sys; d = $ok_at - $BLOCKED_AT; print(f'block lifted after {d:.2f} s (block {sys.argv[1]} s)'); sys.exit(0 if $BLOCK_S - 0.5 <= d <= $BLOCK_S + 1.5 else 1)" "$BLOCK_S" \
			&& lab_pass "the block lifts after the block time" || lab_fail "the block time is off"
	fi

	sleep 1.1
	burst "burst 2"
	kill -USR1 "$LAB_VIGIL_PID"
	ok_at=$(until_ok 3) || true
	if [[ $ok_at != timeout && -n $ok_at ]] && "$PY" -c "import sys; d = $ok_at - $BLOCKED_AT; print(f'released after {d:.2f} s'); sys.exit(0 if d < $BLOCK_S - 1.5 else 1)"; then
		lab_pass "SIGUSR1 releases the blocked source before its block time"
	else
		lab_fail "SIGUSR1 did not release the source ($ok_at)"
	fi

	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "vigil exited 0 on SIGTERM" || lab_fail "vigil exited with status $rc"
	cat "$LAB_VIGIL_OUT"
	grep -q "rate limit: " "$LAB_VIGIL_OUT" && lab_pass "summary has the rate-limit line" ||
		lab_fail "no rate-limit line in the summary"
	check_stats || lab_failures=$((lab_failures + 1))

	if ((lab_failures)); then
		echo "lab_rate_limit: $lab_failures failure(s)"
		exit 1
	fi
	echo "lab_rate_limit: passed"
}

main "$@"
