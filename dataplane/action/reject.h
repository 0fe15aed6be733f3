/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the packets of a reject verdict: for TCP a RST to each end (the
 * sender, so its connection fails at once, and the receiver, so it does not
 * wait on a half-open connection), for UDP an ICMP (ICMPv6) port
 * unreachable to the sender. The frames copy the original's layer 2
 * (VLAN tags included, MAC addresses swapped toward the sender), so they
 * leave by the same ports the conversation uses.
 */
#ifndef VIGIL_DATAPLANE_REJECT_H
#define VIGIL_DATAPLANE_REJECT_H

#include "dataplane/decode/packet.h"

struct rte_mbuf;
struct rte_mempool;

/*
 * Build the reject frames for p from pool: *to_sender and *to_receiver are
 * set (or NULL when not applicable or out of mbufs). The caller sends
 * to_sender out of the port p arrived on and to_receiver out of its pair.
 * Per-packet path (only for rejected packets).
 */
void reject_build(const struct packet *p, struct rte_mempool *pool, struct rte_mbuf **to_sender,
		  struct rte_mbuf **to_receiver);

#endif
