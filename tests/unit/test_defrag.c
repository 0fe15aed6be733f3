/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for IP reassembly (dataplane/decode/defrag.c), against the contract
 * in dataplane/decode/defrag.h: real frames (Ethernet + IPv4 or IPv6 + a slice of
 * a TCP or UDP datagram) are built byte by byte, decoded with
 * decode_packet() and handed to defrag_packet(). A reassembled frame is
 * checked field by field and decoded again from a copy of its bytes, so a
 * header left inconsistent (lengths, fragment fields, IPv6 next header)
 * shows. Each fragment lives in a heap block of exactly its size, freed
 * right after the call, so a sanitizer build (make SAN=1) catches a table
 * that keeps or overreads it. Every test also checks that the counters
 * match the reasons returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>

#include "dataplane/decode/decode.h"
#include "dataplane/decode/defrag.h"

/* ---- datagrams and their fragments ------------------------------------ */

#define TEST_SPORT     40000
#define TEST_DPORT     80
#define TEST_MAX_FRAME (14u + 40u + 8u * 256u + 8u + 65535u)

/* One datagram: its fragmentable part (transport header + data) and how
 * its fragments are addressed. */
struct dgram {
	int version;	  /* 4 or 6 */
	uint8_t proto;	  /* 6 (TCP) or 17 (UDP) */
	uint32_t id;	  /* IPv4 id (16 bits) or IPv6 fragment identification */
	uint8_t src_last; /* last byte of the source address */
	uint16_t vlan;	  /* 802.1Q VLAN id of every fragment (0: untagged) */
	uint64_t tenant;  /* in AWS GWLB GENEVE, this endpoint id (0: no tunnel) */
	uint8_t options;  /* IPv4: 4-byte units of options in the offset-0 fragment only */
	uint8_t dstopts;  /* IPv6: 8-byte units of Destination Options before the fragment header */
	uint32_t len;	  /* bytes of the fragmentable part */
	uint8_t bytes[65536];
};

static uint64_t tally[DEFRAG_REASON_COUNT]; /* reasons returned since the table was made */

static uint8_t pattern_byte(uint32_t i, uint32_t seed)
{
	return (uint8_t)(i * 31u + seed * 7u + (i >> 8));
}

/* A TCP segment (20-byte header, PSH|ACK) with payload_len patterned bytes. */
static void dgram_tcp(struct dgram *d, int version, uint32_t id, uint32_t payload_len,
		      uint32_t seed)
{
	memset(d, 0, offsetof(struct dgram, bytes));
	d->version = version;
	d->proto = 6;
	d->id = id;
	d->src_last = 1;
	d->len = 20 + payload_len;
	assert_true(d->len <= sizeof(d->bytes));
	uint8_t *h = d->bytes;
	memset(h, 0, 20);
	h[0] = TEST_SPORT >> 8, h[1] = TEST_SPORT & 0xff;
	h[2] = TEST_DPORT >> 8, h[3] = TEST_DPORT & 0xff;
	h[4] = 0x11, h[5] = 0x22, h[6] = 0x33, h[7] = (uint8_t)seed; /* seq */
	h[12] = 5 << 4;
	h[13] = 0x18; /* PSH|ACK */
	h[14] = 0xff, h[15] = 0xff;
	for (uint32_t i = 0; i < payload_len; i++)
		h[20 + i] = pattern_byte(i, seed);
}

/* A UDP datagram (8-byte header) with payload_len patterned bytes. */
static void dgram_udp(struct dgram *d, int version, uint32_t id, uint32_t payload_len,
		      uint32_t seed)
{
	memset(d, 0, offsetof(struct dgram, bytes));
	d->version = version;
	d->proto = 17;
	d->id = id;
	d->src_last = 1;
	d->len = 8 + payload_len;
	assert_true(d->len <= sizeof(d->bytes));
	uint8_t *h = d->bytes;
	h[0] = 5353 >> 8, h[1] = 5353 & 0xff;
	h[2] = 0, h[3] = 53;
	h[4] = (uint8_t)(d->len >> 8), h[5] = (uint8_t)d->len;
	h[6] = 0, h[7] = 0;
	for (uint32_t i = 0; i < payload_len; i++)
		h[8 + i] = pattern_byte(i, seed);
}

/* The reassembled datagram's IP header (IPv6: with its unfragmentable part). */
static uint32_t ip_header_len(const struct dgram *d)
{
	return d->version == 4 ? 20u + 4u * d->options : 40u + 8u * d->dstopts;
}

#define TEST_GENEVE_OUTER 82 /* Ethernet, IPv4, UDP, GENEVE and AWS's 32 bytes of options */

static const struct decode_tunnels test_tunnels = {.geneve_port = 6081};

static void put_be16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8), b[1] = (uint8_t)v;
}

/* GWLB's outer headers before the bare inner packet of inner_len bytes: endpoint id tenant. */
static void geneve_outer(uint8_t *f, uint64_t tenant, uint32_t inner_len)
{
	static const uint8_t outer[TEST_GENEVE_OUTER] = {
	    2,	  0,	0,    0,    0, 0x0a, 2, 0, 0,  0,  0, 1, 0x08, 0, /* Ethernet */
	    0x45, 0,	0,    0,    0, 0,    0, 0, 64, 17, 0, 0, 10,   80,
	    0,	  1,	10,   80,   0, 10,			 /* IPv4 */
	    0x80, 0x00, 0x17, 0xc1, 0, 0,    0, 0,		 /* UDP to 6081 */
	    8,	  0,	0x08, 0x00, 0, 0,    0, 0,		 /* GENEVE, IPv4 inside */
	    1,	  8,	1,    2,    0, 0,    0, 0, 0,  0,  0, 0, /* endpoint id */
	    1,	  8,	2,    2,    0, 0,    0, 0, 0,  0,  0, 7, /* attachment id */
	    1,	  8,	3,    1,    0, 0,    0, 9};		 /* cookie */
	memcpy(f, outer, TEST_GENEVE_OUTER);
	for (int i = 0; i < 8; i++)
		f[54 + i] = (uint8_t)(tenant >> (56 - 8 * i));
	put_be16(f + 16, TEST_GENEVE_OUTER - 14 + inner_len);
	put_be16(f + 38, TEST_GENEVE_OUTER - 34 + inner_len);
}

