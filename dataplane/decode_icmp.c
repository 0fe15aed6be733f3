/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (IPv4): records type and code; the payload is everything after the
 * first four bytes (so it starts with id/sequence for echo, or the unused
 * word of an error message). The quoted packet inside error messages is not
 * decoded here, and the checksum is not verified.
 */
#include "dataplane/decode_util.h"

enum decode_error decode_icmp(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (len < DECODE_ICMP_HEADER_LEN)
		return DECODE_ICMP_TRUNCATED;

	p->flags |= PACKET_ICMP;
	p->l4_offset = offset;
	p->icmp_type = p->data[offset];
	p->icmp_code = p->data[offset + 1];
	p->payload_offset = offset + DECODE_ICMP_HEADER_LEN;
	p->payload_len = len - DECODE_ICMP_HEADER_LEN;
	return DECODE_OK;
}
