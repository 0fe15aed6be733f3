#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a broken board file is refused before DPDK starts, with exactly
# one line on stderr that names the file, the line (0 when the setting is
# missing) and the setting:
#   vigil: FILE:LINE: error: [section] key: what is wrong
# Each case edits one line of a valid board (unknown key, bad mode and
# malformed values, missing workers, a pair naming no port, bad lcore
# lists, a bad or twice-listed [host_os_policy] prefix, a syntax error) and
# must fail within a few seconds. A bad --set
# override must be refused the same way, naming the override.
#
# Run alone (root, repo root, after make): bash tests/integration/board_errors.sh
set -euo pipefail

cd "$(dirname "$0")/../.."

readonly VIGIL=build/vigil
readonly VIGIL_PREFIX=vigil-it-board-$$

work=""
failures=0
cases=0

cleanup()
{
	local rc=$?
	trap - EXIT
	rm -rf "/var/run/dpdk/$VIGIL_PREFIX"
	[[ -n $work ]] && rm -rf "$work"
	exit "$rc"
}

write_base()
{
	cat >"$1" <<EOF
; a valid board that the cases below break one line at a time
[board]
name = broken
mode = ips
malformed = drop

[eal]
no_huge = yes
no_pci = yes
memory_mb = 64
file_prefix = $VIGIL_PREFIX

[lcores]
control = 0
workers = 1

[port a]
device = net_null0
role = inline
pair = b

[port b]
device = net_null1
role = inline
pair = a
EOF
}

# Line number of the first line matching the regex $2 in file $1.
line_of()
{
	grep -n -m1 -E "$2" "$1" | cut -d: -f1
}

# expect_refusal NAME FILE LINE PATTERN [vigil args...]: vigil must exit
# non-zero within 10 s, with one stderr line "vigil: FILE:LINE: error: "
# followed by PATTERN (an extended regex).
expect_refusal()
{
	local name=$1 file=$2 line=$3 pattern=$4
	shift 4
	cases=$((cases + 1))
	local rc=0 err lines prefix
	timeout -k 2 10 "$VIGIL" --board "$file" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	err=$(<"$work/$name.err")
	lines=$(wc -l <"$work/$name.err")
	prefix="vigil: $file:$line: error: "
	if ((rc == 0)); then
		echo "FAIL: $name: vigil accepted the board (exit 0)"
	elif ((rc == 124 || rc == 137)); then
		echo "FAIL: $name: vigil did not refuse within 10 s"
	elif ((lines != 1)); then
		echo "FAIL: $name: $lines lines on stderr, expected 1:"
		head -n 5 "$work/$name.err" | sed 's/^/    /'
	elif [[ ${err:0:${#prefix}} != "$prefix" ]]; then
		echo "FAIL: $name: expected \"$prefix...\", got: $err"
	elif ! grep -qE -- "$pattern" <<<"${err:${#prefix}}"; then
		echo "FAIL: $name: message does not match /$pattern/: $err"
	else
		echo "ok: $name: $err"
		return 0
	fi
	failures=$((failures + 1))
}

# broken NAME SED-EXPR: a copy of the base board with one edit; prints its path.
broken()
{
	local file=$work/$1.conf
	sed -E "$2" "$work/base.conf" >"$file"
	echo "$file"
}

main()
{
	[[ -x $VIGIL ]] || { echo "FAIL: $VIGIL not built"; exit 1; }
	work=$(mktemp -d /tmp/vigil-it-board.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	write_base "$work/base.conf"

	local f
	f=$(broken unknown_key 's/^mode = ips$/mode = ips\ncolour = blue/')
	expect_refusal unknown_key "$f" "$(line_of "$f" '^colour')" '^\[board\] colour: '

	f=$(broken bad_mode 's/^mode = ips$/mode = fast/')
	expect_refusal bad_mode "$f" "$(line_of "$f" '^mode')" '^\[board\] mode: .*fast'

	f=$(broken bad_malformed 's/^malformed = drop$/malformed = maybe/')
	expect_refusal bad_malformed "$f" "$(line_of "$f" '^malformed')" '^\[board\] malformed: '

	f=$(broken missing_workers '/^workers = /d')
	expect_refusal missing_workers "$f" 0 '^\[lcores\] workers: missing'

	f=$(broken pair_names_no_port '0,/^pair = b$/s//pair = nowhere/')
	expect_refusal pair_names_no_port "$f" "$(line_of "$f" '^pair = nowhere')" \
		'^\[port a\] pair: .*nowhere'

	f=$(broken lcores_reversed_range 's/^workers = 1$/workers = 3-1/')
	expect_refusal lcores_reversed_range "$f" "$(line_of "$f" '^workers')" '^\[lcores\] workers: '

	f=$(broken lcores_not_a_number 's/^workers = 1$/workers = 1,x/')
	expect_refusal lcores_not_a_number "$f" "$(line_of "$f" '^workers')" '^\[lcores\] workers: '

	f=$(broken lcores_twice 's/^workers = 1$/workers = 1,1/')
	expect_refusal lcores_twice "$f" "$(line_of "$f" '^workers')" '^\[lcores\] workers: '

	f=$(broken lcores_control 's/^workers = 1$/workers = 0/')
	expect_refusal lcores_control "$f" "$(line_of "$f" '^workers')" '^\[lcores\] workers: .*control'

	f=$(broken host_os_bad_prefix 's/^\[lcores\]$/[host_os_policy]\nwindows = 10.0.0.0\/8, 10.1.0.0\/8x\n\n[lcores]/')
	expect_refusal host_os_bad_prefix "$f" "$(line_of "$f" '^windows')" \
		'^\[host_os_policy\] windows: "10\.1\.0\.0/8x": bad prefix length'

	f=$(broken host_os_listed_twice 's/^\[lcores\]$/[host_os_policy]\nbsd = fd00::\/8\nlinux = fd00::\/8\n\n[lcores]/')
	expect_refusal host_os_listed_twice "$f" "$(line_of "$f" '^linux')" \
		'^\[host_os_policy\] linux: "fd00::/8": listed twice \(also under bsd\)'

	f=$(broken syntax_error 's/^\[eal\]$/[eal]\nthis line is not a setting/')
	expect_refusal syntax_error "$f" "$(line_of "$f" '^this line')" '.'

	# A bad override names the override instead of a file line.
	cases=$((cases + 1))
	local rc=0 err
	timeout -k 2 10 "$VIGIL" --board "$work/base.conf" --set board.mode=fast \
		>/dev/null 2>"$work/set.err" || rc=$?
	err=$(<"$work/set.err")
	if ((rc != 0 && rc != 124 && rc != 137)) && (($(wc -l <"$work/set.err") == 1)) &&
		grep -qE '^vigil: .*board\.mode=fast.*error: .*mode' <<<"$err"; then
		echo "ok: bad_override: $err"
	else
		echo "FAIL: bad_override: status $rc, stderr: $err"
		failures=$((failures + 1))
	fi

	# Refusing before DPDK starts means the EAL never made its runtime folder.
	cases=$((cases + 1))
	if [[ -e /var/run/dpdk/$VIGIL_PREFIX ]]; then
		echo "FAIL: the EAL started (/var/run/dpdk/$VIGIL_PREFIX exists) for a refused board"
		failures=$((failures + 1))
	else
		echo "ok: the EAL never started"
	fi

	if ((failures)); then
		echo "board_errors: $failures of $cases cases failed"
		exit 1
	fi
	echo "board_errors: passed ($cases cases)"
}

main "$@"
