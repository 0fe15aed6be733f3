/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the packet decoders (dataplane/decode/decode*.c): frames are built
 * byte by byte here, decoded, and the fields, flags and error reasons
 * checked. Every reason in foreach_decode_error has a test that raises it.
 * Each frame is decoded from a heap copy of exactly its length, so a
 * sanitizer build (make SAN=1) catches any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/decode/decode.h"

/* ---- frame builder ---------------------------------------------------- */

struct frame {
	uint8_t b[2048];
	uint32_t len;
};

static uint32_t put(struct frame *f, const void *bytes, uint32_t n)
{
	uint32_t at = f->len;

	assert_true(f->len + n <= sizeof(f->b));
	memcpy(f->b + f->len, bytes, n);
	f->len += n;
	return at;
}

static uint32_t put8(struct frame *f, uint8_t v)
{
	return put(f, &v, 1);
}

static void set16(struct frame *f, uint32_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static uint32_t put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	return put(f, b, 2);
}

static uint32_t put32(struct frame *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	return put(f, b, 4);
}

static uint32_t put_zero(struct frame *f, uint32_t n)
{
	static const uint8_t zero[256];

	assert_true(n <= sizeof(zero));
	return put(f, zero, n);
}

static uint32_t put_eth(struct frame *f, uint16_t ether_type)
{
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
	uint32_t at = put(f, macs, sizeof(macs));

	put16(f, ether_type);
	return at;
}

static uint32_t put_vlan(struct frame *f, uint16_t tci, uint16_t next_type)
{
	uint32_t at = put16(f, tci);

	put16(f, next_type);
	return at;
}

/* IPv4 header with options (a multiple of 4 bytes); total length is set
 * by ipv4_finish once the payload is in. */
static uint32_t put_ipv4_opts(struct frame *f, uint8_t proto, uint16_t frag, const uint8_t *opt,
			      uint32_t opt_len)
{
	uint32_t at = put8(f, (uint8_t)(0x40 | (5 + opt_len / 4)));

	put8(f, 0);	  /* tos */
	put16(f, 0);	  /* total length, set later */
	put16(f, 0x1234); /* id */
	put16(f, frag);
	put8(f, 64); /* ttl */
	put8(f, proto);
	put16(f, 0);	      /* checksum: not checked */
	put32(f, 0xc0000201); /* 192.0.2.1 */
	put32(f, 0xc6336402); /* 198.51.100.2 */
	if (opt_len)
		put(f, opt, opt_len);
	return at;
}

static uint32_t put_ipv4(struct frame *f, uint8_t proto)
{
	return put_ipv4_opts(f, proto, 0x4000, NULL, 0);
}

static void ipv4_finish(struct frame *f, uint32_t at)
{
	set16(f, at + 2, (uint16_t)(f->len - at));
}

static const uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t dst6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

static uint32_t put_ipv6(struct frame *f, uint8_t next)
{
	uint32_t at = put32(f, 0x60000000);

	put16(f, 0); /* payload length, set later */
	put8(f, next);
	put8(f, 63);
	put(f, src6, 16);
	put(f, dst6, 16);
	return at;
}

static void ipv6_finish(struct frame *f, uint32_t at)
{
	set16(f, at + 4, (uint16_t)(f->len - at - 40));
}

/* Generic 8-byte-unit extension header (HBH, routing, dest options). */
static uint32_t put_ext(struct frame *f, uint8_t next, uint8_t units)
{
	uint32_t at = put8(f, next);

	put8(f, units);
	put_zero(f, 6 + 8u * units);
	return at;
}

static uint32_t put_frag6(struct frame *f, uint8_t next, uint16_t offset, int more, uint32_t id)
{
	uint32_t at = put8(f, next);

	put8(f, 0);
	put16(f, (uint16_t)(offset | (more ? 1 : 0)));
	put32(f, id);
	return at;
}

static uint32_t put_tcp(struct frame *f, const uint8_t *opt, uint32_t opt_len)
{
	uint32_t at = put16(f, 40000);

	put16(f, 80);
	put32(f, 0x01020304); /* seq */
	put32(f, 0x0a0b0c0d); /* ack */
	put8(f, (uint8_t)((5 + opt_len / 4) << 4));
	put8(f, 0x12); /* SYN|ACK */
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	if (opt_len)
		put(f, opt, opt_len);
	return at;
}

static uint32_t put_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	uint32_t at = put16(f, sport);

	put16(f, dport);
	put16(f, 0); /* length, set later */
	put16(f, 0);
	return at;
}

static void udp_finish(struct frame *f, uint32_t at)
{
	set16(f, at + 4, (uint16_t)(f->len - at));
}

/* ---- decoding from an exact-size heap copy ---------------------------- */

static uint8_t *exact_copy;

static enum decode_error decode_bytes(struct packet *p, const uint8_t *bytes, uint32_t len)
{
	free(exact_copy);
	exact_copy = malloc(len ? len : 1);
	assert_non_null(exact_copy);
	if (len)
		memcpy(exact_copy, bytes, len);
	return decode_packet(p, exact_copy, len);
}

static enum decode_error decode_frame(struct packet *p, const struct frame *f)
{
	return decode_bytes(p, f->b, f->len);
}

static int free_exact_copy(void **state)
{
	(void)state;
	free(exact_copy);
	exact_copy = NULL;
	return 0;
}

/* Offsets and lengths must stay inside the frame, whatever the outcome. */
static void assert_in_bounds(const struct packet *p)
{
	assert_true((uint64_t)p->payload_offset + p->payload_len <= p->len);
	if (p->flags & (PACKET_IPV4 | PACKET_IPV6))
		assert_true((uint64_t)p->l3_offset + p->l3_len <= p->len);
	if (p->flags & (PACKET_TCP | PACKET_UDP | PACKET_ICMP | PACKET_ICMPV6))
		assert_true(p->l4_offset < p->len);
}

static const uint8_t payload[] = "GET / HTTP/1.1\r\n\r\n";
#define PAYLOAD_LEN ((uint32_t)sizeof(payload) - 1)

/* The frames reused by several tests. */
/* clang-format off */
static const uint8_t tcp_syn_opts[20] = {
	2, 4, 0x05, 0xb4,			/* MSS 1460 */
	4, 2,					/* SACK permitted */
	8, 10, 0, 0, 0, 100, 0, 0, 0, 7,	/* timestamps 100, 7 */
	1,					/* NOP */
	3, 3, 7,				/* window scale 7 */
};
/* clang-format on */

static void build_ipv4_tcp(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	put_eth(f, 0x0800);
	uint32_t ip = put_ipv4(f, 6);
	put_tcp(f, tcp_syn_opts, sizeof(tcp_syn_opts));
	put(f, payload, PAYLOAD_LEN);
	ipv4_finish(f, ip);
}

static void build_ipv6_ext_udp(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	put_eth(f, 0x86dd);
	uint32_t ip = put_ipv6(f, 0);
	put_ext(f, 60, 0); /* hop-by-hop */
	put_ext(f, 44, 1); /* destination options, 16 bytes */
	put_frag6(f, 17, 0, 1, 0xdeadbeef);
	uint32_t udp = put_udp(f, 5353, 53);
	put(f, payload, PAYLOAD_LEN);
	udp_finish(f, udp);
	ipv6_finish(f, ip);
}

/* ---- good cases -------------------------------------------------------- */

/*
 * Offline captures that are not Ethernet (pcap link types RAW, IPV4, IPV6,
 * NULL, LOOP, LINUX_SLL, LINUX_SLL2): the same IPv4/TCP packet behind
 * each link header decodes the same; an unknown loopback family is an
 * unknown layer 3, not malformed; a short link header is.
 */
