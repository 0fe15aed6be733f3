#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 12, "The operator can be locked out"): on the lab board's
# console (4 session slots), from the operator namespace, hold
#   - 4 idle viewer sessions: 3 get a slot, the 4th is refused (the last
#     slot is kept for an admin);
#   - 1 idle admin session, so every slot is taken;
#   - 100 unfinished TLS handshakes from 20 addresses (5 each, half with the
#     first bytes of a ClientHello, half silent), held open;
# and prove that an admin's `vigilctl status` answers within 2 s, 6 times in
# a row (the first evicts the idlest viewer), that the handshakes were shed
# or timed out, and that the refusals reached the audit log as summaries
# (one line per source at most per 10 s, with counts; the flood is opened
# again as fast as the console closes it, so its sources end up blocked, and
# a second wave from them is summarised too). The idle viewers
# are closed after console_viewer_idle_s (8 s here), the idle admin is not.
# A viewer then gets a session again, and vigil exits 0 on SIGTERM. About
# 15 s.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_console_lockout.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly SOURCES=20 PER_SOURCE=5 VIEWERS=4 CALLS=6 LIMIT_MS=2000
# Short, so the test sees idle viewers closed while the idle admin stays.
readonly VIEWER_IDLE_S=8

# status_within ROLE: `vigilctl status` answered ok within LIMIT_MS; prints the ms.
status_within()
{
	local t0 t1 rc=0
	t0=$(date +%s%N)
	lab_ctl "$1" status >/dev/null 2>>"$LAB_DIR/status_within.err" || rc=$?
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
	((rc == 0))
}

# wait_file PATH S: until PATH exists, S seconds at most.
wait_file()
{
	local tenths=$(($2 * 10))
	until [[ -s $1 ]]; do
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
}

