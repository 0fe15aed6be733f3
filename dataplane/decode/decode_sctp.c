/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SCTP (RFC 9260): only the common header, for its ports, so that an SCTP
 * association is a flow of its own (5-tuple) and rules with ports match
 * it (Diameter, M3UA, S1AP and X2AP run over SCTP; `alert sctp any any ->
 * any 3868`). The chunks after it are the payload, inspected as a
 * packet's bytes; they are not parsed, and the CRC32c checksum is not
 * verified.
 */
#include "dataplane/decode/decode_util.h"

enum decode_error decode_sctp(struct packet *p, uint32_t offset, uint32_t len)
{
	len = decode_clamp(p, offset, len);
	/* A later fragment never gets here; a first one must hold the ports. */
	if (len < DECODE_SCTP_HEADER_LEN)
		return DECODE_SCTP_TRUNCATED;

	const uint8_t *sctp = p->data + offset;
	p->flags |= PACKET_SCTP;
	p->l4_offset = offset;
	p->src_port = decode_be16(sctp);
	p->dst_port = decode_be16(sctp + 2);
	p->payload_offset = offset + DECODE_SCTP_HEADER_LEN;
	p->payload_len = len - DECODE_SCTP_HEADER_LEN;
	return DECODE_OK;
}
