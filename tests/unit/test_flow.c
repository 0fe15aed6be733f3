/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the per-lcore flow table (dataplane/flow/flow.c): packets are
 * built by hand as the decoders would fill struct packet (and one from
 * crafted frame bytes through decode_packet()), then looked up, and the
 * flow, its direction, its TCP state, the timeouts, expiry, eviction and
 * the counters are checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>

#include "dataplane/decode/decode.h"
#include "dataplane/flow/flow.h"

#define SYN STREAM_TCP_SYN
#define ACK STREAM_TCP_ACK
#define FIN STREAM_TCP_FIN
#define RST STREAM_TCP_RST
#define SEC 1000000000ull
#define MS  1000000ull

/* ---- packet builder ---------------------------------------------------- */

static struct packet packet_ip(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			       uint8_t proto)
{
	struct packet p = {0};
	int v6 = strchr(src, ':') != NULL;

	p.flags = v6 ? PACKET_IPV6 : PACKET_IPV4;
	p.ip_version = v6 ? 6 : 4;
	p.ether_type = v6 ? 0x86dd : 0x0800;
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, src, p.src_addr), 1);
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, dst, p.dst_addr), 1);
	p.l4_proto = proto;
	if (proto == IPPROTO_TCP)
		p.flags |= PACKET_TCP;
	else if (proto == IPPROTO_UDP)
		p.flags |= PACKET_UDP;
	else if (proto == IPPROTO_ICMP)
		p.flags |= PACKET_ICMP;
	else
		p.flags |= PACKET_L4_UNKNOWN;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		p.src_port = sport;
		p.dst_port = dport;
	}
	p.len = 100;
	return p;
}

static struct packet tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			 uint8_t flags)
{
	struct packet p = packet_ip(src, sport, dst, dport, IPPROTO_TCP);

	p.tcp_flags = flags;
	return p;
}

static struct packet udp(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	return packet_ip(src, sport, dst, dport, IPPROTO_UDP);
}

/* ---- table with a recording on_free ------------------------------------ */

struct freed {
	unsigned count;
	uint64_t last_id;
	unsigned by_reason[FLOW_END_COUNT]; /* f->end_reason as on_free saw it */
};

static void record_free(struct flow *f, void *arg)
{
	struct freed *fr = arg;

	fr->count++;
	fr->last_id = f->flow_id;
	if (f->end_reason < FLOW_END_COUNT)
		fr->by_reason[f->end_reason]++;
}

#define TEST_ID_KEY 0x5eed5eed12345678ull

static struct freed freed;

static struct flow_table *table_new_async(uint32_t capacity, unsigned worker, bool async_oneside)
{
	struct flow_config c = {
	    .async_oneside = async_oneside,
	    .capacity = capacity,
	    .worker_index = worker,
	    .hash_seed = 0x1234,
	    .id_key = TEST_ID_KEY, /* one key for every table: one run's workers */
	    .timeouts = {.new_s = 30,
			 .established_s = 600,
			 .closed_s = 10,
			 .udp_s = 120,
			 .other_s = 60,
			 .evict_idle_s = 1},
	    .stream = {.chunk_count = 64},
	    .on_free = record_free,
	    .on_free_arg = &freed,
	};
	struct flow_table *t;

	memset(&freed, 0, sizeof(freed));
	t = flow_table_create(&c);
	assert_non_null(t);
	return t;
}

static struct flow_table *table_new(uint32_t capacity, unsigned worker)
{
	return table_new_async(capacity, worker, false);
}

static struct flow *lookup(struct flow_table *t, struct packet p, uint64_t now,
			   enum flow_direction expect_dir)
{
	enum flow_direction dir = 99;
	struct flow *f = flow_lookup(t, &p, now, &dir);

	assert_non_null(f);
	assert_int_equal(dir, expect_dir);
	return f;
}

#define C "10.0.0.9"
#define S "10.0.0.1" /* lower than the client: key side 0 is the server */

/* ---- direction and state ----------------------------------------------- */

static void test_tcp_handshake_syn_first(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f, *g;

	(void)state;
	f = lookup(t, tcp(C, 40000, S, 80, SYN), 1 * SEC, FLOW_TO_SERVER);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN_SENT);
	assert_false(f->established);
	g = lookup(t, tcp(S, 80, C, 40000, SYN | ACK), 1 * SEC, FLOW_TO_CLIENT);
	assert_ptr_equal(f, g);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN_RECV);
	assert_false(f->established);
	lookup(t, tcp(C, 40000, S, 80, ACK), 1 * SEC, FLOW_TO_SERVER);
	assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
	assert_true(f->established);
	assert_int_equal(f->packets[FLOW_TO_SERVER], 2);
	assert_int_equal(f->packets[FLOW_TO_CLIENT], 1);
	assert_int_equal(f->bytes[FLOW_TO_SERVER], 200);
	assert_int_equal(t->counters.created, 1);
	assert_int_equal(t->counters.active, 1);
	flow_table_destroy(t);
	assert_int_equal(freed.count, 1);
}

