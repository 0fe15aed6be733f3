/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decoded view of one packet: offsets and fields that the decoders fill
 * in and every later stage (flow, filter, inspect, verdict) reads. The view
 * points into the frame; it owns no memory and never outlives the frame.
 * It knows nothing of DPDK, so decoders, tests and fuzz targets can use it
 * on plain byte buffers.
 */
#ifndef VIGIL_DATAPLANE_PACKET_H
#define VIGIL_DATAPLANE_PACKET_H

#include <stdint.h>

#define PACKET_MAX_VLANS 2 /* 802.1Q, or QinQ (802.1ad outer + 802.1Q inner) */

/* What the decoders found; several may be set at once. */
enum packet_flag {
	PACKET_VLAN = 1u << 0, /* at least one VLAN tag */
	PACKET_IPV4 = 1u << 1,
	PACKET_IPV6 = 1u << 2,
	PACKET_IPV4_OPTIONS = 1u << 3,	  /* IPv4 header longer than 20 bytes */
	PACKET_IPV6_EXTENSIONS = 1u << 4, /* at least one extension header */
	PACKET_FRAGMENT = 1u << 5,	  /* IPv4 or IPv6 fragment, any part */
	PACKET_FIRST_FRAGMENT = 1u << 6,  /* fragment at offset 0: has L4 header */
	PACKET_TCP = 1u << 7,
	PACKET_UDP = 1u << 8,
	PACKET_ICMP = 1u << 9,
	PACKET_ICMPV6 = 1u << 10,
	PACKET_TCP_OPTIONS = 1u << 11, /* TCP header longer than 20 bytes */
	PACKET_L4_UNKNOWN = 1u << 12,  /* IP protocol we do not decode */
	PACKET_L3_UNKNOWN = 1u << 13,  /* ether type we do not decode (ARP, LLDP, ...) */
	PACKET_IPV4_DONT_FRAGMENT = 1u << 14,
	PACKET_TUNNEL = 1u << 15, /* the layers above are a tunnel's inner packet */
	/* to 01:80:c2:00:00:0X and not IP: the link's own protocols (STP,
	 * LACP, LLDP, ...), passed untouched, never inspected */
	PACKET_LINK_LOCAL = 1u << 16,
	PACKET_SCTP = 1u << 17, /* SCTP common header: ports (and a flow of its own) */
	/* the IP layer and what follows are the inner packet of IP in IP (IPv4
	 * or IPv6 in IPv4 or IPv6: protocols 4 and 41); the outer IP header is
	 * at ip_in_ip_outer_offset */
	PACKET_IP_IN_IP = 1u << 18,
	/* an IPv6 fragment header with offset 0 and M clear (RFC 6946): a
	 * whole packet, not a fragment; Suricata's "useless" header event */
	PACKET_ATOMIC_FRAGMENT = 1u << 19,
	/* a Network Service Header carried the packet (decode_nsh.c) */
	PACKET_NSH = 1u << 20,
	/* a GRE tunnel carried the packet (decode_gre.c; PACKET_IP_IN_IP too) */
	PACKET_GRE = 1u << 21,
};

enum packet_tunnel_type {
	PACKET_TUNNEL_NONE = 0,
	PACKET_TUNNEL_GENEVE, /* RFC 8926; AWS Gateway Load Balancer */
	PACKET_TUNNEL_VXLAN,  /* RFC 7348; Azure Gateway Load Balancer */
};

/*
 * The tunnel a packet came in (PACKET_TUNNEL): the outer headers stay in
 * the frame, before inner_offset, so a passed packet goes back with them.
 * AWS's GENEVE options (class 0x0108) are read out: the endpoint and
 * attachment ids name the tenant, the flow cookie is returned as received.
 */
