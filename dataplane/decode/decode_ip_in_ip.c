/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP in IP: IPv4 or IPv6 carried as the payload of IPv4 or IPv6 (IP
 * protocol 4, RFC 2003; protocol 41: 6in4, RFC 4213, and IPv6 in IPv6,
 * RFC 2473). Where such a tunnel ends, its receiver gets the inner
 * packet, so that is what is inspected: the inner IP header is decoded in
 * place of the outer one (addresses, ports, flow and rules are the inner
 * packet's; PACKET_IP_IN_IP says so and ip_in_ip_outer_offset keeps the
 * outer header, which stays in the frame). Before this, such packets were
 * an unknown protocol: an attack inside the tunnel went uninspected.
 *
 * Left as they are, counted as an unknown L4 protocol: a tunnel inside a
 * fragment (its inner packet is whole only after IP reassembly, which
 * hands the reassembled datagram back to be decoded), and a third level
 * of nesting. The inner packet may not reach past what the outer one
 * carries (bytes after it are Ethernet padding, which the tunnel's end
 * never sees).
 */
#include "dataplane/decode/decode_util.h"

#define IP_IN_IP_MAX_DEPTH 2 /* IP-in-IP headers peeled, at most */

static enum decode_error ip_in_ip_raw(struct packet *p, uint32_t offset, uint32_t len)
{
	p->flags |= PACKET_L4_UNKNOWN;
	p->payload_offset = offset;
	p->payload_len = decode_clamp(p, offset, len);
	return DECODE_OK;
}

enum decode_error decode_ip_in_ip(struct packet *p, uint32_t offset, uint32_t len,
				  uint8_t ip_version)
{
	if (!decode_ip_tunnel_can_enter(p))
		return ip_in_ip_raw(p, offset, len);
	len = decode_clamp(p, offset, len);
	const uint8_t *inner = p->data + offset;
	/* The inner packet's own length must fit in what the outer carries. */
	if (ip_version == 4 && len >= DECODE_IPV4_HEADER_LEN && decode_be16(inner + 2) > len)
		return DECODE_IPV4_BAD_TOTAL_LEN;
	if (ip_version == 6 && len >= DECODE_IPV6_HEADER_LEN &&
	    (uint32_t)decode_be16(inner + 4) + DECODE_IPV6_HEADER_LEN > len)
		return DECODE_IPV6_BAD_PAYLOAD_LEN;
	decode_ip_tunnel_enter(p);
	return ip_version == 4 ? decode_ipv4(p, offset) : decode_ipv6(p, offset);
}

bool decode_ip_tunnel_can_enter(const struct packet *p)
{
	return !(p->flags & PACKET_FRAGMENT) && p->ip_in_ip_depth < IP_IN_IP_MAX_DEPTH;
}

void decode_ip_tunnel_enter(struct packet *p)
{
	if (!(p->flags & PACKET_IP_IN_IP))
		p->ip_in_ip_outer_offset = (uint16_t)p->l3_offset;
	p->ip_in_ip_depth++;
	p->flags &= ~(uint32_t)(PACKET_IPV4 | PACKET_IPV6 | PACKET_IPV4_OPTIONS |
				PACKET_IPV6_EXTENSIONS | PACKET_IPV4_DONT_FRAGMENT);
	p->flags |= PACKET_IP_IN_IP;
	p->fragment_id = 0;
	p->fragment_offset = 0;
	p->more_fragments = 0;
}