static void test_tcp_syn_ack_first(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f;

	(void)state;
	/* The SYN was missed: the SYN-ACK's sender is still the server. */
	f = lookup(t, tcp(S, 80, C, 40000, SYN | ACK), 1 * SEC, FLOW_TO_CLIENT);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN_RECV);
	lookup(t, tcp(C, 40000, S, 80, ACK), 1 * SEC, FLOW_TO_SERVER);
	assert_true(f->established);
	lookup(t, tcp(S, 80, C, 40000, ACK), 1 * SEC, FLOW_TO_CLIENT);
	flow_table_destroy(t);
}

/* Only the client's side is seen: its ACK after the SYN completes the handshake when asked. */
static void test_tcp_async_oneside(void **state)
{
	(void)state;
	for (int async = 0; async < 2; async++) {
		struct flow_table *t = table_new_async(1024, 0, async);
		struct flow *f = lookup(t, tcp(C, 40000, S, 80, SYN), 1 * SEC, FLOW_TO_SERVER);
		lookup(t, tcp(C, 40000, S, 80, ACK), 1 * SEC, FLOW_TO_SERVER);
		assert_int_equal(f->established, async);
		assert_int_equal(f->handshake_completed_now, async);
		lookup(t, tcp(C, 40000, S, 80, ACK), 1 * SEC, FLOW_TO_SERVER);
		assert_int_equal(f->established, async);
		assert_false(f->handshake_completed_now);
		flow_table_destroy(t);
	}
}

static void test_tcp_midstream(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f;

	(void)state;
	f = lookup(t, tcp(S, 80, C, 40000, ACK), 1 * SEC, FLOW_TO_SERVER); /* first sender */
	assert_int_equal(f->tcp_state, FLOW_TCP_NONE);
	assert_false(f->established);
	lookup(t, tcp(C, 40000, S, 80, ACK), 1 * SEC, FLOW_TO_CLIENT);
	assert_int_equal(f->tcp_state, FLOW_TCP_ESTABLISHED);
	assert_true(f->established);
	flow_table_destroy(t);
}

/*
 * [dataplane] midstream: the server of a connection picked up mid-stream is
 * told by its port, whichever side's packet comes first (after a balancer
 * rebalances a connection, the server's retransmission often does).
 */
static void test_tcp_midstream_server_by_port(void **state)
{
	static const struct {
		uint16_t first_sport, first_dport;
		enum flow_direction first_dir;
	} cases[] = {
	    {80, 40000, FLOW_TO_CLIENT},    /* a well-known port answering */
	    {9200, 45000, FLOW_TO_CLIENT},  /* a service port answering an ephemeral one */
	    {45000, 9200, FLOW_TO_SERVER},  /* the client first */
	    {40000, 50000, FLOW_TO_SERVER}, /* both ephemeral: the first sender is the client */
	    {443, 2000, FLOW_TO_CLIENT},    /* a well-known port and a registered one */
	    /* a reserved port toward a registered one: an RPC client's
	     * (bindresvport), as likely as a server's: the first sender */
	    {939, 2049, FLOW_TO_SERVER},
	    {1000, 2000, FLOW_TO_SERVER},
	    {993, 40000, FLOW_TO_CLIENT}, /* but toward an ephemeral one, a server's */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flow_table *t = table_new(1024, 0);
		t->midstream = true;
		uint16_t a = cases[i].first_sport, b = cases[i].first_dport;
		struct flow *f = lookup(t, tcp(S, a, C, b, ACK), 1 * SEC, cases[i].first_dir);
		lookup(t, tcp(C, b, S, a, ACK), 1 * SEC,
		       cases[i].first_dir == FLOW_TO_SERVER ? FLOW_TO_CLIENT : FLOW_TO_SERVER);
		assert_true(f->established);
		flow_table_destroy(t);
	}
}

static void test_tcp_fin_and_rst(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f;

	(void)state;
	f = lookup(t, tcp(C, 1, S, 2, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 2, C, 1, SYN | ACK), 0, FLOW_TO_CLIENT);
	lookup(t, tcp(C, 1, S, 2, ACK), 0, FLOW_TO_SERVER);
	lookup(t, tcp(C, 1, S, 2, FIN | ACK), 0, FLOW_TO_SERVER);
	assert_int_equal(f->tcp_state, FLOW_TCP_CLOSING);
	lookup(t, tcp(S, 2, C, 1, FIN | ACK), 0, FLOW_TO_CLIENT);
	assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
	assert_true(f->established); /* sticky: the handshake did complete */

	f = lookup(t, tcp(C, 3, S, 4, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 4, C, 3, RST | ACK), 0, FLOW_TO_CLIENT);
	assert_int_equal(f->tcp_state, FLOW_TCP_RESET);
	assert_int_equal(flow_timeout_ns(t, f), 10 * SEC);
	flow_table_destroy(t);
}

static void test_udp_directions(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f, *g;

	(void)state;
	f = lookup(t, udp(C, 5353, S, 53), 1 * SEC, FLOW_TO_SERVER);
	assert_false(f->established);
	lookup(t, udp(C, 5353, S, 53), 2 * SEC, FLOW_TO_SERVER);
	assert_false(f->established);
	g = lookup(t, udp(S, 53, C, 5353), 3 * SEC, FLOW_TO_CLIENT);
	assert_ptr_equal(f, g);
	assert_true(f->established);
	assert_int_equal(f->first_seen_ns, 1 * SEC);
	assert_int_equal(f->last_seen_ns, 3 * SEC);
	/* the lower address talking first is the client just the same */
	f = lookup(t, udp(S, 999, C, 53), 1 * SEC, FLOW_TO_SERVER);
	lookup(t, udp(C, 53, S, 999), 1 * SEC, FLOW_TO_CLIENT);
	assert_int_equal(t->counters.created, 2);
	flow_table_destroy(t);
}

