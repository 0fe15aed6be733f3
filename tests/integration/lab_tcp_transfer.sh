#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: vigil inline on the lab board (af_packet between two network
# namespaces) carries real traffic unchanged. Pings over IPv4 and IPv6
# (also 3,000-byte ones over IPv6, fragmented: vigil reassembles each
# datagram and forwards every fragment), then
# 1 MB of random data over TCP each way (client -> server, server -> client),
# each checked by sha256. vigil is stopped with SIGTERM and must exit 0;
# its --stats-json must show both ports receiving and transmitting, at least
# as many packets as the transfers need, TCP, ICMP and ICMPv6 decoded (ping6
# and neighbour discovery) and nothing malformed. The lab steps come from
# board/lab-lib.sh; the assertions are this scenario's.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_tcp_transfer.sh
# Traffic stays inside the namespaces vigil-client and vigil-server
# (10.77.0.0/24, fd77::/64); everything is torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly TRANSFER_BYTES=$((1024 * 1024))

check_stats()
{
	"$PY" - "$LAB_STATS_JSON" "$TRANSFER_BYTES" <<'EOF'
import json, sys

stats = json.load(open(sys.argv[1]))
transfer_bytes = int(sys.argv[2])
total = stats["total"]
bad = []

def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        bad.append(what)

ports = {p["name"]: p for p in stats["ports"]}
for name in ("inside", "outside"):
    p = ports.get(name)
    expect(f"port {name} present", p is not None)
    if p:
        expect(f"port {name} rx_packets {p['rx_packets']} > 0", p["rx_packets"] > 0)
        expect(f"port {name} tx_packets {p['tx_packets']} > 0", p["tx_packets"] > 0)
# Two transfers of transfer_bytes in segments of at most 1448 bytes.
need = 2 * transfer_bytes // 1448
expect(f"total rx_packets {total['rx_packets']} >= {need}", total["rx_packets"] >= need)
expect(f"total tx_packets {total['tx_packets']} > 0", total["tx_packets"] > 0)
for key in ("tcp", "icmp", "icmpv6", "ipv4", "ipv6"):
    expect(f"total {key} {total[key]} > 0", total[key] > 0)
expect(f"total malformed {total['malformed']} == 0", total["malformed"] == 0)
expect(f"drops.malformed {total['drops']['malformed']} == 0", total["drops"]["malformed"] == 0)
# 6 fragmented IPv6 echoes (3 requests, 3 replies) of 3 fragments each, each reassembled
defrag = stats.get("defrag", {})
complete = defrag.get("fragments", {}).get("complete", 0)
expect(f"fragments {total['fragments']} >= 18", total["fragments"] >= 18)
expect(f"datagrams reassembled {complete} >= 6", complete >= 6)
expect(f"drops.fragment {total['drops']['fragment']} == 0", total["drops"]["fragment"] == 0)
lcore_rx = sum(l["rx_packets"] for l in stats["lcores"])
expect(f"lcores rx_packets sum {lcore_rx} == total {total['rx_packets']}",
       lcore_rx == total["rx_packets"])
sys.exit(1 if bad else 0)
EOF
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-lab
	lab_up
	lab_start_vigil
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	lab_ping "$LAB_CLIENT_NS" "ping 10.77.0.2" -q -c 3 -i 0.2 -W 2 10.77.0.2 || true
	lab_ping "$LAB_CLIENT_NS" "ping fd77::2" -6 -q -c 3 -i 0.2 -W 2 fd77::2 || true
	# 3,000-byte echoes over IPv6: fragmented both ways, reassembled by vigil
	# and forwarded. (Not over IPv4 here: DPDK 22.11's af_packet device asks
	# the kernel to defragment IPv4 before it delivers, see README.)
	lab_ping "$LAB_CLIENT_NS" "fragmented ping fd77::2" -6 -q -c 3 -i 0.2 -W 2 -s 3000 fd77::2 || true
	# The server listens (on 10.77.0.2) both times: an upload, then a download.
	lab_tcp_transfer "$LAB_CLIENT_NS" "$LAB_SERVER_NS" "$LAB_SERVER_V4" 5101 "$TRANSFER_BYTES" || true
	lab_tcp_transfer "$LAB_SERVER_NS" "$LAB_CLIENT_NS" "$LAB_SERVER_V4" 5102 "$TRANSFER_BYTES" || true

	local rc=0
	lab_stop_vigil 15 || rc=$?
	((rc != 137)) || exit 1 # it had to be killed (reported)
	if ((rc == 0)); then
		lab_pass "vigil exited 0 on SIGTERM"
	else
		lab_fail "vigil exited with status $rc"
	fi
	cat "$LAB_VIGIL_OUT"
	[[ -s $LAB_STATS_JSON ]] || { lab_fail "no stats JSON written"; exit 1; }
	check_stats || lab_failures=$((lab_failures + 1))

	if ((lab_failures)); then
		echo "lab_tcp_transfer: $lab_failures failure(s)"
		exit 1
	fi
	echo "lab_tcp_transfer: passed"
}

main "$@"
