/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GENEVE (RFC 8926) as AWS Gateway Load Balancer sends it: an 8-byte
 * header, options in 4-byte words, then the inner packet, bare IPv4 or
 * IPv6 (protocol type 0x0800, 0x86DD) or an Ethernet frame (0x6558). The
 * options of class 0x0108 (AWS) are read out: type 1 the GWLB endpoint id
 * (8 bytes), type 2 the attachment id (8 bytes), type 3 the flow cookie
 * (4 bytes). Other options are kept in the frame, never interpreted (the
 * appliance returns every option byte for byte). Control (OAM) packets are
 * refused: they carry no traffic to inspect.
 */
#include <stdbool.h>

#include "dataplane/decode/decode_util.h"

#define GENEVE_HEADER_LEN      8
#define GENEVE_OPTION_LEN      4 /* an option's own header */
#define GENEVE_CLASS_AWS       0x0108
#define GENEVE_AWS_ENDPOINT_ID 1
#define GENEVE_AWS_ATTACHMENT  2
#define GENEVE_AWS_COOKIE      3

static inline uint64_t geneve_be64(const uint8_t *b)
{
	return (uint64_t)decode_be32(b) << 32 | decode_be32(b + 4);
}

/* An AWS option of the right length fills its field; others are left as they are. */
static inline void geneve_aws_option(struct packet_tunnel *t, uint8_t type, const uint8_t *data,
				     uint32_t len)
{
	switch (type & 0x7f) { /* the high bit is the critical flag */
	case GENEVE_AWS_ENDPOINT_ID:
		if (len == 8)
			t->endpoint_id = geneve_be64(data), t->has_endpoint_id = 1;
		break;
	case GENEVE_AWS_ATTACHMENT:
		if (len == 8)
			t->attachment_id = geneve_be64(data), t->has_attachment_id = 1;
		break;
	case GENEVE_AWS_COOKIE:
		if (len == 4)
			t->cookie = decode_be32(data), t->has_cookie = 1;
		break;
	default:
		break;
	}
}

/*
 * GWLB's own layout, 32 bytes: endpoint id, attachment id, cookie, in
 * this order. The walk below reads each option's length before it can
 * find the next (a chain of dependent loads, the second reaching into the
 * frame's second cache line); this reads the three headers at once.
 * Returns false when the options are laid out otherwise (then walked).
 */
static inline bool geneve_aws_layout(struct packet_tunnel *t, const uint8_t *opts,
				     uint32_t options_len)
{
	/* class 0x0108, type (critical bit clear), length in words */
	if (options_len != 32 || decode_be32(opts) != 0x01080102u ||
	    decode_be32(opts + 12) != 0x01080202u || decode_be32(opts + 24) != 0x01080301u)
		return false;
	t->endpoint_id = geneve_be64(opts + 4);
	t->attachment_id = geneve_be64(opts + 16);
	t->cookie = decode_be32(opts + 28);
	t->has_endpoint_id = t->has_attachment_id = t->has_cookie = 1;
	return true;
}

/* Walk the options (options_len bytes at opts); DECODE_OK or why they are malformed. */
static enum decode_error geneve_options(struct packet_tunnel *t, const uint8_t *opts,
					uint32_t options_len)
{
	uint32_t at = 0;
	while (at < options_len) {
		if (options_len - at < GENEVE_OPTION_LEN)
			return DECODE_GENEVE_BAD_OPTIONS;
		const uint8_t *o = opts + at;
		uint32_t len = (uint32_t)(o[3] & 0x1f) * 4;
		if (options_len - at - GENEVE_OPTION_LEN < len)
			return DECODE_GENEVE_BAD_OPTIONS;
		if (decode_be16(o) == GENEVE_CLASS_AWS)
			geneve_aws_option(t, o[2], o + GENEVE_OPTION_LEN, len);
		at += GENEVE_OPTION_LEN + len;
	}
	return DECODE_OK;
}

enum decode_error decode_geneve(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (len < GENEVE_HEADER_LEN)
		return DECODE_GENEVE_TRUNCATED;
	const uint8_t *g = p->data + offset;
	if (g[0] >> 6 != 0)
		return DECODE_GENEVE_BAD_VERSION;
	uint32_t options_len = (uint32_t)(g[0] & 0x3f) * 4;
	if (len - GENEVE_HEADER_LEN < options_len)
		return DECODE_GENEVE_TRUNCATED;
	if (g[1] & 0x80)
		return DECODE_GENEVE_OAM;
	uint16_t proto = decode_be16(g + 2);
	if (proto != DECODE_ETHER_TYPE_IPV4 && proto != DECODE_ETHER_TYPE_IPV6 &&
	    proto != DECODE_ETHER_TYPE_TEB)
		return DECODE_GENEVE_BAD_PROTOCOL;

	uint32_t inner = offset + GENEVE_HEADER_LEN + options_len;
	struct packet_tunnel *t = &p->tunnel;
	enum decode_error e = DECODE_OK;
	if (!geneve_aws_layout(t, g + GENEVE_HEADER_LEN, options_len))
		e = geneve_options(t, g + GENEVE_HEADER_LEN, options_len);
	if (e != DECODE_OK) {
		memset(t, 0, sizeof(*t)); /* p stays the outer packet: no tunnel */
		return e;
	}
	decode_tunnel_outer(p, offset, inner);
	t->inner_ether_type = proto;
	t->vni = (uint32_t)g[4] << 16 | (uint32_t)g[5] << 8 | g[6];
	/* the inner packet ends where the UDP datagram does */
	p->len = offset + len;
	decode_tunnel_restart(p, PACKET_TUNNEL_GENEVE);
	return decode_tunnel_inner(p);
}
