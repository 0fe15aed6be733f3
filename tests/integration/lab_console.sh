#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the mutual-TLS console on the lab board's management stack,
# driven with openssl s_client and vigilctl from the operator namespace.
#   - s_client without a client certificate is refused (no session);
#   - a viewer certificate gets status, and rules load is refused;
#   - an admin loads and commits a new ruleset, which takes effect on
#     traffic crossing vigil (a TCP conversation client -> server);
#   - a ruleset with errors is refused with every error listed, and the
#     live ruleset still alerts;
#   - rollback restores the previous version (the new rule stops firing);
#   - the audit log names who did what, refusals included;
#   - junk bytes on the console port (a handshake fuzz from a second
#     address) neither crash vigil nor lock out the operator; the junk
#     source is blocked after 5 failures.
# vigil must exit 0 on SIGTERM; the EVE file is checked for the alerts.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_console.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PKI=build/lab-pki
readonly JUNK_V4=10.78.0.3

# ctl ROLE ARGS...: vigilctl from the operator namespace with ROLE's certificate.
ctl() { lab_ctl "$@"; }

expect() { lab_expect_ctl "$@"; }

# send TEXT: one TCP conversation client -> server port 7000 through vigil.
send()
{
	ip netns exec "$LAB_SERVER_NS" timeout 5 nc -l "$LAB_SERVER_V4" 7000 >/dev/null &
	local listener=$!
	lab_wait_listening "$LAB_SERVER_NS" 7000 || true
	printf '%s\n' "$1" | ip netns exec "$LAB_CLIENT_NS" timeout 5 nc -N "$LAB_SERVER_V4" 7000 || true
	wait "$listener" || true
}

# alerts SID: how many EVE alerts of SID so far.
alerts() { grep -c "\"signature_id\":$1," "$LAB_DIR/eve.json" 2>/dev/null || true; }

# wait_alerts SID N: until at least N alerts of SID are in the EVE file (5 s).
wait_alerts()
{
	local tries=50
	while (($(alerts "$1") < $2 && tries-- > 0)); do sleep 0.1; done
}

write_rules()
{
	cat >"$LAB_DIR/local.rules" <<'EOF'
alert tcp any any -> any 7000 (msg:"alpha seen"; flow:established,to_server; content:"alpha"; sid:1000001; rev:1;)
EOF
	cat >"$LAB_DIR/new.rules" <<'EOF'
alert tcp any any -> any 7000 (msg:"bravo seen"; flow:established,to_server; content:"bravo"; sid:1000002; rev:1;)
EOF
	cat >"$LAB_DIR/broken.rules" <<'EOF'
alert tcp any any -> any 7000 (msg:"unknown keyword"; content:"x"; nosuchkeyword; sid:1000003;)
alert tcp any any -> any 7000 (msg:"missing semicolon"; content:"y" sid:1000004;)
EOF
}

# Junk on the console port from a second operator address: random bytes, a
# TLS record header with a huge length, an HTTP request.
handshake_fuzz()
{
	ip -n "$LAB_OPERATOR_NS" addr add "$JUNK_V4/24" dev vigil-mgmt
	local i
	for i in 1 2 3 4 5 6 7; do
		case $((i % 3)) in
		0) head -c 512 /dev/urandom ;;
		1) printf '\x16\x03\x03\xff\xff\x01\x00\xff\xfb' ;;
		2) printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' ;;
		esac | ip netns exec "$LAB_OPERATOR_NS" timeout 5 nc -s "$JUNK_V4" -w 2 "$LAB_MGMT_V4" 8443 \
			>/dev/null 2>&1 || true
	done
	if lab_vigil_running; then
		lab_pass "vigil still running after junk on the console port"
	else
		lab_fail "vigil died on junk on the console port"
	fi
}