/* The frame of one fragment of d: data (len bytes) at offset, MF as more. */
static uint32_t frame_build(uint8_t *f, const struct dgram *d, uint32_t offset, int more,
			    const uint8_t *data, uint32_t len)
{
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
	uint32_t n = 0;

	if (d->tenant) { /* bare IP inside: the outer headers go first, once the length is known */
		uint32_t inner = frame_build(f + TEST_GENEVE_OUTER - 14,
					     &(struct dgram){.version = d->version,
							     .proto = d->proto,
							     .id = d->id,
							     .src_last = d->src_last,
							     .options = d->options,
							     .dstopts = d->dstopts},
					     offset, more, data, len) -
				 14;
		geneve_outer(f, d->tenant, inner);
		return TEST_GENEVE_OUTER + inner;
	}
	memcpy(f, macs, 12);
	n = 12;
	if (d->vlan) {
		f[n] = 0x81, f[n + 1] = 0x00;
		f[n + 2] = (uint8_t)(d->vlan >> 8), f[n + 3] = (uint8_t)d->vlan;
		n += 4;
	}
	f[n] = d->version == 4 ? 0x08 : 0x86;
	f[n + 1] = d->version == 4 ? 0x00 : 0xdd;
	n += 2;
	uint8_t *ip = f + n;
	if (d->version == 4) {
		uint32_t options = offset == 0 ? 4u * d->options : 0; /* not copied (RFC 791) */
		uint32_t total = 20 + options + len;
		uint16_t frag = (uint16_t)((more ? 0x2000 : 0) | (offset / 8));
		memset(ip, 0, 20);
		ip[0] = (uint8_t)(0x40 | (5 + options / 4));
		ip[2] = (uint8_t)(total >> 8), ip[3] = (uint8_t)total;
		ip[4] = (uint8_t)(d->id >> 8), ip[5] = (uint8_t)d->id;
		ip[6] = (uint8_t)(frag >> 8), ip[7] = (uint8_t)frag;
		ip[8] = 64;
		ip[9] = d->proto;
		ip[12] = 192, ip[13] = 0, ip[14] = 2, ip[15] = d->src_last;
		ip[16] = 198, ip[17] = 51, ip[18] = 100, ip[19] = 2;
		/* NOPs, then End of options */
		memset(ip + 20, 1, options);
		if (options)
			ip[20 + options - 1] = 0;
		((struct rte_ipv4_hdr *)ip)->hdr_checksum =
		    rte_ipv4_cksum((struct rte_ipv4_hdr *)ip);
		n += 20 + options;
	} else {
		uint32_t ext = 8u * d->dstopts;
		uint32_t plen = ext + 8 + len;
		memset(ip, 0, 40);
		ip[0] = 0x60;
		ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
		ip[6] = d->dstopts ? 60 : 44;
		ip[7] = 64;
		ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, ip[23] = d->src_last;
		ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8, ip[39] = 2;
		n += 40;
		if (d->dstopts) {
			uint8_t *o = f + n;
			memset(o, 0, ext);
			o[0] = 44;
			o[1] = (uint8_t)(d->dstopts - 1);
			/* PadN over the rest, its length byte marking the header */
			o[2] = 1;
			o[3] = (uint8_t)(ext - 4);
			n += ext;
		}
		uint8_t *fh = f + n;
		uint16_t off = (uint16_t)((offset & 0xfff8) | (more ? 1 : 0));
		fh[0] = d->proto;
		fh[1] = 0;
		fh[2] = (uint8_t)(off >> 8), fh[3] = (uint8_t)off;
		fh[4] = (uint8_t)(d->id >> 24), fh[5] = (uint8_t)(d->id >> 16);
		fh[6] = (uint8_t)(d->id >> 8), fh[7] = (uint8_t)d->id;
		n += 8;
	}
	if (len)
		memcpy(f + n, data, len);
	return n + len;
}

/*
 * Build, decode and hand over one fragment carrying data (len bytes) at
 * offset; the frame is freed right after the call. Counts the reason.
 */
static enum defrag_reason feed_bytes(struct defrag_table *t, const struct dgram *d, uint32_t offset,
				     int more, const uint8_t *data, uint32_t len, uint64_t now_us,
				     const struct packet **whole)
{
	assert_true(offset % 8 == 0);
	assert_true(offset / 8 <= 0x1fff);
	uint8_t *f = malloc(TEST_MAX_FRAME);
	assert_non_null(f);
	uint32_t n = frame_build(f, d, offset, more, data, len);
	uint8_t *exact = malloc(n);
	assert_non_null(exact);
	memcpy(exact, f, n);
	free(f);

	struct packet p;
	/* a tiny first fragment cuts its TCP header short: not checked */
	if (d->tenant)
		(void)decode_tunnel_packet(&p, exact, n, &test_tunnels);
	else
		(void)decode_packet(&p, exact, n);
	assert_true(p.flags & PACKET_FRAGMENT);
	assert_int_equal(p.fragment_offset, offset);
	assert_int_equal(p.more_fragments, more ? 1 : 0);

	const struct packet *w = NULL;
	enum defrag_reason r = defrag_packet(t, &p, now_us, &w);
	free(exact);
	assert_true(r < DEFRAG_REASON_COUNT);
	tally[r]++;
	if (whole)
		*whole = r == DEFRAG_COMPLETE ? w : NULL;
	return r;
}

/* The fragment of d's own bytes [offset, offset + len). */
static enum defrag_reason feed(struct defrag_table *t, const struct dgram *d, uint32_t offset,
			       uint32_t len, uint64_t now_us, const struct packet **whole)
{
	assert_true(offset + len <= d->len);
	return feed_bytes(t, d, offset, offset + len < d->len, d->bytes + offset, len, now_us,
			  whole);
}

