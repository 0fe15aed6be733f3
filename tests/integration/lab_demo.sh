#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the README's first command, `make run`, still does what the
# README says: board/lab-demo.sh (namespaces, vigil inline with the demo
# rules and the default ruleset, pings, a 4 MB transfer checked by SHA-256,
# the attacks and their alerts, the console, the dashboard's /metrics) ends
# with "lab demo: everything worked" and exit status 0. A change to EVE or
# the console that breaks the demo fails here, not in a newcomer's hands.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_demo.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
timeout 280 bash board/lab-demo.sh >"$out" 2>&1 || rc=$?
if ((rc == 0)) && grep -q '^lab demo: everything worked$' "$out" &&
	grep -q 'vigil_alerts_total' "$out"; then
	echo "ok: make run's demo: everything worked, /metrics scraped"
	echo "lab_demo: passed"
	exit 0
fi
echo "FAIL: board/lab-demo.sh exited $rc:"
grep -E 'FAIL|Traceback|Error' "$out" | head -n 20 | sed 's/^/    /'
tail -n 15 "$out" | sed 's/^/    /'
exit 1