struct packet_tunnel {
	uint8_t type;		   /* enum packet_tunnel_type */
	uint8_t tunnel_index;	   /* VXLAN: which configured tunnel it came in on */
	uint8_t has_endpoint_id;   /* GENEVE option type 1 present */
	uint8_t has_attachment_id; /* GENEVE option type 2 present */
	uint8_t has_cookie;	   /* GENEVE option type 3 present */
	uint16_t inner_ether_type; /* GENEVE protocol type, or 0x6558 for VXLAN's Ethernet */
	uint32_t outer_l3_offset;  /* outer IPv4 header */
	uint32_t header_offset;	   /* GENEVE or VXLAN header */
	uint32_t inner_offset;	   /* inner IP header (GENEVE) or Ethernet (VXLAN) */
	uint32_t vni;		   /* 24 bits */
	uint32_t cookie;	   /* GENEVE flow cookie, as read big-endian */
	uint64_t endpoint_id;	   /* GWLB endpoint (VPC endpoint) id, as read big-endian */
	uint64_t attachment_id;	   /* GWLB attachment id, as read big-endian */
	uint8_t outer_src[4], outer_dst[4]; /* outer IPv4 addresses, network order */
	uint16_t outer_src_port, outer_dst_port;
};

/* TCP options that change how a receiver treats a stream (MSS, window
 * scale, timestamps for PAWS), kept for the stream stage. */
struct packet_tcp_options {
	uint16_t mss;	      /* 0 when absent */
	uint8_t window_scale; /* valid when has_window_scale */
	uint8_t has_window_scale;
	uint8_t sack_permitted;
	uint8_t has_timestamp;
	uint8_t fast_open; /* a TCP Fast Open option (cookie or cookie request) */
	uint32_t timestamp_value;
	uint32_t timestamp_echo;
};

/*
 * All offsets are from the start of the frame. A field is meaningful only
 * when the flag for its layer is set. Addresses are kept in network order;
 * an IPv4 address takes the first four bytes of the 16.
 */
struct packet {
	const uint8_t *data; /* the whole frame, contiguous */
	uint32_t len;	     /* bytes readable at data */
	uint32_t flags;	     /* enum packet_flag */

	uint16_t ether_type; /* innermost, after VLAN tags */
	uint8_t vlan_count;
	uint16_t vlan_id[PACKET_MAX_VLANS]; /* outermost first */

	uint32_t l3_offset;
	uint32_t l3_len;    /* IP header + payload, as the IP header says */
	uint8_t ip_version; /* 4 or 6 */
	uint8_t ip_ttl;	    /* TTL or hop limit */
	uint8_t l4_proto;   /* IPPROTO_*, after IPv6 extension headers */
	uint8_t src_addr[16];
	uint8_t dst_addr[16];
	uint32_t fragment_id;	  /* IPv4 id or IPv6 fragment identification */
	uint32_t fragment_offset; /* in bytes */
	uint8_t more_fragments;
	uint8_t ip_in_ip_depth; /* IP-in-IP headers peeled (PACKET_IP_IN_IP) */
	/* The DPDK port the frame came in on: set by the pipeline after
	 * decoding (decoders leave it 0), for EVE's in_iface. Here, in what
	 * was padding, so the view does not grow. */
	uint16_t rx_port;

	uint32_t l4_offset;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t tcp_flags;
	uint32_t tcp_seq;
	uint32_t tcp_ack;
	uint16_t tcp_window;
	uint16_t tcp_urgent; /* the urgent pointer (meaningful with URG) */
	struct packet_tcp_options tcp_options;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t ip_in_ip_outer_offset; /* the outermost IP header (PACKET_IP_IN_IP) */

	uint32_t payload_offset; /* L4 payload, or L3 payload when L4 is unknown */
	uint32_t payload_len;

	struct packet_tunnel tunnel; /* with PACKET_TUNNEL; zero otherwise */
};

/*
 * The tenant of a packet from a tunnel, as two words, zero outside
 * tunnels: GENEVE's endpoint and attachment ids, or for VXLAN the tunnel
 * pair, not the tunnel (a flow's two directions come in on the external
 * and the internal tunnel of one pair; configured pairs are tunnels 0-1,
 * struct decode_tunnels). What keeps two tenants' identical addresses
 * apart: in flow keys, and in IP reassembly's datagrams.
 */
static inline void packet_tenant(const struct packet *p, uint64_t w[2])
{
	w[0] = w[1] = 0;
	if (!(p->flags & PACKET_TUNNEL))
		return;
	if (p->tunnel.type == PACKET_TUNNEL_GENEVE) {
		w[0] = p->tunnel.endpoint_id;
		w[1] = p->tunnel.attachment_id;
	} else {
		w[0] = 1u + p->tunnel.tunnel_index / 2u;
		w[1] = UINT64_MAX; /* never a GENEVE attachment id seen with it */
	}
}

#endif
