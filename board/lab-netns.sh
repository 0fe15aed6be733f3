#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The lab board's wiring: two network namespaces, each joined to the root
# namespace by a veth pair, so that vigil (in the root namespace, on the
# root-side ends, with DPDK's af_packet device) sits inline between them.
#
#   vigil-client: cl0 10.77.0.1/24 fd77::1/64 <-> vigil-in  (root, vigil)
#   vigil-server: sv0 10.77.0.2/24 fd77::2/64 <-> vigil-out (root, vigil)
#
#   bash board/lab-netns.sh up     remove leftovers, then create the above
#   bash board/lab-netns.sh mgmt   move vigil's management tap (it must exist:
#                                  vigil running) into namespace vigil-operator
#                                  as 10.78.0.2/24, fd78::2/64, the operator's
#                                  side of the management network
#   bash board/lab-netns.sh down   remove it all (silent, idempotent)
#
# The inline board's lab twin (board/inline-lab.conf) has two pairs
# between two routers instead, each router a namespace with one link per
# pair:
#
#   vigil-rtr-a: ra1 10.79.1.1/24 fd79:1::1/64 <-> vigil-a1 (root, vigil)
#                ra2 10.79.2.1/24 fd79:2::1/64 <-> vigil-a2
#   vigil-rtr-b: rb1 10.79.1.2/24 fd79:1::2/64 <-> vigil-b1
#                rb2 10.79.2.2/24 fd79:2::2/64 <-> vigil-b2
#
#   bash board/lab-netns.sh inline-up     remove leftovers, then create it
#   bash board/lab-netns.sh inline-down   remove it (and the operator's side)
#
# A veth's carrier follows its peer's state, as a cable's link follows the
# NIC at its other end: `ip link set ra1 down` in vigil-rtr-a takes the
# link of vigil-a1 down, and vigil setting vigil-b1 down takes rb1's.
#
# The root-side ends carry no address and have IPv6 off, so the kernel sends
# nothing of its own on them; vigil alone speaks there. Offloads are off on
# every end so that each frame vigil sees is a real frame with a valid
# checksum. The root-side ends take jumbo frames (MTU 9216, as the lab
# board does); the namespace ends keep 1500 unless a scenario raises them
# (tests/integration/lab_transparency.sh). The management tap (vigil-mgmt) belongs to
# vigil's net_tap device, not to this script. Must run as root.
set -euo pipefail

readonly LAB_CLIENT_NS=vigil-client
readonly LAB_SERVER_NS=vigil-server
readonly LAB_OPERATOR_NS=vigil-operator
readonly LAB_ROUTER_A_NS=vigil-rtr-a
readonly LAB_ROUTER_B_NS=vigil-rtr-b

lab_down()
{
	ip netns del "$LAB_CLIENT_NS" 2>/dev/null || true
	ip netns del "$LAB_SERVER_NS" 2>/dev/null || true
	ip netns del "$LAB_OPERATOR_NS" 2>/dev/null || true
	# Deleting a namespace deletes its veth end and so the peer, but a
	# half-built lab may have left a root-side end without its peer moved.
	ip link del vigil-in 2>/dev/null || true
	ip link del vigil-out 2>/dev/null || true
}

# Offloads off on one veth end; $1 is a namespace or "" for the root one.
lab_offloads_off()
{
	local ns=$1 dev=$2
	local -a run=()
	[[ -n $ns ]] && run=(ip netns exec "$ns")
	"${run[@]}" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 ||
		"${run[@]}" ethtool -K "$dev" tx off tso off gso off >/dev/null
}

# Root-side end: silent (no IPv6, so no router or neighbour solicitations,
# no MLD reports), promiscuous, up.
lab_root_end()
{
	local dev=$1
	sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	lab_offloads_off "" "$dev"
	ip link set "$dev" mtu 9216
	ip link set "$dev" promisc on
	ip link set "$dev" up
}

