#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a rule update from rule sources, as suricata-update does it,
# through the console's transaction on the lab board (issue 18).
#   - the whole ET Open corpus (../shared/corpus/et-open) is served as a
#     tarball over HTTPS from the operator namespace (a throw-away
#     certificate, handed to vigilctl with --source-ca), named with its
#     sha256 in the sources file;
#   - a first update (no filters) lists every enabled ET Open rule as
#     added and nothing else; committed, the live version holds all of
#     them, loaded = read (no loss);
#   - a second update with disable.conf (three sids and group:emerging-games),
#     enable.conf (a rule ET Open ships commented out) and modify.conf (one
#     rule's msg) lists exactly those sids as removed, added and changed;
#     committed, the live count moves by exactly that much and the live file
#     carries the modification;
#   - rules rollback restores the version before: its count, and the same
#     diff shown again by a dry run;
#   - a wrong sha256, a plain http:// source and a bad disable.conf line are
#     refused before anything reaches the appliance.
# The expected sids are computed here from the corpus files with their own
# small reader (tests/integration/lib/rule_sources_expect.py), not by
# vigilctl's code. vigil must exit 0 on SIGTERM.
#
# Run alone (root, repo root, after make):
#   flock /tmp/vigil-lab.lock bash tests/integration/lab_rule_sources.sh
# "A && pass || fail": pass only prints, it cannot fail (SC2015).
# shellcheck disable=SC2015
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly CORPUS=../shared/corpus/et-open
readonly EXPECT=tests/integration/lib/rule_sources_expect.py
readonly SERVE_V4=10.78.0.2 SERVE_PORT=8444

ctl() { lab_ctl "$@"; }
expect() { lab_expect_ctl "$@"; }

# update ARGS...: vigilctl rules update with the scenario's sources and CA.
update()
{
	ctl admin --timeout 300 rules update --sources "$LAB_DIR/sources.conf" \
		--source-ca "$LAB_DIR/www.crt" "$@"
}

