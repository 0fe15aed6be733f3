#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: link-state propagation (issue 14, acceptance 1) on the inline
# board's lab twin, board/inline-lab.conf: two pairs between two router
# namespaces (board/lab-netns.sh inline-up), each link a veth whose
# carrier follows its other end as a cable's link follows the far NIC.
#
#  1. both pairs forward (ping from router A to router B over each);
#  2. pulling a link on one router (`ip -n vigil-rtr-a link set ra1
#     down`) takes the other router's link on that pair down (rb1 loses
#     its carrier) within 500 ms; the pulled side's port is left up by
#     vigil (no latch), the other pair keeps forwarding; putting the link
#     back brings the other side's carrier back within 500 ms, and the
#     pair forwards again. Three times on pair 1 pulled at router A, three
#     times on pair 2 pulled at router B; every time is printed;
#  3. vigilctl status counts every loss, return, take-down and bring-up
#     per port, with no set failure; vigil logged each change; the EVE file
#     has one engine event per change (module link, the port as in_iface,
#     the action in the message), each valid against Suricata's EVE schema
#     (../shared/corpus/eve-schema/schema.json, when it is there);
#  4. SIGTERM while vigil holds a port down: vigil exits 0 and brings that
#     port up again on its way out (links left as it found them);
#  5. with [board] link_propagation = no the loss is logged, and the
#     other side keeps its link;
#  6. the same board with the four data ports on net_tap devices in the
#     root namespace, read and set through ethdev (rte_eth_link_get_nowait
#     with the device's link status change interrupt enabled,
#     rte_eth_dev_set_link_down/up), as a real NIC is: a tap taken down is
#     answered by its pair's tap going down within 500 ms, and back up.
#
# Run alone (root, repo root, after make), under the lab lock:
#   flock /tmp/vigil-lab.lock bash tests/run.sh lab_link_propagation
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly ROUTER_A=vigil-rtr-a
readonly ROUTER_B=vigil-rtr-b
readonly LIMIT_MS=500
readonly WAIT_MS=5000
readonly CYCLES=3
readonly EVE_SCHEMA=../shared/corpus/eve-schema/schema.json
readonly PY=/usr/bin/python3

LAB_BOARD=board/inline-lab.conf
LAB_TEARDOWN=(bash board/lab-netns.sh inline-down)
DOWN_MS=()
UP_MS=()
WATCH_PID=""
WAITED_MS=0