static struct defrag_table *table_new(uint32_t max_datagrams, uint32_t timeout_ms)
{
	struct defrag_config c = {.max_datagrams = max_datagrams, .timeout_ms = timeout_ms};
	struct defrag_table *t = defrag_create(&c);
	assert_non_null(t);
	memset(tally, 0, sizeof(tally));
	const struct defrag_counters *k = defrag_counters(t);
	for (int i = 0; i < DEFRAG_REASON_COUNT; i++)
		assert_int_equal(k->fragment[i], 0);
	assert_int_equal(k->active, 0);
	return t;
}

/* Every reason counted exactly as often as it was returned. */
static void assert_tally(const struct defrag_table *t)
{
	const struct defrag_counters *k = defrag_counters(t);
	for (int i = 0; i < DEFRAG_REASON_COUNT; i++) {
		if (k->fragment[i] != tally[i])
			fail_msg("counter %s is %llu, %llu returned", defrag_reason_name[i],
				 (unsigned long long)k->fragment[i], (unsigned long long)tally[i]);
	}
}

static void table_free(struct defrag_table *t)
{
	assert_tally(t);
	defrag_destroy(t);
}

/*
 * A reassembled frame is d whole: no fragment left in it, the fragmentable
 * part byte for byte, the IP header rewritten consistently (decoding a copy
 * of its bytes gives the same view), the transport decoded.
 */
static void assert_whole(const struct packet *w, const struct dgram *d)
{
	assert_non_null(w);
	assert_int_equal(w->flags & PACKET_FRAGMENT, 0);
	assert_int_equal(w->flags & PACKET_FIRST_FRAGMENT, 0);
	assert_int_equal(w->ip_version, d->version);
	assert_int_equal(w->l3_offset, d->tenant ? TEST_GENEVE_OUTER : d->vlan ? 18 : 14);
	assert_int_equal(!!(w->flags & PACKET_TUNNEL), !!d->tenant);
	if (d->tenant)
		assert_true(w->tunnel.endpoint_id == d->tenant && w->tunnel.cookie == 9);
	assert_int_equal(w->vlan_count, d->vlan ? 1 : 0);
	if (d->vlan)
		assert_int_equal(w->vlan_id[0], d->vlan);
	assert_int_equal(w->l3_len, ip_header_len(d) + d->len);
	assert_true((uint64_t)w->l3_offset + w->l3_len <= w->len);
	assert_int_equal(w->l4_proto, d->proto);
	assert_int_equal(w->fragment_id, d->version == 4 ? d->id : 0);

	const uint8_t *ip = w->data + w->l3_offset;
	uint32_t l4 = w->l3_offset;
	if (d->version == 4) {
		assert_true(w->flags & PACKET_IPV4);
		assert_int_equal(((ip[6] << 8) | ip[7]) & 0x3fff, 0); /* MF and offset cleared */
		assert_int_equal(ip[0], 0x45 + d->options); /* the first fragment's header */
		assert_int_equal((ip[2] << 8) | ip[3], ip_header_len(d) + d->len);
		assert_int_equal((ip[4] << 8) | ip[5], d->id & 0xffff);
		assert_int_equal(w->src_addr[3], d->src_last);
		assert_int_equal(!!(w->flags & PACKET_IPV4_OPTIONS), d->options > 0);
		l4 += ip_header_len(d);
	} else {
		assert_true(w->flags & PACKET_IPV6);
		assert_int_equal((ip[4] << 8) | ip[5], 8u * d->dstopts + d->len);
		assert_int_equal(w->src_addr[15], d->src_last);
		l4 += 40;
		if (d->dstopts) {
			/* the unfragmentable part kept, now followed by the transport */
			assert_true(w->flags & PACKET_IPV6_EXTENSIONS);
			assert_int_equal(ip[6], 60);
			assert_int_equal(ip[40], d->proto);
			assert_int_equal(ip[41], d->dstopts - 1);
			assert_int_equal(ip[42], 1); /* PadN */
			assert_int_equal(ip[43], 8u * d->dstopts - 4);
			l4 += 8u * d->dstopts;
		} else {
			assert_int_equal(w->flags & PACKET_IPV6_EXTENSIONS, 0);
			assert_int_equal(ip[6], d->proto);
		}
	}
	assert_int_equal(w->l4_offset, l4);
	assert_memory_equal(w->data + l4, d->bytes, d->len);

	uint32_t header = d->proto == 6 ? 20 : 8;
	assert_true(w->flags & (d->proto == 6 ? PACKET_TCP : PACKET_UDP));
	assert_int_equal(w->src_port, d->proto == 6 ? TEST_SPORT : 5353);
	assert_int_equal(w->dst_port, d->proto == 6 ? TEST_DPORT : 53);
	assert_int_equal(w->payload_offset, l4 + header);
	assert_int_equal(w->payload_len, d->len - header);
	assert_memory_equal(w->data + w->payload_offset, d->bytes + header, d->len - header);

	/* the same view from the bytes alone (in a tunnel the outer headers
	 * stay the first fragment's: its lengths are not the whole's) */
	if (d->tenant)
		return;
	uint8_t *copy = malloc(w->len);
	assert_non_null(copy);
	memcpy(copy, w->data, w->len);
	struct packet q;
	assert_int_equal(decode_packet(&q, copy, w->len), DECODE_OK);
	assert_int_equal(q.flags, w->flags);
	assert_int_equal(q.l3_len, w->l3_len);
	assert_int_equal(q.l4_offset, w->l4_offset);
	assert_int_equal(q.payload_offset, w->payload_offset);
	assert_int_equal(q.payload_len, w->payload_len);
	free(copy);
}

/* Feed d in the order given by starts (fragments of size step, the last
 * one shorter); every fragment is HELD but the last, which completes. */
