/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GRE (IP protocol 47, RFC 2784 and 2890): what a GRE tunnel's end
 * receives is the packet inside, so that is what is inspected, as for IP
 * in IP (decode_ip_in_ip.c, which does the bookkeeping of both): IPv4 and
 * IPv6 (protocol types 0x0800, 0x86DD), Ethernet (transparent Ethernet
 * bridging, 0x6558, as NVGRE and Linux gretap send it), and the mirrored
 * frames of ERSPAN (0x88BE: type I without a header, type II with its
 * 8-byte one; 0x22EB: type III, 12 bytes and an optional 8-byte
 * subheader; a type II header's VLAN becomes the packet's first VLAN).
 * The optional checksum, key and sequence fields are skipped.
 * Left whole as an unknown protocol: GRE version 1 (PPTP's, PPP inside),
 * the deprecated routing field, other payloads, and tunnels in fragments
 * or past two levels.
 */
#include "dataplane/decode/decode_util.h"

#define GRE_HEADER_LEN	   4
#define GRE_FLAG_CHECKSUM  0x8000
#define GRE_FLAG_ROUTING   0x4000
#define GRE_FLAG_KEY	   0x2000
#define GRE_FLAG_SEQUENCE  0x1000
#define GRE_VERSION_MASK   0x0007
#define GRE_TYPE_TEB	   0x6558
#define GRE_TYPE_ERSPAN	   0x88be
#define GRE_TYPE_ERSPAN3   0x22eb
#define ERSPAN2_HEADER_LEN 8
#define ERSPAN3_HEADER_LEN 12

static enum decode_error gre_raw(struct packet *p, uint32_t offset, uint32_t len)
{
	p->flags |= PACKET_L4_UNKNOWN;
	p->payload_offset = offset;
	p->payload_len = len;
	return DECODE_OK;
}

/* An Ethernet frame inside, from offset to the end of what GRE carries. */
static enum decode_error gre_ethernet(struct packet *p, uint32_t offset, uint32_t len)
{
	if (len < DECODE_ETHER_HEADER_LEN)
		return DECODE_GRE_TRUNCATED;
	decode_ip_tunnel_enter(p);
	p->flags |= PACKET_GRE;
	return decode_ether_next(p, offset + DECODE_ETHER_HEADER_LEN,
				 decode_be16(p->data + offset + 12));
}

enum decode_error decode_gre(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (!decode_ip_tunnel_can_enter(p))
		return gre_raw(p, offset, len);
	if (len < GRE_HEADER_LEN)
		return DECODE_GRE_TRUNCATED;
	const uint8_t *g = p->data + offset;
	uint16_t flags = decode_be16(g), type = decode_be16(g + 2);
	if ((flags & (GRE_VERSION_MASK | GRE_FLAG_ROUTING)) != 0)
		return gre_raw(p, offset, len);
	uint32_t header = GRE_HEADER_LEN + (flags & GRE_FLAG_CHECKSUM ? 4 : 0) +
			  (flags & GRE_FLAG_KEY ? 4 : 0) + (flags & GRE_FLAG_SEQUENCE ? 4 : 0);
	if (header > len)
		return DECODE_GRE_TRUNCATED;
	uint32_t inner = offset + header, left = len - header;
	switch (type) {
	case DECODE_ETHER_TYPE_IPV4:
	case DECODE_ETHER_TYPE_IPV6:
		p->flags |= PACKET_GRE;
		return decode_ip_in_ip(p, inner, left, type == DECODE_ETHER_TYPE_IPV4 ? 4 : 6);
	case GRE_TYPE_TEB:
		return gre_ethernet(p, inner, left);
	case GRE_TYPE_ERSPAN: {
		/* type II has the sequence number and an 8-byte header, type I neither */
		uint32_t skip = flags & GRE_FLAG_SEQUENCE ? ERSPAN2_HEADER_LEN : 0;
		if (skip > left)
			return DECODE_GRE_TRUNCATED;
		/* the mirrored frame's VLAN, which the mirror took off, is the
		 * packet's first (as Suricata keys flows by it) */
		uint16_t vlan = skip ? decode_be16(p->data + inner) & 0x0fff : 0;
		if (vlan && p->vlan_count < PACKET_MAX_VLANS) {
			p->vlan_id[p->vlan_count++] = vlan;
			p->flags |= PACKET_VLAN;
		}
		return gre_ethernet(p, inner + skip, left - skip);
	}
	case GRE_TYPE_ERSPAN3: {
		uint32_t skip = ERSPAN3_HEADER_LEN;
		if (left >= ERSPAN3_HEADER_LEN && (p->data[inner + 11] & 1))
			skip += 8; /* the platform-specific subheader */
		if (skip > left)
			return DECODE_GRE_TRUNCATED;
		return gre_ethernet(p, inner + skip, left - skip);
	}
	default:
		return gre_raw(p, offset, len);
	}
}
