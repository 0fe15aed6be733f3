/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the decode_<proto>.c files and IP reassembly (defrag.c),
 * nothing outside dataplane/decode/: big-endian reads, bounds arithmetic
 * that cannot wrap, header sizes and fields, the protocol numbers the
 * decoders dispatch on, and the ether type dispatch used by both Ethernet
 * and VLAN. Every read helper trusts its caller to have checked the bounds
 * first; the decoders do that before each read.
 */
#ifndef VIGIL_DATAPLANE_DECODE_UTIL_H
#define VIGIL_DATAPLANE_DECODE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/decode/decode.h"

#define DECODE_ETHER_HEADER_LEN		14
#define DECODE_VLAN_TAG_LEN		4
#define DECODE_IPV4_HEADER_LEN		20
#define DECODE_IPV6_HEADER_LEN		40
#define DECODE_TCP_HEADER_LEN		20
#define DECODE_UDP_HEADER_LEN		8
#define DECODE_SCTP_HEADER_LEN		12 /* ports, verification tag, checksum */
#define DECODE_ICMP_HEADER_LEN		4
#define DECODE_IPV6_FRAGMENT_HEADER_LEN 8

/* The IPv4 flags and fragment offset field (bytes 6-7), host order. */
#define DECODE_IPV4_FLAG_DF	    0x4000
#define DECODE_IPV4_FLAG_MF	    0x2000
#define DECODE_IPV4_FRAGMENT_OFFSET 0x1fff /* in 8-byte units */

#define DECODE_ETHER_TYPE_IPV4	   0x0800
#define DECODE_ETHER_TYPE_IPV6	   0x86dd
#define DECODE_ETHER_TYPE_NSH	   0x894f
#define DECODE_ETHER_TYPE_VLAN	   0x8100 /* 802.1Q */
#define DECODE_ETHER_TYPE_QINQ	   0x88a8 /* 802.1ad service tag */
#define DECODE_ETHER_TYPE_QINQ_OLD 0x9100 /* pre-802.1ad QinQ, still seen on old gear */

#define DECODE_IPPROTO_HOPOPTS	0
#define DECODE_IPPROTO_ICMP	1
#define DECODE_IPPROTO_IPIP	4 /* IPv4 in IP */
#define DECODE_IPPROTO_TCP	6
#define DECODE_IPPROTO_UDP	17
#define DECODE_IPPROTO_IPV6	41 /* IPv6 in IP */
#define DECODE_IPPROTO_ROUTING	43
#define DECODE_IPPROTO_FRAGMENT 44
#define DECODE_IPPROTO_GRE	47
#define DECODE_IPPROTO_ESP	50
#define DECODE_IPPROTO_AH	51
#define DECODE_IPPROTO_ICMPV6	58
#define DECODE_IPPROTO_NONE	59
#define DECODE_IPPROTO_DSTOPTS	60
#define DECODE_IPPROTO_SCTP	132
#define DECODE_IPPROTO_MOBILITY 135
#define DECODE_IPPROTO_HIP	139
#define DECODE_IPPROTO_SHIM6	140

static inline uint16_t decode_be16(const uint8_t *b)
{
	return (uint16_t)((uint16_t)b[0] << 8 | b[1]);
}

static inline uint32_t decode_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The IPv4 header's length in bytes, from its IHL field (not checked here). */
static inline uint32_t decode_ipv4_header_len(const uint8_t *ip)
{
	return (uint32_t)(ip[0] & 0x0f) * 4;
}

/* Bytes readable from offset to the end of the frame; 0 past the end. */
static inline uint32_t decode_remaining(const struct packet *p, uint32_t offset)
{
	return offset < p->len ? p->len - offset : 0;
}

/*
 * The L4 decoders are public (tunnels, tests), so a caller may hand them a
 * length that runs past the frame; cut it to what is really there rather
 * than trust it.
 */
static inline uint32_t decode_clamp(const struct packet *p, uint32_t offset, uint32_t len)
{
	uint32_t left = decode_remaining(p, offset);

	return len < left ? len : left;
}

/*
 * ICMP and ICMPv6 share their first four bytes (type, code, checksum); the
 * caller has checked that len (already clamped) covers them.
 */
