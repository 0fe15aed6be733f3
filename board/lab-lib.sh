# SPDX-License-Identifier: BSD-3-Clause
#
# The steps every lab scenario shares, to be sourced (not run) by
# board/lab-demo.sh and tests/integration/lab_*.sh after they cd to the repo
# root and `set -euo pipefail`. It provides:
#
#   lab_init NAME            temp folder, EAL file prefix NAME-PID, and
#                            lab_cleanup on EXIT (Ctrl-C and SIGTERM exit
#                            130 and 143, so they clean up too)
#   lab_up                   the namespaces of board/lab-netns.sh
#   lab_start_vigil ARGS...  build/vigil on $LAB_BOARD (board/lab.conf unless
#                            the caller sets another) in the background
#   lab_wait_forwarding S    until a ping from the client gets through
#   lab_mgmt_up S            the management tap moved into the operator
#                            namespace, until vigil's own address answers
#   lab_ping NS WHAT ARGS... one ping run, reported
#   lab_tcp_transfer ...     nc from one namespace to the other, sha256 checked
#   lab_stop_vigil S         SIGTERM; returns vigil's exit status
#   lab_stop_reported S      lab_stop_vigil, exit status 0 checked and reported
#   lab_finish NAME          stop vigil, check it exited 0, report, exit
#   lab_ctl ROLE ARGS...     vigilctl from the operator namespace
#   lab_expect_ctl ...       lab_ctl with its exit status and output checked
#   lab_wait_gone, lab_wait_listening, lab_vigil_running, lab_pass, lab_fail
#
# Checks are reported through lab_pass and lab_fail, which print one line
# each (with LAB_PASS_PREFIX and LAB_FAIL_PREFIX, which the caller may
# change) and count failures in lab_failures. Every wait is bounded. Left to
# the caller: checking it runs as root on a built vigil, what it prints
# around the steps, what it asserts on vigil's output and stats JSON
# ($LAB_VIGIL_OUT, $LAB_VIGIL_ERR, $LAB_STATS_JSON), and its exit status.

# shellcheck shell=bash
# Some LAB_ variables are set here for the callers to read.
# shellcheck disable=SC2034

readonly LAB_VIGIL=build/vigil
readonly LAB_CLIENT_NS=vigil-client
readonly LAB_SERVER_NS=vigil-server
readonly LAB_SERVER_V4=10.77.0.2
# The operator's side of the management port (board/lab-netns.sh mgmt).
readonly LAB_OPERATOR_NS=vigil-operator
readonly LAB_MGMT_V4=10.78.0.1
readonly LAB_MGMT_V6=fd78::1

# The board lab_start_vigil runs; a scenario on another lab board sets it.
LAB_BOARD=board/lab.conf

LAB_PASS_PREFIX="ok: "
LAB_FAIL_PREFIX="FAIL: "
lab_failures=0
lab_failed=()

LAB_DIR=""
LAB_VIGIL_PREFIX=""
LAB_VIGIL_OUT=""
LAB_VIGIL_ERR=""
LAB_STATS_JSON=""
LAB_VIGIL_PID=""
# Background processes (nc listeners) that lab_cleanup must end.
LAB_HELPER_PIDS=()
# How lab_cleanup takes the lab's network down: a scenario with its own
# topology puts its own command here.
LAB_TEARDOWN=(bash board/lab-netns.sh down)

lab_pass() { printf '%s%s\n' "$LAB_PASS_PREFIX" "$*"; }

lab_fail()
{
	printf '%s%s\n' "$LAB_FAIL_PREFIX" "$*"
	lab_failures=$((lab_failures + 1))
	lab_failed+=("$*")
}

# Wait up to $2 seconds for process $1 to end; 1 if it is still there.
lab_wait_gone()
{
	local pid=$1 tenths=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null; do
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
}

# Wait up to 10 s for a line matching $1 (grep -E) in vigil's stderr: vigil
# may log an event a moment after the peer has seen its effect.
lab_wait_log()
{
	local tries=100
	until grep -qE -- "$1" "$LAB_VIGIL_ERR"; do
		((tries-- > 0)) || return 1
		sleep 0.1
	done
}

# Wait up to 5 s for a TCP listener on port $2 in namespace $1.
lab_wait_listening()
{
	local ns=$1 port=$2 tries=50
	until ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q LISTEN; do
		((tries-- > 0)) || return 1
		sleep 0.1
	done
}

