#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: an operator exception stops one false positive while the same
# rules still block elsewhere, on live traffic through the lab board (ips
# mode) with the default ruleset. The policy makes the SQL-injection rules
# drop (action alert->drop metadata attack_class sqli) except under
# /api/snippets, a code-sharing service where SQL text is normal. The same
# request, sent to /api/snippets and to /search: the first reaches the
# server with no alert, the second is dropped before the server and alerts
# as blocked. Each request is its own TCP connection (client -> server,
# port 8080).
#
# Run alone (root, repo root, after make): bash tests/integration/lab_policy_exception.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PORT=8080
readonly PAYLOAD="q=1%27%20UNION%20SELECT%20concat(user,0x3a,password)%20FROM%20mysql.user--%20"

# request PATH NAME: one HTTP request for PATH?PAYLOAD; the server's bytes go to NAME.got.
request()
{
	local path=$1 name=$2
	ip netns exec "$LAB_SERVER_NS" timeout 8 nc -l "$LAB_SERVER_V4" "$PORT" >"$LAB_DIR/$name.got" 2>/dev/null &
	local listener=$!
	lab_wait_listening "$LAB_SERVER_NS" "$PORT" || true
	printf 'GET %s?%s HTTP/1.1\r\nHost: app.example\r\nUser-Agent: curl/8.0\r\n\r\n' "$path" "$PAYLOAD" |
		ip netns exec "$LAB_CLIENT_NS" timeout 5 nc -N -w 2 "$LAB_SERVER_V4" "$PORT" >/dev/null 2>&1 || true
	kill "$listener" 2>/dev/null || true
	wait "$listener" 2>/dev/null || true
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-policy
	lab_up
	cat >"$LAB_DIR/site.policy" <<'POLICY'
action alert->drop metadata attack_class sqli
except metadata attack_class sqli path /api/snippets   # SQL text is normal there
POLICY
	lab_start_vigil --rules rules/default/web.rules rules/default/database.rules \
		--policy "$LAB_DIR/site.policy" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log"
	lab_wait_forwarding 90 || { cat "$LAB_VIGIL_ERR"; exit 1; } # a cold compile of the default ruleset

	request /api/snippets/42 snippets
	request /search search
	sleep 0.5
	if grep -q "GET /api/snippets/42?" "$LAB_DIR/snippets.got"; then
		lab_pass "the request under /api/snippets reached the server"
	else
		lab_fail "the request under /api/snippets did not reach the server"
	fi
	if grep -q "GET /search?" "$LAB_DIR/search.got"; then
		lab_fail "the same request to /search reached the server"
	else
		lab_pass "the same request to /search was dropped before the server"
	fi
	"$PY" - "$LAB_DIR/eve.json" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import datetime, json, sys, time
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
alerts = [a for a in alerts if a.get("event_type") == "alert"]  # not the stats records
urls = {(a.get("http", {}).get("url", ""), a["alert"]["action"]) for a in alerts}
snip = [u for u, _ in urls if u.startswith("/api/snippets")]
search = [act for u, act in urls if u.startswith("/search")]
bad = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    ok or bad.append(what)
expect(f"no alert for /api/snippets ({len(snip)})", not snip)
expect(f"/search alerted and was blocked ({search})", "blocked" in search)
# live traffic: alerts carry wall-clock time (the worker times flows on a
# monotonic clock and adds the wall clock's offset to what it shows)
now = time.time()
stamps = [datetime.datetime.strptime(a["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
          for a in alerts]
expect(f"alert timestamps within 5 minutes of now ({[a['timestamp'] for a in alerts][:2]})",
       bool(stamps) and all(abs(s - now) < 300 for s in stamps))
sys.exit(1 if bad else 0)
PYEOF
	lab_finish lab_policy_exception
}

main "$@"
