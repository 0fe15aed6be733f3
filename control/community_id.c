/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Community ID v1 (community_id.h): the hash input laid out as the
 * specification's pseudo code says (seed, ordered addresses, protocol, a
 * zero byte, ordered ports, all in network order), SHA-1 and base64 by
 * mbedTLS. ICMP's type-to-port mapping is Zeek's, as the specification's
 * reference implementation has it.
 */
#include <stdbool.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha1.h>

#include "control/community_id.h"

#define COMMUNITY_ID_ICMP   1
#define COMMUNITY_ID_TCP    6
#define COMMUNITY_ID_UDP    17
#define COMMUNITY_ID_ICMPV6 58
#define COMMUNITY_ID_SCTP   132

/* Message types that come in request/reply pairs, and their counterpart. */
struct community_id_icmp_pair {
	uint8_t type, counterpart;
};

static const struct community_id_icmp_pair community_id_icmp4[] = {
    {8, 0},   {0, 8},	/* echo, echo reply */
    {13, 14}, {14, 13}, /* timestamp */
    {15, 16}, {16, 15}, /* information */
    {10, 9},  {9, 10},	/* router solicitation, advertisement */
    {17, 18}, {18, 17}, /* address mask */
};

static const struct community_id_icmp_pair community_id_icmp6[] = {
    {128, 129}, {129, 128}, /* echo */
    {130, 131}, {131, 130}, /* multicast listener query, report */
    {133, 134}, {134, 133}, /* router solicitation, advertisement */
    {135, 136}, {136, 135}, /* neighbor solicitation, advertisement */
    {139, 140}, {140, 139}, /* node information query, reply ("who are you") */
    {144, 145}, {145, 144}, /* home agent address discovery */
};

/*
 * ICMP as ports: the type is the source port; the destination port is
 * the counterpart type of a request/reply pair (so both directions order
 * the same), else the code, and then the message is one-way: its
 * endpoints are hashed as seen, never swapped.
 */
static bool community_id_icmp_ports(uint8_t proto, uint16_t *src_port, uint16_t *dst_port)
{
	const struct community_id_icmp_pair *pairs =
	    proto == COMMUNITY_ID_ICMP ? community_id_icmp4 : community_id_icmp6;
	size_t count = proto == COMMUNITY_ID_ICMP
			   ? sizeof(community_id_icmp4) / sizeof(community_id_icmp4[0])
			   : sizeof(community_id_icmp6) / sizeof(community_id_icmp6[0]);
	uint16_t type = *src_port;
	for (size_t i = 0; i < count; i++)
		if (pairs[i].type == type) {
			*dst_port = pairs[i].counterpart;
			return false;
		}
	return true; /* dst_port stays the code */
}

size_t community_id_v1(uint16_t seed, int ip_version, const uint8_t *src_addr,
		       const uint8_t *dst_addr, uint8_t proto, uint16_t src_port, uint16_t dst_port,
		       char out[COMMUNITY_ID_MAX])
{
	out[0] = '\0';
	if (ip_version != 4 && ip_version != 6)
		return 0;
	size_t alen = ip_version == 4 ? 4 : 16;
	bool ports = proto == COMMUNITY_ID_TCP || proto == COMMUNITY_ID_UDP ||
		     proto == COMMUNITY_ID_SCTP || proto == COMMUNITY_ID_ICMP ||
		     proto == COMMUNITY_ID_ICMPV6;
	bool one_way = false;
	if (proto == COMMUNITY_ID_ICMP || proto == COMMUNITY_ID_ICMPV6)
		one_way = community_id_icmp_ports(proto, &src_port, &dst_port);
	int order = memcmp(src_addr, dst_addr, alen);
	if (!one_way && (order > 0 || (order == 0 && ports && src_port > dst_port))) {
		const uint8_t *a = src_addr;
		src_addr = dst_addr, dst_addr = a;
		uint16_t p = src_port;
		src_port = dst_port, dst_port = p;
	}
	uint8_t input[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	input[n++] = (uint8_t)(seed >> 8), input[n++] = (uint8_t)seed;
	memcpy(input + n, src_addr, alen), n += alen;
	memcpy(input + n, dst_addr, alen), n += alen;
	input[n++] = proto, input[n++] = 0;
	if (ports) {
		input[n++] = (uint8_t)(src_port >> 8), input[n++] = (uint8_t)src_port;
		input[n++] = (uint8_t)(dst_port >> 8), input[n++] = (uint8_t)dst_port;
	}
	unsigned char digest[20];
	if (mbedtls_sha1_ret(input, n, digest) != 0)
		return 0;
	size_t written = 0;
	memcpy(out, "1:", 2);
	if (mbedtls_base64_encode((unsigned char *)out + 2, COMMUNITY_ID_MAX - 2, &written, digest,
				  sizeof(digest)) != 0) {
		out[0] = '\0';
		return 0;
	}
	return 2 + written;
}