lab_vigil_running() { [[ -n $LAB_VIGIL_PID ]] && kill -0 "$LAB_VIGIL_PID" 2>/dev/null; }

# Runs on EXIT, however the script ends: ends the helpers, then vigil
# (SIGTERM, SIGKILL after 10 s), removes the namespaces, DPDK's runtime
# folder (vigil removes it on a clean exit, not when killed) and the temp
# folder, and exits with the script's status. Ctrl-C is ignored meanwhile
# so that a second one cannot leave the lab half torn down.
lab_cleanup()
{
	local rc=$? pid
	trap - EXIT
	trap '' INT TERM
	for pid in "${LAB_HELPER_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	if lab_vigil_running; then
		kill -TERM "$LAB_VIGIL_PID" 2>/dev/null || true
		lab_wait_gone "$LAB_VIGIL_PID" 10 || kill -KILL "$LAB_VIGIL_PID" 2>/dev/null || true
	fi
	"${LAB_TEARDOWN[@]}"
	[[ -n $LAB_VIGIL_PREFIX ]] && rm -rf "/var/run/dpdk/$LAB_VIGIL_PREFIX"
	[[ -n $LAB_DIR ]] && rm -rf "$LAB_DIR"
	exit "$rc"
}

# lab_init NAME: registers lab_cleanup first, then makes the temp folder
# /tmp/NAME.XXXXXX (LAB_DIR) and names vigil's EAL file prefix NAME-PID, so
# that runs side by side never share DPDK runtime files.
lab_init()
{
	local name=$1
	trap lab_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	LAB_VIGIL_PREFIX=$name-$$
	LAB_DIR=$(mktemp -d "/tmp/$name.XXXXXX")
	LAB_VIGIL_OUT=$LAB_DIR/vigil.out
	LAB_VIGIL_ERR=$LAB_DIR/vigil.err
	LAB_STATS_JSON=$LAB_DIR/stats.json
}

# The namespaces, and the throw-away operator PKI the lab board's console names.
lab_up()
{
	bash board/lab-pki.sh >/dev/null
	bash board/lab-netns.sh up
}

# lab_start_vigil ARGS...: starts vigil on $LAB_BOARD with our EAL file
# prefix and --stats-json $LAB_STATS_JSON, then ARGS; stdout and stderr go
# to $LAB_VIGIL_OUT and $LAB_VIGIL_ERR. Does not wait: see
# lab_wait_forwarding.
lab_start_vigil()
{
	"$LAB_VIGIL" --board "$LAB_BOARD" --set "eal.file_prefix=$LAB_VIGIL_PREFIX" \
		--stats-json "$LAB_STATS_JSON" "$@" >"$LAB_VIGIL_OUT" 2>"$LAB_VIGIL_ERR" &
	LAB_VIGIL_PID=$!
}

# lab_wait_answer NS ADDR SECONDS WHAT: pings ADDR from namespace NS until
# one answer comes back, for at most SECONDS, while vigil runs. Reports
# "WHAT after N s" or the failure; returns 1 if vigil exited or nothing
# answered in time.
lab_wait_answer()
{
	local ns=$1 addr=$2 limit=$3 what=$4 start=$SECONDS
	while ((SECONDS < start + limit)); do
		if ! lab_vigil_running; then
			lab_fail "vigil exited while waiting: $what"
			return 1
		fi
		if ip netns exec "$ns" ping -q -c 1 -W 1 "$addr" >/dev/null 2>&1; then
			lab_pass "$what after $((SECONDS - start)) s"
			return 0
		fi
		sleep 0.2
	done
	lab_fail "no answer from $addr ($ns) within $limit s: $what"
	return 1
}

# lab_wait_forwarding SECONDS: until a ping from the client gets through
# vigil to the server, for at most SECONDS.
lab_wait_forwarding() { lab_wait_answer "$LAB_CLIENT_NS" "$LAB_SERVER_V4" "$1" "vigil forwarding"; }

# lab_mgmt_up SECONDS: once vigil has made its management tap, moves it into
# namespace $LAB_OPERATOR_NS (10.78.0.2/24, fd78::2/64) and pings vigil's
# management address until it answers, for at most SECONDS. Reported;
# returns 1 on failure.
lab_mgmt_up()
{
	local limit=$1 start=$SECONDS
	until ip link show vigil-mgmt >/dev/null 2>&1; do
		if ! lab_vigil_running || ((SECONDS >= start + limit)); then
			lab_fail "no management tap vigil-mgmt within $limit s"
			return 1
		fi
		sleep 0.1
	done
	bash board/lab-netns.sh mgmt
	lab_wait_answer "$LAB_OPERATOR_NS" "$LAB_MGMT_V4" "$limit" "management address $LAB_MGMT_V4 answering"
}

