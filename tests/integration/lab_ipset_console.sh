#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: IP sets managed through the console on live traffic. The filter
# file denies sources in the set "blocked" (ACL rule 10); the client
# (10.77.0.1) is not in it and reaches the server. An admin adds the
# client's address with vigilctl: its pings stop at once; the set is
# listed and exported (text and AWS IPSet JSON) with the new entry; a
# viewer may list but not add; the admin deletes it again and the pings
# pass. The change log beside the filter file keeps both changes.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_ipset_console.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PKI=build/lab-pki
readonly CLIENT_V4=10.77.0.1

ctl() { lab_ctl "$@"; }

expect() { lab_expect_ctl "$@"; }

reachable() { ip netns exec "$LAB_CLIENT_NS" ping -q -c 2 -i 0.2 -W 1 "$LAB_SERVER_V4" >/dev/null 2>&1; }

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-ipset-console
	lab_up
	cat >"$LAB_DIR/edge.filter" <<'FILTER'
default allow
ipset blocked 192.0.2.0/24 198.51.100.7
acl 10 deny src @blocked
FILTER
	lab_start_vigil --filter "$LAB_DIR/edge.filter" --set "rules.store_dir=$LAB_DIR/store" \
		--set "management.audit_log=$LAB_DIR/audit.log"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	expect "viewer: ipset list" 0 "^blocked +2 prefixes" viewer ipset list
	expect "viewer: ipset add refused" 1 "needs the admin role" viewer ipset add blocked "$CLIENT_V4"
	expect "admin: ipset add" 0 "added to blocked $CLIENT_V4: live, the set has 3" admin ipset add blocked "$CLIENT_V4"
	reachable && lab_fail "the client still reaches the server after ipset add" ||
		lab_pass "the client is cut at once by ACL rule 10"
	expect "viewer: ipset export text" 0 "^$CLIENT_V4/32$" viewer ipset export blocked text
	expect "viewer: ipset export aws" 0 "\"$CLIENT_V4/32\"" viewer ipset export blocked aws
	expect "admin: bad prefix refused" 1 "not an IPv4 or IPv6" admin ipset add blocked 10.77.0.300
	expect "admin: unknown set refused" 1 "no IP set \"nosuch\"" admin ipset add nosuch 10.0.0.1
	expect "admin: ipset del" 0 "deleted from blocked $CLIENT_V4: live, the set has 2" admin ipset del blocked "$CLIENT_V4"
	reachable && lab_pass "the client reaches the server again after ipset del" ||
		lab_fail "the client is still cut after ipset del"
	if [[ $(grep -c "blocked $CLIENT_V4" "$LAB_DIR/store/ipset-changes.log" 2>/dev/null) == 2 ]]; then
		lab_pass "both changes kept in the change log"
	else
		lab_fail "change log: $(cat "$LAB_DIR/store/ipset-changes.log" 2>&1)"
	fi
	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "vigil exited 0 on SIGTERM" || lab_fail "vigil exited with status $rc"
	# The denials are counted by ACL rule number in --stats-json.
	/usr/bin/python3 - "$LAB_STATS_JSON" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
f = json.load(open(sys.argv[1]))["filter"]
ok = f["acl_rules"].get("10", 0) >= 2 and f["denied"]["acl_rule"] >= 2 and f["checked"] > 0
print(("ok: " if ok else "FAIL: ") + f"stats filter: checked {f['checked']}, acl_rule {f['denied']['acl_rule']}, rule 10: {f['acl_rules'].get('10')}")
sys.exit(0 if ok else 1)
PYEOF
	lab_finish lab_ipset_console
}

main "$@"
