#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: fail-open or fail-closed (issue 14, acceptance 2). vigil runs
# on the lab board with one worker, [board] fail_after_ms = 200 and the
# console's test aid `debug stall-worker` ([health] test_hooks), with a
# rule that drops a path traversal.
#
#  fail = open:
#   1. a ping every 10 ms from the client crosses vigil while worker 0 is
#      stalled for 3 s: the control lcore takes its queues and forwards
#      them uninspected, so at most 300 ms of pings go unanswered (the
#      longest run of lost sequence numbers times 10 ms);
#   2. a TCP connection opened before the stall still echoes afterwards
#      (the worker forgot its flows and picked it up mid-stream), and a
#      traversal sent on it then is dropped: the server never receives
#      it, EVE has the alert, blocked;
#   3. the same with the worker stalled inside a burst (received, not yet
#      sent) for 1 s: at most 300 ms lost, and the held burst leaves late
#      (held_through_bypass);
#   4. a publish (the console's `mode ids`) asked 0.5 s into another 3 s
#      stall waits for the stalled worker, and meanwhile the control lcore
#      still forwards its queues: again at most 300 ms lost; the mode is
#      ids once the stall ends;
#   5. the transitions are logged and are EVE engine events, valid against
#      Suricata's EVE schema (../shared/corpus/eve-schema when present);
#      the stats JSON counts trips, bypassed packets and forgotten flows.
#  fail = closed:
#   6. stalled for 3 s, the data links go down within 300 ms of the stall
#      (the client's veth loses its carrier: link_watch.py, on vigil's
#      CLOCK_MONOTONIC) and come back up when the worker moves again; the
#      ping crosses again.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_fail_open.sh
# About 40 s. Traffic stays inside the lab's namespaces; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh
# shellcheck source=tests/integration/lib/long_connection.sh
source tests/integration/lib/long_connection.sh

readonly PY=/usr/bin/python3
readonly LIB=tests/integration/lib
readonly PORT=9300
readonly AFTER_MS=200
readonly STALL_MS=3000
readonly MAX_LOSS_MS=300
readonly SCHEMA=../shared/corpus/eve-schema/schema.json
readonly SID=9140001

# start POLICY: vigil with that fail policy, its own stats JSON, EVE file and store.
start()
{
	local policy=$1
	LAB_STATS_JSON=$LAB_DIR/stats-$policy.json
	lab_start_vigil --set "board.fail=$policy" --set "board.fail_after_ms=$AFTER_MS" \
		--set health.test_hooks=yes --set rules.cache_dir= --rules "$LAB_DIR/failopen.rules" \
		--eve "$LAB_DIR/eve-$policy.json" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.store_dir=$LAB_DIR/store-$policy"
	lab_wait_forwarding 30 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
}

