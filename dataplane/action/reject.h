/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the packets of a reject verdict: for TCP a RST to each end (the
 * sender, so its connection fails at once, and the receiver, so it does not
 * wait on a half-open connection), for UDP an ICMP (ICMPv6) port
 * unreachable to the sender. The frames copy the original's layer 2
 * (VLAN tags included, MAC addresses swapped toward the sender), so they
 * leave by the same ports the conversation uses.
 *
 * Inside a tunnel the inner packet's reject goes back to the balancer in
 * an outer header block per frame (dataplane/action/encap.h), which the
 * caller picks: the one the balancer delivers toward that end. The inner
 * layer 2 is the packet's own (VXLAN's inner Ethernet, MACs swapped toward
 * the sender; none for GENEVE's bare IP).
 */
#ifndef VIGIL_DATAPLANE_REJECT_H
#define VIGIL_DATAPLANE_REJECT_H

#include "dataplane/action/encap.h"
#include "dataplane/decode/packet.h"

struct rte_mbuf;
struct rte_mempool;

/* A tunnel packet's reject: the outer header block of each frame, turned for the way back. */
struct reject_outer {
	const struct encap_outer *to_sender;
	const struct encap_outer *to_receiver;
};

/*
 * Build the reject frames for p from pool: *to_sender and *to_receiver are
 * set (or NULL when not applicable or out of mbufs). outer: NULL, or for a
 * packet that came in a tunnel (PACKET_TUNNEL: required, else nothing is
 * built) the blocks the frames go in (the caller owns them; copied). The
 * caller sends to_sender out of the port p arrived on and to_receiver out
 * of its pair (a tunnel's: both out of the arrival port).
 * Per-packet path (only for rejected packets).
 */
void reject_build(const struct packet *p, const struct reject_outer *outer,
		  struct rte_mempool *pool, struct rte_mbuf **to_sender,
		  struct rte_mbuf **to_receiver);

#endif
