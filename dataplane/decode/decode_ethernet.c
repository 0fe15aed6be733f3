/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II: reads the ether type and hands the rest to VLAN, IPv4 or
 * IPv6. MAC addresses are left in the frame for whoever needs them; other
 * ether types (ARP, LLDP, ...) are marked PACKET_L3_UNKNOWN and passed up
 * whole as payload. Trailing bytes (padding, FCS) are left to the IP layers,
 * which trust their own length fields.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_ethernet(struct packet *p, uint32_t offset)
{
	if (decode_remaining(p, offset) < DECODE_ETHER_HEADER_LEN)
		return DECODE_ETHERNET_TRUNCATED;

	uint16_t ether_type = decode_be16(p->data + offset + 12);

	return decode_ether_next(p, offset + DECODE_ETHER_HEADER_LEN, ether_type);
}