static void test_capture_links(void **state)
{
	(void)state;
	static const uint8_t ip[] = {
	    0x45, 0,	0,    40,   0,	  1, 0,	  0, 64, 6,
	    0,	  0,	192,  0,    2,	  1, 192, 0, 2,	 2, /* IPv4 */
	    0x30, 0x39, 0,    80,   0,	  0, 0,	  1, 0,	 0,
	    0,	  0,	0x50, 0x02, 0x20, 0, 0,	  0, 0,	 0, /* TCP SYN */
	};
	static const struct {
		enum decode_link link;
		uint8_t header[20];
		uint32_t header_len;
	} cases[] = {
	    {DECODE_LINK_RAW, {0}, 0},
	    {DECODE_LINK_IPV4, {0}, 0},
	    {DECODE_LINK_NULL, {2, 0, 0, 0}, 4}, /* little-endian writer */
	    {DECODE_LINK_NULL, {0, 0, 0, 2}, 4}, /* big-endian writer */
	    {DECODE_LINK_LOOP, {0, 0, 0, 2}, 4},
	    {DECODE_LINK_SLL, {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00}, 16},
	    {DECODE_LINK_SLL2, {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6}, 20},
	};
	uint8_t frame[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t len = cases[i].header_len + (uint32_t)sizeof(ip);
		memcpy(frame, cases[i].header, cases[i].header_len);
		memcpy(frame + cases[i].header_len, ip, sizeof(ip));
		struct packet p = {.data = frame, .len = len};
		assert_int_equal(decode_link(&p, cases[i].link), DECODE_OK);
		assert_true((p.flags & (PACKET_IPV4 | PACKET_TCP)) == (PACKET_IPV4 | PACKET_TCP));
		assert_int_equal(p.l3_offset, cases[i].header_len);
		assert_int_equal(p.src_port, 12345);
		assert_int_equal(p.dst_port, 80);
		/* cut inside the link header */
		if (cases[i].header_len) {
			struct packet q = {.data = frame, .len = cases[i].header_len - 1};
			assert_int_not_equal(decode_link(&q, cases[i].link), DECODE_OK);
		}
	}
	/* a loopback family that is not IP: passed up as an unknown layer 3 */
	memcpy(frame, (const uint8_t[]){7, 0, 0, 0}, 4);
	struct packet p = {.data = frame, .len = 4 + (uint32_t)sizeof(ip)};
	assert_int_equal(decode_link(&p, DECODE_LINK_NULL), DECODE_OK);
	assert_true(p.flags & PACKET_L3_UNKNOWN);
	/* pcap link types: known ones map, others are refused (-1) */
	assert_int_equal(decode_link_of_dlt(101), DECODE_LINK_RAW);
	assert_int_equal(decode_link_of_dlt(228), DECODE_LINK_IPV4);
	assert_int_equal(decode_link_of_dlt(1), DECODE_LINK_ETHERNET);
	assert_int_equal(decode_link_of_dlt(105), -1); /* 802.11 */
}

/*
 * NSH (RFC 8300) carrying IPv4, MD types 1 and 2, and Ethernet; a wrong
 * MD type 1 length, a bad version and a cut header are malformed; MPLS
 * inside is passed up unknown.
 */
static void test_nsh(void **state)
{
	(void)state;
	static const uint8_t ip[] = {
	    0x45, 0,	0,    28,   0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* IPv4 */
	    0xcc, 0x99, 0xcc, 0xf0, 0, 8, 0, 0,						/* UDP */
	};
	uint8_t frame[128];
	memcpy(frame, "\x52\x54\0\0\0\x01\x52\x54\0\0\0\x02\x89\x4f", 14);
	/* MD type 1: 6 words; MD type 2: 2 words */
	static const uint8_t type1[24] = {0x00, 0x06, 0x01, 0x01, 0, 0, 1, 2};
	static const uint8_t type2[8] = {0x00, 0x02, 0x02, 0x01, 0, 0, 1, 2};
	const struct {
		const uint8_t *nsh;
		uint32_t len;
	} ok[] = {{type1, sizeof(type1)}, {type2, sizeof(type2)}};
	for (int i = 0; i < 2; i++) {
		memcpy(frame + 14, ok[i].nsh, ok[i].len);
		memcpy(frame + 14 + ok[i].len, ip, sizeof(ip));
		struct packet p;
		assert_int_equal(decode_packet(&p, frame, 14 + ok[i].len + (uint32_t)sizeof(ip)),
				 DECODE_OK);
		assert_true(p.flags & PACKET_NSH);
		assert_true(p.flags & PACKET_UDP);
		assert_int_equal(p.l3_offset, 14 + ok[i].len);
		assert_int_equal(p.dst_port, 52464);
	}
	/* Ethernet inside: its own header, then IPv4 */
	uint8_t eth[8] = {0x00, 0x02, 0x02, 0x03, 0, 0, 1, 2};
	memcpy(frame + 14, eth, 8);
	memcpy(frame + 22, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
	memcpy(frame + 36, ip, sizeof(ip));
	struct packet p;
	assert_int_equal(decode_packet(&p, frame, 36 + (uint32_t)sizeof(ip)), DECODE_OK);
	assert_true((p.flags & (PACKET_NSH | PACKET_UDP)) == (PACKET_NSH | PACKET_UDP));
	assert_int_equal(p.l3_offset, 36);
	/* MPLS (5) inside: unknown, not malformed */
	frame[17] = 5;
	assert_int_equal(decode_packet(&p, frame, 36 + (uint32_t)sizeof(ip)), DECODE_OK);
	assert_true(p.flags & PACKET_L3_UNKNOWN);
	/* malformed: MD type 1 of 2 words, version 1, cut */
	memcpy(frame + 14, type2, 8);
	frame[16] = 0x01;
	assert_int_equal(decode_packet(&p, frame, 50), DECODE_NSH_BAD_HEADER_LEN);
	memcpy(frame + 14, type2, 8);
	frame[14] = 0x40;
	assert_int_equal(decode_packet(&p, frame, 50), DECODE_NSH_BAD_VERSION);
	frame[14] = 0x00;
	assert_int_equal(decode_packet(&p, frame, 14 + 7), DECODE_NSH_TRUNCATED);
	frame[15] = 0x3f; /* 252 bytes of header in a 50-byte frame */
	assert_int_equal(decode_packet(&p, frame, 50), DECODE_NSH_TRUNCATED);
}

/* An outer IPv4 header of protocol 47 around len bytes, at frame + 14 (after Ethernet). */
static uint32_t gre_outer(uint8_t *frame, uint32_t len)
{
	static const uint8_t eth[14] = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00};
	memcpy(frame, eth, 14);
	uint8_t *ip = frame + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45, ip[8] = 64, ip[9] = 47;
	ip[2] = (uint8_t)((20 + len) >> 8), ip[3] = (uint8_t)(20 + len);
	ip[12] = 192, ip[13] = 168, ip[15] = 23, ip[16] = 192, ip[17] = 168, ip[19] = 20;
	return 34;
}

/*
 * GRE: IPv4 inside (with key and sequence), Ethernet inside (TEB), ERSPAN
 * type II (its VLAN the packet's) and III; version 1 (PPTP) and other
 * payloads stay unknown; a cut header is malformed.
 */
