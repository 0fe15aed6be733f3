/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Re-encapsulation of a passed tunnel packet (see encap.h): the outer
 * headers are rewritten in place, the inner packet is never touched.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dataplane/action/encap.h"

#define ENCAP_ETHER_ADDR_LEN 6
#define ENCAP_IPV4_SRC	     12 /* offset of the source address in the IPv4 header */
#define ENCAP_UDP_LEN	     8
#define ENCAP_TUNNEL_LEN     8 /* the fixed GENEVE or VXLAN header */

static void encap_swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t tmp[16];
	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

bool encap_return(struct rte_mbuf *m, const struct packet_tunnel *t,
		  const struct decode_tunnels *tunnels)
{
	if (rte_pktmbuf_data_len(m) < t->header_offset + ENCAP_TUNNEL_LEN)
		return false;
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	encap_swap(f, f + ENCAP_ETHER_ADDR_LEN, ENCAP_ETHER_ADDR_LEN);
	uint8_t *ip = f + t->outer_l3_offset;
	encap_swap(ip + ENCAP_IPV4_SRC, ip + ENCAP_IPV4_SRC + 4, 4);
	if (t->type != PACKET_TUNNEL_VXLAN || !tunnels || t->tunnel_index >= tunnels->vxlan_count)
		return true;
	const struct decode_vxlan_tunnel *out =
	    &tunnels->vxlan[tunnels->vxlan[t->tunnel_index].peer];
	uint8_t *udp = f + t->header_offset - ENCAP_UDP_LEN;
	udp[2] = (uint8_t)(out->port >> 8), udp[3] = (uint8_t)out->port;
	udp[6] = udp[7] = 0;
	uint8_t *vxlan = f + t->header_offset;
	vxlan[4] = (uint8_t)(out->vni >> 16), vxlan[5] = (uint8_t)(out->vni >> 8);
	vxlan[6] = (uint8_t)out->vni;
	return true;
}
