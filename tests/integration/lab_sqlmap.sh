#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: sqlmap, the attack tool, against an injectable application
# through vigil (issue 17, acceptance 2). vigil runs inline on the lab board
# in ids mode with the default ruleset (rules/default/); lib/sqli_app.py
# (http.server and sqlite3) listens in the server namespace with a numeric
# GET parameter and a quoted POST form parameter that are injectable and a
# GET parameter that is bound (safe: sqlmap sends every test of its level
# there). Debian's sqlmap runs from the client namespace with a browser
# User-Agent, so no rule can find it by its own name: detection at level 3,
# risk 3 on each, then blind (boolean) and UNION extraction of a table.
# The application logs every request with its source port; each request is
# its own connection, so lib/sqlmap_judge.py finds each request's alerts by
# port in the EVE file. At least 99% of the injection requests (a changed
# value with SQL syntax in it) must alert, and no request with the page's
# own values may.
#
# Run alone (root, repo root, after make, sqlmap installed):
#     flock /tmp/vigil-lab.lock bash tests/integration/lab_sqlmap.sh
# SQLMAP_LIST=1 lists every missed request; SQLMAP_KEEP=DIR keeps the
# application's log, the EVE file and sqlmap's output there. About 40 s.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PORT=8080
readonly MIN_SHARE=0.99
readonly BROWSER_UA="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0"

# sqlmap_run WHAT ARGS...: one bounded sqlmap run from the client namespace.
sqlmap_run()
{
	local what=$1 rc=0 start end
	shift
	start=$(date +%s)
	ip netns exec "$LAB_CLIENT_NS" timeout 100 sqlmap "$@" --batch "--user-agent=$BROWSER_UA" \
		--time-sec 1 --timeout 5 --retries 1 --flush-session --disable-coloring \
		--output-dir "$LAB_DIR/sqlmap" >>"$LAB_DIR/sqlmap.out" 2>&1 || rc=$?
	end=$(date +%s)
	if ((rc == 0)); then
		lab_pass "sqlmap $what ($((end - start)) s, $(wc -l <"$LAB_DIR/app.log") requests so far)"
	else
		lab_fail "sqlmap $what exited $rc"
		tail -n 5 "$LAB_DIR/sqlmap.out" | sed 's/^/    /'
	fi
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	command -v sqlmap >/dev/null || { echo "FAIL: sqlmap not installed (apt-get install sqlmap)"; exit 1; }
	lab_init vigil-it-sqlmap
	lab_up
	lab_start_vigil --rules rules/default/web.rules rules/default/database.rules \
		--set board.mode=ids --eve "$LAB_DIR/eve.json" --set rules.cache_dir= \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log"
	lab_wait_forwarding 90 || { cat "$LAB_VIGIL_ERR"; exit 1; } # a cold compile of the default ruleset

	ip netns exec "$LAB_SERVER_NS" "$PY" tests/integration/lib/sqli_app.py \
		"$LAB_SERVER_V4" "$PORT" "$LAB_DIR/app.log" 2>"$LAB_DIR/app.err" &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" "$PORT" || { lab_fail "the application is not listening"; lab_finish lab_sqlmap; }

	local base=http://$LAB_SERVER_V4:$PORT
	sqlmap_run "GET id, detection" -u "$base/item?id=1" -p id --level 3 --risk 3
	sqlmap_run "POST user and pass, detection" -u "$base/login" --data "user=alice&pass=secret" \
		-p user,pass --level 3 --risk 3
	sqlmap_run "GET q (bound), every test" -u "$base/search?q=lamp" -p q --level 3 --risk 3
	sqlmap_run "GET id, blind extraction" -u "$base/item?id=1" -p id --technique B --dump -T users
	sqlmap_run "POST user, UNION extraction" -u "$base/login" --data "user=alice&pass=secret" \
		-p user --technique U --dump -T users
	grep -q "sqlmap identified the following injection point" "$LAB_DIR/sqlmap.out" &&
		lab_pass "sqlmap found the injections" || lab_fail "sqlmap found no injection point"

	sleep 1 # the last alerts to the EVE file
	lab_vigil_running && lab_stop_reported 15
	[[ -n ${SQLMAP_KEEP:-} ]] && cp "$LAB_DIR/app.log" "$LAB_DIR/eve.json" "$LAB_DIR/sqlmap.out" "$SQLMAP_KEEP/"
	local list=()
	[[ -n ${SQLMAP_LIST:-} ]] && list=(--list)
	"$PY" tests/integration/lib/sqlmap_judge.py "$LAB_DIR/app.log" "$LAB_DIR/eve.json" "$MIN_SHARE" \
		"${list[@]}" || lab_failures=$((lab_failures + 1))
	lab_finish lab_sqlmap
}

main "$@"