static void test_gre(void **state)
{
	(void)state;
	static const uint8_t inner_ip[] = {
	    0x45, 0,	0,    28,   0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* IPv4 */
	    0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0,						/* UDP 53 */
	};
	static const uint8_t inner_eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
	uint8_t frame[256], gre[64];
	struct packet p;
	const struct {
		uint8_t header[32];
		uint32_t len;
		bool ethernet;
		uint16_t vlan;
	} cases[] = {
	    {{0x30, 0x00, 0x08, 0x00, 0, 0, 0, 7, 0, 0, 0, 1}, 12, false, 0}, /* key, sequence */
	    {{0x00, 0x00, 0x65, 0x58}, 4, true, 0},			      /* TEB */
	    {{0x10, 0x00, 0x88, 0xbe, 0, 0, 7, 2, 0x10, 0x17, 8, 0x64, 0, 0, 0, 0}, 16, true, 23},
	    {{0x00, 0x00, 0x22, 0xeb, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16, true, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t n = cases[i].len;
		memcpy(gre, cases[i].header, n);
		if (cases[i].ethernet) {
			memcpy(gre + n, inner_eth, 14);
			n += 14;
		}
		memcpy(gre + n, inner_ip, sizeof(inner_ip));
		n += (uint32_t)sizeof(inner_ip);
		uint32_t at = gre_outer(frame, n);
		memcpy(frame + at, gre, n);
		assert_int_equal(decode_packet(&p, frame, at + n), DECODE_OK);
		assert_true((p.flags & (PACKET_GRE | PACKET_IP_IN_IP | PACKET_UDP)) ==
			    (PACKET_GRE | PACKET_IP_IN_IP | PACKET_UDP));
		assert_int_equal(p.ip_in_ip_outer_offset, 14);
		assert_int_equal(p.src_addr[0], 10); /* the inner packet's */
		assert_int_equal(p.dst_port, 53);
		assert_int_equal(p.vlan_count, cases[i].vlan ? 1 : 0);
		if (cases[i].vlan)
			assert_int_equal(p.vlan_id[0], cases[i].vlan);
		/* GRE cut inside its header, or inside the Ethernet header it carries */
		uint32_t cut = cases[i].ethernet ? cases[i].len + 4 : 3;
		at = gre_outer(frame, cut);
		memcpy(frame + at, gre, cut);
		assert_int_equal(decode_packet(&p, frame, at + cut), DECODE_GRE_TRUNCATED);
	}
	/* version 1 (PPTP) and an unknown payload: left whole */
	static const uint8_t v1[8] = {0x30, 0x01, 0x88, 0x0b, 0, 0, 0, 0};
	uint32_t at = gre_outer(frame, 8 + 8);
	memcpy(frame + at, v1, 8);
	memset(frame + at + 8, 0, 8);
	assert_int_equal(decode_packet(&p, frame, at + 16), DECODE_OK);
	assert_true(p.flags & PACKET_L4_UNKNOWN);
	assert_false(p.flags & PACKET_GRE);
	frame[at + 1] = 0x00, frame[at + 2] = 0x12,
		   frame[at + 3] = 0x34; /* version 0, type 0x1234 */
	assert_int_equal(decode_packet(&p, frame, at + 16), DECODE_OK);
	assert_true(p.flags & PACKET_L4_UNKNOWN);
}

static void test_name_tables(void **state)
{
	(void)state;
	for (int i = 0; i < DECODE_ERROR_COUNT; i++) {
		assert_non_null(decode_error_name[i]);
		assert_non_null(decode_error_text[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(decode_error_name[i], decode_error_name[j]);
	}
	assert_string_equal(decode_error_name[DECODE_TCP_BAD_OPTIONS], "tcp_bad_options");
	assert_string_equal(decode_error_name[DECODE_ICMPV6_IN_IPV4], "icmpv6_in_ipv4");
}

static void test_ipv4_tcp_options(void **state)
{
	struct frame f;
	struct packet p;

	(void)state;
	build_ipv4_tcp(&f);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags,
			 PACKET_IPV4 | PACKET_IPV4_DONT_FRAGMENT | PACKET_TCP | PACKET_TCP_OPTIONS);
	assert_int_equal(p.ether_type, 0x0800);
	assert_int_equal(p.ip_version, 4);
	assert_int_equal(p.ip_ttl, 64);
	assert_int_equal(p.l4_proto, 6);
	assert_int_equal(p.l3_offset, 14);
	assert_int_equal(p.l3_len, 20 + 40 + PAYLOAD_LEN);
	assert_memory_equal(p.src_addr, ((uint8_t[]){192, 0, 2, 1}), 4);
	assert_memory_equal(p.dst_addr, ((uint8_t[]){198, 51, 100, 2}), 4);
	assert_int_equal(p.fragment_id, 0x1234);
	assert_int_equal(p.l4_offset, 34);
	assert_int_equal(p.src_port, 40000);
	assert_int_equal(p.dst_port, 80);
	assert_int_equal(p.tcp_seq, 0x01020304);
	assert_int_equal(p.tcp_ack, 0x0a0b0c0d);
	assert_int_equal(p.tcp_flags, 0x12);
	assert_int_equal(p.tcp_window, 65535);
	assert_int_equal(p.tcp_options.mss, 1460);
	assert_true(p.tcp_options.has_window_scale);
	assert_int_equal(p.tcp_options.window_scale, 7);
	assert_true(p.tcp_options.sack_permitted);
	assert_true(p.tcp_options.has_timestamp);
	assert_int_equal(p.tcp_options.timestamp_value, 100);
	assert_int_equal(p.tcp_options.timestamp_echo, 7);
	assert_int_equal(p.payload_offset, 74);
	assert_int_equal(p.payload_len, PAYLOAD_LEN);
	assert_memory_equal(p.data + p.payload_offset, payload, PAYLOAD_LEN);
}

static void test_tcp_options_end_stops_walk(void **state)
{
	/* After End of Options the rest is padding, even if it looks bad. */
	static const uint8_t opt[8] = {2, 4, 0x02, 0x18, 0, 0xff, 0xff, 0xff};
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	put_tcp(&f, opt, sizeof(opt));
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.tcp_options.mss, 536);
	assert_false(p.tcp_options.has_window_scale);
	assert_int_equal(p.payload_len, 0);
}

static void test_ipv4_options(void **state)
{
	/* Router alert (4 bytes), NOP, End, padding. */
	static const uint8_t opt[8] = {0x94, 4, 0, 0, 1, 0, 0, 0};
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4_opts(&f, 17, 0, opt, sizeof(opt));
	uint32_t udp = put_udp(&f, 1000, 2000);
	put(&f, payload, PAYLOAD_LEN);
	udp_finish(&f, udp);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV4 | PACKET_IPV4_OPTIONS | PACKET_UDP);
	assert_int_equal(p.l4_offset, 14 + 28);
	assert_int_equal(p.src_port, 1000);
	assert_int_equal(p.dst_port, 2000);
	assert_int_equal(p.payload_offset, 14 + 28 + 8);
	assert_int_equal(p.payload_len, PAYLOAD_LEN);
}

static void test_ipv4_first_fragment(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4_opts(&f, 17, 0x2000, NULL, 0); /* MF, offset 0 */
	uint32_t udp = put_udp(&f, 1000, 53);
	put(&f, payload, PAYLOAD_LEN);
	/* The UDP length covers the whole datagram, more than is here. */
	set16(&f, udp + 4, 3000);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags,
			 PACKET_IPV4 | PACKET_FRAGMENT | PACKET_FIRST_FRAGMENT | PACKET_UDP);
	assert_int_equal(p.fragment_offset, 0);
	assert_int_equal(p.more_fragments, 1);
	assert_int_equal(p.fragment_id, 0x1234);
	assert_int_equal(p.dst_port, 53);
	assert_int_equal(p.payload_offset, 14 + 20 + 8);
	assert_int_equal(p.payload_len, PAYLOAD_LEN);
}

static void test_ipv4_later_fragment(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4_opts(&f, 6, 185, NULL, 0); /* offset 1480, MF clear */
	/* Not a TCP header: must not be read as one. */
	put8(&f, 0xff);
	put(&f, payload, PAYLOAD_LEN);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV4 | PACKET_FRAGMENT);
	assert_int_equal(p.fragment_offset, 1480);
	assert_int_equal(p.more_fragments, 0);
	assert_int_equal(p.l4_proto, 6);
	assert_int_equal(p.payload_offset, 34);
	assert_int_equal(p.payload_len, PAYLOAD_LEN + 1);
}

static void test_vlan_8021q(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x8100);
	put_vlan(&f, 0xe064, 0x0800); /* priority 7, vlan 100 */
	uint32_t ip = put_ipv4(&f, 1);
	put32(&f, 0x08000000); /* echo request */
	put32(&f, 0x00010002);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags,
			 PACKET_VLAN | PACKET_IPV4 | PACKET_IPV4_DONT_FRAGMENT | PACKET_ICMP);
	assert_int_equal(p.vlan_count, 1);
	assert_int_equal(p.vlan_id[0], 100);
	assert_int_equal(p.ether_type, 0x0800);
	assert_int_equal(p.l3_offset, 18);
}

static void test_vlan_qinq(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x88a8);
	put_vlan(&f, 0x0fff, 0x8100);
	put_vlan(&f, 0x2005, 0x86dd);
	uint32_t ip = put_ipv6(&f, 58);
	put32(&f, 0x80000000); /* echo request */
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_VLAN | PACKET_IPV6 | PACKET_ICMPV6);
	assert_int_equal(p.vlan_count, 2);
	assert_int_equal(p.vlan_id[0], 4095);
	assert_int_equal(p.vlan_id[1], 5);
	assert_int_equal(p.ether_type, 0x86dd);
	assert_int_equal(p.l3_offset, 22);
	assert_int_equal(p.l4_offset, 62);
}

static void test_vlan_old_qinq_arp(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x9100);
	put_vlan(&f, 10, 0x0806);
	put_zero(&f, 28);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_VLAN | PACKET_L3_UNKNOWN);
	assert_int_equal(p.vlan_id[0], 10);
	assert_int_equal(p.ether_type, 0x0806);
	assert_int_equal(p.payload_offset, 18);
	assert_int_equal(p.payload_len, 28);
}

static void test_ipv6_extension_chain(void **state)
{
	struct frame f;
	struct packet p;

	(void)state;
	build_ipv6_ext_udp(&f);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV6 | PACKET_IPV6_EXTENSIONS | PACKET_FRAGMENT |
				      PACKET_FIRST_FRAGMENT | PACKET_UDP);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(p.ip_ttl, 63);
	assert_int_equal(p.l4_proto, 17);
	assert_memory_equal(p.src_addr, src6, 16);
	assert_memory_equal(p.dst_addr, dst6, 16);
	assert_int_equal(p.l3_offset, 14);
	assert_int_equal(p.l3_len, 40 + 8 + 16 + 8 + 8 + PAYLOAD_LEN);
	assert_int_equal(p.fragment_id, 0xdeadbeef);
	assert_int_equal(p.fragment_offset, 0);
	assert_int_equal(p.more_fragments, 1);
	assert_int_equal(p.l4_offset, 14 + 40 + 32);
	assert_int_equal(p.src_port, 5353);
	assert_int_equal(p.dst_port, 53);
	assert_int_equal(p.payload_offset, 14 + 40 + 32 + 8);
	assert_int_equal(p.payload_len, PAYLOAD_LEN);
}

static void test_ipv6_routing_ah_tcp(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 43);
	put_ext(&f, 51, 0); /* routing, 8 bytes */
	put8(&f, 6);	    /* AH: (4 + 2) * 4 = 24 bytes */
	put8(&f, 4);
	put_zero(&f, 22);
	put_tcp(&f, NULL, 0);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV6 | PACKET_IPV6_EXTENSIONS | PACKET_TCP);
	assert_int_equal(p.l4_offset, 14 + 40 + 8 + 24);
	assert_int_equal(p.dst_port, 80);
	assert_int_equal(p.payload_len, 0);
}

