/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The way back into the tunnel: a packet that came from a gateway load
 * balancer and is passed goes back to it as its contract says. GENEVE
 * (AWS): the header and every option byte for byte as received, the outer
 * source and destination addresses swapped, the UDP ports kept. VXLAN
 * (Azure): what came in on one tunnel of the pair leaves on the other (its
 * UDP port and VNI), outer addresses swapped. The outer Ethernet addresses
 * are swapped too, so the frame goes back to the hop it came from. A
 * dropped packet is simply not returned.
 */
#ifndef VIGIL_DATAPLANE_ENCAP_H
#define VIGIL_DATAPLANE_ENCAP_H

#include <stdbool.h>

#include "dataplane/decode/decode.h"

struct rte_mbuf;

/*
 * Turn frame m (decoded with tunnel t, received on a port carrying
 * tunnels) into its return in place. The IPv4 header checksum and a
 * GENEVE UDP checksum stay valid (swapping two addresses leaves the
 * one's-complement sums unchanged); a VXLAN datagram moved to the other
 * tunnel's port gets a zero UDP checksum (RFC 7348 allows it over IPv4).
 * Returns false when the outer headers are not all in m's first segment
 * (the caller drops it, counted). Per-packet path, owning worker.
 */
bool encap_return(struct rte_mbuf *m, const struct packet_tunnel *t,
		  const struct decode_tunnels *tunnels);

#endif
