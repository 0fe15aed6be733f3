/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 802.1Q and QinQ tags (TPID 0x8100, 0x88a8, 0x9100): records each VLAN id,
 * outermost first, and hands the inner ether type on. The priority and DEI
 * bits are not kept. The TPID of each tag is not checked against its
 * position (an 0x8100 outer tag is accepted), as switches in the field do.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_vlan(struct packet *p, uint32_t offset, uint16_t ether_type)
{
	(void)ether_type;

	/*
	 * Stacking tags is a known way to slip past devices that look only at
	 * the first one or two; anything deeper than QinQ is refused rather
	 * than walked.
	 */
	if (p->vlan_count >= PACKET_MAX_VLANS)
		return DECODE_VLAN_TOO_MANY;
	if (decode_remaining(p, offset) < DECODE_VLAN_TAG_LEN)
		return DECODE_VLAN_TRUNCATED;

	const uint8_t *tag = p->data + offset;

	p->vlan_id[p->vlan_count++] = decode_be16(tag) & 0x0fff;
	p->flags |= PACKET_VLAN;
	return decode_ether_next(p, offset + DECODE_VLAN_TAG_LEN, decode_be16(tag + 2));
}