static void test_ipv6_later_fragment(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 44);
	put_frag6(&f, 6, 1448, 1, 7);
	/* Looks like a hop-by-hop header, but it is fragment data. */
	put8(&f, 0);
	put(&f, payload, PAYLOAD_LEN);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV6 | PACKET_IPV6_EXTENSIONS | PACKET_FRAGMENT);
	assert_int_equal(p.fragment_offset, 1448);
	assert_int_equal(p.more_fragments, 1);
	assert_int_equal(p.fragment_id, 7);
	assert_int_equal(p.l4_proto, 6);
	assert_int_equal(p.payload_offset, 14 + 48);
	assert_int_equal(p.payload_len, PAYLOAD_LEN + 1);
}

static void test_ipv6_atomic_fragment(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 44);
	put_frag6(&f, 58, 0, 0, 9);
	put32(&f, 0x81000000);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	/* a whole packet, not a fragment; marked for Suricata's useless-header event */
	assert_int_equal(p.flags, PACKET_IPV6 | PACKET_IPV6_EXTENSIONS | PACKET_ICMPV6 |
				      PACKET_ATOMIC_FRAGMENT);
	assert_int_equal(p.fragment_id, 9);
	assert_int_equal(p.icmp_type, 129);
}

static void test_ipv6_no_next_header(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 60);
	put_ext(&f, 59, 0);
	put(&f, payload, PAYLOAD_LEN); /* ignored after "no next header" */
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV6 | PACKET_IPV6_EXTENSIONS | PACKET_L4_UNKNOWN);
	assert_int_equal(p.l4_proto, 59);
	assert_int_equal(p.payload_len, 0);
}

static void test_ipv6_esp_and_icmp4(void **state)
{
	static const uint8_t protos[] = {50, 1, 47};
	struct packet p;

	(void)state;
	for (unsigned i = 0; i < sizeof(protos); i++) {
		struct frame f = {0};
		put_eth(&f, 0x86dd);
		uint32_t ip = put_ipv6(&f, protos[i]);
		put(&f, payload, PAYLOAD_LEN);
		ipv6_finish(&f, ip);
		assert_int_equal(decode_frame(&p, &f), DECODE_OK);
		assert_int_equal(p.flags, PACKET_IPV6 | PACKET_L4_UNKNOWN);
		assert_int_equal(p.l4_proto, protos[i]);
		assert_int_equal(p.payload_offset, 54);
		assert_int_equal(p.payload_len, PAYLOAD_LEN);
	}
}

static void test_icmp(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 1);
	put32(&f, 0x03030000); /* port unreachable */
	put32(&f, 0);
	put_zero(&f, 28); /* the quoted header, not decoded */
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_true(p.flags & PACKET_ICMP);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 3);
	assert_int_equal(p.l4_offset, 34);
	assert_int_equal(p.payload_offset, 38);
	assert_int_equal(p.payload_len, 32);
}

static void test_icmpv6(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 58);
	put32(&f, 0x87000000); /* neighbour solicitation */
	put32(&f, 0);
	put(&f, dst6, 16);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV6 | PACKET_ICMPV6);
	assert_int_equal(p.icmp_type, 135);
	assert_int_equal(p.icmp_code, 0);
	assert_int_equal(p.payload_offset, 58);
	assert_int_equal(p.payload_len, 20);
}

static void test_arp(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0806);
	put_zero(&f, 28);
	put_zero(&f, 18); /* padding to 60 bytes */
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_L3_UNKNOWN);
	assert_int_equal(p.ether_type, 0x0806);
	assert_int_equal(p.payload_offset, 14);
	assert_int_equal(p.payload_len, 46);
}

/* An Ethernet header to dst, then ether_type (or an 802.3 length). */
static uint32_t put_eth_to(struct frame *f, const uint8_t dst[6], uint16_t ether_type)
{
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
	uint32_t at = put(f, dst, 6);

	put(f, src, 6);
	put16(f, ether_type);
	return at;
}

/*
 * The link's own frames (LACP, LLDP, STP: reserved 01:80:c2:00:00:0X) are
 * marked link-local, decoded no further, never malformed, whatever they
 * hold: STP is 802.3 (a length, then LLC), the others Ethernet II.
 */
static void test_link_local(void **state)
{
	static const struct {
		uint8_t last;  /* 01:80:c2:00:00:last */
		uint16_t type; /* ether type or 802.3 length */
		uint32_t body; /* bytes after the header */
	} frames[] = {
	    {0x02, 0x8809, 110}, /* LACP: slow protocols, subtype 1 */
	    {0x0e, 0x88cc, 46},	 /* LLDP */
	    {0x00, 0x0026, 46},	 /* STP: 802.3, 38 bytes of LLC + BPDU, padded */
	    {0x03, 0x888e, 46},	 /* 802.1X */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		uint8_t dst[6] = {0x01, 0x80, 0xc2, 0, 0, frames[i].last};
		struct frame f = {0};
		struct packet p;
		put_eth_to(&f, dst, frames[i].type);
		put8(&f, 0x42); /* STP's LLC DSAP, LACP's subtype: nothing to decode */
		put_zero(&f, frames[i].body - 1);
		assert_int_equal(decode_frame(&p, &f), DECODE_OK);
		assert_int_equal(p.flags, PACKET_LINK_LOCAL | PACKET_L3_UNKNOWN);
		assert_int_equal(p.ether_type, frames[i].type);
		assert_int_equal(p.payload_offset, 14);
		assert_int_equal(p.payload_len, frames[i].body);
	}
}

/* An 802.3 frame to another address is not link-local, and not malformed either. */
static void test_ieee8023_llc(void **state)
{
	static const uint8_t dst[6] = {0x03, 0, 0, 0, 0, 0x01}; /* NetBIOS over LLC */
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth_to(&f, dst, 46);
	put_zero(&f, 46);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_L3_UNKNOWN);
}

/*
 * An IP packet sent to a reserved address is decoded (and so inspected) as
 * any other: a receiver may accept it, so its MAC must not wave it through.
 */
static void test_link_local_ip_is_decoded(void **state)
{
	static const uint8_t lldp[6] = {0x01, 0x80, 0xc2, 0, 0, 0x0e};
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth_to(&f, lldp, 0x0800);
	uint32_t ip = put_ipv4(&f, 1);
	put32(&f, 0x08000000);
	put32(&f, 0x00010002);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV4 | PACKET_IPV4_DONT_FRAGMENT | PACKET_ICMP);

	struct frame v = {0};
	put_eth_to(&v, lldp, 0x8100);
	put_vlan(&v, 7, 0x0800);
	ip = put_ipv4(&v, 1);
	put32(&v, 0x08000000);
	put32(&v, 0x00010002);
	ipv4_finish(&v, ip);
	assert_int_equal(decode_frame(&p, &v), DECODE_OK);
	assert_int_equal(p.flags,
			 PACKET_VLAN | PACKET_IPV4 | PACKET_IPV4_DONT_FRAGMENT | PACKET_ICMP);
}

static void test_ethernet_padding(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	put_tcp(&f, NULL, 0); /* bare ACK: 54 bytes */
	ipv4_finish(&f, ip);
	put(&f, "\xff\xff\xff\xff\xff\xff", 6); /* padding to 60, must not be payload */
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.l3_len, 40);
	assert_true(p.flags & PACKET_TCP);
	assert_int_equal(p.payload_offset, 54);
	assert_int_equal(p.payload_len, 0);

	/* The same for UDP and IPv6: the padding is not part of the datagram. */
	memset(&f, 0, sizeof(f));
	put_eth(&f, 0x86dd);
	ip = put_ipv6(&f, 17);
	uint32_t udp = put_udp(&f, 1, 2);
	put8(&f, 'x');
	udp_finish(&f, udp);
	ipv6_finish(&f, ip);
	put_zero(&f, 5);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.l3_len, 49);
	assert_int_equal(p.payload_len, 1);
}

static void test_udp_length_shorter_than_ip(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 17);
	uint32_t udp = put_udp(&f, 1, 2);
	put(&f, payload, PAYLOAD_LEN);
	set16(&f, udp + 4, 10);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.payload_len, 2);
}

static void test_unknown_ip_protocol(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 103); /* PIM */
	put32(&f, 0x00000800);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.flags, PACKET_IPV4 | PACKET_IPV4_DONT_FRAGMENT | PACKET_L4_UNKNOWN);
	assert_int_equal(p.l4_proto, 103);
	assert_int_equal(p.payload_offset, 34);
	assert_int_equal(p.payload_len, 4);
}

/* ---- every error reason ----------------------------------------------- */

static void test_ethernet_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	assert_int_equal(decode_bytes(&p, f.b, 13), DECODE_ETHERNET_TRUNCATED);
	assert_int_equal(p.flags, 0);
	assert_int_equal(decode_bytes(&p, NULL, 0), DECODE_ETHERNET_TRUNCATED);
	/* An Ethernet header and nothing more is a valid, empty frame. */
	f.len = 0;
	put_eth(&f, 0x88cc);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.payload_len, 0);
}