static void test_same_address_both_sides(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f, *g;

	(void)state;
	f = lookup(t, udp(C, 1000, C, 2000), 0, FLOW_TO_SERVER);
	g = lookup(t, udp(C, 2000, C, 1000), 0, FLOW_TO_CLIENT);
	assert_ptr_equal(f, g);
	flow_table_destroy(t);
}

static void test_ipv6(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f, *g, *h;

	(void)state;
	f = lookup(t, tcp("2001:db8::9", 40000, "2001:db8::1", 443, SYN), 0, FLOW_TO_SERVER);
	g = lookup(t, tcp("2001:db8::1", 443, "2001:db8::9", 40000, SYN | ACK), 0, FLOW_TO_CLIENT);
	assert_ptr_equal(f, g);
	lookup(t, tcp("2001:db8::9", 40000, "2001:db8::1", 443, ACK), 0, FLOW_TO_SERVER);
	assert_true(f->established);
	assert_int_equal(f->key.ip_version, 6);
	/* an IPv4 flow whose addresses are the first bytes of those is another flow */
	h = lookup(t, tcp("32.1.13.184", 40000, "32.1.13.184", 443, SYN), 0, FLOW_TO_SERVER);
	assert_ptr_not_equal(h, f);
	assert_int_equal(t->counters.created, 2);
	flow_table_destroy(t);
}

static void test_vlan_separation(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct packet a = udp(C, 1, S, 2), b = udp(S, 2, C, 1), c = udp(C, 1, S, 2);
	struct flow *fa, *fb, *fc;

	(void)state;
	a.flags |= PACKET_VLAN;
	a.vlan_count = 1;
	a.vlan_id[0] = 10;
	b.flags |= PACKET_VLAN;
	b.vlan_count = 1;
	b.vlan_id[0] = 10;
	c.flags |= PACKET_VLAN;
	c.vlan_count = 1;
	c.vlan_id[0] = 20;
	fa = lookup(t, a, 0, FLOW_TO_SERVER);
	fb = lookup(t, b, 0, FLOW_TO_CLIENT);
	fc = lookup(t, c, 0, FLOW_TO_SERVER);
	assert_ptr_equal(fa, fb);
	assert_ptr_not_equal(fa, fc);
	assert_ptr_not_equal(fa, lookup(t, udp(C, 1, S, 2), 0, FLOW_TO_SERVER)); /* untagged */
	assert_int_equal(t->counters.created, 3);
	flow_table_destroy(t);
}

static void test_no_flow(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct packet arp = {0}, frag = udp(C, 0, S, 0);
	enum flow_direction dir;

	(void)state;
	arp.flags = PACKET_L3_UNKNOWN;
	arp.ether_type = 0x0806;
	assert_null(flow_lookup(t, &arp, 0, &dir));
	frag.flags = PACKET_IPV4 | PACKET_FRAGMENT; /* a later fragment: no ports */
	assert_null(flow_lookup(t, &frag, 0, &dir));
	assert_int_equal(t->counters.no_flow, 2);
	assert_int_equal(t->counters.created, 0);
	/* ICMP and other protocols get a flow without ports */
	lookup(t, packet_ip(C, 0, S, 0, IPPROTO_ICMP), 0, FLOW_TO_SERVER);
	lookup(t, packet_ip(S, 0, C, 0, IPPROTO_ICMP), 0, FLOW_TO_CLIENT);
	lookup(t, packet_ip(C, 0, S, 0, IPPROTO_GRE), 0, FLOW_TO_SERVER);
	assert_int_equal(t->counters.created, 2);
	flow_table_destroy(t);
}

/* A frame decoded by decode_packet() maps the same as a hand-built packet. */
static void test_decoded_frame(void **state)
{
	static const uint8_t frame[] = {
	    /* ethernet */
	    0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
	    /* ipv4: 40 bytes total, TCP, 10.0.0.9 -> 10.0.0.1 */
	    0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 9, 10, 0, 0, 1,
	    /* tcp 40000 -> 80, seq 1, SYN */
	    0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};
	struct flow_table *t = table_new(1024, 0);
	struct packet p;
	struct flow *f;

	(void)state;
	assert_int_equal(decode_packet(&p, frame, sizeof(frame)), DECODE_OK);
	f = lookup(t, p, 0, FLOW_TO_SERVER);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN_SENT);
	assert_ptr_equal(f, lookup(t, tcp(S, 80, C, 40000, SYN | ACK), 0, FLOW_TO_CLIENT));
	assert_int_equal(f->bytes[FLOW_TO_SERVER], sizeof(frame));
	flow_table_destroy(t);
}

/* ---- timeouts, expiry, eviction ----------------------------------------- */