# The tarball, its certificate and an HTTPS server in the operator namespace.
serve_corpus()
{
	mkdir -p "$LAB_DIR/www"
	tar -czf "$LAB_DIR/www/et-open.tar.gz" -C "$(dirname "$CORPUS")" "$(basename "$CORPUS")"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=rules.lab -addext "subjectAltName=IP:$SERVE_V4" \
		-keyout "$LAB_DIR/www.key" -out "$LAB_DIR/www.crt" 2>/dev/null
	ip netns exec "$LAB_OPERATOR_NS" "$PY" - "$LAB_DIR/www" "$LAB_DIR/www.crt" "$LAB_DIR/www.key" \
		"$SERVE_V4" "$SERVE_PORT" >"$LAB_DIR/www.log" 2>&1 <<'PYEOF' &
import functools, http.server, ssl, sys
root, crt, key, addr, port = sys.argv[1:6]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.HTTPServer((addr, int(port)), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(crt, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PYEOF
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_OPERATOR_NS" "$SERVE_PORT" ||
		{ lab_fail "no HTTPS server on $SERVE_V4:$SERVE_PORT"; cat "$LAB_DIR/www.log"; return 1; }
	local sum
	sum=$(sha256sum "$LAB_DIR/www/et-open.tar.gz" | cut -d' ' -f1)
	printf '# ET Open, the lab copy\nhttps://%s:%s/et-open.tar.gz sha256=%s\n' \
		"$SERVE_V4" "$SERVE_PORT" "$sum" >"$LAB_DIR/sources.conf"
}

# check_diff WHAT JSON_FILE EXPECTED_FILE: the diff vigilctl printed equals the expectation.
check_diff()
{
	local what=$1 out
	if out=$("$PY" - "$2" "$3" <<'PYEOF'
import json, sys
got = json.loads(open(sys.argv[1]).read().splitlines()[0])
want = json.load(open(sys.argv[2]))
bad = [f"{k}: {len(got[k])} listed, {len(want[k])} expected; "
       f"extra {sorted(set(got[k]) - set(want[k]))[:5]} missing {sorted(set(want[k]) - set(got[k]))[:5]}"
       for k in ("added", "removed", "changed") if sorted(got[k]) != sorted(want[k])]
print("; ".join(bad) if bad else
      f"added {len(want['added'])}, removed {len(want['removed'])}, changed {len(want['changed'])}")
sys.exit(1 if bad else 0)
PYEOF
	); then
		lab_pass "$what: exactly the expected sids ($out)"
	else
		lab_fail "$what: $out"
	fi
}

# live_counts: "VERSION LOADED READ" of the live version.
live_counts()
{
	ctl viewer --json rules show | "$PY" -c '
import json, sys
v = json.load(sys.stdin)["live"]
print(v["version"], v["loaded"], v["read"])'
}

# expect_live WHAT LOADED: the live version has LOADED rules, all it read.
expect_live()
{
	local version loaded read
	read -r version loaded read < <(live_counts)
	if ((loaded == $2 && read == $2)); then
		lab_pass "$1: version $version live, $loaded of $read rules (no loss)"
	else
		lab_fail "$1: version $version live with $loaded of $read rules, want $2 of $2"
	fi
	LIVE_VERSION=$version
}

refusals()
{
	local out rc=0
	cp "$LAB_DIR/sources.conf" "$LAB_DIR/sources.good"
	sed -i 's/sha256=\(.\)/sha256=0/' "$LAB_DIR/sources.conf"
	out=$(update --conf-dir "$LAB_DIR/none" --dry-run 2>&1) || rc=$?
	((rc == 2)) && grep -q "sha256 .*the sources file wants" <<<"$out" &&
		lab_pass "a wrong sha256 is refused" || lab_fail "wrong sha256: exit $rc: $out"
	printf 'http://%s:%s/et-open.tar.gz\n' "$SERVE_V4" "$SERVE_PORT" >"$LAB_DIR/sources.conf"
	rc=0
	out=$(update --conf-dir "$LAB_DIR/none" --dry-run 2>&1) || rc=$?
	((rc == 2)) && grep -q "sources.conf:1: .*plain http is refused" <<<"$out" &&
		lab_pass "a plain http:// source is refused" || lab_fail "http source: exit $rc: $out"
	cp "$LAB_DIR/sources.good" "$LAB_DIR/sources.conf"
	mkdir -p "$LAB_DIR/bad"
	printf '2019401\nsid:2019401\n' >"$LAB_DIR/bad/disable.conf"
	rc=0
	out=$(update --conf-dir "$LAB_DIR/bad" --dry-run 2>&1) || rc=$?
	((rc == 2)) && grep -q "disable.conf:2: \"sid:2019401\" is not a matcher" <<<"$out" &&
		lab_pass "a bad disable.conf line is refused with file:line" ||
		lab_fail "bad disable.conf: exit $rc: $out"
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	[[ -d $CORPUS ]] || { echo "FAIL: no $CORPUS"; exit 1; }
	lab_init vigil-it-sources
	lab_up
	printf 'alert tcp any any -> any 7000 (msg:"local"; content:"alpha"; sid:1000001; rev:1;)\n' \
		>"$LAB_DIR/local.rules"
	lab_start_vigil --rules "$LAB_DIR/local.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "rules.cache_dir="
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	serve_corpus || lab_finish lab_rule_sources

	mkdir -p "$LAB_DIR/none" "$LAB_DIR/tuned"
	"$PY" "$EXPECT" "$CORPUS" "$LAB_DIR/none" "$LAB_DIR/tuned" "$LAB_DIR/expect"
	refusals

	# 1. everything, no filters: each enabled ET Open rule is added
	update --conf-dir "$LAB_DIR/none" --dry-run --json >"$LAB_DIR/diff1.json" 2>"$LAB_DIR/diff1.err" ||
		{ lab_fail "first dry run: $(tail -n 3 "$LAB_DIR/diff1.err")"; lab_finish lab_rule_sources; }
	check_diff "first update's diff" "$LAB_DIR/diff1.json" "$LAB_DIR/expect/first.json"
	local first_count out rc=0
	first_count=$(cat "$LAB_DIR/expect/first.count")
	expect "first update's diff as text: the first 200 sids, then a count" 0 \
		"^added $first_count: 1:[0-9]+ .* and $((first_count - 200)) more" \
		admin --timeout 300 rules update --sources "$LAB_DIR/sources.conf" \
		--source-ca "$LAB_DIR/www.crt" --conf-dir "$LAB_DIR/none" --dry-run
	out=$(update --conf-dir "$LAB_DIR/none" </dev/null 2>&1) || rc=$?
	((rc == 1)) && grep -q "not a terminal: --yes commits without asking" <<<"$out" &&
		lab_pass "without a terminal nor --yes nothing is loaded" ||
		lab_fail "no terminal, no --yes: exit $rc: $(tail -n 2 <<<"$out")"
	expect "first update: loaded and committed" 0 "version [0-9]+ live" \
		admin --timeout 300 rules update --sources "$LAB_DIR/sources.conf" \
		--source-ca "$LAB_DIR/www.crt" --conf-dir "$LAB_DIR/none" --yes
	local first_total first_version
	first_total=$((first_count + 1)) # and local.rules
	expect_live "after the first update" "$first_total"
	first_version=$LIVE_VERSION

	# 2. tuned: disable.conf, enable.conf and modify.conf
	update --conf-dir "$LAB_DIR/tuned" --dry-run --json >"$LAB_DIR/diff2.json" 2>"$LAB_DIR/diff2.err" ||
		{ lab_fail "second dry run: $(tail -n 3 "$LAB_DIR/diff2.err")"; lab_finish lab_rule_sources; }
	check_diff "tuned update's diff" "$LAB_DIR/diff2.json" "$LAB_DIR/expect/tuned.json"
	expect "tuned update: diff shown, then committed" 0 "changed 1: 1:[0-9]+" \
		admin --timeout 300 rules update --sources "$LAB_DIR/sources.conf" \
		--source-ca "$LAB_DIR/www.crt" --conf-dir "$LAB_DIR/tuned" --yes
	expect_live "after the tuned update" "$(($(cat "$LAB_DIR/expect/tuned.count") + 1))"
	expect "the live file carries the modification" 0 "$(cat "$LAB_DIR/expect/modified.pattern")" \
		viewer rules export sources.rules
	expect "the up-to-date sources load nothing" 0 "up to date, nothing to load" \
		admin --timeout 300 rules update --sources "$LAB_DIR/sources.conf" \
		--source-ca "$LAB_DIR/www.crt" --conf-dir "$LAB_DIR/tuned" --yes

	# 3. rollback: the version before, and the same diff again
	expect "rollback" 0 "rollback to version $first_version" admin rules rollback
	expect_live "after the rollback" "$first_total"
	if ctl viewer rules export sources.rules | grep -q 'msg:"LAB tuned '; then
		lab_fail "after the rollback the live file still carries the modification"
	else
		lab_pass "after the rollback the live file is the first update's again"
	fi
	update --conf-dir "$LAB_DIR/tuned" --dry-run --json >"$LAB_DIR/diff3.json" 2>"$LAB_DIR/diff3.err" ||
		lab_fail "dry run after the rollback: $(tail -n 3 "$LAB_DIR/diff3.err")"
	check_diff "the diff after the rollback" "$LAB_DIR/diff3.json" "$LAB_DIR/expect/tuned.json"
	expect "viewer: rules update refused at load" 1 "needs the admin role" \
		viewer --timeout 300 rules update --sources "$LAB_DIR/sources.conf" \
		--source-ca "$LAB_DIR/www.crt" --conf-dir "$LAB_DIR/tuned" --yes
	grep -q '"GET /et-open.tar.gz HTTP/1.1" 200' "$LAB_DIR/www.log" &&
		lab_pass "the tarball was fetched over HTTPS" || lab_fail "no fetch in the server's log"

	lab_finish lab_rule_sources
}

main "$@"