static void test_vlan_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x8100);
	put16(&f, 100);
	assert_int_equal(decode_frame(&p, &f), DECODE_VLAN_TRUNCATED);
	assert_int_equal(p.vlan_count, 0);

	/* Outer tag fine, inner one cut: the outer stays recorded. */
	f.len = 0;
	put_eth(&f, 0x88a8);
	put_vlan(&f, 200, 0x8100);
	put8(&f, 0);
	assert_int_equal(decode_frame(&p, &f), DECODE_VLAN_TRUNCATED);
	assert_int_equal(p.flags, PACKET_VLAN);
	assert_int_equal(p.vlan_count, 1);
	assert_int_equal(p.vlan_id[0], 200);
}

static void test_vlan_too_many(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x88a8);
	put_vlan(&f, 1, 0x8100);
	put_vlan(&f, 2, 0x8100);
	put_vlan(&f, 3, 0x0800);
	uint32_t ip = put_ipv4(&f, 17);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_VLAN_TOO_MANY);
	assert_int_equal(p.vlan_count, 2);
	assert_false(p.flags & PACKET_IPV4);
}

static void test_ipv4_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	put_ipv4(&f, 6);
	f.len -= 1;
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_TRUNCATED);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.ether_type, 0x0800);
}

static void test_ipv4_bad_version(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	put_tcp(&f, NULL, 0);
	ipv4_finish(&f, ip);
	f.b[ip] = 0x65; /* an IPv6-looking first nibble behind an IPv4 ether type */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_VERSION);
	assert_false(p.flags & PACKET_IPV4);
}

static void test_ipv4_bad_header_len(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	put_tcp(&f, NULL, 0);
	ipv4_finish(&f, ip);
	f.b[ip] = 0x44; /* IHL 4 */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_HEADER_LEN);
	f.b[ip] = 0x4f; /* IHL 15: 60 bytes, only 40 here */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_HEADER_LEN);
	assert_false(p.flags & PACKET_IPV4);
}

static void test_ipv4_bad_total_len(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	put_tcp(&f, NULL, 0);
	ipv4_finish(&f, ip);
	set16(&f, ip + 2, 19); /* shorter than the header */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_TOTAL_LEN);
	set16(&f, ip + 2, 41); /* one byte past the frame */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_TOTAL_LEN);
	assert_false(p.flags & PACKET_IPV4);
	set16(&f, ip + 2, 20); /* header only: fine, no room for TCP */
	assert_int_equal(decode_frame(&p, &f), DECODE_TCP_TRUNCATED);
	assert_true(p.flags & PACKET_IPV4);
}

static void test_ipv4_bad_options(void **state)
{
	static const uint8_t bad[][4] = {
	    {0x94, 1, 0, 0}, /* length below 2 */
	    {0x94, 5, 0, 0}, /* length past the header */
	    {1, 1, 1, 0x94}, /* no room for the length byte */
	    {0x44, 0, 0, 0}, /* length 0: would loop forever if not refused */
	};
	struct packet p;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct frame f = {0};
		put_eth(&f, 0x0800);
		uint32_t ip = put_ipv4_opts(&f, 6, 0, bad[i], 4);
		put_tcp(&f, NULL, 0);
		ipv4_finish(&f, ip);
		assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_OPTIONS);
		/* The fixed header was sound and stays recorded. */
		assert_int_equal(p.flags, PACKET_IPV4 | PACKET_IPV4_OPTIONS);
		assert_int_equal(p.l4_proto, 6);
	}
}

static void test_icmpv6_in_ipv4(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 58);
	put32(&f, 0x80000000);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_ICMPV6_IN_IPV4);
	assert_true(p.flags & PACKET_IPV4);
	assert_false(p.flags & (PACKET_ICMP | PACKET_ICMPV6));
}

static void test_ipv6_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	put_ipv6(&f, 59);
	f.len -= 1;
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_TRUNCATED);
	assert_int_equal(p.flags, 0);
}

static void test_ipv6_bad_version(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 59);
	f.b[ip] = 0x45;
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_BAD_VERSION);
	assert_false(p.flags & PACKET_IPV6);
}

static void test_ipv6_bad_payload_len(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 17);
	uint32_t udp = put_udp(&f, 1, 2);
	udp_finish(&f, udp);
	set16(&f, ip + 4, 9);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_BAD_PAYLOAD_LEN);
	set16(&f, ip + 4, 0xffff);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_BAD_PAYLOAD_LEN);
	assert_false(p.flags & PACKET_IPV6);
}

static void test_ipv6_extension_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	/* Header length runs past the payload. */
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 60);
	put_ext(&f, 17, 1);
	ipv6_finish(&f, ip);
	f.b[ip + 41] = 2; /* claims 24 bytes, 16 present */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_EXTENSION_TRUNCATED);
	assert_true(p.flags & PACKET_IPV6);

	/* One byte: not even next header and length. */
	memset(&f, 0, sizeof(f));
	put_eth(&f, 0x86dd);
	ip = put_ipv6(&f, 43);
	put8(&f, 6);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_EXTENSION_TRUNCATED);

	/* Fragment header needs its full 8 bytes; the padding beyond the
	 * payload length does not count. */
	memset(&f, 0, sizeof(f));
	put_eth(&f, 0x86dd);
	ip = put_ipv6(&f, 44);
	put_frag6(&f, 17, 0, 1, 1);
	set16(&f, ip + 4, 4);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_EXTENSION_TRUNCATED);
	assert_false(p.flags & PACKET_FRAGMENT);

	/* AH counts in 4-byte units plus 2. */
	memset(&f, 0, sizeof(f));
	put_eth(&f, 0x86dd);
	ip = put_ipv6(&f, 51);
	put8(&f, 59);
	put8(&f, 1); /* (1 + 2) * 4 = 12 bytes */
	put_zero(&f, 8);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_EXTENSION_TRUNCATED);
	put_zero(&f, 2);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_int_equal(p.l4_proto, 59);
}

static void test_ipv6_extension_too_many(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 60);
	for (int i = 0; i < 8; i++)
		put_ext(&f, i < 7 ? 60 : 17, 0);
	uint32_t udp = put_udp(&f, 1, 2);
	udp_finish(&f, udp);
	ipv6_finish(&f, ip);
	/* Eight are allowed. */
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
	assert_true(p.flags & PACKET_UDP);

	/* A ninth is refused. */
	memset(&f, 0, sizeof(f));
	put_eth(&f, 0x86dd);
	ip = put_ipv6(&f, 60);
	for (int i = 0; i < 9; i++)
		put_ext(&f, i < 8 ? 60 : 17, 0);
	udp = put_udp(&f, 1, 2);
	udp_finish(&f, udp);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_EXTENSION_TOO_MANY);
	assert_false(p.flags & PACKET_UDP);
}

static void test_ipv6_hop_by_hop_not_first(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 60);
	put_ext(&f, 0, 0);
	put_ext(&f, 17, 0);
	uint32_t udp = put_udp(&f, 1, 2);
	udp_finish(&f, udp);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_HOP_BY_HOP_NOT_FIRST);
	assert_true(p.flags & PACKET_IPV6_EXTENSIONS);
}

static void test_ipv6_duplicate_fragment_header(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 44);
	put_frag6(&f, 44, 0, 1, 1);
	put_frag6(&f, 17, 0, 1, 2);
	uint32_t udp = put_udp(&f, 1, 2);
	udp_finish(&f, udp);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV6_DUPLICATE_FRAGMENT_HEADER);
	assert_int_equal(p.fragment_id, 1);
}

/* A TCP segment with the given options behind IPv4; returns the decode. */
static enum decode_error decode_tcp_with(struct packet *p, const uint8_t *opt, uint32_t opt_len,
					 uint8_t data_offset)
{
	struct frame f = {0};

	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	uint32_t tcp = put_tcp(&f, opt, opt_len);
	ipv4_finish(&f, ip);
	f.b[tcp + 12] = (uint8_t)(data_offset << 4);
	return decode_frame(p, &f);
}

static void test_tcp_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 6);
	put_zero(&f, 19);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_TCP_TRUNCATED);
	assert_true(p.flags & PACKET_IPV4);
	assert_false(p.flags & PACKET_TCP);

	/* Direct call with a length past the frame: clamped, not trusted. */
	assert_int_equal(decode_tcp(&p, 34, 1000), DECODE_TCP_TRUNCATED);
}

static void test_tcp_bad_header_len(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(decode_tcp_with(&p, NULL, 0, 4), DECODE_TCP_BAD_HEADER_LEN);
	assert_int_equal(decode_tcp_with(&p, NULL, 0, 0), DECODE_TCP_BAD_HEADER_LEN);
	assert_int_equal(decode_tcp_with(&p, NULL, 0, 6), DECODE_TCP_BAD_HEADER_LEN);
	assert_false(p.flags & PACKET_TCP);
	assert_int_equal(decode_tcp_with(&p, NULL, 0, 5), DECODE_OK);
}

