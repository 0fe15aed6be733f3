#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the exception path. The lab board's inside port gets the
# appliance's own address (10.77.0.254, fd77::fe): ARP, neighbour
# discovery and pings from the client to it are answered by vigil's own
# stack (the worker hands them to the control lcore, the answers go back
# out through the worker), while everything else is still forwarded
# (client to server). The address belongs to the inside port only: the
# server side gets no answer from it. The console does not serve the data
# side: vigilctl from the client to 10.77.0.254 is refused, while it works
# from the operator namespace on the management address.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_exception_path.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PKI=build/lab-pki
readonly OWN_V4=10.77.0.254
readonly OWN_V6=fd77::fe

ctl_from()
{
	local ns=$1 host=$2
	shift 2
	ip netns exec "$ns" timeout 20 build/vigilctl --host "$host" --name vigil-lab \
		--ca "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	lab_init vigil-it-exception
	lab_up
	lab_start_vigil --set "port inside.ipv4=$OWN_V4/24" --set "port inside.ipv6=$OWN_V6/64" \
		--set "management.audit_log=$LAB_DIR/audit.log" --set "rules.store_dir=$LAB_DIR/store"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }

	lab_ping "$LAB_CLIENT_NS" "client -> the appliance's own $OWN_V4" -q -c 3 -i 0.2 -W 2 "$OWN_V4" || true
	lab_ping "$LAB_CLIENT_NS" "client -> the appliance's own $OWN_V6" -6 -q -c 3 -i 0.2 -W 2 "$OWN_V6" || true
	lab_ping "$LAB_CLIENT_NS" "client -> server, forwarded as before" -q -c 3 -i 0.2 -W 2 "$LAB_SERVER_V4" || true
	if ip netns exec "$LAB_SERVER_NS" ping -q -c 2 -W 1 "$OWN_V4" >/dev/null 2>&1; then
		lab_fail "the server side got an answer from the inside port's address"
	else
		lab_pass "the server side gets no answer from the inside port's address"
	fi
	if ctl_from "$LAB_CLIENT_NS" "$OWN_V4" status >/dev/null 2>&1; then
		lab_fail "the console answered on the data side"
	else
		lab_pass "no console on the data side"
	fi
	local status
	status=$(ctl_from "$LAB_OPERATOR_NS" "$LAB_MGMT_V4" --json status 2>&1) || true
	if grep -q '"refused_not_management":[1-9]' <<<"$status"; then
		lab_pass "console on the management address; the data-side attempt counted as refused"
	else
		lab_fail "console status: $status"
	fi

	lab_finish lab_exception_path
}

main "$@"
