#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run libFuzzer targets for a fixed time each and report one line per target:
#   bash tests/fuzz/run.sh SECONDS build/tests/fuzz/fuzz_NAME...
# Each target starts from a scratch copy of tests/fuzz/corpus/NAME (when it
# exists) under build/, so the seeds in the repository are never rewritten;
# the scratch copy is removed afterwards. Crash inputs are kept under
# build/fuzz-artifacts/, the full log under build/fuzz-logs/. Exits non-zero
# if any target crashed, failed an invariant or could not run. Building the
# targets is left to `make fuzz-bins`.
set -u

if [ $# -lt 2 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
	echo "usage: $0 SECONDS FUZZ_BINARY..." >&2
	exit 2
fi
seconds=$1
shift

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
artifacts=$build/fuzz-artifacts
logs=$build/fuzz-logs
mkdir -p "$artifacts" "$logs"

scratch=
trap '[ -n "$scratch" ] && rm -rf "$scratch"' EXIT

failed=0
for bin in "$@"; do
	base=$(basename "$bin")
	name=${base#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: FAIL (no executable $bin; run make fuzz-bins)"
		failed=1
		continue
	fi

	scratch=$(mktemp -d "$build/fuzz-corpus-$name.XXXXXX")
	if [ -d "$root/tests/fuzz/corpus/$name" ]; then
		cp -R "$root/tests/fuzz/corpus/$name/." "$scratch/"
	fi
	log=$logs/$name.log
	seeds=$(find "$scratch" -type f | wc -l)

	"$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$name-" "$scratch" >"$log" 2>&1
	rc=$?

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	units=$(find "$scratch" -type f | wc -l)
	rm -rf "$scratch"
	scratch=

	if [ $rc -eq 0 ]; then
		echo "fuzz $name: ok, ${runs:-?} runs in ${seconds}s, corpus $seeds -> $units inputs"
		continue
	fi
	failed=1
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "fuzz $name: FAIL (exit $rc) ${artifact:+input $artifact, }log $log"
done
exit $failed
