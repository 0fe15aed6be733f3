/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6: checks the fixed header, walks the extension header chain to the
 * upper-layer protocol, records the fragment header, and hands the payload
 * of an unfragmented packet or a first fragment to TCP, UDP or ICMPv6.
 * Options inside hop-by-hop and destination headers, routing types and AH
 * contents are skipped, not interpreted; reassembly is defrag.c's, called
 * by the worker for fragments.
 */
#include <errno.h>
#include <string.h>

#include "dataplane/decode/decode_util.h"

/*
 * RFC 8200 allows any number of extension headers; real traffic carries one
 * or two. A long chain is a known way to push the transport header past
 * what a middlebox inspects, so the walk is bounded and refuses more.
 */
#define IPV6_MAX_EXTENSIONS  8
#define IPV6_NEXT_HEADER     6 /* the fixed header's next header field */
#define IPV6_FRAGMENT_OFFSET 0xfff8
#define IPV6_FRAGMENT_MORE   0x0001

/*
 * Where the walk stands: the next header, where it starts, the byte that
 * named it (offsets from the walk's base) and the payload bytes left.
 */
struct ipv6_walk {
	uint8_t next;
	uint32_t offset;
	uint32_t named_at;
	uint32_t left;
	unsigned count;
	int seen_fragment;
};

static int ipv6_is_extension(uint8_t next)
{
	switch (next) {
	case DECODE_IPPROTO_HOPOPTS:
	case DECODE_IPPROTO_ROUTING:
	case DECODE_IPPROTO_FRAGMENT:
	case DECODE_IPPROTO_AH:
	case DECODE_IPPROTO_DSTOPTS:
	case DECODE_IPPROTO_MOBILITY:
	case DECODE_IPPROTO_HIP:
	case DECODE_IPPROTO_SHIM6:
		return 1;
	default:
		return 0;
	}
}

/*
 * The headers that may precede the fragment header, being processed on the
 * way (RFC 8200 4.5, the unfragmentable part): every fragment carries its
 * own copy.
 */
static int ipv6_is_unfragmentable(uint8_t next)
{
	return next == DECODE_IPPROTO_HOPOPTS || next == DECODE_IPPROTO_ROUTING ||
	       next == DECODE_IPPROTO_DSTOPTS;
}

/* The header's full length from its second byte; fragment is fixed. */
static uint32_t ipv6_extension_len(uint8_t next, const uint8_t *h)
{
	if (next == DECODE_IPPROTO_FRAGMENT)
		return DECODE_IPV6_FRAGMENT_HEADER_LEN;
	if (next == DECODE_IPPROTO_AH)
		return ((uint32_t)h[1] + 2) * 4;
	return ((uint32_t)h[1] + 1) * 8;
}

/*
 * An atomic fragment (offset 0, M clear, RFC 6946) is a whole packet and is
 * not marked as a fragment, as for IPv4 with MF clear and offset 0.
 */
static void ipv6_fill_fragment(struct packet *p, const uint8_t *h)
{
	uint16_t frag = decode_be16(h + 2);

	p->fragment_id = decode_be32(h + 4);
	if ((frag & (IPV6_FRAGMENT_OFFSET | IPV6_FRAGMENT_MORE)) == 0) {
		p->flags |= PACKET_ATOMIC_FRAGMENT;
		return;
	}
	p->flags |= PACKET_FRAGMENT;
	p->fragment_offset = frag & IPV6_FRAGMENT_OFFSET;
	p->more_fragments = frag & IPV6_FRAGMENT_MORE;
	if (p->fragment_offset == 0)
		p->flags |= PACKET_FIRST_FRAGMENT;
}

/*
 * Step over the extension header at base + w->offset, or say why the chain
 * is malformed. The one walk of both the decoder and reassembly, so the two
 * never disagree on where a header starts.
 */
static enum decode_error ipv6_walk_step(const uint8_t *base, struct ipv6_walk *w)
{
	/* Hop-by-hop is processed by every router only when first (RFC 8200 4.1);
	 * elsewhere hosts and middleboxes disagree on it. */
	if (w->next == DECODE_IPPROTO_HOPOPTS && w->count > 0)
		return DECODE_IPV6_HOP_BY_HOP_NOT_FIRST;
	if (w->count >= IPV6_MAX_EXTENSIONS)
		return DECODE_IPV6_EXTENSION_TOO_MANY;
	/* Two fragment headers make reassemblers disagree on the offset used. */
	if (w->next == DECODE_IPPROTO_FRAGMENT && w->seen_fragment)
		return DECODE_IPV6_DUPLICATE_FRAGMENT_HEADER;
	if (w->left < 2)
		return DECODE_IPV6_EXTENSION_TRUNCATED;

	const uint8_t *h = base + w->offset;
	uint32_t len = ipv6_extension_len(w->next, h);

	if (len > w->left)
		return DECODE_IPV6_EXTENSION_TRUNCATED;
	if (w->next == DECODE_IPPROTO_FRAGMENT)
		w->seen_fragment = 1;
	w->next = h[0];
	w->named_at = w->offset;
	w->offset += len;
	w->left -= len;
	w->count++;
	return DECODE_OK;
}

