/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet decoders: Ethernet, VLAN/QinQ, IPv4, IPv6, TCP, UDP, ICMP, ICMPv6,
 * one file per protocol (decode_<proto>.c). Each reads only the bytes it was
 * given, fills struct packet and returns DECODE_OK or the first reason the
 * packet is malformed. Decoders never log, allocate or keep state, so they
 * run on the per-packet path of any worker lcore and under the fuzzer.
 * What to do with a malformed packet (forward or drop, count) is left to the
 * caller.
 */
#ifndef VIGIL_DATAPLANE_DECODE_H
#define VIGIL_DATAPLANE_DECODE_H

#include <stdint.h>

#include "dataplane/decode/packet.h"

/*
 * Why a packet is malformed, declared once: the enum, the counter names in
 * the summary and the descriptions all come from this list.
 * _(SYMBOL, "counter_name", "description")
 */
#define foreach_decode_error                                                                       \
	_(ETHERNET_TRUNCATED, "ethernet_truncated", "frame shorter than an Ethernet header")       \
	_(VLAN_TRUNCATED, "vlan_truncated", "VLAN tag cut short")                                  \
	_(VLAN_TOO_MANY, "vlan_too_many", "more than two stacked VLAN tags")                       \
	_(IPV4_TRUNCATED, "ipv4_truncated", "IPv4 header cut short")                               \
	_(IPV4_BAD_VERSION, "ipv4_bad_version", "IPv4 version field is not 4")                     \
	_(IPV4_BAD_HEADER_LEN, "ipv4_bad_header_len", "IPv4 IHL below 5 or past the data")         \
	_(IPV4_BAD_TOTAL_LEN, "ipv4_bad_total_len",                                                \
	  "IPv4 total length below IHL or past the frame")                                         \
	_(IPV4_BAD_OPTIONS, "ipv4_bad_options", "IPv4 option length runs past the header")         \
	_(IPV6_TRUNCATED, "ipv6_truncated", "IPv6 header cut short")                               \
	_(IPV6_BAD_VERSION, "ipv6_bad_version", "IPv6 version field is not 6")                     \
	_(IPV6_BAD_PAYLOAD_LEN, "ipv6_bad_payload_len", "IPv6 payload length past the frame")      \
	_(IPV6_EXTENSION_TRUNCATED, "ipv6_ext_truncated",                                          \
	  "IPv6 extension header runs past the payload")                                           \
	_(IPV6_EXTENSION_TOO_MANY, "ipv6_ext_too_many", "IPv6 extension header chain too long")    \
	_(IPV6_HOP_BY_HOP_NOT_FIRST, "ipv6_hbh_not_first",                                         \
	  "IPv6 hop-by-hop header not first in the chain")                                         \
	_(IPV6_DUPLICATE_FRAGMENT_HEADER, "ipv6_dup_frag", "IPv6 fragment header seen twice")      \
	_(TCP_TRUNCATED, "tcp_truncated", "TCP header cut short")                                  \
	_(TCP_BAD_HEADER_LEN, "tcp_bad_header_len", "TCP data offset below 5 or past the segment") \
	_(TCP_BAD_OPTIONS, "tcp_bad_options", "TCP option length invalid or past the header")      \
	_(UDP_TRUNCATED, "udp_truncated", "UDP header cut short")                                  \
	_(UDP_BAD_LEN, "udp_bad_len", "UDP length below 8 or past the IP payload")                 \
	_(ICMP_TRUNCATED, "icmp_truncated", "ICMP header cut short")                               \
	_(ICMPV6_TRUNCATED, "icmpv6_truncated", "ICMPv6 header cut short")                         \
	_(ICMPV6_IN_IPV4, "icmpv6_in_ipv4", "ICMPv6 carried in IPv4")

enum decode_error {
	DECODE_OK = 0,
#define _(sym, name, text) DECODE_##sym,
	foreach_decode_error
#undef _
	    DECODE_ERROR_COUNT
};

/* Counter names and descriptions, indexed by enum decode_error. */
extern const char *const decode_error_name[DECODE_ERROR_COUNT];
extern const char *const decode_error_text[DECODE_ERROR_COUNT];

/*
 * Decode the frame at data (len bytes, contiguous) into p, from Ethernet
 * down to the transport header. p is cleared first; on return p->data and
 * p->len describe the frame and whatever layers decoded cleanly are filled,
 * even when an inner layer is malformed. Returns DECODE_OK or the reason the
 * packet is malformed. Never reads outside [data, data + len).
 * Per-packet path: safe on any lcore.
 */
enum decode_error decode_packet(struct packet *p, const uint8_t *data, uint32_t len);

/*
 * The per-protocol decoders, each called by the one above it with the offset
 * of its header. Exposed for unit tests and for decoding from mid-frame, as
 * the inner packet of a tunnel (GENEVE, VXLAN) needs.
 */
enum decode_error decode_ethernet(struct packet *p, uint32_t offset);
enum decode_error decode_vlan(struct packet *p, uint32_t offset, uint16_t ether_type);
enum decode_error decode_ipv4(struct packet *p, uint32_t offset);
enum decode_error decode_ipv6(struct packet *p, uint32_t offset);
enum decode_error decode_tcp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_udp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_icmp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_icmpv6(struct packet *p, uint32_t offset, uint32_t len);

/*
 * For reassembly: where the fragment header of the IPv6 packet at ip lies
 * (len bytes from its fixed header on, as its payload length says), found
 * by the very walk decode_ipv6() makes. *offset is where the fragment
 * header starts and *named_at the byte that names it (the fixed header's
 * next header field, or the first byte of the extension header before
 * it), both from ip. Only hop-by-hop, routing and destination options
 * headers may come before it (RFC 8200 4.5: the part every fragment
 * repeats). Returns 0, or -EINVAL when the chain is malformed, holds
 * another header first or has no whole fragment header.
 * Per-packet path: safe on any lcore.
 */
int decode_ipv6_fragment_header(const uint8_t *ip, uint32_t len, uint32_t *offset,
				uint32_t *named_at);

#endif
