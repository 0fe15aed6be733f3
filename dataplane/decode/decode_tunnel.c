/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel peel: a datagram to one of the port's tunnel ports is a GENEVE
 * or VXLAN packet whose inner packet is what the appliance inspects. The
 * outer headers (Ethernet, IPv4, UDP, tunnel header and options) stay in
 * the frame untouched, so that a passed packet can go back as the gateway
 * load balancer's contract says (dataplane/action/encap.c); p describes
 * the inner packet from here on, p->tunnel the tunnel.
 *
 * On a tunnel port nearly every frame has the same outer shape, so
 * decode_tunnel_packet() checks that shape in a few reads before decoding
 * the outer packet field by field (the fields go at once: the inner packet
 * replaces them); anything else takes the general way, which gives the
 * very same view.
 */
#include <stdbool.h>

#include "dataplane/decode/decode_util.h"

#define TUNNEL_OUTER_UDP 34 /* UDP header of an outer IPv4 header without options */

/* The tunnel of p's destination port: geneve, or VXLAN tunnel *index; false when none. */
static bool tunnel_of_port(const struct decode_tunnels *tunnels, uint16_t port, bool *geneve,
			   unsigned *index)
{
	*geneve = tunnels->geneve_port && port == tunnels->geneve_port;
	if (*geneve)
		return true;
	for (unsigned i = 0; i < tunnels->vxlan_count; i++)
		if (port == tunnels->vxlan[i].port) {
			*index = i;
			return true;
		}
	return false;
}

static enum decode_error tunnel_decode(struct packet *p, bool geneve, unsigned index,
				       const struct decode_tunnels *tunnels)
{
	if (geneve)
		return decode_geneve(p, p->payload_offset, p->payload_len);
	return decode_vxlan(p, p->payload_offset, p->payload_len, tunnels, index);
}

enum decode_error decode_tunnel(struct packet *p, const struct decode_tunnels *tunnels)
{
	bool geneve;
	unsigned index = 0;
	if (!tunnels || (p->flags & (PACKET_IPV4 | PACKET_UDP | PACKET_FRAGMENT | PACKET_TUNNEL)) !=
			    (PACKET_IPV4 | PACKET_UDP))
		return DECODE_OK;
	if (!tunnel_of_port(tunnels, p->dst_port, &geneve, &index))
		return DECODE_OK;
	return tunnel_decode(p, geneve, index, tunnels);
}

/*
 * The common shape: Ethernet, IPv4 without options and not a fragment,
 * whole in the frame, UDP of a valid length to a tunnel port. Sets what
 * the tunnel decoders read of the outer packet (frame, ports, offsets) and
 * clears the tunnel; returns false, p untouched, for any other frame.
 */
static bool tunnel_fast_outer(struct packet *p, const uint8_t *data, uint32_t len,
			      const struct decode_tunnels *tunnels, bool *geneve, unsigned *index)
{
	if (len < TUNNEL_OUTER_UDP + DECODE_UDP_HEADER_LEN ||
	    decode_be16(data + 12) != DECODE_ETHER_TYPE_IPV4)
		return false;
	const uint8_t *ip = data + DECODE_ETHER_HEADER_LEN;
	const uint8_t *udp = data + TUNNEL_OUTER_UDP;
	uint32_t total_len = decode_be16(ip + 2), udp_len = decode_be16(udp + 4);
	if (ip[0] != 0x45 || ip[9] != DECODE_IPPROTO_UDP ||
	    (decode_be16(ip + 6) & (DECODE_IPV4_FLAG_MF | DECODE_IPV4_FRAGMENT_OFFSET)) ||
	    total_len > len - DECODE_ETHER_HEADER_LEN || total_len < DECODE_IPV4_HEADER_LEN ||
	    udp_len < DECODE_UDP_HEADER_LEN || udp_len > total_len - DECODE_IPV4_HEADER_LEN)
		return false;
	if (!tunnel_of_port(tunnels, decode_be16(udp + 2), geneve, index))
		return false;
	memset(&p->tunnel, 0, sizeof(p->tunnel));
	p->rx_port = 0; /* as decode_packet leaves it: the pipeline sets it */
	p->data = data;
	p->len = len;
	p->flags = PACKET_IPV4 | PACKET_UDP;
	p->l3_offset = DECODE_ETHER_HEADER_LEN;
	p->src_port = decode_be16(udp);
	p->dst_port = decode_be16(udp + 2);
	p->payload_offset = TUNNEL_OUTER_UDP + DECODE_UDP_HEADER_LEN;
	p->payload_len = udp_len - DECODE_UDP_HEADER_LEN;
	return true;
}

enum decode_error decode_tunnel_packet(struct packet *p, const uint8_t *data, uint32_t len,
				       const struct decode_tunnels *tunnels)
{
	bool geneve;
	unsigned index = 0;
	if (tunnel_fast_outer(p, data, len, tunnels, &geneve, &index)) {
		enum decode_error e = tunnel_decode(p, geneve, index, tunnels);
		if (p->flags & PACKET_TUNNEL)
			return e; /* peeled; e says whether the inner packet decoded */
				  /* a malformed tunnel header: p must be the outer packet, whole */
	}
	enum decode_error e = decode_packet(p, data, len);
	return e == DECODE_OK ? decode_tunnel(p, tunnels) : e;
}