/* Step over one extension header of p, recording a fragment header. */
static enum decode_error ipv6_skip_extension(struct packet *p, struct ipv6_walk *w)
{
	uint8_t type = w->next;
	uint32_t at = w->offset;
	enum decode_error error = ipv6_walk_step(p->data, w);

	if (error != DECODE_OK)
		return error;
	if (type == DECODE_IPPROTO_FRAGMENT)
		ipv6_fill_fragment(p, p->data + at);
	p->flags |= PACKET_IPV6_EXTENSIONS;
	return DECODE_OK;
}

int decode_ipv6_fragment_header(const uint8_t *ip, uint32_t len, uint32_t *offset,
				uint32_t *named_at)
{
	if (len < DECODE_IPV6_HEADER_LEN)
		return -EINVAL;

	struct ipv6_walk w = {
	    .next = ip[IPV6_NEXT_HEADER],
	    .offset = DECODE_IPV6_HEADER_LEN,
	    .named_at = IPV6_NEXT_HEADER,
	    .left = len - DECODE_IPV6_HEADER_LEN,
	};

	while (w.next != DECODE_IPPROTO_FRAGMENT)
		if (!ipv6_is_unfragmentable(w.next) || ipv6_walk_step(ip, &w) != DECODE_OK)
			return -EINVAL;
	if (w.left < DECODE_IPV6_FRAGMENT_HEADER_LEN)
		return -EINVAL;
	*offset = w.offset;
	*named_at = w.named_at;
	return 0;
}

/* Payload that is not decoded further: unknown protocol or a later fragment. */
static enum decode_error ipv6_raw_payload(struct packet *p, const struct ipv6_walk *w)
{
	p->payload_offset = w->offset;
	p->payload_len = w->left;
	return DECODE_OK;
}

static void ipv6_fill(struct packet *p, const uint8_t *ip, uint32_t offset, uint32_t l3_len)
{
	p->flags |= PACKET_IPV6;
	p->ip_version = 6;
	p->l3_offset = offset;
	p->l3_len = l3_len;
	p->ip_ttl = ip[7];
	p->l4_proto = ip[IPV6_NEXT_HEADER];
	memcpy(p->src_addr, ip + 8, 16);
	memcpy(p->dst_addr, ip + 24, 16);
}

enum decode_error decode_ipv6(struct packet *p, uint32_t offset)
{
	uint32_t remaining = decode_remaining(p, offset);

	if (remaining < DECODE_IPV6_HEADER_LEN)
		return DECODE_IPV6_TRUNCATED;

	const uint8_t *ip = p->data + offset;
	uint32_t payload_len = decode_be16(ip + 4);

	if (ip[0] >> 4 != 6)
		return DECODE_IPV6_BAD_VERSION;
	/* Bytes past the payload length are Ethernet padding: never decoded. */
	if (payload_len > remaining - DECODE_IPV6_HEADER_LEN)
		return DECODE_IPV6_BAD_PAYLOAD_LEN;
	ipv6_fill(p, ip, offset, DECODE_IPV6_HEADER_LEN + payload_len);

	struct ipv6_walk w = {
	    .next = ip[IPV6_NEXT_HEADER],
	    .offset = offset + DECODE_IPV6_HEADER_LEN,
	    .named_at = offset + IPV6_NEXT_HEADER,
	    .left = payload_len,
	};

	while (ipv6_is_extension(w.next)) {
		enum decode_error error = ipv6_skip_extension(p, &w);
		if (error != DECODE_OK)
			return error;
		/* A later fragment's bytes are data, not more headers. */
		if (p->fragment_offset != 0) {
			p->l4_proto = w.next;
			return ipv6_raw_payload(p, &w);
		}
	}

	p->l4_proto = w.next;
	switch (w.next) {
	case DECODE_IPPROTO_TCP:
		return decode_tcp(p, w.offset, w.left);
	case DECODE_IPPROTO_UDP:
		return decode_udp(p, w.offset, w.left);
	case DECODE_IPPROTO_SCTP:
		return decode_sctp(p, w.offset, w.left);
	case DECODE_IPPROTO_IPIP:
		return decode_ip_in_ip(p, w.offset, w.left, 4);
	case DECODE_IPPROTO_IPV6:
		return decode_ip_in_ip(p, w.offset, w.left, 6);
	case DECODE_IPPROTO_GRE:
		return decode_gre(p, w.offset, w.left);
	case DECODE_IPPROTO_ICMPV6:
		return decode_icmpv6(p, w.offset, w.left);
	case DECODE_IPPROTO_NONE:
		/* Whatever follows "no next header" is to be ignored (RFC 8200 4.7). */
		p->flags |= PACKET_L4_UNKNOWN;
		p->payload_offset = w.offset;
		p->payload_len = 0;
		return DECODE_OK;
	default:
		/* ESP, and ICMP (v4) which has no meaning over IPv6, among others. */
		p->flags |= PACKET_L4_UNKNOWN;
		return ipv6_raw_payload(p, &w);
	}
}