check_status_counters()
{
	local json
	json=$(ctl admin --json status 2>&1) || true
	"$PY" - "$json" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
c = json.loads(sys.argv[1])["console"]
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
expect(f"handshake_failures {c['handshake_failures']} >= 6 (no certificate, junk)", c["handshake_failures"] >= 6)
expect(f"refused_blocked {c['refused_blocked']} >= 1 (junk source blocked)", c["refused_blocked"] >= 1)
expect(f"sessions {c['sessions']} >= 8", c["sessions"] >= 8)
sys.exit(1 if bad else 0)
PYEOF
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-console
	lab_up
	write_rules
	local store=$LAB_DIR/store audit=$LAB_DIR/audit.log
	lab_start_vigil --rules "$LAB_DIR/local.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$store" --set "management.audit_log=$audit" \
		--set "rules.cache_dir="
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	local out
	# In TLS 1.2 the client's side of the handshake completes before the
	# server's refusal arrives, so the proof is that a request gets no answer.
	out=$(printf 'status\n' | ip netns exec "$LAB_OPERATOR_NS" timeout 10 openssl s_client \
		-connect "$LAB_MGMT_V4:8443" -tls1_2 -CAfile "$PKI/ca.crt" -quiet 2>&1) || true
	if ! grep -q '"ok"' <<<"$out" && lab_wait_log "No client certification"; then
		lab_pass "s_client without a client certificate: refused, no answer"
	else
		lab_fail "s_client without a client certificate: $(tail -n 3 <<<"$out")"
	fi
	expect "viewer: status" 0 "board lab, mode ips" viewer status
	expect "viewer: rules load refused" 1 "needs the admin role" viewer rules load "@$LAB_DIR/new.rules"
	expect "rogue CA: refused" 2 "TLS handshake" rogue status

	send alpha1
	send bravo1
	expect "admin: rules load new.rules" 0 "" admin rules load "@$LAB_DIR/new.rules"
	expect "admin: rules commit" 0 "version [0-9]+ live: 2 rules" admin rules commit
	send bravo2
	wait_alerts 1000002 1
	expect "admin: broken rules refused, errors listed" 1 \
		'broken.rules:1: sid 1000003: .*nosuchkeyword' admin rules load "@$LAB_DIR/broken.rules"
	expect "admin: rules show after the refusal" 0 "live: version [0-9]+, 2 of 2 rules" admin rules show
	send alpha2
	send bravo3
	wait_alerts 1000002 2
	expect "admin: rollback" 0 "rollback to version" admin rules rollback
	send bravo4
	send alpha3
	wait_alerts 1000001 3
	sleep 0.5

	local a b
	a=$(alerts 1000001) b=$(alerts 1000002)
	if ((a == 3)); then lab_pass "sid 1000001 (live all along) alerted 3 times"; else lab_fail "sid 1000001 alerted $a times, want 3"; fi
	if ((b == 2)); then lab_pass "sid 1000002 alerted only while committed (2 of 4 sends)"; else lab_fail "sid 1000002 alerted $b times, want 2"; fi

	# Operator policy through the console: a bad file is refused where it is
	# wrong; a good one, committed, silences sid 1000001.
	printf 'disable sid 1000001\naction alert->dorp all\n' >"$LAB_DIR/bad.policy"
	printf '# quiet alpha\ndisable sid 1000001\n' >"$LAB_DIR/quiet.policy"
	expect "admin: bad policy refused with line and column" 1 'bad.policy|site.policy:2:[0-9]+: error' \
		admin policy load "@$LAB_DIR/bad.policy"
	expect "admin: policy load" 0 "policy staged" admin policy load "@$LAB_DIR/quiet.policy"
	expect "admin: policy commit" 0 "live" admin rules commit
	expect "viewer: policy show" 0 "disable sid 1000001" viewer policy show
	send alpha4
	sleep 0.5
	a=$(alerts 1000001)
	((a == 3)) && lab_pass "the committed policy silenced sid 1000001" ||
		lab_fail "sid 1000001 alerted $a times after the policy, want 3"
	expect "viewer: alerts tail" 0 '"signature_id":1000002,.*bravo seen' viewer alerts tail 5
	expect "viewer: stats with rule hits" 0 '1:1000001 +3$' viewer stats
	handshake_fuzz
	expect "admin: status after the fuzz" 0 "board lab" admin status
	check_status_counters
	expect "audit: viewer's refused load recorded" 0 'CN=victor.*"rules","load".*"ok":false' admin audit tail 50
	expect "audit: admin's commit recorded" 0 'CN=alice.*"rules","commit".*"ok":true' admin audit tail 50
	[[ -s $store/versions.log ]] && lab_pass "versions persisted in the store" ||
		lab_fail "no versions.log in the store"

	lab_finish lab_console
}

main "$@"
