/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4: checks the header and its lengths, walks the options for sanity,
 * records addresses and fragment fields, and hands the payload of an
 * unfragmented packet or a first fragment to TCP, UDP or ICMP. The header
 * checksum is not verified (NICs do that, and a bad one is the receiver's
 * business) and option contents are not interpreted. Reassembly is
 * defrag.c's, called by the worker for fragments.
 */
#include <string.h>

#include "dataplane/decode/decode_util.h"

#define IPV4_OPTION_END 0
#define IPV4_OPTION_NOP 1

/*
 * Options only need to be well formed: a length that runs past the header
 * would make hosts and the inspector disagree on where the payload starts.
 */
static enum decode_error ipv4_check_options(const uint8_t *opt, uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t type = opt[i];

		if (type == IPV4_OPTION_END)
			return DECODE_OK;
		if (type == IPV4_OPTION_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return DECODE_IPV4_BAD_OPTIONS;
		uint8_t option_len = opt[i + 1];
		if (option_len < 2 || option_len > len - i)
			return DECODE_IPV4_BAD_OPTIONS;
		i += option_len;
	}
	return DECODE_OK;
}

static void ipv4_fill(struct packet *p, const uint8_t *ip, uint32_t offset, uint16_t total_len)
{
	uint16_t frag = decode_be16(ip + 6);

	p->flags |= PACKET_IPV4;
	p->ip_version = 4;
	p->l3_offset = offset;
	p->l3_len = total_len;
	p->ip_ttl = ip[8];
	p->l4_proto = ip[9];
	p->fragment_id = decode_be16(ip + 4);
	memcpy(p->src_addr, ip + 12, 4);
	memcpy(p->dst_addr, ip + 16, 4);
	if (frag & DECODE_IPV4_FLAG_DF)
		p->flags |= PACKET_IPV4_DONT_FRAGMENT;
	if ((frag & (DECODE_IPV4_FLAG_MF | DECODE_IPV4_FRAGMENT_OFFSET)) == 0)
		return;
	p->flags |= PACKET_FRAGMENT;
	p->fragment_offset = (uint32_t)(frag & DECODE_IPV4_FRAGMENT_OFFSET) * 8;
	p->more_fragments = (frag & DECODE_IPV4_FLAG_MF) != 0;
	if (p->fragment_offset == 0)
		p->flags |= PACKET_FIRST_FRAGMENT;
}

/* Payload that is not decoded further: unknown protocol or a later fragment. */
static enum decode_error ipv4_raw_payload(struct packet *p, uint32_t offset, uint32_t len)
{
	p->payload_offset = offset;
	p->payload_len = len;
	return DECODE_OK;
}

enum decode_error decode_ipv4(struct packet *p, uint32_t offset)
{
	uint32_t remaining = decode_remaining(p, offset);

	if (remaining < DECODE_IPV4_HEADER_LEN)
		return DECODE_IPV4_TRUNCATED;

	const uint8_t *ip = p->data + offset;
	uint32_t header_len = decode_ipv4_header_len(ip);
	uint16_t total_len = decode_be16(ip + 2);

	if (ip[0] >> 4 != 4)
		return DECODE_IPV4_BAD_VERSION;
	if (header_len < DECODE_IPV4_HEADER_LEN || header_len > remaining)
		return DECODE_IPV4_BAD_HEADER_LEN;
	/* Bytes past total_len are Ethernet padding: allowed, never decoded. */
	if (total_len < header_len || total_len > remaining)
		return DECODE_IPV4_BAD_TOTAL_LEN;

	ipv4_fill(p, ip, offset, total_len);
	if (header_len > DECODE_IPV4_HEADER_LEN) {
		p->flags |= PACKET_IPV4_OPTIONS;
		enum decode_error error = ipv4_check_options(ip + DECODE_IPV4_HEADER_LEN,
							     header_len - DECODE_IPV4_HEADER_LEN);
		if (error != DECODE_OK)
			return error;
	}

	uint32_t l4_offset = offset + header_len;
	uint32_t l4_len = total_len - header_len;

	/* A later fragment starts mid-segment: its bytes are not a header. */
	if (p->fragment_offset != 0)
		return ipv4_raw_payload(p, l4_offset, l4_len);

	switch (p->l4_proto) {
	case DECODE_IPPROTO_TCP:
		return decode_tcp(p, l4_offset, l4_len);
	case DECODE_IPPROTO_UDP:
		return decode_udp(p, l4_offset, l4_len);
	case DECODE_IPPROTO_SCTP:
		return decode_sctp(p, l4_offset, l4_len);
	case DECODE_IPPROTO_IPIP:
		return decode_ip_in_ip(p, l4_offset, l4_len, 4);
	case DECODE_IPPROTO_IPV6:
		return decode_ip_in_ip(p, l4_offset, l4_len, 6);
	case DECODE_IPPROTO_GRE:
		return decode_gre(p, l4_offset, l4_len);
	case DECODE_IPPROTO_ICMP:
		return decode_icmp(p, l4_offset, l4_len);
	case DECODE_IPPROTO_ICMPV6:
		/* No stack accepts it; seen only in crafted traffic. */
		return DECODE_ICMPV6_IN_IPV4;
	default:
		p->flags |= PACKET_L4_UNKNOWN;
		return ipv4_raw_payload(p, l4_offset, l4_len);
	}
}
