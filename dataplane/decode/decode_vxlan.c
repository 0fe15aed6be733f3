/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VXLAN (RFC 7348) as Azure Gateway Load Balancer sends it: an 8-byte
 * header whose flags must carry the I bit (a valid VNI), then an inner
 * Ethernet frame. Each configured tunnel is a UDP port and a VNI (Azure's
 * external and internal tunnels of a backend pool); a VNI other than the
 * one configured for the port is refused, never guessed.
 */
#include "dataplane/decode/decode_util.h"

#define VXLAN_HEADER_LEN 8
#define VXLAN_FLAG_VNI	 0x08

enum decode_error decode_vxlan(struct packet *p, uint32_t offset, uint32_t len,
			       const struct decode_tunnels *tunnels, unsigned tunnel_index)
{
	len = decode_clamp(p, offset, len);
	if (len < VXLAN_HEADER_LEN)
		return DECODE_VXLAN_TRUNCATED;
	const uint8_t *v = p->data + offset;
	if (!(v[0] & VXLAN_FLAG_VNI))
		return DECODE_VXLAN_BAD_FLAGS;
	uint32_t vni = (uint32_t)v[4] << 16 | (uint32_t)v[5] << 8 | v[6];
	if (tunnels && tunnel_index < tunnels->vxlan_count &&
	    vni != tunnels->vxlan[tunnel_index].vni)
		return DECODE_VXLAN_UNKNOWN_VNI;

	decode_tunnel_outer(p, offset, offset + VXLAN_HEADER_LEN);
	p->tunnel.tunnel_index = (uint8_t)tunnel_index;
	p->tunnel.inner_ether_type = DECODE_ETHER_TYPE_TEB;
	p->tunnel.vni = vni;
	p->len = offset + len; /* the inner frame ends where the datagram does */
	decode_tunnel_restart(p, PACKET_TUNNEL_VXLAN);
	return decode_tunnel_inner(p);
}
