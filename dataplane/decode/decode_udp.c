/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP: records the ports and bounds the payload by the UDP length. The
 * checksum is not verified. Tunnels carried in UDP (GENEVE, VXLAN) are not
 * peeled: their payload is inspected as UDP data.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_udp(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	if (len < DECODE_UDP_HEADER_LEN)
		return DECODE_UDP_TRUNCATED;

	const uint8_t *udp = p->data + offset;
	uint32_t udp_len = decode_be16(udp + 4);

	p->flags |= PACKET_UDP;
	p->l4_offset = offset;
	p->src_port = decode_be16(udp);
	p->dst_port = decode_be16(udp + 2);
	p->payload_offset = offset + DECODE_UDP_HEADER_LEN;

	/* A first fragment holds only part of the datagram the length covers. */
	if (p->flags & PACKET_FRAGMENT) {
		p->payload_len = len - DECODE_UDP_HEADER_LEN;
		return DECODE_OK;
	}
	/*
	 * A UDP length shorter than the IP payload leaves trailing bytes that
	 * some hosts ignore and some inspectors scan; the datagram ends where
	 * UDP says. A longer one cannot be trusted at all.
	 */
	if (udp_len < DECODE_UDP_HEADER_LEN || udp_len > len)
		return DECODE_UDP_BAD_LEN;
	p->payload_len = udp_len - DECODE_UDP_HEADER_LEN;
	return DECODE_OK;
}
