/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Network Service Header (RFC 8300, ether type 0x894F): the header a
 * service function chain puts in front of the packet it carries. Base
 * header (version, O bit, TTL, length in 4-byte words, MD type, next
 * protocol), service path header, then context headers up to the length
 * (MD type 1: 16 bytes fixed; type 2: variable). The carried packet
 * (IPv4, IPv6 or Ethernet) is decoded and inspected as any other; the NSH
 * stays in the frame for whoever forwards it. A nested NSH or MPLS is
 * passed up as an unknown layer 3, never decoded further.
 */
#include "dataplane/decode/decode_util.h"

#define DECODE_NSH_HEADER_MIN 8 /* base + service path headers */
#define DECODE_NSH_MD_TYPE1   1
#define DECODE_NSH_MD_TYPE2   2

enum decode_nsh_next {
	DECODE_NSH_IPV4 = 1,
	DECODE_NSH_IPV6 = 2,
	DECODE_NSH_ETHERNET = 3,
};

enum decode_error decode_nsh(struct packet *p, uint32_t offset)
{
	if (decode_remaining(p, offset) < DECODE_NSH_HEADER_MIN)
		return DECODE_NSH_TRUNCATED;
	const uint8_t *h = p->data + offset;
	if (h[0] >> 6)
		return DECODE_NSH_BAD_VERSION;
	uint32_t len = (uint32_t)(h[1] & 0x3f) * 4;
	uint8_t md_type = h[2] & 0x0f;
	/* type 1 is always 6 words; type 2 at least the two fixed headers */
	if (len < DECODE_NSH_HEADER_MIN || (md_type == DECODE_NSH_MD_TYPE1 && len != 24))
		return DECODE_NSH_BAD_HEADER_LEN;
	if (len > decode_remaining(p, offset))
		return DECODE_NSH_TRUNCATED;
	p->flags |= PACKET_NSH;
	offset += len;
	switch (h[3]) {
	case DECODE_NSH_IPV4:
		p->ether_type = DECODE_ETHER_TYPE_IPV4;
		return decode_ipv4(p, offset);
	case DECODE_NSH_IPV6:
		p->ether_type = DECODE_ETHER_TYPE_IPV6;
		return decode_ipv6(p, offset);
	case DECODE_NSH_ETHERNET:
		if (decode_remaining(p, offset) < DECODE_ETHER_HEADER_LEN)
			return DECODE_ETHERNET_TRUNCATED;
		return decode_ether_next(p, offset + DECODE_ETHER_HEADER_LEN,
					 decode_be16(p->data + offset + 12));
	default:
		p->flags |= PACKET_L3_UNKNOWN;
		p->payload_offset = offset;
		p->payload_len = decode_remaining(p, offset);
		return DECODE_OK;
	}
}
