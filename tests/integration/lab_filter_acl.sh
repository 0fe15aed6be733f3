#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the filter stage on the lab board (vigil inline between the
# namespaces; the server side, port "outside", is the protected side).
#
# 1. A stateless ACL: TCP to port 5201 is denied, port 5200 passes (a real
#    transfer, sha256 checked); the denied connection is counted under its
#    ACL rule number and logged as an EVE drop event with that number.
# 2. SIGHUP with a bad filter file: refused with file, line and reason, the
#    running tables stay (5201 is still cut).
# 3. SIGHUP with stateful rules ("stateful allow egress", "stateful default
#    deny"): the protected server opens a connection out and its replies
#    come back; a new inbound connection from the client is cut.
#
# Run alone (root, repo root, after make), under the lab lock:
#   flock /tmp/vigil-lab.lock bash tests/integration/lab_filter_acl.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

# TCP connect from namespace $1 to $2:$3 with a listener there; 0 when it connects.
connects()
{
	local from=$1 addr=$2 port=$3 listen_ns=$4
	ip netns exec "$listen_ns" timeout 6 nc -l "$addr" "$port" </dev/null >/dev/null 2>&1 &
	local listener=$!
	LAB_HELPER_PIDS+=("$listener")
	lab_wait_listening "$listen_ns" "$port" || return 2
	local rc=0
	ip netns exec "$from" timeout 4 nc -z -w 2 "$addr" "$port" >/dev/null 2>&1 || rc=1
	kill "$listener" 2>/dev/null || true
	wait "$listener" 2>/dev/null || true
	lab_forget_helper "$listener"
	return "$rc"
}

expect_connect()
{
	if connects "$@"; then lab_pass "TCP $1 -> $2:$3 connects"; else lab_fail "TCP $1 -> $2:$3 cut"; fi
}

expect_cut()
{
	if connects "$@"; then lab_fail "TCP $1 -> $2:$3 connects"; else lab_pass "TCP $1 -> $2:$3 cut"; fi
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-filter-acl
	local filter=$LAB_DIR/lab.filter eve=$LAB_DIR/eve.json
	cat >"$filter" <<'EOF'
# lab_filter_acl: step 1
acl 100 deny ingress proto tcp dport 5201
acl 110 allow ingress proto tcp dport 5200
log deny
EOF
	lab_up
	lab_start_vigil --set filter.protected_port=outside --filter "$filter" --eve "$eve"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	lab_tcp_transfer "$LAB_CLIENT_NS" "$LAB_SERVER_NS" "$LAB_SERVER_V4" 5200 65536 || true
	expect_cut "$LAB_CLIENT_NS" "$LAB_SERVER_V4" 5201 "$LAB_SERVER_NS"

	# 2: a bad file is refused and the running tables stay
	cp "$filter" "$LAB_DIR/good.filter"
	printf 'acl 100 deny ingress proto tcp dport 5201\nacl 7 deny proto tcp dport 99999\n' >"$filter"
	kill -HUP "$LAB_VIGIL_PID"
	if lab_wait_log "filter reload refused.*lab.filter:2:28: \"99999\" is not a port"; then
		lab_pass "bad filter file refused with file, line and reason"
	else
		lab_fail "bad filter file: no refusal with file:line:col in vigil's log"
	fi
	expect_cut "$LAB_CLIENT_NS" "$LAB_SERVER_V4" 5201 "$LAB_SERVER_NS"

	# 3: stateful rules, by SIGHUP
	cat >"$filter" <<'EOF'
stateful allow egress
stateful allow ingress proto icmp
stateful default deny
EOF
	kill -HUP "$LAB_VIGIL_PID"
	if lab_wait_log "filter: reloaded"; then lab_pass "SIGHUP reloaded the filter"; else lab_fail "no reload"; fi
	expect_connect "$LAB_SERVER_NS" "10.77.0.1" 5300 "$LAB_CLIENT_NS"
	lab_tcp_transfer "$LAB_SERVER_NS" "$LAB_CLIENT_NS" 10.77.0.1 5301 65536 || true
	expect_cut "$LAB_CLIENT_NS" "$LAB_SERVER_V4" 5302 "$LAB_SERVER_NS"
	lab_ping "$LAB_CLIENT_NS" "ping allowed by a stateful rule" -q -c 2 -i 0.2 -W 2 "$LAB_SERVER_V4" || true

	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "vigil exited 0" || lab_fail "vigil exited with status $rc"
	cat "$LAB_VIGIL_OUT"
	# the ACL rule number is vigil's own field (metadata.flowints.vigil, control/eve.h)
	if grep -q '"event_type":"drop".*"dest_port":5201.*"drop":{"reason":"acl_rule"}.*"vigil":{"acl_rule":100}' "$eve"; then
		lab_pass "EVE drop event with ACL rule 100"
	else
		lab_fail "no EVE drop event naming ACL rule 100"
	fi
	grep -q "filter: denied by ACL rule 100: [1-9]" "$LAB_VIGIL_OUT" &&
		lab_pass "denials counted under rule 100" || lab_fail "no count for rule 100"
	grep -Eq "stateful [1-9]" "$LAB_VIGIL_OUT" &&
		lab_pass "stateful denials counted" || lab_fail "no stateful denials counted"

	if ((lab_failures)); then
		echo "lab_filter_acl: $lab_failures failure(s)"
		exit 1
	fi
	echo "lab_filter_acl: passed"
}

main "$@"