static void test_timeouts_per_state(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *syn, *est, *closed, *u, *icmp;

	(void)state;
	syn = lookup(t, tcp(C, 1, S, 80, SYN), 0, FLOW_TO_SERVER);
	est = lookup(t, tcp(C, 2, S, 80, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 80, C, 2, SYN | ACK), 0, FLOW_TO_CLIENT);
	lookup(t, tcp(C, 2, S, 80, ACK), 0, FLOW_TO_SERVER);
	closed = lookup(t, tcp(C, 3, S, 80, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 80, C, 3, RST), 0, FLOW_TO_CLIENT);
	u = lookup(t, udp(C, 4, S, 53), 0, FLOW_TO_SERVER);
	icmp = lookup(t, packet_ip(C, 0, S, 0, IPPROTO_ICMP), 0, FLOW_TO_SERVER);
	assert_int_equal(flow_timeout_ns(t, syn), 30 * SEC);
	assert_int_equal(flow_timeout_ns(t, est), 600 * SEC);
	assert_int_equal(flow_timeout_ns(t, closed), 10 * SEC);
	assert_int_equal(flow_timeout_ns(t, u), 120 * SEC);
	assert_int_equal(flow_timeout_ns(t, icmp), 60 * SEC);

	/* each expires exactly at its own timeout */
	assert_int_equal(flow_expire(t, 10 * SEC - 1, 1000, NULL, NULL), 0);
	assert_int_equal(flow_expire(t, 10 * SEC, 1000, NULL, NULL), 1);  /* reset */
	assert_int_equal(flow_expire(t, 30 * SEC, 1000, NULL, NULL), 1);  /* syn only */
	assert_int_equal(flow_expire(t, 60 * SEC, 1000, NULL, NULL), 1);  /* icmp */
	assert_int_equal(flow_expire(t, 120 * SEC, 1000, NULL, NULL), 1); /* udp */
	assert_int_equal(flow_expire(t, 600 * SEC - 1, 1000, NULL, NULL), 0);
	assert_int_equal(flow_expire(t, 600 * SEC, 1000, NULL, NULL), 1); /* established */
	assert_int_equal(t->counters.expired, 5);
	assert_int_equal(t->counters.active, 0);
	assert_int_equal(freed.count, 5);
	flow_table_destroy(t);
}

static void test_timeout_defaults(void **state)
{
	struct flow_config c = {.capacity = 64};
	struct flow_table *t = flow_table_create(&c);
	struct flow *f;

	(void)state;
	assert_non_null(t);
	f = lookup(t, udp(C, 1, S, 2), 0, FLOW_TO_SERVER);
	assert_int_equal(flow_timeout_ns(t, f), 120 * SEC);
	flow_table_destroy(t);
	c.capacity = FLOW_PROBE_WINDOW - 1;
	assert_null(flow_table_create(&c));
	c.capacity = 64;
	c.worker_index = FLOW_MAX_WORKERS;
	assert_null(flow_table_create(&c));
}

/* A flow found past its timeout is ended and a fresh one made. */
static void test_expired_on_lookup(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f;
	uint64_t id;

	(void)state;
	f = lookup(t, udp(C, 1, S, 2), 0, FLOW_TO_SERVER);
	id = f->flow_id;
	lookup(t, udp(S, 2, C, 1), 0, FLOW_TO_CLIENT);
	f = lookup(t, udp(S, 2, C, 1), 200 * SEC, FLOW_TO_SERVER); /* the new flow's first sender */
	assert_int_not_equal(f->flow_id, id);
	assert_int_equal(f->packets[FLOW_TO_SERVER], 1);
	assert_int_equal(f->packets[FLOW_TO_CLIENT], 0);
	assert_int_equal(t->counters.expired, 1);
	assert_int_equal(freed.last_id, id);
	flow_table_destroy(t);
}

static unsigned extra_calls;

static void count_extra(struct flow *f, void *arg)
{
	(void)f;
	(void)arg;
	extra_calls++;
}

static void test_expire_budget(void **state)
{
	struct flow_table *t = table_new(FLOW_PROBE_WINDOW, 0);
	unsigned total = 0, n;

	(void)state;
	for (uint16_t i = 0; i < 10; i++)
		lookup(t, udp(C, 1000 + i, S, 53), 0, FLOW_TO_SERVER);
	assert_int_equal(t->counters.active, 10);
	extra_calls = 0;
	assert_int_equal(flow_expire(t, 121 * SEC, 3, count_extra, NULL), 3);
	assert_int_equal(t->counters.active, 7);
	assert_int_equal(extra_calls, 3);
	assert_int_equal(freed.count, 3);
	for (int round = 0; round < 10 && (n = flow_expire(t, 121 * SEC, 3, NULL, NULL)); round++) {
		assert_true(n <= 3);
		total += n;
	}
	assert_int_equal(total, 7);
	assert_int_equal(t->counters.active, 0);
	assert_int_equal(flow_expire(t, 121 * SEC, 0, NULL, NULL), 0);
	flow_table_destroy(t);
}

/* A big table is swept a piece at a time: every flow goes within a few calls. */
static void test_expire_incremental(void **state)
{
	struct flow_table *t = table_new(4096, 0);
	unsigned calls = 0;

	(void)state;
	for (uint16_t i = 0; i < 100; i++)
		lookup(t, udp(C, 1000 + i, S, 53), 0, FLOW_TO_SERVER);
	while (t->counters.active > 0) {
		assert_true(flow_expire(t, 200 * SEC, 16, NULL, NULL) <= 16);
		assert_true(++calls <= 4096 / (16 * 8) + 1);
	}
	assert_int_equal(t->counters.expired, 100);
	flow_table_destroy(t);
}