static void feed_order(struct defrag_table *t, const struct dgram *d, const uint32_t *order,
		       uint32_t count, uint32_t step, uint64_t now_us)
{
	const struct packet *w = NULL;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t off = order[i] * step;
		uint32_t len = off + step <= d->len ? step : d->len - off;
		enum defrag_reason r = feed(t, d, off, len, now_us + i, &w);
		if (i + 1 < count && r != DEFRAG_HELD)
			fail_msg("fragment %u (offset %u) of %u: %s, not held", i, off, count,
				 defrag_reason_name[r]);
		if (i + 1 == count && r != DEFRAG_COMPLETE)
			fail_msg("last fragment (offset %u): %s, not complete", off,
				 defrag_reason_name[r]);
	}
	assert_whole(w, d);
}

static struct dgram dg_a, dg_b, dg_c, dg_d, dg_e;

/* ---- tests ------------------------------------------------------------- */

static void test_reason_names(void **state)
{
	(void)state;
	static const char *const names[] = {"held",
					    "complete",
					    "overlap_conflict",
					    "too_big",
					    "too_many_pieces",
					    "bad_length",
					    "bad_header",
					    "late",
					    "flood",
					    "bad_checksum"};
	assert_int_equal(DEFRAG_REASON_COUNT, sizeof(names) / sizeof(names[0]));
	for (int i = 0; i < DEFRAG_REASON_COUNT; i++)
		assert_string_equal(defrag_reason_name[i], names[i]);
}

static void test_ipv4_in_order(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0x1234, 100, 1); /* 120 bytes: 40 + 40 + 40 */

	assert_int_equal(feed(t, &dg_a, 0, 40, 1000, &w), DEFRAG_HELD);
	assert_null(w);
	assert_int_equal(defrag_counters(t)->active, 1);
	assert_int_equal(feed(t, &dg_a, 40, 40, 1001, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 80, 40, 1002, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);
	assert_int_equal(defrag_counters(t)->active, 0);
	assert_int_equal(defrag_counters(t)->fragment[DEFRAG_HELD], 2);
	assert_int_equal(defrag_counters(t)->fragment[DEFRAG_COMPLETE], 1);
	table_free(t);
}

