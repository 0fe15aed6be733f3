#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 12, acceptance 2): vigil and a real Linux receiver agree
# on the stream. A plain TCP server in the server namespace records what
# its application received on each connection; from the client namespace,
# hand-made connections (tests/integration/lib/agreement_client.py) send a
# request next to a decoy that a Linux receiver discards or reassembles
# away: overlaps (newer copy covering held bytes, older, same start,
# in-order retransmission, a covering copy one byte earlier), insertions
# (bad TCP or IPv4 checksum, no ACK flag, a timestamp PAWS rejects, an ACK
# of unsent bytes, TTL 1 on data or a RST, data on the SYN),
# urgent data, and RSTs and FINs that do not close (not exact, bad
# checksum). The request carries "etc/passwd" (rule 1), the decoy
# "etc/xxxxxx" at the same place (rule 2).
# Each case runs in ips mode (rule 1 drops) and in ids mode; the verdict:
#   - whatever marker the server received, vigil inspected (its rule fired);
#   - ips: the server never received the attack;
#   - ids: vigil fired only for what the server received (the two
#     reassembled the same bytes) and the server received a marker.
# The lab has no router between vigil and the server, so a TTL of 1
# arrives: ids runs with min_ttl 0 (what the server sees), ips with the
# default min_ttl 4 (the decoy is dropped, so the server never sees it).
# The server's veth verifies checksums (rx offload off), as a NIC would.
# Ends with "N agreed of M". About 30 s.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_stream_agreement.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly CLIENT_SRC=10.77.0.50 # owned by no kernel: the client's own stays out of the way

mac_of() { ip -n "$1" -o link show "$2" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/'; }

# wait_done DIR N S: until N connections are recorded as ended in DIR, S seconds at most.
wait_done()
{
	local tenths=$(($3 * 10))
	until (($(find "$1" -name '*.done' | wc -l) >= $2)); do
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
}

# run_mode MODE PORT VIGIL_ARGS...: one vigil in MODE, every case against PORT.
run_mode()
{
	local mode=$1 port=$2
	shift 2
	local out=$LAB_DIR/$mode
	mkdir -p "$out/server"
	ip netns exec "$LAB_SERVER_NS" "$PY" tests/integration/lib/agreement_server.py \
		"$LAB_SERVER_V4" "$port" "$out/server" >"$out/server.log" 2>&1 &
	LAB_HELPER_PIDS+=("$!")
	lab_start_vigil --rules "$LAB_DIR/agreement.rules" --eve "$out/eve.json" \
		--set "board.mode=$mode" "$@"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_wait_listening "$LAB_SERVER_NS" "$port" || lab_fail "$mode: the server is not listening"
	ip netns exec "$LAB_CLIENT_NS" timeout 120 "$PY" tests/integration/lib/agreement_client.py \
		cl0 "$CLIENT_SRC" "$(mac_of "$LAB_CLIENT_NS" cl0)" "$LAB_SERVER_V4" \
		"$(mac_of "$LAB_SERVER_NS" sv0)" "$port" >"$out/cases.jsonl" 2>"$out/client.err" ||
		{ lab_fail "$mode: the client failed"; tail -n 5 "$out/client.err"; }
	local connected
	connected=$(grep -c '"connected": true' "$out/cases.jsonl" || true)
	wait_done "$out/server" "$connected" 20 ||
		lab_fail "$mode: the server recorded $(find "$out/server" -name '*.done' | wc -l) of $connected connections"
	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc == 0)) && lab_pass "$mode: vigil exited 0 on SIGTERM" || lab_fail "$mode: vigil exited with status $rc"
	"$PY" - "$mode" "$out" <<'PYEOF' >>"$LAB_DIR/verdicts" || true
import json, os, sys
mode, out = sys.argv[1], sys.argv[2]
alerts = {}
for line in open(os.path.join(out, "eve.json")):
    r = json.loads(line)
    if "alert" in r:
        alerts.setdefault(r.get("src_port"), set()).add(r["alert"]["signature_id"])
for line in open(os.path.join(out, "cases.jsonl")):
    c = json.loads(line)
    path = os.path.join(out, "server", f"{c['sport']}.bin")
    got = open(path, "rb").read() if os.path.exists(path) else b""
    server = {1: b"etc/passwd" in got, 2: b"etc/xxxxxx" in got}
    fired = alerts.get(c["sport"], set())
    bad = []
    if not c["connected"] and not (mode == "ips" and c["case"] == "syn_data"):
        bad.append("no handshake")
    for sid in (1, 2):
        if server[sid] and sid not in fired:
            bad.append(f"the server received {'the attack' if sid == 1 else 'the decoy'}, vigil did not see it")
    if mode == "ips" and server[1]:
        bad.append("the attack reached the server")
    if mode == "ids":
        for sid in (1, 2):
            if sid in fired and not server[sid]:
                bad.append(f"vigil saw {'the attack' if sid == 1 else 'the decoy'}, the server did not receive it")
        # a TTL-2 RST reaches the lab's server (no router between): the
        # connection is closed for both, which is agreement too
        if not (server[1] or server[2]) and c["case"] != "low_ttl_rst":
            bad.append("the server received neither (the case tests nothing)")
    seen = "attack" if server[1] else "decoy" if server[2] else "nothing"
    print(json.dumps({"what": f"{mode} {c['case']}: server received {seen}, vigil fired {sorted(fired)}",
                      "bad": bad}))
PYEOF
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-agreement
	lab_up
	# The client's packets come from an address no kernel owns; the server
	# reaches it through the client's veth (vigil in between).
	ip -n "$LAB_SERVER_NS" neigh replace "$CLIENT_SRC" lladdr "$(mac_of "$LAB_CLIENT_NS" cl0)" \
		dev sv0 nud permanent
	# A veth trusts checksums it is handed; with rx offload off the server's
	# kernel verifies them, as it would behind a NIC.
	ip netns exec "$LAB_SERVER_NS" ethtool -K sv0 rx off >/dev/null
	cat >"$LAB_DIR/agreement.rules" <<'RULES'
drop tcp any any -> any any (msg:"the request"; flow:to_server,established; content:"etc/passwd"; sid:1; rev:1;)
alert tcp any any -> any any (msg:"the decoy"; flow:to_server,established; content:"etc/xxxxxx"; sid:2; rev:1;)
RULES
	: >"$LAB_DIR/verdicts"
	run_mode ips 8080
	run_mode ids 8081 --set dataplane.min_ttl=0
	local agreed=0 total=0 line
	while IFS= read -r line; do
		total=$((total + 1))
		if "$PY" -c 'import json, sys; sys.exit(1 if json.loads(sys.argv[1])["bad"] else 0)' "$line"; then
			agreed=$((agreed + 1))
			lab_pass "$("$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["what"])' "$line")"
		else
			lab_fail "$("$PY" -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["what"] + ": " + "; ".join(r["bad"]))' "$line")"
		fi
	done <"$LAB_DIR/verdicts"
	((total >= 34)) || lab_fail "only $total verdicts (17 cases in each of 2 modes expected)"
	echo "$agreed agreed of $total"
	lab_finish lab_stream_agreement
}

main "$@"
