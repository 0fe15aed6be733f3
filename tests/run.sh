#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The test runner behind `make check` (which builds build/vigil and the unit
# binaries first) and `make unit`. Runs every cmocka binary
# build/tests/unit/test_* and counts its individual tests, then every
# integration scenario in tests/integration/ (*.sh, and *.py except the
# make_*.py generators), one test each, passing when it exits 0 within its
# time limit. Prints one line
# per binary or scenario, keeps every output under build/test-logs/, shows
# the end of each failure's log, and ends with exactly one line
# "N passed, N failed". Exits non-zero if anything failed.
#
#   bash tests/run.sh              everything
#   bash tests/run.sh board lab    only binaries and scenarios whose name
#                                  contains one of the words
#   bash tests/run.sh --unit [W..] the unit binaries only; needs no root
# Must run as root from anywhere in the repo (the lab scenarios create
# network namespaces), except with --unit.
set -euo pipefail

cd "$(dirname "$0")/.."

UNIT_ONLY=false
if [[ ${1:-} == --unit ]]; then
	UNIT_ONLY=true
	shift
fi
readonly UNIT_ONLY
readonly PY=/usr/bin/python3
readonly LOG_DIR=build/test-logs
readonly UNIT_TIMEOUT=120
readonly INTEGRATION_TIMEOUT=180
readonly FILTERS=("$@")

passed=0
failed=0

selected()
{
	local name=$1 word
	((${#FILTERS[@]} == 0)) && return 0
	for word in "${FILTERS[@]}"; do
		[[ $name == *"$word"* ]] && return 0
	done
	return 1
}

show_log_tail()
{
	echo "    --- last lines of $1 ---"
	tail -n 80 "$1" | sed 's/^/    /'
}

# Sum of the N in every line of the log matching "^PREFIX N test(s)".
cmocka_count()
{
	local log=$1 label=$2
	sed -nE "s/^\[  $label  \] ([0-9]+) test\(s\).*/\1/p" "$log" | awk '{ n += $1 } END { print n + 0 }'
}

run_unit_binary()
{
	local bin=$1 name log rc=0 ok bad
	name=$(basename "$bin")
	log=$LOG_DIR/$name.log
	# The subshell keeps bash's own "Segmentation fault" notice off the report.
	(CMOCKA_MESSAGE_OUTPUT=STDOUT timeout -k 5 "$UNIT_TIMEOUT" "$bin" </dev/null >"$log" 2>&1; exit $?) \
		2>/dev/null || rc=$?
	ok=$(cmocka_count "$log" PASSED)
	bad=$(cmocka_count "$log" FAILED)
	# A crash, a timeout or a binary that never printed a summary is a
	# failure even when no individual test was reported as failed.
	if ((rc != 0 && bad == 0)) || ((ok + bad == 0)); then
		bad=$((bad + 1))
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if ((bad == 0)); then
		echo "PASS $name ($ok tests)"
	else
		echo "FAIL $name ($ok passed, $bad failed, exit status $rc)"
		show_log_tail "$log"
	fi
}

run_scenario()
{
	local script=$1 name log rc=0 start
	name=$(basename "$script")
	name=${name%.*}
	log=$LOG_DIR/$name.log
	local -a cmd=(bash "$script")
	[[ $script == *.py ]] && cmd=("$PY" "$script")
	start=$SECONDS
	(timeout -k 10 "$INTEGRATION_TIMEOUT" "${cmd[@]}" </dev/null >"$log" 2>&1; exit $?) 2>/dev/null || rc=$?
	if ((rc == 0)); then
		passed=$((passed + 1))
		echo "PASS $name ($((SECONDS - start)) s)"
		return
	fi
	failed=$((failed + 1))
	if ((rc == 124 || rc == 137)); then
		echo "FAIL $name (timed out after $INTEGRATION_TIMEOUT s)"
	else
		echo "FAIL $name (exit status $rc, $((SECONDS - start)) s)"
	fi
	show_log_tail "$log"
}

main()
{
	if ! $UNIT_ONLY && [[ $(id -u) -ne 0 ]]; then
		echo "tests/run.sh: must run as root (integration tests create namespaces)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	rm -rf "$LOG_DIR"
	mkdir -p "$LOG_DIR"

	local bin script
	shopt -s nullglob
	for bin in build/tests/unit/test_*; do
		[[ -f $bin && -x $bin && $bin != *.* ]] || continue
		selected "$(basename "$bin")" && run_unit_binary "$bin"
	done
	for script in tests/integration/*.sh tests/integration/*.py; do
		$UNIT_ONLY && break
		[[ $(basename "$script") == make_* ]] && continue
		selected "$(basename "$script")" && run_scenario "$script"
	done

	echo "logs: $LOG_DIR/"
	echo "$passed passed, $failed failed"
	((failed == 0))
}

main