static void test_ipv4_out_of_order_duplicate(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0x2222, 100, 2);

	assert_int_equal(feed(t, &dg_a, 80, 40, 10, &w), DEFRAG_HELD); /* last first */
	assert_int_equal(feed(t, &dg_a, 40, 40, 11, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 40, 12, &w), DEFRAG_HELD); /* identical duplicate */
	assert_int_equal(feed(t, &dg_a, 0, 40, 13, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);

	/* a duplicate of the last fragment, alone, never completes anything */
	dgram_tcp(&dg_b, 4, 0x2223, 100, 3);
	assert_int_equal(feed(t, &dg_b, 80, 40, 20, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 80, 40, 21, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 0, 40, 22, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 40, 40, 23, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);
	table_free(t);
}

static void test_ipv4_tiny_fragments_shuffled(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	dgram_tcp(&dg_a, 4, 0x0808, 400, 4); /* 420 bytes: 52 fragments of 8, one of 4 */
	uint32_t count = (dg_a.len + 7) / 8;
	uint32_t order[64];
	assert_true(count <= 64);
	for (uint32_t i = 0; i < count; i++)
		order[i] = i;
	uint32_t x = 12345;
	for (uint32_t i = count - 1; i > 0; i--) {
		x = x * 1103515245u + 12345u;
		uint32_t j = (x >> 16) % (i + 1);
		uint32_t tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	feed_order(t, &dg_a, order, count, 8, 100);
	table_free(t);
}

static void test_overlap(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	uint8_t other[64];

	/* a second fragment rewriting bytes 32..39 of the first with others */
	dgram_tcp(&dg_a, 4, 0x3333, 100, 5);
	memcpy(other, dg_a.bytes + 32, 40);
	other[3] ^= 0xff;
	assert_int_equal(feed(t, &dg_a, 0, 40, 1, &w), DEFRAG_HELD);
	assert_int_equal(feed_bytes(t, &dg_a, 32, 1, other, 40, 2, &w), DEFRAG_OVERLAP_CONFLICT);
	/* the datagram is refused: its later fragments, even the right ones, are late */
	assert_int_equal(feed(t, &dg_a, 40, 40, 3, &w), DEFRAG_LATE);
	assert_int_equal(feed(t, &dg_a, 80, 40, 4, &w), DEFRAG_LATE);
	assert_int_equal(feed(t, &dg_a, 0, 40, 5, &w), DEFRAG_LATE);
	assert_null(w);

	/* the same, the disagreeing fragment reaching back into a held later one */
	dgram_tcp(&dg_b, 4, 0x3334, 100, 6);
	memcpy(other, dg_b.bytes, 48);
	other[45] ^= 0x01;
	assert_int_equal(feed(t, &dg_b, 40, 40, 10, &w), DEFRAG_HELD);
	assert_int_equal(feed_bytes(t, &dg_b, 0, 1, other, 48, 11, &w), DEFRAG_OVERLAP_CONFLICT);
	assert_int_equal(feed(t, &dg_b, 80, 40, 12, &w), DEFRAG_LATE);
	assert_int_equal(feed(t, &dg_b, 0, 40, 13, &w), DEFRAG_LATE);

	/* an identical overlap is accepted and completes with the same bytes */
	dgram_tcp(&dg_c, 4, 0x3335, 100, 7);
	assert_int_equal(feed(t, &dg_c, 0, 40, 20, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_c, 32, 48, 21, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_c, 16, 80, 22, &w), DEFRAG_HELD); /* inside both */
	assert_int_equal(feed(t, &dg_c, 72, 48, 23, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_c);

	/* a refused datagram's key is not forgotten at completion of another */
	assert_int_equal(feed(t, &dg_a, 40, 40, 30, &w), DEFRAG_LATE);
	assert_int_equal(defrag_counters(t)->fragment[DEFRAG_OVERLAP_CONFLICT], 2);
	assert_int_equal(defrag_counters(t)->fragment[DEFRAG_LATE], 6);
	table_free(t);
}

static void test_too_big(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	uint8_t data[16];
	memset(data, 0xaa, sizeof(data));

	/* IPv4: 65,528 + 16 bytes */
	dgram_tcp(&dg_a, 4, 0x4444, 100, 8);
	assert_int_equal(feed(t, &dg_a, 0, 40, 1, NULL), DEFRAG_HELD);
	assert_int_equal(feed_bytes(t, &dg_a, 65528, 0, data, 16, 2, NULL), DEFRAG_TOO_BIG);
	/* the same alone, and a non-last one */
	dgram_tcp(&dg_b, 4, 0x4445, 100, 8);
	assert_int_equal(feed_bytes(t, &dg_b, 65528, 1, data, 16, 3, NULL), DEFRAG_TOO_BIG);

	/* IPv6 likewise */
	dgram_udp(&dg_c, 6, 0x44444444, 100, 9);
	assert_int_equal(feed_bytes(t, &dg_c, 65528, 0, data, 16, 4, NULL), DEFRAG_TOO_BIG);
	table_free(t);
}

/* Fragments of 1,480 bytes, in order, the last one as the datagram says. */
static enum defrag_reason feed_all(struct defrag_table *t, const struct dgram *d, uint64_t now_us,
				   const struct packet **whole, int *completed_early)
{
	enum defrag_reason r = DEFRAG_HELD;
	*completed_early = 0;
	for (uint32_t off = 0; off < d->len; off += 1480) {
		uint32_t len = d->len - off < 1480 ? d->len - off : 1480;
		r = feed(t, d, off, len, now_us++, whole);
		if (r == DEFRAG_COMPLETE && off + len < d->len)
			*completed_early = 1;
		if (r != DEFRAG_HELD)
			break;
	}
	return r;
}

/*
 * The largest datagrams: an IPv6 datagram of 65,535 fragmentable bytes
 * fits its payload length and completes; an IPv4 one whose data and
 * header pass 65,535 bytes cannot be written with a 16-bit total length
 * (a ping of death), nor an IPv6 one whose kept Destination Options push
 * its payload length past 65,535, nor an IPv4 one that passes it only with
 * its first fragment's options: all refused as too big, never completed.
 */
static void test_largest_datagrams(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	int early;

	dgram_udp(&dg_a, 6, 0x55555555, 65535 - 8, 10);
	assert_int_equal(feed_all(t, &dg_a, 1, &w, &early), DEFRAG_COMPLETE);
	assert_false(early);
	assert_whole(w, &dg_a);

	dgram_udp(&dg_b, 4, 0x5555, 65535 - 20 - 8, 11); /* total length 65,535: fits */
	assert_int_equal(feed_all(t, &dg_b, 100, &w, &early), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);

	dgram_tcp(&dg_c, 4, 0x5556, 65528 - 20, 12); /* 65,528 data + 20 header */
	assert_int_equal(feed_all(t, &dg_c, 200, &w, &early), DEFRAG_TOO_BIG);

	dgram_udp(&dg_d, 6, 0x55555556, 65535 - 8, 13);
	dg_d.dstopts = 1; /* payload length 8 + 65,535 */
	assert_int_equal(feed_all(t, &dg_d, 300, &w, &early), DEFRAG_TOO_BIG);

	/* the limit counts the first fragment's header, options and all, though
	 * the later fragments (no options: RFC 791 copies none) fit alone */
	dgram_udp(&dg_e, 4, 0x5557, 65535 - 20 - 8, 14); /* 40 options + 20 + 65,515 */
	dg_e.options = 10;
	assert_int_equal(feed_all(t, &dg_e, 400, &w, &early), DEFRAG_TOO_BIG);
	table_free(t);
}

static void test_bad_length(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	dgram_tcp(&dg_a, 4, 0x6666, 100, 14);

	/* each on its own datagram: whether a refused fragment refuses its datagram is open */
	assert_int_equal(feed(t, &dg_a, 0, 20, 1, NULL), DEFRAG_BAD_LENGTH); /* MF, 20 bytes */
	dg_a.id++;
	assert_int_equal(feed_bytes(t, &dg_a, 40, 1, NULL, 0, 2, NULL), DEFRAG_BAD_LENGTH);
	dg_a.id++;
	assert_int_equal(feed_bytes(t, &dg_a, 120, 0, NULL, 0, 3, NULL), DEFRAG_BAD_LENGTH);
	dgram_udp(&dg_b, 6, 0x66666666, 100, 15);
	assert_int_equal(feed(t, &dg_b, 0, 33, 4, NULL), DEFRAG_BAD_LENGTH);
	/* the last fragment may end anywhere */
	dg_b.id++;
	assert_int_equal(feed(t, &dg_b, 104, 4, 5, NULL), DEFRAG_HELD);
	assert_int_equal(defrag_counters(t)->fragment[DEFRAG_BAD_LENGTH], 4);
	table_free(t);
}

static void test_too_many_pieces(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_udp(&dg_a, 4, 0x7777, 4096 - 8, 16);

	/* every other 8-byte unit: DEFRAG_MAX_PIECES disjoint pieces are held */
	for (uint32_t i = 0; i < DEFRAG_MAX_PIECES; i++)
		assert_int_equal(feed(t, &dg_a, 16 * i, 8, 1 + i, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 16 * DEFRAG_MAX_PIECES, 8, 1000, &w),
			 DEFRAG_TOO_MANY_PIECES);
	assert_int_equal(feed(t, &dg_a, 8, 8, 1001, &w), DEFRAG_LATE);

	/* pieces that join again do not count twice */
	dgram_udp(&dg_b, 4, 0x7778, 4096 - 8, 17);
	for (uint32_t i = 0; i < DEFRAG_MAX_PIECES; i++)
		assert_int_equal(feed(t, &dg_b, 16 * i, 8, 2000 + i, &w), DEFRAG_HELD);
	for (uint32_t i = 0; i < DEFRAG_MAX_PIECES; i++)
		assert_int_equal(feed(t, &dg_b, 16 * i + 8, 8, 3000 + i, &w), DEFRAG_HELD);
	assert_int_equal(
	    feed(t, &dg_b, 16 * DEFRAG_MAX_PIECES, dg_b.len - 16 * DEFRAG_MAX_PIECES, 4000, &w),
	    DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);
	table_free(t);
}

static void test_bad_header(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	/* 14 + 40 + 512 bytes of Destination Options + 8: past DEFRAG_MAX_HEADER */
	dgram_udp(&dg_a, 6, 0x88888888, 100, 18);
	dg_a.dstopts = 64;
	assert_int_equal(feed(t, &dg_a, 0, 64, 1, NULL), DEFRAG_BAD_HEADER);
	table_free(t);
}

static void test_timeout(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 1000);
	const struct packet *w = NULL;
	const uint64_t t0 = 5000000;
	dgram_tcp(&dg_a, 4, 0x9999, 100, 19);

	assert_int_equal(feed(t, &dg_a, 0, 40, t0, &w), DEFRAG_HELD);
	defrag_expire(t, t0 + 500000);
	assert_int_equal(defrag_counters(t)->expired, 0);
	assert_int_equal(defrag_counters(t)->active, 1);
	defrag_expire(t, t0 + 1000000 + 1000);
	assert_int_equal(defrag_counters(t)->expired, 1);
	assert_int_equal(defrag_counters(t)->active, 0);

	/* its rest is refused for 60 s (longer than receivers keep fragments:
	 * they may still hold the first one, which was forwarded), then the
	 * key starts over: the expired first fragment is missing */
	uint64_t buried = t0 + 1000000 + 1000; /* when it expired */
	assert_int_equal(feed(t, &dg_a, 40, 40, t0 + 1500000, &w), DEFRAG_LATE);
	assert_int_equal(feed(t, &dg_a, 80, 40, buried + 59000000, &w), DEFRAG_LATE);
	uint64_t t1 = buried + 60000000;
	assert_int_equal(feed(t, &dg_a, 40, 40, t1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 80, 40, t1 + 1, &w), DEFRAG_HELD);
	assert_int_equal(defrag_counters(t)->active, 1);
	assert_int_equal(feed(t, &dg_a, 0, 40, t1 + 2, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);

	/* a refused datagram's tombstone goes at the timeout too */
	uint64_t t2 = t1 + 10000000;
	uint8_t other[40];
	dgram_tcp(&dg_b, 4, 0x999a, 100, 20);
	memcpy(other, dg_b.bytes, 40);
	other[0] ^= 1;
	assert_int_equal(feed(t, &dg_b, 0, 40, t2, &w), DEFRAG_HELD);
	assert_int_equal(feed_bytes(t, &dg_b, 0, 1, other, 40, t2 + 1, &w),
			 DEFRAG_OVERLAP_CONFLICT);
	assert_int_equal(feed(t, &dg_b, 40, 40, t2 + 2, &w), DEFRAG_LATE);
	defrag_expire(t, t2 + 1000000 + 1000);
	assert_int_equal(feed(t, &dg_b, 40, 40, t2 + 30000000, &w), DEFRAG_LATE);
	uint64_t t3 = t2 + 1 + 60000000; /* refused at t2 + 1, buried 60 s */
	assert_int_equal(feed(t, &dg_b, 40, 40, t3, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 80, 40, t3 + 1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 0, 40, t3 + 2, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);
	table_free(t);
}

static void test_table_full(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(4, 0);
	const struct packet *w = NULL;
	static struct dgram d[5];

	for (uint32_t i = 0; i < 4; i++) {
		dgram_tcp(&d[i], 4, 0xa000 + i, 100, 30 + i);
		assert_int_equal(feed(t, &d[i], 0, 40, 100 + i, &w), DEFRAG_HELD);
	}
	/* full: a fifth datagram is refused, nothing is pushed out (the
	 * receiver may hold the forwarded pieces of what would go) */
	dgram_tcp(&d[4], 4, 0xa004, 100, 34);
	assert_int_equal(feed(t, &d[4], 0, 40, 104, &w), DEFRAG_FLOOD);
	assert_int_equal(defrag_counters(t)->active, 4);
	assert_int_equal(defrag_counters(t)->fragment[DEFRAG_FLOOD], 1);
	/* the four held ones all complete; then there is room again */
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(feed(t, &d[i], 40, 80, 200 + i, &w), DEFRAG_COMPLETE);
		assert_whole(w, &d[i]);
	}
	assert_int_equal(defrag_counters(t)->active, 0);
	assert_int_equal(feed(t, &d[4], 0, 40, 300, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &d[4], 40, 80, 301, &w), DEFRAG_COMPLETE);
	assert_whole(w, &d[4]);
	table_free(t);

	/* the default holds 64 */
	t = table_new(0, 0);
	for (uint32_t i = 0; i < 65; i++) {
		dgram_tcp(&dg_a, 4, 0xb000 + i, 100, i);
		assert_int_equal(feed(t, &dg_a, 0, 40, 100 + i, &w),
				 i < 64 ? DEFRAG_HELD : DEFRAG_FLOOD);
	}
	assert_int_equal(defrag_counters(t)->active, 64);
	table_free(t);
}

/*
 * Buried keys are never forgotten early: with 4 slots and a ring of 64,
 * 70 refused datagrams fill the ring, then take the free slots; once all
 * are taken new datagrams are refused (FLOOD) and every buried key still
 * refuses its fragments (LATE).
 */
static void test_bury_flood(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(4, 0);
	const struct packet *w = NULL;
	uint8_t bad[12] = {0};
	for (uint32_t i = 0; i < 70; i++) {
		dgram_tcp(&dg_a, 4, 0xd000 + i, 100, i % 200);
		/* 12 bytes with more to come: bad_length, the key buried */
		enum defrag_reason r = feed_bytes(t, &dg_a, 0, 1, bad, sizeof(bad), 100 + i, &w);
		assert_int_equal(r, i < 68 ? DEFRAG_BAD_LENGTH : DEFRAG_FLOOD);
	}
	assert_int_equal(defrag_counters(t)->tombstones_lost, 0);
	assert_int_equal(defrag_counters(t)->active, 0);
	for (uint32_t i = 0; i < 68; i++) {
		dgram_tcp(&dg_a, 4, 0xd000 + i, 100, i % 200);
		assert_int_equal(feed(t, &dg_a, 40, 40, 1000 + i, &w), DEFRAG_LATE);
	}
	/* a dropped completion buried by the caller: its resent last piece is refused */
	table_free(t);
	t = table_new(4, 0);
	dgram_tcp(&dg_b, 4, 0xe001, 100, 7);
	assert_int_equal(feed(t, &dg_b, 0, 40, 10, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 40, 80, 11, &w), DEFRAG_COMPLETE);
	struct packet last;
	uint8_t *frame = malloc(TEST_MAX_FRAME);
	uint32_t n = frame_build(frame, &dg_b, 40, 0, dg_b.bytes + 40, 80);
	assert_int_equal(decode_packet(&last, frame, n), DECODE_OK);
	defrag_bury_packet(t, &last, 11);
	free(frame);
	assert_int_equal(feed(t, &dg_b, 40, 80, 12, &w), DEFRAG_LATE);
	assert_int_equal(feed(t, &dg_b, 0, 40, 13, &w), DEFRAG_LATE);
	table_free(t);
}

/* A piece with a wrong IPv4 header checksum (the receiver drops it) never counts and takes no room. */
static void test_bad_checksum(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0x4242, 100, 9);
	uint8_t evil[40];
	memcpy(evil, dg_a.bytes, 40);
	evil[30] ^= 0xff;
	uint8_t *frame = malloc(TEST_MAX_FRAME);
	assert_non_null(frame);
	uint32_t n = frame_build(frame, &dg_a, 0, 1, evil, 40);
	frame[14 + 11] ^= 0x55;
	struct packet p;
	(void)decode_packet(&p, frame, n);
	enum defrag_reason r = defrag_packet(t, &p, 10, &w);
	tally[r]++;
	free(frame);
	assert_int_equal(r, DEFRAG_BAD_CHECKSUM);
	assert_int_equal(defrag_counters(t)->active, 0);
	/* the real pieces complete with the real bytes */
	assert_int_equal(feed(t, &dg_a, 0, 40, 11, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 80, 12, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);
	table_free(t);
}

static void test_interleaved(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0xc001, 100, 40);
	dgram_tcp(&dg_b, 4, 0xc002, 100, 41); /* another id */
	dgram_tcp(&dg_c, 4, 0xc001, 100, 42); /* same id, another source */
	dg_c.src_last = 9;
	dgram_udp(&dg_d, 6, 0xc001, 112, 43); /* same id, IPv6 */
	dgram_udp(&dg_e, 6, 0xc001, 112, 44); /* and another source */
	dg_e.src_last = 9;

	struct dgram *all[] = {&dg_a, &dg_b, &dg_c, &dg_d, &dg_e};
	uint64_t now = 1;
	for (uint32_t k = 0; k < 2; k++)
		for (uint32_t i = 0; i < 5; i++)
			assert_int_equal(feed(t, all[i], k == 0 ? 40 : 0, 40, now++, &w),
					 DEFRAG_HELD);
	assert_int_equal(defrag_counters(t)->active, 5);
	for (uint32_t i = 5; i-- > 0;) {
		assert_int_equal(feed(t, all[i], 80, all[i]->len - 80, now++, &w), DEFRAG_COMPLETE);
		assert_whole(w, all[i]);
	}
	assert_int_equal(defrag_counters(t)->active, 0);
	table_free(t);
}

/* The reassembled header is the first fragment's, options and all, whenever it comes. */
static void test_ipv4_first_fragment_options(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0x1357, 100, 80);
	dg_a.options = 2;

	assert_int_equal(feed(t, &dg_a, 0, 40, 1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 40, 2, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 80, 40, 3, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);

	dg_a.id++;
	assert_int_equal(feed(t, &dg_a, 80, 40, 4, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 40, 5, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 0, 40, 6, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);
	table_free(t);
}

/* The same datagram key on two VLANs is two datagrams: never stitched together. */
static void test_vlan_keys(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0x2468, 100, 81);
	dg_a.vlan = 10;
	dgram_tcp(&dg_b, 4, 0x2468, 100, 82);
	dg_b.vlan = 20;
	dgram_tcp(&dg_c, 4, 0x2468, 100, 83); /* untagged */

	assert_int_equal(feed(t, &dg_a, 0, 40, 1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 0, 40, 2, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_c, 0, 40, 3, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 40, 4, &w), DEFRAG_HELD);
	/* VLAN 20's end and the untagged rest do not complete VLAN 10's */
	assert_int_equal(feed(t, &dg_b, 80, 40, 5, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_c, 40, 80, 6, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_c);
	assert_int_equal(defrag_counters(t)->active, 2);
	assert_int_equal(feed(t, &dg_a, 80, 40, 7, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);
	assert_int_equal(feed(t, &dg_b, 40, 40, 8, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);
	table_free(t);
}

/*
 * Fragments from a tunnel: the whole datagram is the tunnel's inner packet
 * (an evasion otherwise: the outer datagram inspected in its place), and
 * two tenants' datagrams of one key are two, never stitched together.
 */
static void test_tunnel_keys(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_udp(&dg_a, 4, 0x1357, 2000, 91);
	dg_a.tenant = 0x0123456789abcdefull;
	dgram_udp(&dg_b, 4, 0x1357, 2000, 92);
	dg_b.tenant = 0x0fedcba987654321ull;
	dgram_udp(&dg_c, 4, 0x1357, 2000, 93); /* no tunnel */

	assert_int_equal(feed(t, &dg_a, 0, 1000, 1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 0, 1000, 2, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_c, 1000, 1008, 3, &w), DEFRAG_HELD);
	/* B's end and the bare one's do not complete A's */
	assert_int_equal(feed(t, &dg_b, 1000, 1008, 4, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);
	assert_int_equal(feed(t, &dg_c, 0, 1000, 5, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_c);
	assert_int_equal(feed(t, &dg_a, 1000, 1008, 6, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);
	table_free(t);
}

static void test_ipv6(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;

	/* fragment header right after the base header */
	dgram_udp(&dg_a, 6, 0xd0000001, 200, 50); /* 208 bytes: 64 + 64 + 80 */
	assert_int_equal(feed(t, &dg_a, 64, 64, 1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 0, 64, 2, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 128, 80, 3, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);

	/* Destination Options before it: kept in the reassembled frame */
	dgram_udp(&dg_b, 6, 0xd0000002, 200, 51);
	dg_b.dstopts = 1;
	assert_int_equal(feed(t, &dg_b, 0, 64, 10, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 128, 80, 11, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 64, 64, 12, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);

	/* a longer one (24 bytes), the first fragment arriving last, TCP */
	dgram_tcp(&dg_c, 6, 0xd0000003, 300, 52);
	dg_c.dstopts = 3;
	assert_int_equal(feed(t, &dg_c, 160, 160, 20, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_c, 0, 160, 21, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_c);

	/* IPv6 overlap conflict, then late */
	uint8_t other[64];
	dgram_udp(&dg_d, 6, 0xd0000004, 200, 53);
	memcpy(other, dg_d.bytes + 56, 64);
	other[0] ^= 0x80;
	assert_int_equal(feed(t, &dg_d, 0, 64, 30, &w), DEFRAG_HELD);
	assert_int_equal(feed_bytes(t, &dg_d, 56, 1, other, 64, 31, &w), DEFRAG_OVERLAP_CONFLICT);
	assert_int_equal(feed(t, &dg_d, 128, 80, 32, &w), DEFRAG_LATE);
	table_free(t);
}

static void test_complete_forgotten(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	const struct packet *w = NULL;
	dgram_tcp(&dg_a, 4, 0xe000, 100, 60);

	assert_int_equal(feed(t, &dg_a, 0, 40, 1, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 80, 2, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);
	/* the same fragments again: a new datagram, complete again */
	assert_int_equal(feed(t, &dg_a, 40, 80, 3, &w), DEFRAG_HELD);
	assert_int_equal(defrag_counters(t)->active, 1);
	assert_int_equal(feed(t, &dg_a, 0, 40, 4, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_a);

	/* a new datagram with that key and other bytes: no conflict with the old one */
	dgram_tcp(&dg_b, 4, 0xe000, 100, 61);
	assert_int_equal(feed(t, &dg_b, 0, 40, 5, &w), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_b, 40, 80, 6, &w), DEFRAG_COMPLETE);
	assert_whole(w, &dg_b);
	assert_int_equal(defrag_counters(t)->active, 0);
	table_free(t);
}

/* Every reason, each counted as returned (table_free checks all of them). */
static void test_counters(void **state)
{
	(void)state;
	struct defrag_table *t = table_new(0, 0);
	uint8_t data[16] = {0};
	dgram_tcp(&dg_a, 4, 0xf000, 100, 70);

	assert_int_equal(feed(t, &dg_a, 0, 40, 1, NULL), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 40, 40, 2, NULL), DEFRAG_HELD);
	assert_int_equal(feed(t, &dg_a, 80, 40, 3, NULL), DEFRAG_COMPLETE);
	assert_int_equal(feed(t, &dg_a, 0, 40, 4, NULL), DEFRAG_HELD);
	assert_int_equal(feed_bytes(t, &dg_a, 0, 1, data, 16, 5, NULL), DEFRAG_OVERLAP_CONFLICT);
	assert_int_equal(feed(t, &dg_a, 40, 40, 6, NULL), DEFRAG_LATE);
	assert_int_equal(feed(t, &dg_a, 80, 40, 7, NULL), DEFRAG_LATE);
	dgram_tcp(&dg_b, 4, 0xf001, 100, 71);
	assert_int_equal(feed_bytes(t, &dg_b, 65528, 0, data, 16, 8, NULL), DEFRAG_TOO_BIG);
	dg_b.id++;
	assert_int_equal(feed(t, &dg_b, 0, 12, 9, NULL), DEFRAG_BAD_LENGTH);

	const struct defrag_counters *k = defrag_counters(t);
	assert_int_equal(k->fragment[DEFRAG_HELD], 3);
	assert_int_equal(k->fragment[DEFRAG_COMPLETE], 1);
	assert_int_equal(k->fragment[DEFRAG_OVERLAP_CONFLICT], 1);
	assert_int_equal(k->fragment[DEFRAG_LATE], 2);
	assert_int_equal(k->fragment[DEFRAG_TOO_BIG], 1);
	assert_int_equal(k->fragment[DEFRAG_BAD_LENGTH], 1);
	assert_int_equal(k->expired, 0);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reason_names),
	    cmocka_unit_test(test_ipv4_in_order),
	    cmocka_unit_test(test_ipv4_out_of_order_duplicate),
	    cmocka_unit_test(test_ipv4_tiny_fragments_shuffled),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_largest_datagrams),
	    cmocka_unit_test(test_bad_length),
	    cmocka_unit_test(test_too_many_pieces),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_table_full),
	    cmocka_unit_test(test_bury_flood),
	    cmocka_unit_test(test_bad_checksum),
	    cmocka_unit_test(test_interleaved),
	    cmocka_unit_test(test_ipv4_first_fragment_options),
	    cmocka_unit_test(test_vlan_keys),
	    cmocka_unit_test(test_tunnel_keys),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_complete_forgotten),
	    cmocka_unit_test(test_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
