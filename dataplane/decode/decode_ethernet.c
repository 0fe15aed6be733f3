/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II and IEEE 802.3: reads the ether type and hands the rest to
 * VLAN, IPv4 or IPv6. MAC addresses are left in the frame for whoever
 * needs them; other ether types (ARP, LLDP, ...) and 802.3 frames (a
 * length below 0x0600 where Ethernet II has its type, then LLC: STP) are
 * marked PACKET_L3_UNKNOWN and passed up whole as payload, never malformed.
 * Trailing bytes (padding, FCS) are left to the IP layers, which trust
 * their own length fields.
 *
 * Link-local frames: IEEE 802.1Q reserves 01:80:c2:00:00:00 to :0f for the
 * link's own protocols (STP, LACP and the other slow protocols, LLDP,
 * 802.1X, PAUSE). A bridge consumes them; an inline appliance, which is a
 * wire between two switches, carries them across untouched so that the
 * switches still see each other (an LACP bundle or an STP topology through
 * vigil). Such a frame is marked PACKET_LINK_LOCAL and decoded no further,
 * unless it says IP or VLAN: an IP packet sent to a reserved address is
 * still an IP packet to a host that accepts it (Linux takes unicast IP in
 * a multicast frame by default), so it is decoded and inspected as any
 * other rather than waved through on its MAC.
 */
#include "dataplane/decode/decode_util.h"

static inline int decode_ethernet_is_link_local(const uint8_t *dst)
{
	return dst[0] == 0x01 && dst[1] == 0x80 && dst[2] == 0xc2 && dst[3] == 0 && dst[4] == 0 &&
	       (dst[5] & 0xf0) == 0;
}

static inline int decode_ether_type_is_ip_or_vlan(uint16_t ether_type)
{
	return ether_type == DECODE_ETHER_TYPE_IPV4 || ether_type == DECODE_ETHER_TYPE_IPV6 ||
	       decode_ether_type_is_vlan(ether_type);
}

enum decode_error decode_ethernet(struct packet *p, uint32_t offset)
{
	if (decode_remaining(p, offset) < DECODE_ETHER_HEADER_LEN)
		return DECODE_ETHERNET_TRUNCATED;

	uint16_t ether_type = decode_be16(p->data + offset + 12);

	if (decode_ethernet_is_link_local(p->data + offset) &&
	    !decode_ether_type_is_ip_or_vlan(ether_type)) {
		p->flags |= PACKET_LINK_LOCAL | PACKET_L3_UNKNOWN;
		p->ether_type = ether_type;
		p->payload_offset = offset + DECODE_ETHER_HEADER_LEN;
		p->payload_len = decode_remaining(p, p->payload_offset);
		return DECODE_OK;
	}
	return decode_ether_next(p, offset + DECODE_ETHER_HEADER_LEN, ether_type);
}
