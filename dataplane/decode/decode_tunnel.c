/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel peel: a datagram to one of the port's tunnel ports is a GENEVE
 * or VXLAN packet whose inner packet is what the appliance inspects. The
 * outer headers (Ethernet, IPv4, UDP, tunnel header and options) stay in
 * the frame untouched, so that a passed packet can go back as the gateway
 * load balancer's contract says (dataplane/action/encap.c); p describes
 * the inner packet from here on, p->tunnel the tunnel.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_tunnel(struct packet *p, const struct decode_tunnels *tunnels)
{
	if (!tunnels || (p->flags & (PACKET_IPV4 | PACKET_UDP | PACKET_FRAGMENT | PACKET_TUNNEL)) !=
			    (PACKET_IPV4 | PACKET_UDP))
		return DECODE_OK;
	if (tunnels->geneve_port && p->dst_port == tunnels->geneve_port)
		return decode_geneve(p, p->payload_offset, p->payload_len);
	for (unsigned i = 0; i < tunnels->vxlan_count; i++)
		if (p->dst_port == tunnels->vxlan[i].port)
			return decode_vxlan(p, p->payload_offset, p->payload_len, tunnels, i);
	return DECODE_OK;
}

enum decode_error decode_tunnel_inner(struct packet *p, const uint8_t *frame, uint32_t len,
				      const struct packet_tunnel *t)
{
	p->data = frame;
	p->len = len;
	decode_tunnel_restart(p, t);
	if (t->inner_ether_type == 0x6558)
		return decode_ethernet(p, t->inner_offset);
	return decode_ether_next(p, t->inner_offset, t->inner_ether_type);
}
