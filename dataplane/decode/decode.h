/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet decoders: Ethernet, VLAN/QinQ, IPv4, IPv6, TCP, UDP, SCTP, ICMP, ICMPv6,
 * one file per protocol (decode_<proto>.c). Each reads only the bytes it was
 * given, fills struct packet and returns DECODE_OK or the first reason the
 * packet is malformed. Decoders never log, allocate or keep state, so they
 * run on the per-packet path of any worker lcore and under the fuzzer.
 * What to do with a malformed packet (forward or drop, count) is left to the
 * caller.
 */
#ifndef VIGIL_DATAPLANE_DECODE_H
#define VIGIL_DATAPLANE_DECODE_H

#include <stdbool.h>
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
	_(SCTP_TRUNCATED, "sctp_truncated", "SCTP common header cut short")                        \
	_(ICMP_TRUNCATED, "icmp_truncated", "ICMP header cut short")                               \
	_(ICMPV6_TRUNCATED, "icmpv6_truncated", "ICMPv6 header cut short")                         \
	_(ICMPV6_IN_IPV4, "icmpv6_in_ipv4", "ICMPv6 carried in IPv4")                              \
	_(GENEVE_TRUNCATED, "geneve_truncated", "GENEVE header or options cut short")              \
	_(GENEVE_BAD_VERSION, "geneve_bad_version", "GENEVE version is not 0")                     \
	_(GENEVE_BAD_OPTIONS, "geneve_bad_options", "GENEVE option runs past the options length")  \
	_(GENEVE_BAD_PROTOCOL, "geneve_bad_protocol",                                              \
	  "GENEVE protocol type is not IPv4, IPv6 or Ethernet")                                    \
	_(GENEVE_OAM, "geneve_oam", "GENEVE control (OAM) packet, not data")                       \
	_(VXLAN_TRUNCATED, "vxlan_truncated", "VXLAN header cut short")                            \
	_(VXLAN_BAD_FLAGS, "vxlan_bad_flags", "VXLAN header without the VNI flag")                 \
	_(VXLAN_UNKNOWN_VNI, "vxlan_unknown_vni", "VXLAN VNI not the one configured for its port") \
	_(NSH_TRUNCATED, "nsh_truncated", "NSH header cut short")                                  \
	_(NSH_BAD_VERSION, "nsh_bad_version", "NSH version is not 0")                              \
	_(NSH_BAD_HEADER_LEN, "nsh_bad_header_len",                                                \
	  "NSH length below its headers or wrong for MD type 1")                                   \
	_(GRE_TRUNCATED, "gre_truncated",                                                          \
	  "GRE header, its options or the frame it carries cut short")

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
 * The link layer frames start with: Ethernet on every live port; an
 * offline capture may be raw IP, BSD loopback or Linux cooked
 * (decode_link.c). decode_packet() starts from decode_capture_link, which
 * platform/ sets once before the workers start (decode_link_of_dlt() maps
 * the capture's pcap link type; -1: one vigil cannot read).
 */
enum decode_link {
	DECODE_LINK_ETHERNET,
	DECODE_LINK_RAW, /* IPv4 or IPv6, by the version nibble */
	DECODE_LINK_IPV4,
	DECODE_LINK_IPV6,
	DECODE_LINK_NULL, /* BSD loopback: address family, writer's byte order */
	DECODE_LINK_LOOP, /* the same in network byte order */
	DECODE_LINK_SLL,  /* Linux cooked capture v1 */
	DECODE_LINK_SLL2, /* and v2 */
};
extern enum decode_link decode_capture_link;
int decode_link_of_dlt(int dlt);
/* Decode p (data and len set) from the given link layer down. */
enum decode_error decode_link(struct packet *p, enum decode_link link);

/*
 * The per-protocol decoders, each called by the one above it with the offset
 * of its header. Exposed for unit tests and for decoding from mid-frame, as
 * the inner packet of a tunnel (GENEVE, VXLAN) needs.
 */
enum decode_error decode_ethernet(struct packet *p, uint32_t offset);
enum decode_error decode_vlan(struct packet *p, uint32_t offset, uint16_t ether_type);
enum decode_error decode_ipv4(struct packet *p, uint32_t offset);
enum decode_error decode_ipv6(struct packet *p, uint32_t offset);
enum decode_error decode_nsh(struct packet *p, uint32_t offset);
enum decode_error decode_gre(struct packet *p, uint32_t offset, uint32_t len);
/*
 * A tunnel carried in IP (IP in IP, GRE) is peeled unless the packet is a
 * fragment or two levels were peeled already; entering it keeps the outer
 * IP header's offset (ip_in_ip_outer_offset) and clears the outer IP's
 * flags, so the inner header decodes as the packet's own.
 */
bool decode_ip_tunnel_can_enter(const struct packet *p);
void decode_ip_tunnel_enter(struct packet *p);
enum decode_error decode_tcp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_udp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_sctp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_ip_in_ip(struct packet *p, uint32_t offset, uint32_t len,
				  uint8_t ip_version);
enum decode_error decode_icmp(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_icmpv6(struct packet *p, uint32_t offset, uint32_t len);

#define DECODE_MAX_TUNNELS 4

/*
 * The tunnels a port carries (its board settings): packets of these are
 * peeled, the inner packet decoded in place of the outer one. Only IPv4
 * outer headers are recognised (both gateway load balancers use them).
 */
struct decode_tunnels {
	uint16_t geneve_port; /* UDP destination port of GENEVE; 0: none */
	unsigned vxlan_count;
	struct decode_vxlan_tunnel {
		uint16_t port; /* UDP destination port */
		uint32_t vni;
		uint8_t peer; /* index of the tunnel a passed packet leaves on */
	} vxlan[DECODE_MAX_TUNNELS];
};

/*
 * After decode_packet() returned DECODE_OK: when p is a datagram of one of
 * tunnels (IPv4, UDP, not a fragment, to a configured port), record the
 * tunnel in p->tunnel and decode the inner packet in place of the outer
 * one (PACKET_TUNNEL set; the outer headers stay in the frame). Returns
 * DECODE_OK (a tunnel, or not one) or the reason the tunnel or its inner
 * packet is malformed. Per-packet path: safe on any lcore.
 */
enum decode_error decode_tunnel(struct packet *p, const struct decode_tunnels *tunnels);

/*
 * decode_packet() then decode_tunnel(), for a frame from a port carrying
 * tunnels: the same view and the same return, but the common outer
 * header (Ethernet, IPv4 without options, not a fragment, UDP to a tunnel
 * port) is checked in a few reads and not decoded field by field (the
 * inner packet replaces those fields anyway). Per-packet path: safe on
 * any lcore.
 */
enum decode_error decode_tunnel_packet(struct packet *p, const uint8_t *data, uint32_t len,
				       const struct decode_tunnels *tunnels);

/*
 * The tunnel headers, offset being the UDP payload's and len its length;
 * tunnel_index is the VXLAN tunnel the port matched. Exposed for the fuzz
 * target and unit tests.
 */
enum decode_error decode_geneve(struct packet *p, uint32_t offset, uint32_t len);
enum decode_error decode_vxlan(struct packet *p, uint32_t offset, uint32_t len,
			       const struct decode_tunnels *tunnels, unsigned tunnel_index);

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