# link_has NS DEV FLAG: DEV (in namespace NS, "" for the root one) shows
# FLAG among its link flags (LOWER_UP: it has a carrier; UP: admin up).
link_has()
{
	local ns=$1 dev=$2 flag=$3 out
	local -a run=(ip -o link show dev "$dev")
	[[ -n $ns ]] && run=(ip -n "$ns" -o link show dev "$dev")
	out=$("${run[@]}" 2>/dev/null) || return 1
	out=${out#*<}
	out=${out%%>*}
	[[ ,$out, == *,"$flag",* ]]
}

# watch NS DEV FLAG WANT: lib/link_wait.py watching DEV in namespace NS
# ("" for the root one) until it shows FLAG (LOWER_UP: a carrier; UP:
# admin up), WANT 1, or lacks it, WANT 0; returns once it watches.
watch()
{
	local ns=$1 ready=$LAB_DIR/watch.ready tries=100
	local -a run=()
	[[ -n $ns ]] && run=(ip netns exec "$ns")
	rm -f "$ready"
	"${run[@]}" "$PY" tests/integration/lib/link_wait.py "$2" "$3" "$4" "$WAIT_MS" "$ready" \
		>"$LAB_DIR/watch.out" &
	WATCH_PID=$!
	LAB_HELPER_PIDS+=("$WATCH_PID")
	until [[ -e $ready ]]; do
		((tries-- > 0)) || return 1
		sleep 0.01
	done
}

# seen START_US: waits for the watch; WAITED_MS is from START_US (bash's
# EPOCHREALTIME without its dot) to the change. 1 if none came.
seen()
{
	local start=$1 at
	local rc=0
	WAITED_MS=$WAIT_MS
	wait "$WATCH_PID" || rc=$?
	lab_forget_helper "$WATCH_PID"
	((rc == 0)) || return 1
	at=$(<"$LAB_DIR/watch.out")
	WAITED_MS=$(((${at/./} - start) / 1000))
}

# timed WHAT COMMAND...: runs COMMAND (the pull) while the watch started
# before waits, reports the time against LIMIT_MS. 1 when over.
timed()
{
	local what=$1 start
	shift
	start=${EPOCHREALTIME/./}
	"$@"
	if seen "$start" && ((WAITED_MS <= LIMIT_MS)); then
		lab_pass "$what in $WAITED_MS ms"
		return 0
	fi
	lab_fail "$what: not within $LIMIT_MS ms (waited $WAITED_MS ms)"
	return 1
}

# cycle PAIR PULL_NS PULL_DEV PULLED_PORT OTHER_NS OTHER_DEV OTHER_PAIR_ADDR:
# pull PULL_DEV's link, the other router's carrier goes; put it back, it
# returns; the times go to DOWN_MS and UP_MS.
cycle()
{
	local pair=$1 pull_ns=$2 pull_dev=$3 pulled_port=$4 other_ns=$5 other_dev=$6 other_addr=$7
	watch "$other_ns" "$other_dev" LOWER_UP 0
	timed "pair $pair: $pull_dev pulled, $other_dev lost its carrier" \
		ip -n "$pull_ns" link set "$pull_dev" down && DOWN_MS+=("$WAITED_MS")
	# held while the link is out: the other pair forwards, and vigil never
	# touched the pulled side's own port (a latch would take it down too)
	ip netns exec "$ROUTER_A" ping -q -c 1 -W 1 "$other_addr" >/dev/null 2>&1 ||
		lab_fail "pair $pair out: no answer over the other pair from $other_addr"
	link_has "$other_ns" "$other_dev" LOWER_UP && lab_fail "pair $pair: $other_dev has its carrier back while $pull_dev is out"
	link_has "" "vigil-$pulled_port" UP || lab_fail "pair $pair: vigil took vigil-$pulled_port (the pulled side) down"
	watch "$other_ns" "$other_dev" LOWER_UP 1
	timed "pair $pair: $pull_dev back, $other_dev has its carrier again" \
		ip -n "$pull_ns" link set "$pull_dev" up && UP_MS+=("$WAITED_MS")
	lab_wait_answer "$ROUTER_A" "10.79.$pair.2" 10 "pair $pair forwarding again" || true
}

# The console's counters of every watched port, as expected after the cycles.
check_status()
{
	local status
	status=$(lab_ctl admin --json status 2>&1) || true
	if "$PY" -c '
import json, sys
cycles = int(sys.argv[1])
ports = {p["port"]: p for p in json.loads(sys.stdin.read())["links"]["ports"]}
pulled = {"a1": "b1", "b2": "a2"}
want = {}
for lost, held in pulled.items():
    want[lost] = {"down": cycles, "up": cycles, "taken_down": 0, "brought_up": 0}
    want[held] = {"down": 0, "up": cycles, "taken_down": cycles, "brought_up": cycles}
bad = []
for name, counters in want.items():
    p = ports[name]
    for key, value in counters.items():
        if p[key] != value:
            bad.append("%s %s %d (want %d)" % (name, key, p[key], value))
    if p["set_failures"] or p["link"] != "up" or p["held"] != "none" or p["read"] != "kernel":
        bad.append("%s: %s" % (name, p))
print("; ".join(bad) if bad else ", ".join("%s down %d up %d taken down %d brought up %d" % (
    n, ports[n]["down"], ports[n]["up"], ports[n]["taken_down"], ports[n]["brought_up"]) for n in sorted(ports)))
sys.exit(1 if bad else 0)' "$CYCLES" <<<"$status" >"$LAB_DIR/status.txt" 2>&1; then
		lab_pass "status counts: $(cat "$LAB_DIR/status.txt")"
	else
		lab_fail "status counts: $(head -c 600 "$LAB_DIR/status.txt")"
	fi
}

# The EVE engine events of the changes, each valid against Suricata's schema.
check_eve()
{
	local eve=$1 result
	if result=$("$PY" - "$eve" "$CYCLES" "$EVE_SCHEMA" <<'EOF'
import json, os, sys
path, cycles, schema_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
events = [json.loads(l) for l in open(path) if '"event_type":"engine"' in l]
links = [e for e in events if e["engine"]["module"] == "link"]
want = {}
for lost, held in (("a1", "b1"), ("b2", "a2")):
    want[(lost, "port %s link down (was up); pair %s taken down" % (lost, held))] = cycles
    want[(lost, "port %s link up (was down); pair %s brought up" % (lost, held))] = cycles
    want[(held, "port %s link up (was down), as vigil brought it up" % held)] = cycles
# and the pull check_exit_restores made before SIGTERM
want[("a1", "port a1 link down (was up); pair b1 taken down")] += 1
got = {}
for e in links:
    key = (e["in_iface"], e["engine"]["message"])
    got[key] = got.get(key, 0) + 1
bad = ["%s %r: %d (want %d)" % (k[0], k[1], got.get(k, 0), n) for k, n in want.items() if got.get(k, 0) != n]
bad += ["unexpected %s %r" % k for k in got if k not in want]
levels = {e["log_level"] for e in links if "link down" in e["engine"]["message"]}
if levels != {"Warning"}:
    bad.append("a loss is logged at %s" % levels)


def schema_errors(e, schema):
    """What of e the schema refuses: jsonschema when installed, else the
    parts an engine event uses (no member the schema does not name, at
    the top or in engine, each a string as the schema says)."""
    try:
        import jsonschema
        return [err.message for err in jsonschema.Draft7Validator(schema).iter_errors(e)]
    except ImportError:
        pass
    props, errors = schema["properties"], []
    errors += ["missing %s" % k for k in schema.get("required", []) if k not in e]
    for key, value in e.items():
        if key not in props:
            errors.append("%s is not in the schema" % key)
        elif key != "engine" and (props[key].get("type") != "string" or not isinstance(value, str)):
            errors.append("%s is not a string" % key)
    engine = props["engine"]["properties"]
    for key, value in e["engine"].items():
        if key not in engine or engine[key].get("type") != "string" or not isinstance(value, str):
            errors.append("engine.%s is not a string of the schema" % key)
    return errors


note = "schema not found, not validated"
if os.path.exists(schema_path):
    schema = json.load(open(schema_path))
    for e in links:
        bad += ["%s: %s" % (e["engine"]["message"], m) for m in schema_errors(e, schema)]
    note = "each valid against Suricata's EVE schema"
print("; ".join(bad) if bad else "%d link events in EVE as expected, %s" % (len(links), note))
sys.exit(1 if bad else 0)
EOF
	); then
		lab_pass "$result"
	else
		lab_fail "EVE: $result"
	fi
}

check_log()
{
	local n
	n=$(grep -cE 'vigil: warning: link: port (a1|b2) link down \(was up\); pair (b1|a2) taken down' "$LAB_VIGIL_ERR" || true)
	if ((n == 2 * CYCLES)); then
		lab_pass "vigil logged every loss and take-down ($n)"
	else
		lab_fail "vigil logged $n losses, want $((2 * CYCLES))"
	fi
}

# SIGTERM while b1 is held down for a1: vigil exits 0 and brings b1 up.
check_exit_restores()
{
	local rc=0
	watch "$ROUTER_B" rb1 LOWER_UP 0
	timed "before SIGTERM: ra1 pulled, rb1 lost its carrier" ip -n "$ROUTER_A" link set ra1 down || true
	lab_stop_vigil 15 || rc=$?
	if ((rc == 0)); then
		lab_pass "vigil exited 0 on SIGTERM"
	else
		lab_fail "vigil exited with status $rc"
	fi
	if link_has "" vigil-b1 UP; then
		lab_pass "vigil brought vigil-b1 up again on its way out"
	else
		lab_fail "vigil-b1 left down after vigil exited"
	fi
	ip -n "$ROUTER_A" link set ra1 up
	if "$PY" -c '
import json, sys
ports = {p["port"]: p for p in json.load(open(sys.argv[1]))["links"]["ports"]}
sys.exit(0 if ports["b1"]["held"] == "down" and ports["a1"]["down"] == int(sys.argv[2]) + 1 else 1)' \
		"$LAB_STATS_JSON" "$CYCLES"; then
		lab_pass "--stats-json: links counted, b1 held down at the end"
	else
		lab_fail "--stats-json links: $(grep -oE '"links":.{0,300}' "$LAB_STATS_JSON" 2>/dev/null)"
	fi
}

# [board] link_propagation = no: the loss is seen and logged, nothing is set.
check_propagation_off()
{
	local start rc=0 deadline
	lab_start_vigil --set board.link_propagation=no --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.store_dir=$LAB_DIR/store"
	lab_wait_answer "$ROUTER_A" 10.79.1.2 20 "propagation off: pair 1 forwarding" || return 0
	ip -n "$ROUTER_A" link set ra1 down
	if lab_wait_log 'link: port a1 link down \(was up\); pair b1 left as it is \(link_propagation off\)'; then
		lab_pass "propagation off: vigil logged the loss of a1 and left b1 as it is"
	else
		lab_fail "propagation off: no log line for the loss of a1"
	fi
	deadline=$((SECONDS + 1))
	while ((SECONDS <= deadline)); do
		link_has "$ROUTER_B" rb1 LOWER_UP || { lab_fail "propagation off: rb1 lost its carrier"; break; }
	done
	link_has "$ROUTER_B" rb1 LOWER_UP && lab_pass "propagation off: rb1 kept its carrier"
	ip -n "$ROUTER_A" link set ra1 up
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) || lab_fail "propagation off: vigil exited with status $rc"
}

