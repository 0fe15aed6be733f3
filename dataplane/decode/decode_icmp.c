/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (IPv4): records type and code; the payload is everything after the
 * first four bytes (so it starts with id/sequence for echo, or the unused
 * word of an error message). The quoted packet inside error messages is not
 * decoded here, and the checksum is not verified.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_icmp(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (len < DECODE_ICMP_HEADER_LEN)
		return DECODE_ICMP_TRUNCATED;
	return decode_icmp_header(p, offset, len, PACKET_ICMP);
}