# stall ARGS...: debug stall-worker ARGS; STALL_AT is vigil's CLOCK_MONOTONIC ms of the request.
STALL_AT=0
stall()
{
	local out
	STALL_AT=0
	if ! out=$(lab_ctl admin --json debug stall-worker "$@" 2>&1); then
		lab_fail "debug stall-worker $*: $out"
		return
	fi
	STALL_AT=$("$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["requested_at_ms"])' <<<"$out")
}

# ping_through_stall NAME COUNT AFTER_S STALL_ARGS...: a ping every 10 ms
# (COUNT of them) with the stall asked AFTER_S seconds in; the longest gap
# must stay within MAX_LOSS_MS. With PUBLISH_DURING set, that console
# command is sent 0.5 s into the stall and must answer.
PUBLISH_DURING=
ping_through_stall()
{
	local name=$1 count=$2 after=$3
	shift 3
	local out=$LAB_DIR/ping-$name.txt
	ip netns exec "$LAB_CLIENT_NS" timeout 30 ping -D -n -i 0.01 -c "$count" -W 1 "$LAB_SERVER_V4" >"$out" 2>&1 &
	local ping=$!
	sleep "$after"
	stall "$@"
	local publish=
	if [[ -n $PUBLISH_DURING ]]; then
		sleep 0.5
		lab_ctl admin $PUBLISH_DURING >"$LAB_DIR/publish.txt" 2>&1 &
		publish=$!
	fi
	wait "$ping" || true
	if [[ -n $publish ]]; then
		if wait "$publish"; then
			lab_pass "$PUBLISH_DURING during the stall answered: $(head -c 100 "$LAB_DIR/publish.txt")"
		else
			lab_fail "$PUBLISH_DURING during the stall: $(head -c 300 "$LAB_DIR/publish.txt")"
		fi
	fi
	local summary gap silence
	summary=$("$PY" "$LIB/ping_gaps.py" "$out" 10)
	gap=$(awk '{ print $8 }' <<<"$summary")
	silence=$(awk '{ print $12 }' <<<"$summary")
	# Lost pings (the longest run of them) and the longest time no answer
	# arrived (queued pings come late rather than never): both at most
	# MAX_LOSS_MS.
	if [[ -n $gap && -n $silence ]] && ((gap <= MAX_LOSS_MS && silence <= MAX_LOSS_MS)); then
		lab_pass "$name: ping every 10 ms through a stall ($*): $summary"
	else
		lab_fail "$name: ping every 10 ms through a stall ($*): $summary (over $MAX_LOSS_MS ms)"
	fi
}

# The client's connection, opened before the stall (background; output in hold.txt).
hold_connection()
{
	ip netns exec "$LAB_CLIENT_NS" timeout 120 "$PY" "$LONG_CONNECTION_PY" hold \
		"$LAB_SERVER_V4" "$PORT" "$LAB_DIR" >"$LAB_DIR/hold.txt" 2>&1 &
	HOLD_PID=$!
	LAB_HELPER_PIDS+=("$HOLD_PID")
	long_connection_wait "the held connection" || true
}

# After the stall: the held connection echoes, then carries the attack, which must not pass.
check_held_connection()
{
	touch "$LAB_DIR/resume"
	local tries=150
	until grep -q 'after the event' "$LAB_DIR/hold.txt"; do
		((tries-- > 0)) || break
		sleep 0.1
	done
	touch "$LAB_DIR/attack"
	lab_wait_gone "$HOLD_PID" 20 || true
	long_connection_report "$LAB_DIR/hold.txt" "the stall"
	long_connection_blocked "$LAB_DIR/eve-open.json" "$SID"
}

# The watchdog's engine events of EVE FILE: WANT of them; every engine event valid
# against Suricata's schema.
check_events()
{
	local file=$1 want=$2
	"$PY" - "$file" "$want" "$SCHEMA" <<'EOF'
import json, os, sys
path, want, schema_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
events = [json.loads(l) for l in open(path) if '"event_type":"engine"' in l]
mine = [e for e in events if e["engine"]["module"] == "watchdog"]
ok = len(mine) == want
print(("pass" if ok else "fail") + " %d watchdog EVE event(s), want %d: %s" %
      (len(mine), want, " | ".join(e["engine"]["message"] for e in mine)))
# Suricata's schema, with python3-jsonschema when it is installed, else the
# part of it these events use: each member a known property of the right
# type (objects recursively, additionalProperties false), strings matching
# their pattern.
import re
def check(value, schema, where):
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return "%s: not an object" % where
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                return "%s: %s missing" % (where, key)
        for key, v in value.items():
            if key not in props:
                if schema.get("additionalProperties", True) is False:
                    return "%s.%s: not in the schema" % (where, key)
                continue
            why = check(v, props[key], where + "." + key)
            if why:
                return why
    elif kind == "string":
        if not isinstance(value, str):
            return "%s: not a string" % where
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return "%s: %r does not match %s" % (where, value, schema["pattern"])
    elif kind == "integer" and not isinstance(value, int):
        return "%s: not an integer" % where
    return None
if os.path.exists(schema_path):
    schema = json.load(open(schema_path))
    try:
        import jsonschema
        def validate(e):
            try:
                jsonschema.validate(e, schema)
            except jsonschema.ValidationError as err:
                return err.message
        how = "jsonschema"
    except ImportError:
        validate = lambda e: check(e, schema, "event")
        how = "its properties and types"
    bad = [why for why in map(validate, events) if why]
    for why in bad:
        print("fail event not valid against the EVE schema: %s" % why)
    if not bad:
        print("pass every engine event is valid against Suricata's EVE schema (%s)" % how)
else:
    print("pass (no EVE schema at %s: not validated)" % schema_path)
EOF
}

stop_vigil()
{
	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "vigil exited 0 on SIGTERM" || lab_fail "vigil exited with status $rc"
}

report_lines()
{
	local verdict text
	while read -r verdict text; do
		if [[ $verdict == pass ]]; then lab_pass "$text"; else lab_fail "$text"; fi
	done
}

check_open_stats()
{
	"$PY" - "$LAB_STATS_JSON" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
f = s["fail"]
w = s["lcores"][0]
checks = [
    (f["policy"] == "open" and f["trips"] == 3, "fail.trips %d (three stalls)" % f["trips"]),
    (f["bypassed"] > 0, "fail.bypassed %d packets forwarded uninspected" % f["bypassed"]),
    (f["workers"][0]["waits"] >= 2, "worker 0 waited for its queues %d time(s)" % f["workers"][0]["waits"]),
    (w["flows_forgotten"] >= 1, "worker 0 forgot %d flow(s) after the bypasses" % w["flows_forgotten"]),
    (w["held_through_bypass"] >= 1, "%d held packet(s) left after the in-burst stall" % w["held_through_bypass"]),
    (w["drops"]["handoff"] == 0, "no held packet freed (drops.handoff %d)" % w["drops"]["handoff"]),
]
for ok, text in checks:
    print(("pass " if ok else "fail ") + text)
EOF
}

# The client's carrier as link_watch.py saw it (FILE), against the stall
# asked at AT ms: down within MAX_LOSS_MS, up again once it ended.
check_links()
{
	"$PY" - "$1" "$2" "$STALL_MS" "$MAX_LOSS_MS" <<'EOF'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
at, stall, limit = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
down = next((float(ms) for ms, st in lines if st == "down" and float(ms) >= at), None)
up = next((float(ms) for ms, st in lines if st == "up" and down and float(ms) > down), None)
if down is None:
    print("fail the client's link never went down (%s)" % lines)
    sys.exit()
ok = down - at <= limit
print(("pass" if ok else "fail") + " links down %.0f ms after the stall began (at most %.0f)" % (down - at, limit))
if up is None:
    print("fail the client's link did not come back up (%s)" % lines)
else:
    ok = at + stall <= up + 50 and up - (at + stall) <= 1000
    print(("pass" if ok else "fail") + " links up again %.0f ms after the stall's end (down for %.0f ms)"
          % (up - (at + stall), up - down))
EOF
}

run_open()
{
	echo "-- fail = open"
	start open
	long_connection_server "$PORT"
	hold_connection
	ping_through_stall open-stall 600 1.5 0 "$STALL_MS"
	if lab_wait_log 'watchdog: fail-open: worker 0 made no progress' &&
		lab_wait_log 'watchdog: fail-open ended: worker 0 moves again'; then
		lab_pass "logged: $(grep -oE 'fail-open ended: .*' "$LAB_VIGIL_ERR" | head -n 1)"
	else
		lab_fail "vigil's log has no fail-open and recovery of worker 0"
	fi
	check_held_connection
	ping_through_stall in-burst 300 1 0 1000 in-burst
	lab_wait_log 'fail-open ended: .*worker 0.*' || true
	PUBLISH_DURING="mode ids"
	ping_through_stall publish-stall 600 1 0 "$STALL_MS"
	PUBLISH_DURING=
	lab_expect_ctl "mode ids published after the stall" 0 "ids" admin mode
	stop_vigil
	report_lines < <(check_open_stats)
	report_lines < <(check_events "$LAB_DIR/eve-open.json" 6)
}

run_closed()
{
	echo "-- fail = closed"
	start closed
	ip netns exec "$LAB_CLIENT_NS" timeout 20 "$PY" "$LIB/link_watch.py" cl0 7 >"$LAB_DIR/link.txt" &
	local watch=$!
	sleep 1
	stall 0 "$STALL_MS"
	wait "$watch" || true
	report_lines < <(check_links "$LAB_DIR/link.txt" "$STALL_AT")
	lab_wait_forwarding 10 || true
	if lab_wait_log 'watchdog: fail-closed: 2 data link\(s\) down' &&
		lab_wait_log 'watchdog: fail-closed: 2 data link\(s\) up \(every worker'; then
		lab_pass "logged: links down and up again"
	else
		lab_fail "vigil's log has no links down and up"
	fi
	stop_vigil
	# the links up at start, the worker's stall, the links down, its recovery, the links
	# up, the links down at the stop (and link propagation's own events, not counted)
	report_lines < <(check_events "$LAB_DIR/eve-closed.json" 6)
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-failopen
	lab_up
	long_connection_rules "$LAB_DIR/failopen.rules" "$SID"
	run_open
	run_closed
	lab_finish lab_fail_open
}

main "$@"