# lab_ctl ROLE ARGS...: vigilctl from the operator namespace to vigil's
# management address with the lab PKI's ROLE certificate (admin, viewer,
# norole, rogue); at most 60 s.
lab_ctl()
{
	local role=$1
	shift
	ip netns exec "$LAB_OPERATOR_NS" timeout 60 build/vigilctl --host "$LAB_MGMT_V4" \
		--name vigil-lab --ca build/lab-pki/ca.crt --cert "build/lab-pki/$role.crt" \
		--key "build/lab-pki/$role.key" "$@"
}

# lab_expect_ctl WHAT WANT_RC PATTERN ROLE ARGS...: lab_ctl ROLE ARGS, passing
# when it exits WANT_RC and its output (stdout and stderr) matches PATTERN
# (grep -E); on failure the output's first lines are shown.
lab_expect_ctl()
{
	local what=$1 want=$2 pattern=$3 out rc=0
	shift 3
	out=$(lab_ctl "$@" 2>&1) || rc=$?
	if ((rc == want)) && grep -qE -- "$pattern" <<<"$out"; then
		lab_pass "$what"
	else
		lab_fail "$what: exit $rc (want $want), output:"
		sed 's/^/    /' <<<"$out" | head -n 20
	fi
}

# lab_finish NAME: the end every scenario shares: SIGTERM to vigil, its exit
# status reported (it must be 0), its exit summary, the last lines of its
# stderr and a count on failure; exits the script 0 when nothing failed, 1 otherwise.
lab_finish()
{
	local name=$1
	lab_vigil_running && lab_stop_reported 15
	if ((lab_failures)); then
		# vigil's own account (its exit summary: counters by layer,
		# flows, drops by reason, rule hits) and its last messages
		[[ -s $LAB_VIGIL_OUT ]] && { echo "--- vigil's summary"; tail -n 40 "$LAB_VIGIL_OUT"; }
		echo "--- vigil's last messages"
		tail -n 20 "$LAB_VIGIL_ERR"
		# Repeated last, so that a log cut to its tail still shows them.
		((${#lab_failed[@]} == 0)) || printf '%s: failed: %s\n' "$name" "${lab_failed[@]}"
		echo "$name: $lab_failures failure(s)"
		exit 1
	fi
	echo "$name: passed"
	exit 0
}

# lab_stop_reported SECONDS: lab_stop_vigil, and its exit status reported:
# it must be 0. When vigil had to be killed (reported), the script exits 1.
lab_stop_reported()
{
	local rc=0
	lab_stop_vigil "$1" || rc=$?
	((rc != 137)) || exit 1
	((rc == 0)) && lab_pass "vigil exited 0 on SIGTERM" || lab_fail "vigil exited with status $rc"
}

# lab_ping NS WHAT PING_ARGS...: one ping run from namespace NS (at most
# 10 s), reported as WHAT with ping's summary, or its last lines on failure.
lab_ping()
{
	local ns=$1 what=$2 out
	shift 2
	if out=$(ip netns exec "$ns" timeout 10 ping "$@" 2>&1); then
		lab_pass "$what: $(grep -E 'packets transmitted' <<<"$out")"
		return 0
	fi
	lab_fail "$what"
	tail -n 4 <<<"$out" | sed 's/^/    /'
	return 1
}

# The listening end of a transfer, in the background (LAB_HELPER_PIDS).
# ROLE send reads FILE and shuts its write half at EOF (-N) so that the
# other end sees the end; ROLE receive writes FILE.
lab_tcp_listen()
{
	local role=$1 ns=$2 addr=$3 port=$4 file=$5
	if [[ $role == send ]]; then
		ip netns exec "$ns" timeout 60 nc -N -l "$addr" "$port" <"$file" >/dev/null &
	else
		ip netns exec "$ns" timeout 60 nc -l "$addr" "$port" </dev/null >"$file" &
	fi
	LAB_HELPER_PIDS+=("$!")
}

# A helper that has ended: its pid may be reused, so lab_cleanup must not
# kill it any more.
lab_forget_helper()
{
	local gone=$1 pid
	local -a kept=()
	for pid in "${LAB_HELPER_PIDS[@]}"; do
		[[ $pid == "$gone" ]] || kept+=("$pid")
	done
	LAB_HELPER_PIDS=("${kept[@]}")
}

# The connecting end of a transfer, in the foreground; 1 if nc failed.
lab_tcp_connect()
{
	local role=$1 ns=$2 addr=$3 port=$4 file=$5
	if [[ $role == send ]]; then
		ip netns exec "$ns" timeout 60 nc -N -w 10 "$addr" "$port" <"$file"
	else
		ip netns exec "$ns" timeout 60 nc -d -w 10 "$addr" "$port" >"$file"
	fi
}

# lab_tcp_transfer FROM_NS TO_NS ADDR PORT BYTES: BYTES of random data from
# namespace FROM_NS to TO_NS over one TCP connection to ADDR:PORT, through
# vigil, checked by sha256 and reported. ADDR says who listens: if it is an
# address of TO_NS the receiver listens (an upload), otherwise the sender
# does (a download from a server at ADDR in FROM_NS). A failed step is
# reported and counted; returns 1 if no listener came up or the bytes
# differ. Leaves LAB_SENT_SHA256, LAB_RECEIVED_SHA256, LAB_RECEIVED_BYTES
# and LAB_TRANSFER_SECONDS (connect to the listener's end) for the caller.
lab_tcp_transfer()
{
	local from_ns=$1 to_ns=$2 addr=$3 port=$4 bytes=$5
	local what="TCP $from_ns -> $to_ns (port $port)"
	local src=$LAB_DIR/tcp-$port.sent dst=$LAB_DIR/tcp-$port.received
	local listen_ns=$from_ns listen_role=send connect_ns=$to_ns connect_role=receive
	if [[ -n $(ip -n "$to_ns" -o addr show to "$addr") ]]; then
		listen_ns=$to_ns listen_role=receive connect_ns=$from_ns connect_role=send
	fi
	local listen_file=$src connect_file=$dst
	if [[ $listen_role == receive ]]; then
		listen_file=$dst connect_file=$src
	fi

	LAB_SENT_SHA256="" LAB_RECEIVED_SHA256="" LAB_RECEIVED_BYTES="" LAB_TRANSFER_SECONDS=""
	head -c "$bytes" /dev/urandom >"$src"
	lab_tcp_listen "$listen_role" "$listen_ns" "$addr" "$port" "$listen_file"
	local listener=${LAB_HELPER_PIDS[-1]}
	if ! lab_wait_listening "$listen_ns" "$port"; then
		lab_fail "$what: nothing listening in $listen_ns within 5 s"
		return 1
	fi
	local start=$EPOCHREALTIME
	lab_tcp_connect "$connect_role" "$connect_ns" "$addr" "$port" "$connect_file" ||
		lab_fail "$what: the connecting nc ($connect_ns) failed"
	if lab_wait_gone "$listener" 30; then
		lab_forget_helper "$listener"
	else
		lab_fail "$what: the listening nc ($listen_ns) still running 30 s after the other end finished"
	fi
	local end=$EPOCHREALTIME

	LAB_TRANSFER_SECONDS=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')
	LAB_SENT_SHA256=$(sha256sum <"$src" | cut -d' ' -f1)
	LAB_RECEIVED_SHA256=$(sha256sum <"$dst" | cut -d' ' -f1)
	LAB_RECEIVED_BYTES=$(stat -c %s "$dst")
	if [[ $LAB_SENT_SHA256 != "$LAB_RECEIVED_SHA256" ]]; then
		lab_fail "$what: received $LAB_RECEIVED_BYTES of $bytes bytes, sha256 differs"
		return 1
	fi
	lab_pass "$what: $bytes bytes, sha256 identical"
}

# lab_stop_vigil SECONDS: SIGTERM, then up to SECONDS for vigil to end;
# if it has not, reports it and kills it (SIGKILL). Returns vigil's exit
# status: 137 (128 + SIGKILL) when it had to be killed. Reports nothing
# else: the status the scenario expects is for the caller to check.
lab_stop_vigil()
{
	local limit=$1 rc=0
	kill -TERM "$LAB_VIGIL_PID" 2>/dev/null || true
	if ! lab_wait_gone "$LAB_VIGIL_PID" "$limit"; then
		lab_fail "vigil still running $limit s after SIGTERM; killing it"
		kill -KILL "$LAB_VIGIL_PID" 2>/dev/null || true
	fi
	wait "$LAB_VIGIL_PID" || rc=$?
	LAB_VIGIL_PID=""
	return "$rc"
}