# tap_cycle PULLED OTHER: tap PULLED taken down, vigil sets tap OTHER down; and up again.
tap_cycle()
{
	local pulled=$1 other=$2 state want
	for state in down up; do
		want=0
		[[ $state == up ]] && want=1
		watch "" "$other" UP "$want"
		timed "taps: $pulled set $state, vigil set $other $state" ip link set "$pulled" "$state" || true
	done
}

# The four data ports on taps in the root namespace: the ethdev path.
check_tap_ethdev()
{
	local -a taps=()
	local port n=1 rc=0
	for port in a1 b1 a2 b2; do
		taps+=(--set "port $port.device=net_tap$n,iface=vigil-t$port")
		n=$((n + 1))
	done
	lab_start_vigil "${taps[@]}" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.store_dir=$LAB_DIR/store"
	if ! lab_wait_log 'link: propagation on, 4 port\(s\) watched'; then
		lab_fail "taps: vigil did not start watching"
		return 0
	fi
	for port in ta1 tb1 ta2 tb2; do
		watch "" "vigil-$port" LOWER_UP 1
		seen 0 || lab_fail "taps: vigil-$port not up"
	done
	tap_cycle vigil-ta1 vigil-tb1
	tap_cycle vigil-tb2 vigil-ta2
	lab_wait_log 'link: port a2 link up \(was down\), as vigil brought it up' ||
		lab_fail "taps: vigil did not see a2 come up"
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) || lab_fail "taps: vigil exited with status $rc"
	# net_tap (22.11) keeps its link from netlink once its interrupt is on,
	# but raises no event for the application: the 50 ms poll reads it.
	local events
	if events=$("$PY" -c '
import json, sys
links = json.load(open(sys.argv[1]))["links"]
ports = links["ports"]
ok = all(p["read"] == "events" and p["set_failures"] == 0 and p["link"] == "up" for p in ports)
ok = ok and [p["taken_down"] for p in ports] == [0, 1, 1, 0]
print(links["events"])
sys.exit(0 if ok else 1)' "$LAB_STATS_JSON"); then
		lab_pass "taps: read through ethdev (link status interrupt on, $events event(s) raised), b1 and a2 each taken down once and up again"
	else
		lab_fail "taps: --stats-json links: $(grep -oE '"links":.{0,400}' "$LAB_STATS_JSON" 2>/dev/null)"
	fi
}

