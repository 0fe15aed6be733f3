#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: domain lists and the X-Forwarded-For set on the lab board. A
# TLS ClientHello whose SNI is on the deny list and an HTTP request whose
# Host is are cut (the flow stays cut), while other names pass; an HTTP
# request from a client behind a proxy whose X-Forwarded-For address is in
# the denied IP set is cut too. The probes (tests/integration/lib/
# filter_probe.py) talk to a small server in vigil-server; the application
# layer runs because a rules file is loaded (an empty one).
#
#   flock /tmp/vigil-lab.lock bash tests/integration/lab_filter_domains.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PROBE=tests/integration/lib/filter_probe.py

# expect RESULT WHAT ARGS...: one probe from the client, its answer checked.
expect()
{
	local want=$1 what=$2 got
	shift 2
	got=$(ip netns exec "$LAB_CLIENT_NS" timeout 10 "$PY" "$PROBE" "$@" 2>&1 || true)
	if [[ $got == "$want" ]]; then lab_pass "$what: $got"; else lab_fail "$what: $got (expected $want)"; fi
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-filter-domains
	local filter=$LAB_DIR/domains.filter
	: >"$LAB_DIR/empty.rules"
	cat >"$filter" <<'EOF'
domain deny .blocked.test badhost.test
ipset bad-clients 198.51.100.0/24
xff deny @bad-clients
EOF
	lab_up
	lab_start_vigil --filter "$filter" --rules "$LAB_DIR/empty.rules" --set rules.cache_dir=
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	ip netns exec "$LAB_SERVER_NS" "$PY" "$PROBE" serve "$LAB_SERVER_V4" 8443 &
	LAB_HELPER_PIDS+=("$!")
	lab_wait_listening "$LAB_SERVER_NS" 8443 || lab_fail "probe server not listening"

	expect reached "TLS SNI www.allowed.test" tls "$LAB_SERVER_V4" 8443 www.allowed.test
	expect cut "TLS SNI www.blocked.test" tls "$LAB_SERVER_V4" 8443 www.blocked.test
	expect reached "HTTP Host blocked.test (the suffix is for subdomains)" http "$LAB_SERVER_V4" 8443 blocked.test
	expect cut "HTTP Host BadHost.test:8443" http "$LAB_SERVER_V4" 8443 BadHost.test:8443
	expect reached "HTTP Host goodhost.test" http "$LAB_SERVER_V4" 8443 goodhost.test
	expect cut "HTTP X-Forwarded-For 198.51.100.7" http "$LAB_SERVER_V4" 8443 goodhost.test 198.51.100.7
	expect reached "HTTP X-Forwarded-For 192.0.2.7" http "$LAB_SERVER_V4" 8443 goodhost.test 192.0.2.7

	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "vigil exited 0" || lab_fail "vigil exited with status $rc"
	cat "$LAB_VIGIL_OUT"
	grep -Eq "domain [1-9].*xff [1-9]" "$LAB_VIGIL_OUT" &&
		lab_pass "domain and xff denials counted" || lab_fail "domain or xff denials not counted"

	if ((lab_failures)); then
		echo "lab_filter_domains: $lab_failures failure(s)"
		exit 1
	fi
	echo "lab_filter_domains: passed"
}

main "$@"
