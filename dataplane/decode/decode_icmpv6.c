/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6: records type and code; the payload is everything after the first
 * four bytes. Neighbour discovery options and the quoted packet inside error
 * messages are not decoded here, and the checksum is not verified.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_icmpv6(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (len < DECODE_ICMP_HEADER_LEN)
		return DECODE_ICMPV6_TRUNCATED;
	return decode_icmp_header(p, offset, len, PACKET_ICMPV6);
}