# wait_audit PATTERN S: until a line of the audit log matches PATTERN (grep -E).
wait_audit()
{
	local tenths=$(($2 * 10))
	until grep -qE -- "$1" "$LAB_DIR/audit.log" 2>/dev/null; do
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-console-lockout
	lab_up
	echo 'alert tcp any any -> any 7000 (msg:"a"; content:"alpha"; sid:1;)' >"$LAB_DIR/a.rules"
	lab_start_vigil --rules "$LAB_DIR/a.rules" --set "rules.store_dir=$LAB_DIR/store" \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.cache_dir=" \
		--set management.console_sessions=4 --set "management.console_viewer_idle_s=$VIEWER_IDLE_S"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	local i addrs=()
	for ((i = 10; i < 10 + SOURCES; i++)); do
		ip -n "$LAB_OPERATOR_NS" addr add "10.78.0.$i/24" dev vigil-mgmt
		addrs+=("10.78.0.$i")
	done
	# FLOOD_REOPEN: what the console closes is opened again at once, so the
	# pressure lasts the whole test (the sources end up blocked).
	ip netns exec "$LAB_OPERATOR_NS" env FLOOD_REOPEN=1 "$PY" tests/integration/lib/console_flood.py \
		"$LAB_MGMT_V4" 8443 build/lab-pki "$LAB_DIR/ready.json" "$VIEWERS" 1 "$PER_SOURCE" \
		"${addrs[@]}" >"$LAB_DIR/flood.out" 2>&1 &
	local holder=$!
	LAB_HELPER_PIDS+=("$holder")
	local flood_ready
	wait_file "$LAB_DIR/ready.json" 60 && flood_ready=$(date +%s%N)
	if [[ -z ${flood_ready:-} ]]; then
		lab_fail "the sessions and the flood were not set up:"
		sed 's/^/    /' "$LAB_DIR/flood.out" | tail -n 20
		lab_finish lab_console_lockout
	fi
	"$PY" - "$LAB_DIR/ready.json" "$VIEWERS" "$((SOURCES * PER_SOURCE))" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
r = json.load(open(sys.argv[1]))
viewers, flood = int(sys.argv[2]), int(sys.argv[3])
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
expect(f"{r['viewers_held']} of {viewers} viewer sessions held (the last slot is the admin's)",
       r["viewers_held"] == viewers - 1)
expect(f"the refused viewer was told why: {r['refused']}",
       any(x["role"] == "viewer" and "kept for an admin" in x["answer"] for x in r["refused"]))
expect(f"an idle admin session holds the last slot ({r['admins_held']})", r["admins_held"] == 1)
expect(f"{r['flood_open']} of {flood} unfinished handshakes opened", r["flood_open"] >= flood * 9 // 10)
sys.exit(1 if bad else 0)
PYEOF

	# Every slot is taken (3 viewers, 1 admin) and the handshake slots are
	# full of the flood: the admin must still get in, every time, at once.
	local k ms times=() slow=0
	for ((k = 1; k <= CALLS; k++)); do
		if ms=$(status_within admin) && ((ms <= LIMIT_MS)); then
			times+=("$ms")
		else
			times+=("${ms}!")
			slow=$((slow + 1))
		fi
	done
	if ((slow == 0)); then
		lab_pass "admin status during the flood: $CALLS of $CALLS within $LIMIT_MS ms (${times[*]} ms)"
	else
		lab_fail "admin status during the flood: $slow of $CALLS failed or slower than $LIMIT_MS ms (${times[*]} ms)"
		sed 's/^/    vigilctl: /' "$LAB_DIR/status_within.err"
		grep -E "10\.78\.0\.2[: ]" "$LAB_VIGIL_ERR" | sed 's/^/    vigil: /' || true
	fi

	# No unfinished handshake outlives the deadline (3 s by default): every
	# flood connection is shed or timed out soon after the flood began.
	local json gone waited_ms=0
	while true; do
		json=$(lab_ctl admin --json status 2>&1) || true
		gone=$("$PY" -c 'import json, sys; c = json.loads(sys.argv[1])["console"]
print(c["handshakes_shed"] + c["handshake_timeouts"])' "$json" 2>/dev/null || echo 0)
		waited_ms=$((($(date +%s%N) - flood_ready) / 1000000))
		((gone >= SOURCES * PER_SOURCE || waited_ms > 10000)) && break
		sleep 0.2
	done
	((gone >= SOURCES * PER_SOURCE && waited_ms <= 3000 + 1500)) &&
		lab_pass "every unfinished handshake gone $waited_ms ms after the flood was up (deadline 3000 ms)" ||
		lab_fail "$gone of $((SOURCES * PER_SOURCE)) unfinished handshakes gone after $waited_ms ms (deadline 3000 ms)"
	"$PY" - "$json" "$((SOURCES * PER_SOURCE))" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
c = json.loads(sys.argv[1])["console"]
flood = int(sys.argv[2])
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
expect(f"viewers_evicted {c['viewers_evicted']} >= 1 (an admin took the idlest viewer's slot)",
       c["viewers_evicted"] >= 1)
gone = c["handshakes_shed"] + c["handshake_timeouts"] + c["refused_blocked"]
expect(f"unfinished handshakes shed {c['handshakes_shed']}, timed out {c['handshake_timeouts']}, "
       f"refused blocked {c['refused_blocked']}", c["handshakes_shed"] >= 1 and gone >= flood * 9 // 10)
expect(f"refused_busy {c['refused_busy']} >= 1 (the 4th viewer)", c["refused_busy"] >= 1)
sys.exit(1 if bad else 0)
PYEOF

	# The refusals are in the audit log: one summary line per source, counted.
	if wait_audit '"event":"console_refused","peer":"10\.78\.0\.1[0-9]".*"handshake_(shed|timeout)"' 15; then
		lab_pass "audit: refused handshakes summarised: $(grep -m1 '"peer":"10.78.0.10"' "$LAB_DIR/audit.log")"
	else
		lab_fail "audit: no summary of the refused handshakes"
		tail -n 20 "$LAB_DIR/audit.log" | sed 's/^/    /'
	fi
	wait_audit '"event":"console_refused".*"busy":1' 5 &&
		lab_pass "audit: the viewer refused for want of a slot is recorded" ||
		lab_fail "audit: no summary of the viewer refused as busy"
	# A second wave from the same (now blocked) sources is summarised too,
	# but not before 10 s have passed since each source's first line.
	ip netns exec "$LAB_OPERATOR_NS" "$PY" tests/integration/lib/console_flood.py \
		"$LAB_MGMT_V4" 8443 build/lab-pki "$LAB_DIR/ready2.json" 0 0 2 "${addrs[@]}" \
		>"$LAB_DIR/flood2.out" 2>&1 &
	local wave2=$!
	LAB_HELPER_PIDS+=("$wave2")
	wait_file "$LAB_DIR/ready2.json" 30 || lab_fail "the second wave did not start"
	kill "$wave2" 2>/dev/null || true
	# The summaries of one source are 10 s apart at least, and count everything.
	if wait_audit '"peer":"10\.78\.0\.10".*"blocked":[0-9]' 25; then
		"$PY" - "$LAB_DIR/audit.log" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
from datetime import datetime
lines = [json.loads(l) for l in open(sys.argv[1]) if '"console_refused"' in l]
peers = {}
for l in lines:
    peers.setdefault(l["peer"], []).append(datetime.strptime(l["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ"))
# 9.9: the lines' wall-clock stamps jitter around the monotonic 10 s
gaps = [(b - a).total_seconds() for w in peers.values() for a, b in zip(w, w[1:])]
mine = [l for l in lines if l["peer"] == "10.78.0.10"]
ok = all(g >= 9.9 for g in gaps) and len(mine) >= 2 and sum(l["count"] for l in mine) >= 7
print(("ok: " if ok else "FAIL: ") + f"audit: {len(lines)} summaries from {len(peers)} sources, "
      f"shortest gap {min(gaps, default=0):.1f} s; 10.78.0.10: " +
      "; ".join(f'{l["count"]} {json.dumps(l["reasons"])}' for l in mine))
sys.exit(0 if ok else 1)
PYEOF
	else
		lab_fail "audit: no summary of the blocked second wave"
		grep '"peer":"10.78.0.10"' "$LAB_DIR/audit.log" | sed 's/^/    /'
	fi
	# Idle time-outs per role: the viewers left are closed after
	# VIEWER_IDLE_S idle; the admin (300 s) is not.
	local tenths=50
	while (($(grep -c '"role": "viewer"' "$LAB_DIR/ready.json.events" 2>/dev/null || true) < 3 && tenths-- > 0)); do
		sleep 0.1
	done
	"$PY" - "$LAB_DIR/ready.json.events" "$VIEWER_IDLE_S" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
try:
    events = [json.loads(l) for l in open(sys.argv[1])]
except OSError:
    events = []
idle = int(sys.argv[2])
viewers = [e["idle_s"] for e in events if e["role"] == "viewer"]
admins = [e["idle_s"] for e in events if e["role"] == "admin"]
timed_out = [v for v in viewers if idle - 1.5 <= v <= idle + 2]
ok = len(viewers) == 3 and len(timed_out) == 2 and not admins
print(("ok: " if ok else "FAIL: ") + f"idle sessions closed: viewers after {viewers} s "
      f"(one evicted, two after console_viewer_idle_s={idle}), admins after {admins} s (none)")
sys.exit(0 if ok else 1)
PYEOF
	lab_expect_ctl "admin: audit tail shows the refusals" 0 'console_refused' admin audit tail 100
	# The holder leaves: its sessions end and a viewer gets one again.
	kill "$holder" 2>/dev/null || true
	lab_wait_gone "$holder" 5 || true
	local tries=30
	until status_within viewer >/dev/null; do
		((tries-- > 0)) || break
		sleep 0.1
	done
	((tries >= 0)) && lab_pass "a viewer gets a session once the holder has gone" ||
		lab_fail "a viewer is still refused once the holder has gone"
	lab_finish lab_console_lockout
}

main "$@"
