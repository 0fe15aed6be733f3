#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: vigil's own management stack (lwIP on the lab board's tap)
# answers the operator's namespace over IPv4 and IPv6 (ARP, neighbour
# discovery, ICMP echo) while the dataplane forwards, and the management
# traffic never crosses the data ports. vigil must exit 0 on SIGTERM; its
# stats must show the management port receiving and transmitting.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_mgmt_stack.sh
# Traffic stays inside the namespaces the lab makes (vigil-client,
# vigil-server, vigil-operator); everything is torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-mgmt
	lab_up
	lab_start_vigil
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	lab_ping "$LAB_OPERATOR_NS" "ping $LAB_MGMT_V4" -q -c 5 -i 0.2 -W 2 "$LAB_MGMT_V4" || true
	lab_ping "$LAB_OPERATOR_NS" "ping $LAB_MGMT_V6" -6 -q -c 5 -i 0.2 -W 2 "$LAB_MGMT_V6" || true
	# A large echo: lwIP answers it whole (1400 bytes of payload).
	lab_ping "$LAB_OPERATOR_NS" "ping -s 1400 $LAB_MGMT_V4" -q -c 2 -s 1400 -W 2 "$LAB_MGMT_V4" || true
	# The data side still forwards, and cannot reach the management address.
	lab_ping "$LAB_CLIENT_NS" "ping 10.77.0.2 (data path)" -q -c 2 -i 0.2 -W 2 10.77.0.2 || true
	if ip netns exec "$LAB_CLIENT_NS" ping -q -c 1 -W 1 "$LAB_MGMT_V4" >/dev/null 2>&1; then
		lab_fail "the management address answered from the data side"
	else
		lab_pass "the management address is not reachable from the data side"
	fi

	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc != 137)) || exit 1
	if ((rc == 0)); then lab_pass "vigil exited 0 on SIGTERM"; else lab_fail "vigil exited with status $rc"; fi
	"$PY" - "$LAB_STATS_JSON" <<'PYEOF' || lab_failures=$((lab_failures + 1))
import json, sys
ports = {p["name"]: p for p in json.load(open(sys.argv[1]))["ports"]}
m = ports.get("mgmt", {})
ok = m.get("rx_packets", 0) >= 12 and m.get("tx_packets", 0) >= 12
print(("ok: " if ok else "FAIL: ") + f"mgmt port rx {m.get('rx_packets')} tx {m.get('tx_packets')} (>= 12 each)")
sys.exit(0 if ok else 1)
PYEOF

	if ((lab_failures)); then
		echo "lab_mgmt_stack: $lab_failures failure(s)"
		exit 1
	fi
	echo "lab_mgmt_stack: passed"
}

main "$@"