# Namespace end: addresses usable at once (no duplicate address detection).
lab_namespace_end()
{
	local ns=$1 dev=$2 v4=$3 v6=$4
	local -a run=(ip netns exec "$ns")
	"${run[@]}" ip link set lo up
	"${run[@]}" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0"
	"${run[@]}" sysctl -qw "net.ipv6.conf.$dev.dad_transmits=0"
	lab_offloads_off "$ns" "$dev"
	"${run[@]}" ip addr add "$v4" dev "$dev"
	"${run[@]}" ip -6 addr add "$v6" dev "$dev" nodad
	"${run[@]}" ip link set "$dev" up
}

lab_up()
{
	lab_down
	ip netns add "$LAB_CLIENT_NS"
	ip netns add "$LAB_SERVER_NS"
	ip link add vigil-in type veth peer name cl0 netns "$LAB_CLIENT_NS"
	ip link add vigil-out type veth peer name sv0 netns "$LAB_SERVER_NS"
	lab_root_end vigil-in
	lab_root_end vigil-out
	lab_namespace_end "$LAB_CLIENT_NS" cl0 10.77.0.1/24 fd77::1/64
	lab_namespace_end "$LAB_SERVER_NS" sv0 10.77.0.2/24 fd77::2/64
}

lab_inline_down()
{
	ip netns del "$LAB_ROUTER_A_NS" 2>/dev/null || true
	ip netns del "$LAB_ROUTER_B_NS" 2>/dev/null || true
	ip netns del "$LAB_OPERATOR_NS" 2>/dev/null || true
	local end
	for end in vigil-a1 vigil-a2 vigil-b1 vigil-b2; do
		ip link del "$end" 2>/dev/null || true
	done
}

lab_inline_up()
{
	lab_inline_down
	ip netns add "$LAB_ROUTER_A_NS"
	ip netns add "$LAB_ROUTER_B_NS"
	local pair side ns
	for pair in 1 2; do
		for side in a b; do
			ns=$LAB_ROUTER_A_NS
			[[ $side == b ]] && ns=$LAB_ROUTER_B_NS
			ip link add "vigil-$side$pair" type veth peer name "r$side$pair" netns "$ns"
			lab_root_end "vigil-$side$pair"
		done
		lab_namespace_end "$LAB_ROUTER_A_NS" "ra$pair" "10.79.$pair.1/24" "fd79:$pair::1/64"
		lab_namespace_end "$LAB_ROUTER_B_NS" "rb$pair" "10.79.$pair.2/24" "fd79:$pair::2/64"
	done
}

# The management tap belongs to vigil's net_tap device (it exists while vigil
# runs); moving it keeps vigil's file descriptor on it, so vigil's own stack
# answers the operator namespace there.
lab_mgmt()
{
	ip netns del "$LAB_OPERATOR_NS" 2>/dev/null || true
	ip netns add "$LAB_OPERATOR_NS"
	ip link set vigil-mgmt netns "$LAB_OPERATOR_NS"
	local -a run=(ip netns exec "$LAB_OPERATOR_NS")
	"${run[@]}" ip link set lo up
	"${run[@]}" sysctl -qw net.ipv6.conf.vigil-mgmt.accept_dad=0
	"${run[@]}" ip addr add 10.78.0.2/24 dev vigil-mgmt
	"${run[@]}" ip -6 addr add fd78::2/64 dev vigil-mgmt nodad
	"${run[@]}" ip link set vigil-mgmt up
}

main()
{
	if [[ $(id -u) -ne 0 ]]; then
		echo "lab-netns.sh: must run as root" >&2
		exit 1
	fi
	case "${1:-}" in
	up) lab_up ;;
	down) lab_down ;;
	mgmt) lab_mgmt ;;
	inline-up) lab_inline_up ;;
	inline-down) lab_inline_down ;;
	*)
		echo "usage: bash board/lab-netns.sh up|down|mgmt|inline-up|inline-down" >&2
		exit 2
		;;
	esac
}

main "$@"