static void test_eviction_when_full(void **state)
{
	/* capacity == window: every key probes the whole table */
	struct flow_table *t = table_new(FLOW_PROBE_WINDOW, 0);
	struct flow *oldest;
	enum flow_direction dir;
	struct packet extra = udp(C, 9999, S, 53);
	uint64_t oldest_id;

	(void)state;
	oldest = lookup(t, udp(C, 1000, S, 53), 0, FLOW_TO_SERVER);
	oldest_id = oldest->flow_id;
	for (uint16_t i = 1; i < FLOW_PROBE_WINDOW; i++)
		lookup(t, udp(C, 1000 + i, S, 53), i * MS, FLOW_TO_SERVER);
	assert_int_equal(t->counters.active, FLOW_PROBE_WINDOW);

	/* all seen within evict_idle (1 s): nothing may go */
	assert_null(flow_lookup(t, &extra, 500 * MS, &dir));
	assert_int_equal(t->counters.table_full, 1);
	assert_int_equal(t->counters.evicted, 0);

	/* later, the least recently seen one is evicted for the newcomer */
	assert_non_null(flow_lookup(t, &extra, 2 * SEC, &dir));
	assert_int_equal(t->counters.evicted, 1);
	assert_int_equal(freed.count, 1);
	assert_int_equal(freed.last_id, oldest_id);
	assert_int_equal(t->counters.active, FLOW_PROBE_WINDOW);
	/* the evicted flow comes back as a new flow, pushing out the next oldest */
	lookup(t, udp(C, 1000, S, 53), 2 * SEC, FLOW_TO_SERVER);
	assert_int_equal(t->counters.evicted, 2);
	assert_int_equal(t->counters.created, FLOW_PROBE_WINDOW + 2);

	/* an expired flow in a full window is counted expired, not evicted */
	lookup(t, udp(C, 7777, S, 53), 200 * SEC, FLOW_TO_SERVER);
	assert_int_equal(t->counters.evicted, 2);
	assert_int_equal(t->counters.expired, 1);
	flow_table_destroy(t);
}

static void test_flow_id(void **state)
{
	struct flow_table *t0 = table_new(1024, 0);
	struct flow_table *t3 = table_new(1024, 3);
	struct flow *a, *b, *c;
	uint64_t id;

	(void)state;
	a = lookup(t0, udp(C, 1, S, 2), 0, FLOW_TO_SERVER);
	id = a->flow_id;
	for (int i = 0; i < 5; i++)
		assert_int_equal(lookup(t0, udp(S, 2, C, 1), i * SEC, FLOW_TO_CLIENT)->flow_id, id);
	b = lookup(t0, udp(C, 3, S, 4), 0, FLOW_TO_SERVER);
	assert_int_not_equal(b->flow_id, id);
	c = lookup(t3, udp(C, 1, S, 2), 0, FLOW_TO_SERVER); /* same tuple on another worker */
	assert_int_not_equal(c->flow_id, id);
	/* the worker and the sequence go into the id: the first flow of each table */
	assert_true(id == flow_id_of(TEST_ID_KEY, 0, 1));
	assert_true(c->flow_id == flow_id_of(TEST_ID_KEY, 3, 1));
	assert_true(id != 0 && c->flow_id < (1ull << FLOW_ID_BITS));
	flow_table_destroy(t0);
	flow_table_destroy(t3);
}

static void test_reuse_after_close(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f;
	uint64_t id;

	(void)state;
	f = lookup(t, tcp(C, 5, S, 80, SYN), 0, FLOW_TO_SERVER);
	id = f->flow_id;
	lookup(t, tcp(S, 80, C, 5, RST | ACK), 0, FLOW_TO_CLIENT);
	f = lookup(t, tcp(C, 5, S, 80, SYN), 1 * SEC, FLOW_TO_SERVER);
	assert_int_not_equal(f->flow_id, id);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN_SENT);
	assert_int_equal(t->counters.reused, 1);
	assert_int_equal(t->counters.active, 1);
	assert_int_equal(freed.last_id, id);
	flow_table_destroy(t);
}

static void test_flowbits_and_user_zeroed(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	struct flow *f;

	(void)state;
	f = lookup(t, udp(C, 1, S, 2), 0, FLOW_TO_SERVER);
	flow_bit_set(f, 0);
	flow_bit_set(f, 1023);
	assert_true(flow_bit_is_set(f, 1023));
	flow_bit_clear(f, 1023);
	assert_false(flow_bit_is_set(f, 1023));
	f->scan_stream[0] = f;
	f->pipeline_flags = 7;
	flow_expire(t, 1000 * SEC, 1000, NULL, NULL);
	f = lookup(t, udp(C, 1, S, 2), 1000 * SEC, FLOW_TO_SERVER);
	assert_false(flow_bit_is_set(f, 0));
	assert_null(f->scan_stream[0]);
	assert_int_equal(f->pipeline_flags, 0);
	flow_table_destroy(t);
}

static void ignore_data(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
	(void)arg;
	(void)data;
	(void)len;
	(void)offset;
}

/* A flow that goes gives its held stream chunks back to the table's pool. */
/*
 * Target-based reassembly: each direction of a new TCP flow takes the
 * policy of its receiver from the host table (the server's for what the
 * client sends), whichever side is seen first; other flows take none.
 */
