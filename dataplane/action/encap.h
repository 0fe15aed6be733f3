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
 *
 * A frame the appliance makes inside a tunnel (a reject's RST or ICMP)
 * goes in an outer header block kept from a received frame
 * (struct encap_outer), turned the same way, its lengths made right for
 * the new inner packet.
 */
#ifndef VIGIL_DATAPLANE_ENCAP_H
#define VIGIL_DATAPLANE_ENCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

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

/*
 * encap_return() on the frame itself, when the caller holds it whole in
 * one piece (the decoded view's own bytes, in the mbuf's first segment):
 * no length to check, no mbuf header to read again (that read cost a
 * quarter of the tunnel's price here: tests/bench/bench_forward.c).
 */
static inline void encap_return_frame(uint8_t *frame, const struct packet_tunnel *t,
				      const struct decode_tunnels *tunnels);

#define ENCAP_OUTER_MAX 128 /* outer header bytes kept (AWS GWLB's: 82) */

/*
 * An outer header block: a frame's bytes from the outer Ethernet header
 * through the GENEVE options or the VXLAN header (inner_offset bytes),
 * and where its parts lie. A worker keeps, per flow and direction, the
 * block that direction last came with (the balancer gives each direction
 * its own options, its flow cookie): what a frame made for that direction
 * must carry for the balancer to deliver it.
 */
struct encap_outer {
	uint64_t flow_id;      /* the flow it was kept for (struct flow.flow_id) */
	uint8_t len;	       /* bytes of bytes[] in use; 0: none kept */
	uint8_t l3_offset;     /* outer IPv4 header */
	uint8_t header_offset; /* GENEVE or VXLAN header; the UDP header is the 8 bytes before */
	uint8_t type;	       /* enum packet_tunnel_type */
	uint8_t tunnel_index;  /* VXLAN: the tunnel it came in on */
	uint8_t bytes[ENCAP_OUTER_MAX];
};

/*
 * Copy frame's outer header block (tunnel t, as decoded from frame) into
 * o, for flow flow_id. Returns false, o->len 0, when the block is longer
 * than ENCAP_OUTER_MAX (long options, stacked VLAN tags and IPv4 options).
 * Per-packet path, owning worker.
 */
bool encap_outer_keep(struct encap_outer *o, uint64_t flow_id, const uint8_t *frame,
		      const struct packet_tunnel *t);

/*
 * Turn the block o, as received, into its way back, as encap_return()
 * turns a frame: addresses swapped, VXLAN onto the peer tunnel. With
 * tunnels NULL the tunnel stays (the way back of the other direction,
 * whose packets come in on the peer tunnel).
 */
void encap_outer_turn(struct encap_outer *o, const struct decode_tunnels *tunnels);

/*
 * A frame of frame_len bytes at f starts with the block o: set the outer
 * IPv4 total length and header checksum and the UDP length for it, and
 * the UDP checksum to 0 (none, which IPv4 allows).
 */
void encap_outer_lengths(uint8_t *f, const struct encap_outer *o, uint32_t frame_len);

/*
 * The outer Ethernet addresses of frame f, and the outer IPv4 addresses
 * at l3_offset, swapped: the turn every tunnel's return makes. As three
 * word loads and stores rather than byte copies through a buffer: inlined
 * into the worker's loop, where a GENEVE frame needs nothing more.
 */
static inline void encap_swap_addresses(uint8_t *f, uint32_t l3_offset)
{
	uint64_t ether, ip;
	uint32_t ether_end;
	memcpy(&ether, f, 8); /* destination, then the source's first two bytes */
	memcpy(&ether_end, f + 8, 4);
	uint64_t turned = (ether >> 48) | ((uint64_t)ether_end << 16) | (ether << 48);
	uint32_t turned_end = (uint32_t)(ether >> 16);
	memcpy(f, &turned, 8);
	memcpy(f + 8, &turned_end, 4);
	memcpy(&ip, f + l3_offset + 12, 8); /* source, then destination */
	ip = ip << 32 | ip >> 32;
	memcpy(f + l3_offset + 12, &ip, 8);
}
#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
#error "encap_swap_addresses() reads the Ethernet addresses as little-endian words"
#endif

/* VXLAN's move onto the peer of tunnel tunnel_index (its header at header_offset of f),
 * unless tunnels is NULL. */
void encap_vxlan_peer(uint8_t *f, uint32_t header_offset, uint8_t tunnel_index,
		      const struct decode_tunnels *tunnels);

/*
 * The outer headers at f (IPv4 at l3_offset, the tunnel header at
 * header_offset) turned toward the balancer: Ethernet and IPv4 addresses
 * swapped; VXLAN onto the peer of tunnel tunnel_index, unless tunnels is
 * NULL.
 */
static inline void encap_turn(uint8_t *f, uint32_t l3_offset, uint32_t header_offset, uint8_t type,
			      uint8_t tunnel_index, const struct decode_tunnels *tunnels)
{
	encap_swap_addresses(f, l3_offset);
	if (type == PACKET_TUNNEL_VXLAN)
		encap_vxlan_peer(f, header_offset, tunnel_index, tunnels);
}

static inline void encap_return_frame(uint8_t *frame, const struct packet_tunnel *t,
				      const struct decode_tunnels *tunnels)
{
	encap_turn(frame, t->outer_l3_offset, t->header_offset, t->type, t->tunnel_index, tunnels);
}

#endif
