#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 15, acceptance 5): the command lines answer without a
# running appliance. `vigil --version` and `vigilctl --version` print the
# version (VERSION, and the commit) and exit 0; `vigil --help` and
# `vigilctl --help` print their usage on stdout and exit 0, vigilctl's
# with every console command and the role it needs (checked against the
# list the appliance builds its table from, control/console_command_list.h);
# `vigilctl help` with no appliance named does the same; a missing
# option is named (--host, --cert, --key, --ca, the command) and an
# unknown one refused, exit 2 with the usage.
#
# Run alone (repo root, after make): bash tests/integration/cli_without_appliance.sh
set -euo pipefail

cd "$(dirname "$0")/../.."

failures=0
pass() { echo "ok: $*"; }
fail()
{
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect WHAT WANT_RC STREAM PATTERN CMD...: CMD exits WANT_RC and STREAM
# (out or err) matches PATTERN (grep -E), the other stream empty for rc 0.
expect()
{
	local what=$1 want=$2 stream=$3 pattern=$4 rc=0
	shift 4
	env -u VIGILCTL_HOST -u VIGILCTL_CERT -u VIGILCTL_KEY -u VIGILCTL_CA \
		"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if ((rc == want)) && grep -qE -- "$pattern" "$tmp/$stream"; then
		pass "$what"
	else
		fail "$what: exit $rc (want $want); stdout: $(head -c 300 "$tmp/out"); stderr: $(head -c 300 "$tmp/err")"
	fi
}

main()
{
	[[ -x build/vigil && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	tmp=$(mktemp -d /tmp/vigil-cli.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	local version
	version=$(cat VERSION)

	expect "vigil --version" 0 out "^vigil $version( \(git [0-9a-f]+(-dirty)?\))?$" build/vigil --version
	grep -qE "^DPDK .*, Hyperscan .*, mbedTLS .*, lwIP " "$tmp/out" &&
		pass "vigil --version names its libraries" || fail "vigil --version: $(cat "$tmp/out")"
	expect "vigilctl --version" 0 out "^vigilctl $version" build/vigilctl --version
	expect "vigil --help" 0 out "^usage: vigil --board FILE" build/vigil --help
	expect "vigilctl --help" 0 out "^usage: vigilctl --host ADDR" build/vigilctl --help

	# Every command of the appliance's own list, with its role.
	local words missing=0
	while IFS= read -r line; do
		[[ $line =~ _\(\"([^\"]+)\",\ (viewer|admin), ]] || continue
		words=${BASH_REMATCH[1]}
		grep -qE "^  $words.* ${BASH_REMATCH[2]}$" "$tmp/out" || {
			missing=$((missing + 1))
			fail "vigilctl --help does not list \"$words\" (${BASH_REMATCH[2]})"
		}
	done <control/console_command_list.h
	local listed
	listed=$(grep -cE '^  [a-z]' "$tmp/out")
	((missing == 0 && listed >= 20)) && pass "vigilctl --help lists all $listed commands with their role" ||
		fail "vigilctl --help: $listed commands listed, $missing missing"

	expect "vigilctl help without an appliance" 0 out "^  rules commit +admin$" build/vigilctl help
	expect "vigilctl with no command" 2 err "missing COMMAND" build/vigilctl --host 192.0.2.1
	expect "vigilctl without --host" 2 err "missing --host \(or VIGILCTL_HOST" build/vigilctl status
	expect "vigilctl without --cert" 2 err "missing --cert" build/vigilctl --host 192.0.2.1 status
	expect "vigilctl without --key" 2 err "missing --key" \
		build/vigilctl --host 192.0.2.1 --cert x.crt status
	expect "vigilctl without --ca" 2 err "missing --ca" \
		build/vigilctl --host 192.0.2.1 --cert x.crt --key x.key status
	expect "vigilctl --bogus" 2 err "unrecognized option '--bogus'" build/vigilctl --bogus status
	expect "vigil --bogus" 1 err "." build/vigil --bogus

	if ((failures)); then
		echo "cli_without_appliance: $failures failure(s)"
		exit 1
	fi
	echo "cli_without_appliance: passed"
}

main "$@"
