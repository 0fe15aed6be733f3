# SPDX-License-Identifier: BSD-3-Clause
#
# The shell side of lib/long_connection.py, sourced after board/lab-lib.sh
# by the scenarios that keep one connection through an event and attack
# on it afterwards (lab_fail_open.sh, lab_restart.sh):
#
#   long_connection_rules FILE SID      a rule that drops a path traversal
#   long_connection_server PORT         the server in the server namespace
#                                       (its received bytes in $LAB_DIR/server.log)
#   long_connection_wait WHAT           up to 10 s for the client's
#                                       $LAB_DIR/connected (WHAT: reported if not)
#   long_connection_report FILE EVENT   the client's lines, reported
#   long_connection_blocked EVE SID     the traversal never reached the server,
#                                       and EVE FILE has its alert, blocked

# shellcheck shell=bash

readonly LONG_CONNECTION_PY=tests/integration/lib/long_connection.py

long_connection_rules()
{
	local file=$1 sid=$2
	cat >"$file" <<RULES
drop tcp any any -> any any (msg:"path traversal on a long connection"; flow:to_server,established; content:"../"; content:"etc/passwd"; distance:0; classtype:web-application-attack; sid:$sid; rev:1;)
RULES
}

long_connection_server()
{
	local port=$1
	ip netns exec "$LAB_SERVER_NS" timeout 120 /usr/bin/python3 "$LONG_CONNECTION_PY" server \
		"$LAB_SERVER_V4" "$port" "$LAB_DIR/server.log" &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" "$port" || lab_fail "no server on port $port"
}

long_connection_wait()
{
	local tries=100
	until [[ -e $LAB_DIR/connected ]]; do
		((tries-- > 0)) || { lab_fail "$1 did not come up"; return 1; }
		sleep 0.1
	done
}

# long_connection_report FILE EVENT: each "pass"/"fail" line as a check,
# "gap MS" as how long traffic stopped, and the attack's line: it passes
# when the traversal sent after EVENT was not echoed.
long_connection_report()
{
	local file=$1 event=$2 verdict text
	while read -r verdict text; do
		case $verdict in
		pass) lab_pass "$text" ;;
		fail) lab_fail "$text" ;;
		gap) lab_pass "traffic stopped for $text ms at most (the longest the client received nothing)" ;;
		attack)
			if [[ $text == "not echoed" ]]; then
				lab_pass "the traversal sent on that connection after $event was not echoed"
			else
				lab_fail "the traversal sent on that connection after $event was echoed"
			fi
			;;
		esac
	done <"$file"
}

long_connection_blocked()
{
	local eve=$1 sid=$2 tries=50
	if grep -q passwd "$LAB_DIR/server.log"; then
		lab_fail "the server received the traversal"
	else
		lab_pass "the server never received the traversal"
	fi
	until grep -q "\"signature_id\":$sid" "$eve" 2>/dev/null; do
		((tries-- > 0)) || break
		sleep 0.1
	done
	if grep "\"signature_id\":$sid" "$eve" 2>/dev/null | grep -q '"action":"blocked"'; then
		lab_pass "EVE ($(basename "$eve")): the traversal's alert, blocked"
	else
		lab_fail "EVE ($(basename "$eve")): no blocked alert for sid $sid"
	fi
}
