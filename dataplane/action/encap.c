/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Re-encapsulation (see encap.h): a passed frame's outer headers are
 * rewritten in place, the inner packet never touched; a frame the
 * appliance makes (reject.c) is put in a kept outer header block, turned
 * the same way, with its lengths made right for the new inner packet.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dataplane/action/encap.h"

#define ENCAP_UDP_LEN	 8
#define ENCAP_TUNNEL_LEN 8 /* the fixed GENEVE or VXLAN header */

static void encap_put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8), b[1] = (uint8_t)v;
}

void encap_vxlan_peer(uint8_t *f, uint32_t header_offset, uint8_t tunnel_index,
		      const struct decode_tunnels *tunnels)
{
	if (!tunnels || tunnel_index >= tunnels->vxlan_count)
		return;
	const struct decode_vxlan_tunnel *out = &tunnels->vxlan[tunnels->vxlan[tunnel_index].peer];
	uint8_t *udp = f + header_offset - ENCAP_UDP_LEN;
	encap_put16(udp + 2, out->port);
	udp[6] = udp[7] = 0;
	uint8_t *vxlan = f + header_offset;
	vxlan[4] = (uint8_t)(out->vni >> 16), vxlan[5] = (uint8_t)(out->vni >> 8);
	vxlan[6] = (uint8_t)out->vni;
}

bool encap_return(struct rte_mbuf *m, const struct packet_tunnel *t,
		  const struct decode_tunnels *tunnels)
{
	if (rte_pktmbuf_data_len(m) < t->header_offset + ENCAP_TUNNEL_LEN)
		return false;
	encap_return_frame(rte_pktmbuf_mtod(m, uint8_t *), t, tunnels);
	return true;
}

bool encap_outer_keep(struct encap_outer *o, uint64_t flow_id, const uint8_t *frame,
		      const struct packet_tunnel *t)
{
	if (t->inner_offset > ENCAP_OUTER_MAX) {
		o->len = 0;
		return false;
	}
	o->flow_id = flow_id;
	o->len = (uint8_t)t->inner_offset;
	o->l3_offset = (uint8_t)t->outer_l3_offset;
	o->header_offset = (uint8_t)t->header_offset;
	o->type = t->type;
	o->tunnel_index = t->tunnel_index;
	memcpy(o->bytes, frame, t->inner_offset);
	return true;
}

void encap_outer_turn(struct encap_outer *o, const struct decode_tunnels *tunnels)
{
	encap_turn(o->bytes, o->l3_offset, o->header_offset, o->type, o->tunnel_index, tunnels);
}

void encap_outer_lengths(uint8_t *f, const struct encap_outer *o, uint32_t frame_len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + o->l3_offset);
	uint8_t *udp = f + o->header_offset - ENCAP_UDP_LEN;
	encap_put16((uint8_t *)&ip->total_length, frame_len - o->l3_offset);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	encap_put16(udp + 4, frame_len - (o->header_offset - ENCAP_UDP_LEN));
	udp[6] = udp[7] = 0; /* none: RFC 768 allows it over IPv4, as RFC 7348 and 8926 do */
}
