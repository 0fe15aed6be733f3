/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The link layer a capture's frames start with, for offline runs of
 * captures that are not Ethernet: raw IP (pcap's LINKTYPE_RAW, IPV4,
 * IPV6: the version nibble or the type says which), BSD loopback (NULL:
 * a 4-byte address family in the writer's byte order; LOOP: in network
 * order), and Linux cooked captures (SLL: 16 bytes, SLL2: 20, each with an
 * ether type). A port of a live board is always Ethernet. The link is set
 * once, before the workers start, and only read afterwards.
 */
#include "dataplane/decode/decode_util.h"

enum decode_link decode_capture_link = DECODE_LINK_ETHERNET;

int decode_link_of_dlt(int dlt)
{
	switch (dlt) {
	case 1: /* EN10MB */
		return DECODE_LINK_ETHERNET;
	case 12: /* RAW on OpenBSD's numbering, as libpcap maps it */
	case 14:
	case 101: /* LINKTYPE_RAW */
		return DECODE_LINK_RAW;
	case 228: /* IPV4 */
		return DECODE_LINK_IPV4;
	case 229: /* IPV6 */
		return DECODE_LINK_IPV6;
	case 0: /* NULL */
		return DECODE_LINK_NULL;
	case 108: /* LOOP */
		return DECODE_LINK_LOOP;
	case 113: /* LINUX_SLL */
		return DECODE_LINK_SLL;
	case 276: /* LINUX_SLL2 */
		return DECODE_LINK_SLL2;
	default:
		return -1;
	}
}

/* A BSD address family: IPv4 is 2 everywhere; IPv6 is 24, 28 or 30 by system. */
static enum decode_error decode_link_family(struct packet *p, uint32_t family)
{
	if (family == 2)
		return decode_ipv4(p, 4);
	if (family == 24 || family == 28 || family == 30)
		return decode_ipv6(p, 4);
	p->flags |= PACKET_L3_UNKNOWN;
	p->payload_offset = 4;
	p->payload_len = decode_remaining(p, 4);
	return DECODE_OK;
}

enum decode_error decode_link(struct packet *p, enum decode_link link)
{
	const uint8_t *d = p->data;
	switch (link) {
	case DECODE_LINK_ETHERNET:
		break;
	case DECODE_LINK_RAW:
		if (p->len < 1)
			return DECODE_IPV4_TRUNCATED;
		return (d[0] >> 4) == 6 ? decode_ipv6(p, 0) : decode_ipv4(p, 0);
	case DECODE_LINK_IPV4:
		return decode_ipv4(p, 0);
	case DECODE_LINK_IPV6:
		return decode_ipv6(p, 0);
	case DECODE_LINK_NULL:
	case DECODE_LINK_LOOP: {
		if (p->len < 4)
			return DECODE_ETHERNET_TRUNCATED;
		uint32_t be =
		    (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
		uint32_t le =
		    (uint32_t)d[3] << 24 | (uint32_t)d[2] << 16 | (uint32_t)d[1] << 8 | d[0];
		/* NULL is in the writer's byte order: whichever reading is small */
		return decode_link_family(p, link == DECODE_LINK_LOOP || be < 256 ? be : le);
	}
	case DECODE_LINK_SLL:
		if (p->len < 16)
			return DECODE_ETHERNET_TRUNCATED;
		return decode_ether_next(p, 16, decode_be16(d + 14));
	case DECODE_LINK_SLL2:
		if (p->len < 20)
			return DECODE_ETHERNET_TRUNCATED;
		return decode_ether_next(p, 20, decode_be16(d));
	}
	return decode_ethernet(p, 0);
}