static void test_host_os_receivers(void **state)
{
	static struct host_os_table hosts;
	struct host_os_prefix server = {.addr = {10, 0, 0, 1}, .len = 32, .ip_version = 4};
	struct host_os_prefix client = {.addr = {10, 0, 0, 9}, .len = 32, .ip_version = 4};
	char why[64];

	(void)state;
	server.kind = HOST_OS_STACK;
	server.value = STREAM_OVERLAP_WINDOWS;
	client.kind = HOST_OS_URGENT;
	client.value = STREAM_URGENT_INLINE;
	assert_int_equal(host_os_add(&hosts, &server, why, sizeof(why)), 0);
	assert_int_equal(host_os_add(&hosts, &client, why, sizeof(why)), 0);
	struct flow_config c = {.capacity = 64, .hash_seed = 1, .host_os = &hosts};
	struct flow_table *t = flow_table_create(&c);
	assert_non_null(t);

	/* SYN first, then the SYN-ACK first: the same receivers either way */
	struct flow *f = lookup(t, tcp(C, 40000, S, 80, SYN), SEC, FLOW_TO_SERVER);
	struct flow *g = lookup(t, tcp(S, 443, C, 40001, SYN | ACK), SEC, FLOW_TO_CLIENT);
	for (unsigned i = 0; i < 2; i++) {
		struct flow *h = i ? g : f;
		assert_int_equal(h->stream[FLOW_TO_SERVER].overlap, STREAM_OVERLAP_WINDOWS);
		assert_int_equal(h->urgent[FLOW_TO_SERVER], STREAM_URGENT_OOB);
		assert_int_equal(h->stream[FLOW_TO_CLIENT].overlap, STREAM_OVERLAP_LINUX);
		assert_int_equal(h->urgent[FLOW_TO_CLIENT], STREAM_URGENT_INLINE);
	}
	/* starting the stream keeps the policy */
	stream_insert(&f->stream[FLOW_TO_SERVER], t->streams, 7, NULL, 0, SYN, NULL, NULL);
	assert_int_equal(f->stream[FLOW_TO_SERVER].overlap, STREAM_OVERLAP_WINDOWS);
	/* a flow the table says nothing of, and UDP */
	f = lookup(t, tcp("10.0.0.7", 40000, "10.0.0.8", 80, SYN), SEC, FLOW_TO_SERVER);
	assert_int_equal(f->stream[FLOW_TO_SERVER].overlap, STREAM_OVERLAP_LINUX);
	assert_int_equal(f->urgent[FLOW_TO_SERVER], STREAM_URGENT_OOB);
	f = lookup(t, udp(C, 5000, S, 53), SEC, FLOW_TO_SERVER);
	assert_int_equal(f->stream[FLOW_TO_SERVER].overlap, STREAM_OVERLAP_FIRST);
	flow_table_destroy(t);
}

static void test_streams_released(void **state)
{
	struct flow_table *t = table_new(1024, 0);
	uint32_t all = stream_pool_available(t->streams);
	enum flow_direction dir;
	struct packet p = tcp(C, 5, S, 80, ACK);
	struct flow *f;

	(void)state;
	f = flow_lookup(t, &p, 0, &dir);
	stream_insert(&f->stream[dir], t->streams, 100, NULL, 0, ACK, ignore_data, NULL);
	stream_insert(&f->stream[dir], t->streams, 200, (const uint8_t *)"later", 5, ACK,
		      ignore_data, NULL);
	assert_int_equal(stream_pool_available(t->streams), all - 1);
	assert_int_equal(flow_expire(t, 31 * SEC, 1000, NULL, NULL), 1);
	assert_int_equal(stream_pool_available(t->streams), all);
	flow_table_destroy(t);
}

static void test_destroy_frees_all(void **state)
{
	struct flow_table *t = table_new(1024, 0);

	(void)state;
	for (uint16_t i = 0; i < 50; i++)
		lookup(t, udp(C, i + 1, S, 53), 0, FLOW_TO_SERVER);
	flow_table_destroy(t);
	assert_int_equal(freed.count, 50);
	flow_table_destroy(NULL);
	assert_string_equal(flow_counter_name[0], "flow_created");
}

/* ---- records of ended flows (the flow dump) ----------------------------- */

struct seen_records {
	struct flow_record r[8];
	unsigned n;
};

static void keep_record(const struct flow_record *r, void *arg)
{
	struct seen_records *seen = arg;

	if (seen->n < 8)
		seen->r[seen->n] = *r;
	seen->n++;
}

/*
 * With records on, a flow that ends leaves its key, client side, packets
 * and bytes per direction and the reason behind; flows still in the table
 * are listed after as live; a full record counts what it could not keep.
 */
