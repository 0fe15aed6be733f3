/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP: checks the header length, records ports, sequence numbers, flags and
 * window, and walks the options, keeping those stream tracking needs (MSS,
 * window scale, SACK-permitted, timestamps). The checksum and flag
 * combinations are not judged here; that is left to stream tracking.
 */
#include "dataplane/decode/decode_util.h"

#define TCP_OPTION_END		  0
#define TCP_OPTION_NOP		  1
#define TCP_OPTION_MSS		  2
#define TCP_OPTION_WINDOW_SCALE	  3
#define TCP_OPTION_SACK_PERMITTED 4
#define TCP_OPTION_TIMESTAMP	  8
#define TCP_OPTION_FAST_OPEN	  34  /* RFC 7413 */
#define TCP_OPTION_EXPERIMENTAL	  254 /* RFC 6994; Fast Open's early form, magic 0xf989 */
#define TCP_FAST_OPEN_MAGIC	  0xf989

/* Known options must have their exact length: a stretched MSS or timestamp
 * is read differently by different stacks. */
static int tcp_option_len_ok(uint8_t kind, uint8_t len)
{
	switch (kind) {
	case TCP_OPTION_MSS:
		return len == 4;
	case TCP_OPTION_WINDOW_SCALE:
		return len == 3;
	case TCP_OPTION_SACK_PERMITTED:
		return len == 2;
	case TCP_OPTION_TIMESTAMP:
		return len == 10;
	default:
		return len >= 2;
	}
}

static void tcp_keep_option(struct packet_tcp_options *o, const uint8_t *opt)
{
	switch (opt[0]) {
	case TCP_OPTION_MSS:
		o->mss = decode_be16(opt + 2);
		break;
	case TCP_OPTION_WINDOW_SCALE:
		o->window_scale = opt[2];
		o->has_window_scale = 1;
		break;
	case TCP_OPTION_SACK_PERMITTED:
		o->sack_permitted = 1;
		break;
	case TCP_OPTION_TIMESTAMP:
		o->timestamp_value = decode_be32(opt + 2);
		o->timestamp_echo = decode_be32(opt + 6);
		o->has_timestamp = 1;
		break;
	case TCP_OPTION_FAST_OPEN:
		o->fast_open = 1;
		break;
	case TCP_OPTION_EXPERIMENTAL:
		if (opt[1] >= 4 && decode_be16(opt + 2) == TCP_FAST_OPEN_MAGIC)
			o->fast_open = 1;
		break;
	}
}

static enum decode_error tcp_parse_options(struct packet_tcp_options *o, const uint8_t *opt,
					   uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t kind = opt[i];

		if (kind == TCP_OPTION_END)
			return DECODE_OK;
		if (kind == TCP_OPTION_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return DECODE_TCP_BAD_OPTIONS;
		uint8_t option_len = opt[i + 1];
		if (!tcp_option_len_ok(kind, option_len) || option_len > len - i)
			return DECODE_TCP_BAD_OPTIONS;
		tcp_keep_option(o, opt + i);
		i += option_len;
	}
	return DECODE_OK;
}

enum decode_error decode_tcp(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (len < DECODE_TCP_HEADER_LEN)
		return DECODE_TCP_TRUNCATED;

	const uint8_t *tcp = p->data + offset;
	uint32_t header_len = (uint32_t)(tcp[12] >> 4) * 4;

	if (header_len < DECODE_TCP_HEADER_LEN || header_len > len)
		return DECODE_TCP_BAD_HEADER_LEN;

	p->flags |= PACKET_TCP;
	p->l4_offset = offset;
	p->src_port = decode_be16(tcp);
	p->dst_port = decode_be16(tcp + 2);
	p->tcp_seq = decode_be32(tcp + 4);
	p->tcp_ack = decode_be32(tcp + 8);
	p->tcp_flags = tcp[13];
	p->tcp_window = decode_be16(tcp + 14);
	p->tcp_urgent = decode_be16(tcp + 18);
	if (header_len > DECODE_TCP_HEADER_LEN) {
		p->flags |= PACKET_TCP_OPTIONS;
		enum decode_error error =
		    tcp_parse_options(&p->tcp_options, tcp + DECODE_TCP_HEADER_LEN,
				      header_len - DECODE_TCP_HEADER_LEN);
		if (error != DECODE_OK)
			return error;
	}
	p->payload_offset = offset + header_len;
	p->payload_len = len - header_len;
	return DECODE_OK;
}