static inline enum decode_error decode_icmp_header(struct packet *p, uint32_t offset, uint32_t len,
						   uint32_t flag)
{
	p->flags |= flag;
	p->l4_offset = offset;
	p->icmp_type = p->data[offset];
	p->icmp_code = p->data[offset + 1];
	p->payload_offset = offset + DECODE_ICMP_HEADER_LEN;
	p->payload_len = len - DECODE_ICMP_HEADER_LEN;
	return DECODE_OK;
}

static inline int decode_ether_type_is_vlan(uint16_t ether_type)
{
	return ether_type == DECODE_ETHER_TYPE_VLAN || ether_type == DECODE_ETHER_TYPE_QINQ ||
	       ether_type == DECODE_ETHER_TYPE_QINQ_OLD;
}

/*
 * What follows an Ethernet header or the last VLAN tag: offset is where the
 * next header starts, ether_type what announced it.
 */
static inline enum decode_error decode_ether_next(struct packet *p, uint32_t offset,
						  uint16_t ether_type)
{
	p->ether_type = ether_type;
	if (decode_ether_type_is_vlan(ether_type))
		return decode_vlan(p, offset, ether_type);
	if (ether_type == DECODE_ETHER_TYPE_IPV4)
		return decode_ipv4(p, offset);
	if (ether_type == DECODE_ETHER_TYPE_IPV6)
		return decode_ipv6(p, offset);
	if (ether_type == DECODE_ETHER_TYPE_NSH && !(p->flags & PACKET_NSH))
		return decode_nsh(p, offset);
	p->flags |= PACKET_L3_UNKNOWN;
	p->payload_offset = offset;
	p->payload_len = decode_remaining(p, offset);
	return DECODE_OK;
}

/*
 * The outer fields a tunnel keeps, and where its header and inner packet
 * start: written into p->tunnel, which decode_packet() cleared, as the
 * tunnel's decoder then fills the rest. The addresses and ports are read
 * from the frame (the UDP header is the 8 bytes before the tunnel's), not
 * from p, and written field by field in place: p's fields were just
 * written, and a load spanning two of those stores (the two ports read as
 * one word), as a struct built on the stack and copied in, waits for them
 * to reach the cache: 20 ns a packet of the 40 the tunnel cost
 * (tests/bench/bench_forward.c, GENEVE).
 */
static inline void decode_tunnel_outer(struct packet *p, uint32_t header_offset,
				       uint32_t inner_offset)
{
	struct packet_tunnel *t = &p->tunnel;
	const uint8_t *udp = p->data + header_offset - DECODE_UDP_HEADER_LEN;
	t->outer_l3_offset = p->l3_offset;
	memcpy(t->outer_src, p->data + p->l3_offset + 12, 4);
	memcpy(t->outer_dst, p->data + p->l3_offset + 16, 4);
	t->outer_src_port = decode_be16(udp);
	t->outer_dst_port = decode_be16(udp + 2);
	t->header_offset = header_offset;
	t->inner_offset = inner_offset;
}

/*
 * Start p again for the inner packet of its tunnel, of type (enum
 * packet_tunnel_type): every layer field cleared, the frame and p->tunnel
 * kept (the last member: cleared up to it), PACKET_TUNNEL set.
 */
static inline void decode_tunnel_restart(struct packet *p, uint8_t type)
{
	const uint8_t *data = p->data;
	uint32_t len = p->len;
	memset(p, 0, offsetof(struct packet, tunnel));
	p->data = data;
	p->len = len;
	p->flags = PACKET_TUNNEL;
	p->tunnel.type = type;
}

#define DECODE_ETHER_TYPE_TEB 0x6558 /* transparent Ethernet bridging: a whole frame inside */

/* The inner packet of p's tunnel, after decode_tunnel_restart(): a frame or bare IP. */
static inline enum decode_error decode_tunnel_inner(struct packet *p)
{
	const struct packet_tunnel *t = &p->tunnel;
	if (t->inner_ether_type == DECODE_ETHER_TYPE_TEB)
		return decode_ethernet(p, t->inner_offset);
	return decode_ether_next(p, t->inner_offset, t->inner_ether_type);
}

#endif