summary()
{
	local what=$1
	shift
	(($#)) || return 0
	printf '%s' "$what: "
	printf '%s ms ' "$@"
	printf '(max %s ms)\n' "$(printf '%s\n' "$@" | sort -n | tail -n 1)"
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-linkprop
	bash board/lab-pki.sh >/dev/null
	bash board/lab-netns.sh inline-up
	local eve=$LAB_DIR/eve.json i
	lab_start_vigil --eve "$eve" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.store_dir=$LAB_DIR/store"
	lab_wait_answer "$ROUTER_A" 10.79.1.2 20 "pair 1 forwarding" || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_wait_answer "$ROUTER_A" 10.79.2.2 20 "pair 2 forwarding" || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	for ((i = 1; i <= CYCLES; i++)); do
		cycle 1 "$ROUTER_A" ra1 a1 "$ROUTER_B" rb1 10.79.2.2
		cycle 2 "$ROUTER_B" rb2 b2 "$ROUTER_A" ra2 10.79.1.2
	done
	check_status
	check_log
	check_exit_restores
	check_eve "$eve"
	summary "other side down after a pull" "${DOWN_MS[@]}"
	summary "other side up after the return" "${UP_MS[@]}"
	check_propagation_off
	check_tap_ethdev
	lab_finish lab_link_propagation
}

main "$@"