static void test_records(void **state)
{
	struct flow_config c = {.capacity = 1024,
				.worker_index = 3,
				.hash_seed = 7,
				.id_key = TEST_ID_KEY,
				.records = 2};
	struct flow_table *t = flow_table_create(&c);
	struct seen_records seen = {0};
	uint64_t lost = 99;

	(void)state;
	assert_non_null(t);
	lookup(t, tcp(C, 5, S, 80, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 80, C, 5, RST | ACK), 0, FLOW_TO_CLIENT);
	lookup(t, tcp(C, 5, S, 80, SYN), 1 * SEC, FLOW_TO_SERVER); /* reuses the reset tuple */
	lookup(t, udp(C, 7, S, 53), 0, FLOW_TO_SERVER);
	/* the new SYN and the UDP flow time out: the record has room for one */
	assert_int_equal(flow_expire(t, 1000 * SEC, 1024, NULL, NULL), 2);
	lookup(t, udp(C, 8, S, 53), 1000 * SEC, FLOW_TO_SERVER);
	flow_table_records(t, keep_record, &seen, &lost);
	assert_int_equal(seen.n, 3);
	assert_int_equal(lost, 1);
	const struct flow_record *r = &seen.r[0];
	assert_int_equal(r->end, FLOW_END_REUSED);
	assert_int_equal(r->tcp_state, FLOW_TCP_RESET);
	assert_int_equal(r->packets[FLOW_TO_SERVER], 1);
	assert_int_equal(r->packets[FLOW_TO_CLIENT], 1);
	assert_int_equal(r->bytes[FLOW_TO_CLIENT], 100);
	assert_int_equal(r->key.port[r->client_side], 5);
	assert_int_equal(r->key.port[r->client_side ^ 1], 80);
	assert_true(r->flow_id == flow_id_of(TEST_ID_KEY, 3, 1));
	assert_int_equal(seen.r[1].end, FLOW_END_TIMEOUT);
	assert_int_equal(seen.r[2].end, FLOW_END_LIVE);
	assert_int_equal(seen.r[2].key.port[seen.r[2].client_side], 8);
	assert_string_equal(flow_end_name[FLOW_END_SHUTDOWN], "shutdown");
	assert_string_equal(flow_tcp_state_name[FLOW_TCP_ESTABLISHED], "established");
	flow_table_destroy(t);
}

/*
 * After a fail-open bypass every flow is forgotten (on_free for each,
 * counted), and the next packet of a connection starts a new flow.
 */