static void test_tcp_bad_options(void **state)
{
	static const uint8_t bad[][8] = {
	    {2, 3, 0, 1, 1, 1, 1, 1},  /* MSS length 3 */
	    {2, 5, 0, 0, 0, 1, 1, 1},  /* MSS length 5 */
	    {3, 4, 7, 0, 1, 1, 1, 1},  /* window scale length 4 */
	    {4, 3, 0, 1, 1, 1, 1, 1},  /* SACK-permitted length 3 */
	    {8, 8, 0, 0, 0, 0, 0, 0},  /* timestamps length 8 */
	    {8, 10, 0, 0, 0, 0, 0, 0}, /* timestamps past the header */
	    {30, 1, 0, 0, 0, 0, 0, 0}, /* unknown, length below 2 */
	    {30, 0, 0, 0, 0, 0, 0, 0}, /* length 0: an endless loop if let through */
	    {30, 9, 0, 0, 0, 0, 0, 0}, /* unknown, past the header */
	    {1, 1, 1, 1, 1, 1, 1, 2},  /* no room for the length byte */
	};
	struct packet p;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(decode_tcp_with(&p, bad[i], 8, 7), DECODE_TCP_BAD_OPTIONS);
		assert_true(p.flags & PACKET_TCP);
		assert_true(p.flags & PACKET_TCP_OPTIONS);
		assert_int_equal(p.dst_port, 80);
	}
	/* Unknown options of sane length are skipped. */
	static const uint8_t good[8] = {30, 6, 0, 0, 0, 0, 1, 0};
	assert_int_equal(decode_tcp_with(&p, good, 8, 7), DECODE_OK);
}

static void test_udp_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 17);
	put_zero(&f, 7);
	ipv6_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_UDP_TRUNCATED);
	assert_true(p.flags & PACKET_IPV6);
	assert_false(p.flags & PACKET_UDP);
}

/* An IP header of version v carrying proto; its source address's last byte set to mark. */
static uint32_t put_ip_marked(struct frame *f, int v, uint8_t proto, uint8_t mark)
{
	uint32_t at = v == 4 ? put_ipv4(f, proto) : put_ipv6(f, proto);
	f->b[at + (v == 4 ? 15 : 23)] = mark;
	return at;
}

static void ip_finish(struct frame *f, int v, uint32_t at)
{
	if (v == 4)
		ipv4_finish(f, at);
	else
		ipv6_finish(f, at);
}

/*
 * IP in IP, every pairing of IPv4 and IPv6 (protocols 4 and 41): the
 * inner packet is decoded in place of the outer one, its TCP ports and
 * addresses are the packet's, the outer header's offset is kept.
 */
static void test_ip_in_ip(void **state)
{
	(void)state;
	for (int outer = 4; outer <= 6; outer += 2)
		for (int inner = 4; inner <= 6; inner += 2) {
			struct frame f = {0};
			struct packet p;
			put_eth(&f, outer == 4 ? 0x0800 : 0x86dd);
			uint32_t o = put_ip_marked(&f, outer, inner == 4 ? 4 : 41, 0x11);
			uint32_t i = put_ip_marked(&f, inner, 6, 0x77);
			put_tcp(&f, NULL, 0);
			put(&f, payload, PAYLOAD_LEN);
			ip_finish(&f, inner, i);
			ip_finish(&f, outer, o);
			assert_int_equal(decode_frame(&p, &f), DECODE_OK);
			assert_true(p.flags & PACKET_IP_IN_IP);
			assert_true(p.flags & PACKET_TCP);
			assert_int_equal(!!(p.flags & PACKET_IPV4), inner == 4);
			assert_int_equal(!!(p.flags & PACKET_IPV6), inner == 6);
			assert_false(p.flags & PACKET_L4_UNKNOWN);
			assert_int_equal(p.ip_version, inner);
			assert_int_equal(p.l3_offset, i);
			assert_int_equal(p.ip_in_ip_outer_offset, o);
			assert_int_equal(p.ip_in_ip_depth, 1);
			assert_int_equal(p.src_addr[inner == 4 ? 3 : 15], 0x77);
			assert_int_equal(p.l4_proto, 6);
			assert_int_equal(p.payload_len, PAYLOAD_LEN);
		}
}

/* Nested twice: decoded; three times: the third is left as an unknown protocol. */
static void test_ip_in_ip_depth(void **state)
{
	(void)state;
	for (int levels = 2; levels <= 3; levels++) {
		struct frame f = {0};
		struct packet p;
		uint32_t at[4];
		put_eth(&f, 0x0800);
		for (int l = 0; l < levels; l++)
			at[l] = put_ip_marked(&f, 4, 4, (uint8_t)l);
		at[levels] = put_ip_marked(&f, 4, 17, 0x77);
		uint32_t u = put_udp(&f, 1, 2);
		put(&f, payload, 8);
		udp_finish(&f, u);
		for (int l = levels; l >= 0; l--)
			ipv4_finish(&f, at[l]);
		assert_int_equal(decode_frame(&p, &f), DECODE_OK);
		assert_true(p.flags & PACKET_IP_IN_IP);
		assert_int_equal(p.ip_in_ip_outer_offset, at[0]);
		if (levels == 2) {
			assert_true(p.flags & PACKET_UDP);
			assert_int_equal(p.src_addr[3], 0x77);
		} else {
			assert_true(p.flags & PACKET_L4_UNKNOWN);
			assert_int_equal(p.l4_proto, 4);
			assert_int_equal(p.ip_in_ip_depth, 2);
		}
	}
}

/*
 * The inner packet claims more than the outer carries (Ethernet padding
 * after it would be read as the inner's): malformed. An outer fragment is
 * not decoded inside (reassembly first).
 */
static void test_ip_in_ip_bounds(void **state)
{
	(void)state;
	struct frame f = {0};
	struct packet p;
	put_eth(&f, 0x0800);
	uint32_t o = put_ipv4(&f, 4);
	uint32_t i = put_ipv4(&f, 17);
	uint32_t u = put_udp(&f, 1, 2);
	put(&f, payload, 8);
	udp_finish(&f, u);
	ipv4_finish(&f, i);
	set16(&f, i + 2, (uint16_t)(f.len - i + 6)); /* 6 bytes more than the outer holds */
	ipv4_finish(&f, o);
	put_zero(&f, 20); /* padding after the outer packet */
	assert_int_equal(decode_frame(&p, &f), DECODE_IPV4_BAD_TOTAL_LEN);

	struct frame g = {0};
	put_eth(&g, 0x0800);
	o = put_ipv4_opts(&g, 4, 0x2000, NULL, 0); /* MF: a first fragment */
	i = put_ipv4(&g, 17);
	u = put_udp(&g, 1, 2);
	put(&g, payload, 8);
	udp_finish(&g, u);
	ipv4_finish(&g, i);
	ipv4_finish(&g, o);
	assert_int_equal(decode_frame(&p, &g), DECODE_OK);
	assert_false(p.flags & PACKET_IP_IN_IP);
	assert_true(p.flags & PACKET_L4_UNKNOWN);
}

/* SCTP: the common header's ports, over IPv4 and IPv6, and a header cut short. */
static void test_sctp(void **state)
{
	static const uint8_t header[] = {0x9c, 0x40, 0x0f, 0x1c, 0, 0,	0, 1, 0, 0,
					 0,    0,    1,	   0,	 0, 20, 0, 0, 0, 0};
	(void)state;
	for (int v6 = 0; v6 <= 1; v6++) {
		for (uint32_t len = 0; len <= sizeof(header); len++) {
			struct frame f = {0};
			struct packet p;
			put_eth(&f, v6 ? 0x86dd : 0x0800);
			uint32_t ip = v6 ? put_ipv6(&f, 132) : put_ipv4(&f, 132);
			put(&f, header, len);
			if (v6)
				ipv6_finish(&f, ip);
			else
				ipv4_finish(&f, ip);
			enum decode_error e = decode_frame(&p, &f);
			if (len < 12) {
				assert_int_equal(e, DECODE_SCTP_TRUNCATED);
				assert_false(p.flags & PACKET_SCTP);
				continue;
			}
			assert_int_equal(e, DECODE_OK);
			assert_true(p.flags & PACKET_SCTP);
			assert_false(p.flags & PACKET_L4_UNKNOWN);
			assert_int_equal(p.l4_proto, 132);
			assert_int_equal(p.src_port, 40000);
			assert_int_equal(p.dst_port, 3868);
			assert_int_equal(p.payload_len, len - 12);
		}
	}
}

