#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: L2 transparency and jumbo frames through the lab (issue 14,
# acceptance 4), on the real lab board: af_packet ports with 10,240-byte
# ring frames and mbufs, root-side veths at MTU 9216, and here the
# namespace ends raised to 9216 as well. The frames of
# tests/integration/lib/l2_frames.py (802.1Q TCP, QinQ 0x88a8/0x8100, old
# QinQ 0x9100/0x8100, LACP, LLDP, STP over 802.3/LLC, 9,000-byte IPv4,
# 9,000-byte 802.1Q IPv4, 9,000-byte IPv6) are sent raw from the client
# namespace and captured in the server namespace
# (tests/integration/lib/l2_cross.py); vigil runs in ips mode with
# malformed = drop and an empty ruleset (every IP frame takes the flow
# table and the inspection path).
#
#  1. every frame arrives byte-identical, but one: the QinQ frame's outer
#     802.1ad tag arrives as 0x8100. That is the lab's virtual port, not
#     vigil: the kernel strips the outer tag into the packet's metadata
#     (0x8100 and 0x88a8 alike, before any packet socket sees it), and
#     DPDK 22.11's net_af_packet puts it back with rte_vlan_insert(),
#     which always writes 0x8100 (the PMD drops tp_vlan_tpid). The check
#     asserts exactly that change and nothing else, and says so; the
#     offline scenario (transparency_offline.py) shows vigil keeps
#     0x88a8, as a NIC without VLAN stripping hands it over;
#  2. vigil counted the three link-local frames (link_local), nothing
#     malformed, nothing dropped, and exits 0.
#
# Run alone (root, repo root, after make), one lab test at a time:
#   flock /tmp/vigil-lab.lock bash tests/run.sh lab_transparency
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly HELPER=tests/integration/lib/l2_cross.py
readonly CAPTURE_SECONDS=4

check_frames()
{
	"$PY" tests/integration/lib/lab_checks.py transparency "$LAB_DIR/sent.json" \
		"$LAB_DIR/received.json" "$LAB_STATS_JSON"
}

main()
{
	[[ -x $LAB_VIGIL ]] || { echo "FAIL: $LAB_VIGIL not built"; exit 1; }
	lab_init vigil-it-transparency
	lab_up
	ip -n "$LAB_CLIENT_NS" link set cl0 mtu 9216
	ip -n "$LAB_SERVER_NS" link set sv0 mtu 9216
	: >"$LAB_DIR/empty.rules"
	lab_start_vigil --set board.malformed=drop --rules "$LAB_DIR/empty.rules" \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.store_dir=$LAB_DIR/store"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	ip netns exec "$LAB_SERVER_NS" timeout 30 "$PY" "$HELPER" receive sv0 "$CAPTURE_SECONDS" \
		"$LAB_DIR/received.json" &
	local receiver=$!
	LAB_HELPER_PIDS+=("$receiver")
	local tries=100
	until [[ -e $LAB_DIR/received.json.ready ]]; do
		((tries-- > 0)) || { lab_fail "the capture in $LAB_SERVER_NS did not start"; break; }
		sleep 0.1
	done
	ip netns exec "$LAB_CLIENT_NS" timeout 30 "$PY" "$HELPER" send cl0 >"$LAB_DIR/sent.json" ||
		lab_fail "sending the frames failed"
	wait "$receiver" || lab_fail "the capture ended with an error"
	lab_forget_helper "$receiver"

	lab_stop_reported 15
	check_frames || lab_fail "the frame checks (above; a missing file is a failure too)"
	lab_finish lab_transparency
}

main "$@"