static void test_forget_all(void **state)
{
	struct flow_table *t = table_new(1024, 0);

	(void)state;
	for (uint16_t i = 0; i < 20; i++)
		lookup(t, udp(C, i + 1, S, 53), 0, FLOW_TO_SERVER);
	struct flow *f = lookup(t, tcp(C, 40000, S, 80, SYN), 0, FLOW_TO_SERVER);
	uint64_t old_id = f->flow_id;
	assert_int_equal(flow_table_forget(t), 21);
	assert_int_equal(freed.count, 21);
	assert_int_equal(t->counters.active, 0);
	assert_int_equal(t->counters.forgotten, 21);
	f = lookup(t, tcp(C, 40000, S, 80, ACK), 1 * SEC, FLOW_TO_SERVER);
	assert_true(f->flow_id != old_id);
	assert_int_equal(t->counters.active, 1);
	assert_int_equal(flow_table_forget(t), 1);
	assert_int_equal(flow_table_forget(t), 0); /* an empty table: nothing */
	assert_int_equal(t->counters.forgotten, 22);
	flow_table_destroy(t);
	assert_int_equal(freed.count, 22); /* nothing left to free twice */
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Whether two sorted arrays share a value. */
static bool sorted_overlap(const uint64_t *a, const uint64_t *b, size_t n)
{
	for (size_t i = 0, j = 0; i < n && j < n;) {
		if (a[i] == b[j])
			return true;
		if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return false;
}

#define IDS_PER_WORKER 50000
#define IDS_WORKERS    4

/* The ids of one run (key): IDS_WORKERS workers, IDS_PER_WORKER flows each, sorted. */
static uint64_t *ids_of_run(uint64_t key)
{
	size_t n = IDS_PER_WORKER * IDS_WORKERS;
	uint64_t *ids = malloc(n * sizeof(*ids));
	assert_non_null(ids);
	for (unsigned w = 0; w < IDS_WORKERS; w++)
		for (uint64_t s = 1; s <= IDS_PER_WORKER; s++)
			ids[w * IDS_PER_WORKER + s - 1] = flow_id_of(key, w, s);
	qsort(ids, n, sizeof(*ids), compare_u64);
	return ids;
}

/*
 * flow_id across runs: within a run every id differs (workers and
 * sequences), none is 0 and all lie below 2^53; two appliances (another
 * [board] name) and two runs of one appliance (another nonce) over the same
 * traffic never share an id; the key depends on the name and the nonce only.
 */
static void test_flow_id_across_runs(void **state)
{
	(void)state;
	size_t n = IDS_PER_WORKER * IDS_WORKERS;
	uint64_t *a = ids_of_run(flow_id_key("edge-a", 42));
	uint64_t *b = ids_of_run(flow_id_key("edge-b", 42));
	uint64_t *again = ids_of_run(flow_id_key("edge-a", 43));
	assert_true(a[0] > 0 && a[n - 1] < (1ull << FLOW_ID_BITS));
	assert_true(b[0] > 0 && b[n - 1] < (1ull << FLOW_ID_BITS));
	for (size_t i = 1; i < n; i++) {
		assert_true(a[i] != a[i - 1]);
		assert_true(b[i] != b[i - 1]);
	}
	assert_false(sorted_overlap(a, b, n));
	assert_false(sorted_overlap(a, again, n));
	assert_true(flow_id_key("edge-a", 42) == flow_id_key("edge-a", 42));
	assert_true(flow_id_key("edge-a", 42) != flow_id_key("edge-b", 42));
	assert_true(flow_id_key("edge-a", 42) != flow_id_key("edge-a", 43));
	/* not in creation order: a SIEM cannot count an appliance's flows from them */
	assert_true(flow_id_of(7, 0, 2) != flow_id_of(7, 0, 1) + 1);
	free(a);
	free(b);
	free(again);
}

/*
 * Every way a flow ends reaches on_free with its reason in end_reason
 * (the flow record's "reason"): timeout (at lookup and by flow_expire),
 * reused, evicted, forgotten, and shutdown for what is still in the table
 * (flow_table_shutdown, a batch at a time, then nothing left to destroy).
 */
static void test_end_reasons(void **state)
{
	(void)state;
	struct flow_table *t = table_new(FLOW_PROBE_WINDOW, 0);
	/* reused: a new SYN on a reset connection */
	lookup(t, tcp(C, 5, S, 80, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 80, C, 5, RST | ACK), 0, FLOW_TO_CLIENT);
	lookup(t, tcp(C, 5, S, 80, SYN), 1 * SEC, FLOW_TO_SERVER);
	assert_int_equal(freed.by_reason[FLOW_END_REUSED], 1);
	/* timeout, by expiry */
	lookup(t, udp(C, 7, S, 53), 1 * SEC, FLOW_TO_SERVER);
	assert_int_equal(flow_expire(t, 200 * SEC, 1024, NULL, NULL), 2);
	assert_int_equal(freed.by_reason[FLOW_END_TIMEOUT], 2);
	/* evicted: the one window of a table of 16 slots full of idle flows */
	for (uint16_t i = 0; i < FLOW_PROBE_WINDOW; i++)
		lookup(t, udp(C, 1000 + i, S, 53), 300 * SEC, FLOW_TO_SERVER);
	lookup(t, udp(C, 999, S, 53), 302 * SEC, FLOW_TO_SERVER);
	assert_int_equal(freed.by_reason[FLOW_END_EVICTED], 1);
	/* forgotten */
	assert_int_equal(flow_table_forget(t), FLOW_PROBE_WINDOW);
	assert_int_equal(freed.by_reason[FLOW_END_FORGOTTEN], FLOW_PROBE_WINDOW);
	/* shutdown, in batches */
	for (uint16_t i = 0; i < 5; i++)
		lookup(t, udp(C, 2000 + i, S, 53), 400 * SEC, FLOW_TO_SERVER);
	assert_int_equal(flow_table_shutdown(t, 3), 3);
	assert_int_equal(flow_table_shutdown(t, 3), 2);
	assert_int_equal(flow_table_shutdown(t, 3), 0);
	assert_int_equal(freed.by_reason[FLOW_END_SHUTDOWN], 5);
	unsigned before = freed.count;
	flow_table_destroy(t);
	assert_int_equal(freed.count, before);
}

/* TCP flags of accepted segments are kept per direction (the flow record's tcp object). */
static void test_tcp_flags_per_direction(void **state)
{
	(void)state;
	struct flow_table *t = table_new(1024, 0);
	struct flow *f = lookup(t, tcp(C, 5, S, 80, SYN), 0, FLOW_TO_SERVER);
	lookup(t, tcp(S, 80, C, 5, SYN | ACK), 0, FLOW_TO_CLIENT);
	lookup(t, tcp(C, 5, S, 80, FIN | ACK), 0, FLOW_TO_SERVER);
	assert_int_equal(f->tcp_flags[FLOW_TO_SERVER], SYN | FIN | ACK);
	assert_int_equal(f->tcp_flags[FLOW_TO_CLIENT], SYN | ACK);
	flow_table_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_handshake_syn_first),
	    cmocka_unit_test(test_tcp_syn_ack_first),
	    cmocka_unit_test(test_tcp_midstream),
	    cmocka_unit_test(test_tcp_midstream_server_by_port),
	    cmocka_unit_test(test_tcp_async_oneside),
	    cmocka_unit_test(test_tcp_fin_and_rst),
	    cmocka_unit_test(test_udp_directions),
	    cmocka_unit_test(test_same_address_both_sides),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_vlan_separation),
	    cmocka_unit_test(test_no_flow),
	    cmocka_unit_test(test_decoded_frame),
	    cmocka_unit_test(test_timeouts_per_state),
	    cmocka_unit_test(test_timeout_defaults),
	    cmocka_unit_test(test_expired_on_lookup),
	    cmocka_unit_test(test_expire_budget),
	    cmocka_unit_test(test_expire_incremental),
	    cmocka_unit_test(test_eviction_when_full),
	    cmocka_unit_test(test_flow_id),
	    cmocka_unit_test(test_reuse_after_close),
	    cmocka_unit_test(test_flowbits_and_user_zeroed),
	    cmocka_unit_test(test_host_os_receivers),
	    cmocka_unit_test(test_streams_released),
	    cmocka_unit_test(test_destroy_frees_all),
	    cmocka_unit_test(test_records),
	    cmocka_unit_test(test_forget_all),
	    cmocka_unit_test(test_flow_id_across_runs),
	    cmocka_unit_test(test_end_reasons),
	    cmocka_unit_test(test_tcp_flags_per_direction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