static void test_udp_bad_len(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 17);
	uint32_t udp = put_udp(&f, 1, 2);
	put(&f, payload, PAYLOAD_LEN);
	ipv4_finish(&f, ip);
	set16(&f, udp + 4, 7);
	assert_int_equal(decode_frame(&p, &f), DECODE_UDP_BAD_LEN);
	set16(&f, udp + 4, (uint16_t)(8 + PAYLOAD_LEN + 1));
	assert_int_equal(decode_frame(&p, &f), DECODE_UDP_BAD_LEN);
	/* Padding after the IP packet does not make room for a longer UDP. */
	put_zero(&f, 4);
	assert_int_equal(decode_frame(&p, &f), DECODE_UDP_BAD_LEN);
	set16(&f, udp + 4, (uint16_t)(8 + PAYLOAD_LEN));
	assert_int_equal(decode_frame(&p, &f), DECODE_OK);
}

static void test_icmp_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x0800);
	uint32_t ip = put_ipv4(&f, 1);
	put_zero(&f, 3);
	ipv4_finish(&f, ip);
	assert_int_equal(decode_frame(&p, &f), DECODE_ICMP_TRUNCATED);
	assert_false(p.flags & PACKET_ICMP);
}

static void test_icmpv6_truncated(void **state)
{
	struct frame f = {0};
	struct packet p;

	(void)state;
	put_eth(&f, 0x86dd);
	uint32_t ip = put_ipv6(&f, 58);
	put_zero(&f, 3);
	ipv6_finish(&f, ip);
	put_zero(&f, 10); /* padding does not count */
	assert_int_equal(decode_frame(&p, &f), DECODE_ICMPV6_TRUNCATED);
	assert_false(p.flags & PACKET_ICMPV6);
}

/* ---- every truncation of a good frame --------------------------------- */

static void test_truncations_ipv4_tcp(void **state)
{
	struct frame f;
	struct packet p;

	(void)state;
	build_ipv4_tcp(&f);
	for (uint32_t len = 0; len <= f.len; len++) {
		enum decode_error error = decode_bytes(&p, f.b, len);
		enum decode_error want = len < 14      ? DECODE_ETHERNET_TRUNCATED
					 : len < 34    ? DECODE_IPV4_TRUNCATED
					 : len < f.len ? DECODE_IPV4_BAD_TOTAL_LEN
						       : DECODE_OK;
		assert_int_equal(error, want);
		assert_in_bounds(&p);
	}
}

static void test_truncations_ipv6_extensions(void **state)
{
	struct frame f;
	struct packet p;

	(void)state;
	build_ipv6_ext_udp(&f);
	for (uint32_t len = 0; len <= f.len; len++) {
		enum decode_error error = decode_bytes(&p, f.b, len);
		enum decode_error want = len < 14      ? DECODE_ETHERNET_TRUNCATED
					 : len < 54    ? DECODE_IPV6_TRUNCATED
					 : len < f.len ? DECODE_IPV6_BAD_PAYLOAD_LEN
						       : DECODE_OK;
		assert_int_equal(error, want);
		assert_in_bounds(&p);
	}
}

/*
 * The same frames with the IP length fields shrunk to match each cut, so
 * the cut lands inside the extension chain or the transport header rather
 * than being caught by the IP length check.
 */
static void test_truncations_inner_layers(void **state)
{
	struct frame f;
	struct packet p;

	(void)state;
	build_ipv4_tcp(&f);
	for (uint32_t len = 34; len <= f.len; len++) {
		struct frame cut = f;
		cut.len = len;
		set16(&cut, 14 + 2, (uint16_t)(len - 14));
		enum decode_error error = decode_frame(&p, &cut);
		enum decode_error want = len < 54   ? DECODE_TCP_TRUNCATED
					 : len < 74 ? DECODE_TCP_BAD_HEADER_LEN
						    : DECODE_OK;
		assert_int_equal(error, want);
		assert_in_bounds(&p);
	}

	build_ipv6_ext_udp(&f);
	for (uint32_t len = 54; len <= f.len; len++) {
		struct frame cut = f;
		cut.len = len;
		set16(&cut, 14 + 4, (uint16_t)(len - 54));
		enum decode_error error = decode_frame(&p, &cut);
		assert_true(error == DECODE_IPV6_EXTENSION_TRUNCATED ||
			    error == DECODE_UDP_TRUNCATED || error == DECODE_OK);
		if (len < 54 + 32)
			assert_int_equal(error, DECODE_IPV6_EXTENSION_TRUNCATED);
		else if (len < 54 + 40)
			assert_int_equal(error, DECODE_UDP_TRUNCATED);
		assert_in_bounds(&p);
	}
}

/* ---- tunnels ------------------------------------------------------------ */

static const struct decode_tunnels test_tunnels = {
    .geneve_port = 6081,
    .vxlan_count = 2,
    .vxlan = {{.port = 10800, .vni = 800, .peer = 1}, {.port = 10801, .vni = 801, .peer = 0}},
};

/* Outer Ethernet, IPv4 and UDP to dport; returns the UDP header's offset (the outer IP's is 14). */
static uint32_t put_outer(struct frame *f, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	put_eth(f, 0x0800);
	put_ipv4(f, 17);
	return put_udp(f, 33000, dport);
}

static void outer_finish(struct frame *f, uint32_t udp)
{
	udp_finish(f, udp);
	ipv4_finish(f, 14);
}

/* An inner IPv4/TCP packet carrying the test payload. */
static void put_inner_tcp(struct frame *f)
{
	uint32_t ip = put_ipv4(f, 6);
	put_tcp(f, NULL, 0);
	put(f, payload, PAYLOAD_LEN);
	ipv4_finish(f, ip);
}

/* An AWS GENEVE option: class 0x0108, type, then len data bytes of value (big-endian). */
static void put_aws_option(struct frame *f, uint8_t type, uint64_t value, uint32_t len)
{
	put16(f, 0x0108);
	put8(f, type);
	put8(f, (uint8_t)(len / 4));
	for (uint32_t i = 0; i < len; i++)
		put8(f, (uint8_t)(value >> (8 * (len - 1 - i))));
}

/*
 * decode_packet() then decode_tunnel(), and decode_tunnel_packet() on a
 * view full of stale bytes: the same return and the very same view, byte
 * for byte, whatever the frame (its fast path and the general way agree).
 */
static enum decode_error decode_tunnel_frame(struct packet *p, const struct frame *f)
{
	enum decode_error e = decode_frame(p, f);
	if (e == DECODE_OK)
		e = decode_tunnel(p, &test_tunnels);
	struct packet q;
	memset(&q, 0xa5, sizeof(q));
	assert_int_equal(decode_tunnel_packet(&q, exact_copy, f->len, &test_tunnels), e);
	assert_memory_equal(&q, p, sizeof(q));
	return e;
}

/* Outer headers off the common shape take the general way, to the same view. */
static void test_tunnel_outer_shapes(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	static const uint8_t nops[4] = {1, 1, 1, 0};
	for (int shape = 0; shape < 6; shape++) {
		memset(&f, 0, sizeof(f));
		put_eth(&f, shape == 0 ? 0x8100 : 0x0800);
		if (shape == 0)
			put16(&f, 7), put16(&f, 0x0800); /* a VLAN tag */
		uint32_t ip = f.len;
		put_ipv4_opts(&f, shape == 5 ? 1 : 17, shape == 2 ? 0x2000 : 0, nops,
			      shape == 1 ? 4 : 0);
		uint32_t udp = put_udp(&f, 33000, 6081);
		put8(&f, 0), put8(&f, 0), put16(&f, 0x0800), put32(&f, 0);
		put_inner_tcp(&f);
		udp_finish(&f, udp);
		ipv4_finish(&f, ip);
		if (shape == 3)
			put_zero(&f, 6); /* Ethernet padding past the IP total length */
		if (shape == 4)
			set16(&f, udp + 4, 7); /* a UDP length below its header */
		enum decode_error e = decode_tunnel_frame(&p, &f);
		assert_int_equal(e, shape == 4 ? DECODE_UDP_BAD_LEN : DECODE_OK);
		/* a VLAN, IPv4 options, padding: peeled; a fragment, ICMP: not */
		assert_int_equal(!!(p.flags & PACKET_TUNNEL),
				 shape == 0 || shape == 1 || shape == 3);
	}
}

/* GWLB's GENEVE: the three AWS options read out, the inner IPv4/TCP decoded in place. */
static void test_geneve_aws(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	uint32_t udp = put_outer(&f, 6081);
	put8(&f, 8); /* 8 option words: 12 + 12 + 8 bytes */
	put8(&f, 0);
	put16(&f, 0x0800);
	put32(&f, 0x00012300); /* VNI 0x000123 */
	put_aws_option(&f, 1, 0x0123456789abcdefull, 8);
	put_aws_option(&f, 2, 0x1111222233334444ull, 8);
	put_aws_option(&f, 3, 0xc0c0a001u, 4);
	uint32_t inner = f.len;
	put_inner_tcp(&f);
	outer_finish(&f, udp);

	assert_int_equal(decode_tunnel_frame(&p, &f), DECODE_OK);
	assert_true(p.flags & PACKET_TUNNEL);
	assert_true(p.flags & PACKET_TCP);
	assert_false(p.flags & PACKET_UDP); /* the outer UDP is gone from the view */
	assert_int_equal(p.tunnel.type, PACKET_TUNNEL_GENEVE);
	assert_int_equal(p.tunnel.vni, 0x123);
	assert_true(p.tunnel.has_endpoint_id && p.tunnel.has_attachment_id && p.tunnel.has_cookie);
	assert_true(p.tunnel.endpoint_id == 0x0123456789abcdefull);
	assert_true(p.tunnel.attachment_id == 0x1111222233334444ull);
	assert_int_equal(p.tunnel.cookie, 0xc0c0a001u);
	assert_int_equal(p.tunnel.inner_offset, inner);
	assert_int_equal(p.tunnel.outer_dst_port, 6081);
	assert_int_equal(p.l3_offset, inner);
	assert_int_equal(p.dst_port, 80);
	assert_int_equal(p.payload_len, PAYLOAD_LEN);
	assert_memory_equal(p.data + p.payload_offset, payload, PAYLOAD_LEN);
	assert_in_bounds(&p);
}

/* Options of another class are skipped; an AWS option of the wrong length is not believed. */
static void test_geneve_other_options(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	uint32_t udp = put_outer(&f, 6081);
	put8(&f, 5);
	put8(&f, 0);
	put16(&f, 0x0800);
	put32(&f, 0);
	put16(&f, 0x0001); /* another class, 8 data bytes */
	put8(&f, 1);
	put8(&f, 2);
	put32(&f, 0xdeadbeef);
	put32(&f, 0xdeadbeef);
	put_aws_option(&f, 1, 0x42, 4); /* the endpoint id needs 8 bytes */
	put_inner_tcp(&f);
	outer_finish(&f, udp);
	assert_int_equal(decode_tunnel_frame(&p, &f), DECODE_OK);
	assert_true(p.flags & PACKET_TCP);
	assert_false(p.tunnel.has_endpoint_id);
}

/* Malformed GENEVE: each reason, and a datagram to another port left alone. */
static void test_geneve_malformed(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	static const struct {
		uint8_t b0, b1;
		uint16_t proto;
		enum decode_error want;
	} cases[] = {
	    {0x40, 0, 0x0800, DECODE_GENEVE_BAD_VERSION},
	    {0, 0x80, 0x0800, DECODE_GENEVE_OAM},
	    {0, 0, 0x0806, DECODE_GENEVE_BAD_PROTOCOL},
	    {4, 0, 0x0800, DECODE_GENEVE_TRUNCATED}, /* 16 option bytes announced, 4 present */
	    {1, 0, 0x0800, DECODE_GENEVE_BAD_OPTIONS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t udp = put_outer(&f, 6081);
		put8(&f, cases[i].b0);
		put8(&f, cases[i].b1);
		put16(&f, cases[i].proto);
		put32(&f, 0);
		if (cases[i].b0 == 1 ||
		    cases[i].b0 == 4) /* one option word: a header claiming 4 more */
			put_aws_option(&f, 3, 0, 4), f.len -= 4;
		outer_finish(&f, udp);
		assert_int_equal(decode_tunnel_frame(&p, &f), cases[i].want);
		assert_in_bounds(&p);
	}
	uint32_t udp = put_outer(&f, 6082);
	put_zero(&f, 8);
	outer_finish(&f, udp);
	assert_int_equal(decode_tunnel_frame(&p, &f), DECODE_OK);
	assert_false(p.flags & PACKET_TUNNEL);
	assert_true(p.flags & PACKET_UDP);
}

/* VXLAN: the inner Ethernet frame decoded; the VNI must be the port's; the I flag must be set. */
static void test_vxlan(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	static const struct {
		uint16_t port;
		uint8_t flags;
		uint32_t vni;
		enum decode_error want;
	} cases[] = {
	    {10800, 0x08, 800, DECODE_OK},
	    {10801, 0x08, 801, DECODE_OK},
	    {10801, 0x08, 800, DECODE_VXLAN_UNKNOWN_VNI},
	    {10800, 0x00, 800, DECODE_VXLAN_BAD_FLAGS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t udp = put_outer(&f, cases[i].port);
		put8(&f, cases[i].flags);
		put_zero(&f, 3);
		put32(&f, cases[i].vni << 8);
		uint32_t inner = f.len;
		put_eth(&f, 0x0800);
		put_inner_tcp(&f);
		outer_finish(&f, udp);
		assert_int_equal(decode_tunnel_frame(&p, &f), cases[i].want);
		assert_in_bounds(&p);
		if (cases[i].want != DECODE_OK)
			continue;
		assert_int_equal(p.tunnel.type, PACKET_TUNNEL_VXLAN);
		assert_int_equal(p.tunnel.tunnel_index, i);
		assert_int_equal(p.tunnel.vni, cases[i].vni);
		assert_int_equal(p.tunnel.inner_offset, inner);
		assert_int_equal(p.l3_offset, inner + 14);
		assert_true(p.flags & PACKET_TCP);
	}
	uint32_t udp = put_outer(&f, 10800);
	put8(&f, 0x08);
	outer_finish(&f, udp);
	assert_int_equal(decode_tunnel_frame(&p, &f), DECODE_VXLAN_TRUNCATED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capture_links),
	    cmocka_unit_test(test_nsh),
	    cmocka_unit_test(test_gre),
	    cmocka_unit_test(test_name_tables),
	    cmocka_unit_test(test_link_local),
	    cmocka_unit_test(test_ieee8023_llc),
	    cmocka_unit_test(test_link_local_ip_is_decoded),
	    cmocka_unit_test(test_ipv4_tcp_options),
	    cmocka_unit_test(test_tcp_options_end_stops_walk),
	    cmocka_unit_test(test_ipv4_options),
	    cmocka_unit_test(test_ipv4_first_fragment),
	    cmocka_unit_test(test_ipv4_later_fragment),
	    cmocka_unit_test(test_vlan_8021q),
	    cmocka_unit_test(test_vlan_qinq),
	    cmocka_unit_test(test_vlan_old_qinq_arp),
	    cmocka_unit_test(test_ipv6_extension_chain),
	    cmocka_unit_test(test_ipv6_routing_ah_tcp),
	    cmocka_unit_test(test_ipv6_later_fragment),
	    cmocka_unit_test(test_ipv6_atomic_fragment),
	    cmocka_unit_test(test_ipv6_no_next_header),
	    cmocka_unit_test(test_ipv6_esp_and_icmp4),
	    cmocka_unit_test(test_icmp),
	    cmocka_unit_test(test_icmpv6),
	    cmocka_unit_test(test_arp),
	    cmocka_unit_test(test_ethernet_padding),
	    cmocka_unit_test(test_udp_length_shorter_than_ip),
	    cmocka_unit_test(test_unknown_ip_protocol),
	    cmocka_unit_test(test_ethernet_truncated),
	    cmocka_unit_test(test_vlan_truncated),
	    cmocka_unit_test(test_vlan_too_many),
	    cmocka_unit_test(test_ipv4_truncated),
	    cmocka_unit_test(test_ipv4_bad_version),
	    cmocka_unit_test(test_ipv4_bad_header_len),
	    cmocka_unit_test(test_ipv4_bad_total_len),
	    cmocka_unit_test(test_ipv4_bad_options),
	    cmocka_unit_test(test_icmpv6_in_ipv4),
	    cmocka_unit_test(test_ipv6_truncated),
	    cmocka_unit_test(test_ipv6_bad_version),
	    cmocka_unit_test(test_ipv6_bad_payload_len),
	    cmocka_unit_test(test_ipv6_extension_truncated),
	    cmocka_unit_test(test_ipv6_extension_too_many),
	    cmocka_unit_test(test_ipv6_hop_by_hop_not_first),
	    cmocka_unit_test(test_ipv6_duplicate_fragment_header),
	    cmocka_unit_test(test_tcp_truncated),
	    cmocka_unit_test(test_tcp_bad_header_len),
	    cmocka_unit_test(test_tcp_bad_options),
	    cmocka_unit_test(test_udp_truncated),
	    cmocka_unit_test(test_sctp),
	    cmocka_unit_test(test_ip_in_ip),
	    cmocka_unit_test(test_ip_in_ip_depth),
	    cmocka_unit_test(test_ip_in_ip_bounds),
	    cmocka_unit_test(test_udp_bad_len),
	    cmocka_unit_test(test_icmp_truncated),
	    cmocka_unit_test(test_icmpv6_truncated),
	    cmocka_unit_test(test_truncations_ipv4_tcp),
	    cmocka_unit_test(test_truncations_ipv6_extensions),
	    cmocka_unit_test(test_truncations_inner_layers),
	    cmocka_unit_test(test_geneve_aws),
	    cmocka_unit_test(test_geneve_other_options),
	    cmocka_unit_test(test_geneve_malformed),
	    cmocka_unit_test(test_vxlan),
	    cmocka_unit_test(test_tunnel_outer_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, free_exact_copy);
}
