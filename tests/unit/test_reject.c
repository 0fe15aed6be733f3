/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for reject frames (dataplane/action/reject.c) and the outer
 * header blocks they go in inside a tunnel (dataplane/action/encap.c):
 * a GENEVE and a VXLAN packet (GWLB's headers, built byte by byte here)
 * are decoded and peeled, their rejects built as the pipeline builds them
 * (this packet's block toward the receiver, the other direction's toward
 * the sender, both turned for the way back), and the bytes checked: outer
 * addresses swapped, GENEVE options and UDP ports byte for byte, VXLAN
 * onto the other tunnel, outer lengths and checksums right for the new
 * inner packet, the inner RST's addresses, ports, sequence number, flags
 * and checksums. Also: a plain packet's RSTs, a tunnel packet without
 * outer blocks gets none (a bare frame would reach neither end), and a
 * block longer than ENCAP_OUTER_MAX is not kept. Mbufs need the EAL: it
 * starts once, without hugepages or PCI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dataplane/action/encap.h"
#include "dataplane/action/reject.h"
#include "dataplane/decode/decode.h"

static struct rte_mempool *pool;

static const struct decode_tunnels tunnels = {
    .geneve_port = 6081,
    .vxlan_count = 2,
    .vxlan = {{.port = 10800, .vni = 800, .peer = 1}, {.port = 10801, .vni = 801, .peer = 0}},
};

static const uint8_t gwlb_mac[6] = {2, 0, 0, 0, 0x0a, 1}, nva_mac[6] = {2, 0, 0, 0, 0x0a, 0x0a};
static const uint8_t client_mac[6] = {2, 0, 0, 0, 1, 1}, server_mac[6] = {2, 0, 0, 0, 2, 2};
static const uint8_t gwlb_ip[4] = {10, 80, 0, 1}, nva_ip[4] = {10, 80, 0, 10};
static const uint8_t client_ip[4] = {192, 168, 1, 5}, server_ip[4] = {172, 16, 0, 9};
static const char request[] = "GET /etc/passwd HTTP/1.1\r\n\r\n";
#define REQUEST_LEN	(sizeof(request) - 1)
#define CLIENT_SEQ	1001u
#define SERVER_SEQ	7001u
#define GENEVE_OPTS_LEN 32 /* AWS's three options */

/* ---- frames, byte by byte ---- */

struct frame {
	uint8_t b[512];
	uint32_t len;
};

static uint8_t *grow(struct frame *f, uint32_t n)
{
	assert_true(f->len + n <= sizeof(f->b));
	uint8_t *at = f->b + f->len;
	memset(at, 0, n);
	f->len += n;
	return at;
}

static void be16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8), b[1] = (uint8_t)v;
}

static void be32(uint8_t *b, uint32_t v)
{
	be16(b, v >> 16), be16(b + 2, v);
}

static uint32_t get16(const uint8_t *b)
{
	return (uint32_t)b[0] << 8 | b[1];
}

static uint32_t get32(const uint8_t *b)
{
	return get16(b) << 16 | get16(b + 2);
}

static void ether(struct frame *f, const uint8_t *src, const uint8_t *dst)
{
	uint8_t *e = grow(f, 14);
	memcpy(e, dst, 6);
	memcpy(e + 6, src, 6);
	be16(e + 12, 0x0800);
}

/* An IPv4 header; its total length and checksum are set by ip_finish(). */
static uint32_t ipv4(struct frame *f, uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	uint32_t at = f->len;
	uint8_t *ip = grow(f, 20);
	ip[0] = 0x45, ip[8] = 64, ip[9] = proto;
	be16(ip + 4, 0x1234);
	be16(ip + 6, 0x4000); /* DF */
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	return at;
}

static void ip_finish(struct frame *f, uint32_t at)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f->b + at);
	be16((uint8_t *)&ip->total_length, f->len - at);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* The outer Ethernet, IPv4 (at 14) and UDP (at 34) from the balancer; lengths by outer_finish(). */
static void outer(struct frame *f, uint16_t sport, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	ether(f, gwlb_mac, nva_mac);
	ipv4(f, 17, gwlb_ip, nva_ip);
	uint8_t *udp = grow(f, 8);
	be16(udp, sport), be16(udp + 2, dport);
	be16(udp + 6, 0xbeef); /* any checksum: a kept block's is not trusted */
}

static void outer_finish(struct frame *f)
{
	be16(f->b + 38, f->len - 34);
	ip_finish(f, 14);
}

/* The inner IPv4/TCP segment, from the client (the request) or the server (an ACK). */
static void inner_tcp(struct frame *f, bool from_client)
{
	const uint8_t *src = from_client ? client_ip : server_ip;
	const uint8_t *dst = from_client ? server_ip : client_ip;
	uint32_t ip = ipv4(f, 6, src, dst);
	uint8_t *tcp = grow(f, 20);
	be16(tcp, from_client ? 41000 : 80), be16(tcp + 2, from_client ? 80 : 41000);
	be32(tcp + 4, from_client ? CLIENT_SEQ : SERVER_SEQ);
	be32(tcp + 8, from_client ? SERVER_SEQ : CLIENT_SEQ);
	tcp[12] = 5 << 4, tcp[13] = 0x18; /* PSH ACK */
	be16(tcp + 14, 512);
	if (from_client)
		memcpy(grow(f, REQUEST_LEN), request, REQUEST_LEN);
	ip_finish(f, ip);
}

/* A GWLB GENEVE frame: the AWS options (endpoint, attachment, cookie) and the bare inner packet. */
static void geneve_frame(struct frame *f, bool from_client, uint32_t cookie)
{
	outer(f, from_client ? 33000 : 33001, 6081);
	uint8_t *g = grow(f, 8 + GENEVE_OPTS_LEN);
	g[0] = GENEVE_OPTS_LEN / 4;
	be16(g + 2, 0x0800);
	uint8_t *o = g + 8;
	be16(o, 0x0108), o[2] = 1, o[3] = 2, be32(o + 4, 0x01234567), be32(o + 8, 0x89abcdef);
	be16(o + 12, 0x0108), o[14] = 2, o[15] = 2, be32(o + 16, 0x11112222),
			      be32(o + 20, 0x33334444);
	be16(o + 24, 0x0108), o[26] = 3, o[27] = 1, be32(o + 28, cookie);
	inner_tcp(f, from_client);
	outer_finish(f);
}

/* An Azure VXLAN frame: client to server on the external tunnel, answers on the internal one. */
static void vxlan_frame(struct frame *f, bool from_client)
{
	outer(f, from_client ? 40001 : 40002, from_client ? 10800 : 10801);
	uint8_t *v = grow(f, 8);
	v[0] = 0x08;
	be32(v + 4, (from_client ? 800u : 801u) << 8);
	ether(f, from_client ? client_mac : server_mac, from_client ? server_mac : client_mac);
	inner_tcp(f, from_client);
	outer_finish(f);
}

static void decode_tunnelled(struct packet *p, const struct frame *f)
{
	assert_int_equal(decode_packet(p, f->b, f->len), DECODE_OK);
	assert_int_equal(decode_tunnel(p, &tunnels), DECODE_OK);
	assert_true(p->flags & PACKET_TUNNEL);
}

/*
 * The rejects of the client's request p (frame f), as the pipeline builds
 * them: toward the server in f's own block, toward the client in the
 * server's (frame other), both turned for the way back.
 */
static void build_rejects(const struct packet *p, const struct frame *f, const struct frame *other,
			  struct rte_mbuf **to_client, struct rte_mbuf **to_server)
{
	struct packet q;
	struct encap_outer back, forth;
	decode_tunnelled(&q, other);
	assert_true(encap_outer_keep(&back, 42, other->b, &q.tunnel));
	assert_true(encap_outer_keep(&forth, 42, f->b, &p->tunnel));
	encap_outer_turn(&back, &tunnels);
	encap_outer_turn(&forth, &tunnels);
	reject_build(p, &(struct reject_outer){&back, &forth}, pool, to_client, to_server);
	assert_non_null(*to_client);
	assert_non_null(*to_server);
}

/* ---- checks ---- */

/*
 * The outer headers of frame m (len bytes) are those of received, turned:
 * Ethernet and IPv4 addresses swapped, total length, header checksum and
 * UDP length right, UDP checksum 0; the rest of the IPv4 and UDP headers
 * (UDP ports included) as received, except the destination port given.
 */
static void assert_outer(const uint8_t *m, uint32_t len, const struct frame *received,
			 uint16_t dport)
{
	const uint8_t *r = received->b;
	assert_memory_equal(m, r + 6, 6);
	assert_memory_equal(m + 6, r, 6);
	assert_memory_equal(m + 12, r + 12, 2);
	const uint8_t *ip = m + 14;
	assert_int_equal(get16(ip + 2), len - 14);
	assert_memory_equal(ip + 4, r + 18, 6); /* id, flags, ttl, protocol */
	assert_memory_equal(ip + 12, nva_ip, 4);
	assert_memory_equal(ip + 16, gwlb_ip, 4);
	assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip), 0);
	const uint8_t *udp = m + 34;
	assert_memory_equal(udp, r + 34, 2);
	assert_int_equal(get16(udp + 2), dport);
	assert_int_equal(get16(udp + 4), len - 34);
	assert_int_equal(get16(udp + 6), 0);
}

/* The inner IPv4/TCP RST at ip: toward the client (seq: the request's ACK) or the server. */
static void assert_inner_rst(const uint8_t *ip, bool to_client)
{
	const uint8_t *src = to_client ? server_ip : client_ip;
	const uint8_t *dst = to_client ? client_ip : server_ip;
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(get16(ip + 2), 40);
	assert_int_equal(ip[9], 6);
	assert_memory_equal(ip + 12, src, 4);
	assert_memory_equal(ip + 16, dst, 4);
	const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;
	assert_int_equal(rte_ipv4_cksum(h), 0);
	const uint8_t *tcp = ip + 20;
	assert_int_equal(get16(tcp), to_client ? 80 : 41000);
	assert_int_equal(get16(tcp + 2), to_client ? 41000 : 80);
	/* toward the server, the dropped request's own number: the server's next expected */
	assert_int_equal(get32(tcp + 4), to_client ? SERVER_SEQ : CLIENT_SEQ);
	assert_int_equal(tcp[13], 0x04); /* RST alone: the request carried an ACK */
	uint8_t again[20];
	memcpy(again, tcp, 20);
	again[16] = again[17] = 0;
	uint16_t sum = rte_ipv4_udptcp_cksum(h, again);
	assert_memory_equal(tcp + 16, &sum, 2);
}

/* ---- tests ---- */

/*
 * GENEVE: each RST in the header of the way it goes; the options byte for
 * byte (the server's cookie toward the client, the client's toward the
 * server), the inner packet bare IP.
 */
static void test_geneve_rejects(void **state)
{
	(void)state;
	struct frame f, other;
	struct packet p;
	struct rte_mbuf *to_client, *to_server;
	geneve_frame(&f, true, 0xc11e0001);
	geneve_frame(&other, false, 0x5e7e0002);
	decode_tunnelled(&p, &f);
	build_rejects(&p, &f, &other, &to_client, &to_server);
	const uint32_t outer_len = 14 + 20 + 8 + 8 + GENEVE_OPTS_LEN;

	const uint8_t *m = rte_pktmbuf_mtod(to_server, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(to_server), outer_len + 40);
	assert_outer(m, outer_len + 40, &f, 6081);
	assert_memory_equal(m + 42, f.b + 42, 8 + GENEVE_OPTS_LEN);
	assert_inner_rst(m + outer_len, false);

	m = rte_pktmbuf_mtod(to_client, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(to_client), outer_len + 40);
	assert_outer(m, outer_len + 40, &other, 6081);
	assert_memory_equal(m + 42, other.b + 42, 8 + GENEVE_OPTS_LEN);
	assert_int_equal(get32(m + 42 + 8 + 28), 0x5e7e0002);
	assert_inner_rst(m + outer_len, true);
	rte_pktmbuf_free(to_client);
	rte_pktmbuf_free(to_server);
}

/*
 * VXLAN: toward the server on the internal tunnel (as the request would
 * leave), toward the client on the external one (as the answers leave);
 * the inner Ethernet kept, its MACs swapped toward the client.
 */
static void test_vxlan_rejects(void **state)
{
	(void)state;
	struct frame f, other;
	struct packet p;
	struct rte_mbuf *to_client, *to_server;
	vxlan_frame(&f, true);
	vxlan_frame(&other, false);
	decode_tunnelled(&p, &f);
	build_rejects(&p, &f, &other, &to_client, &to_server);
	const uint32_t len = 14 + 20 + 8 + 8 + 14 + 40;

	const uint8_t *m = rte_pktmbuf_mtod(to_server, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(to_server), len);
	assert_outer(m, len, &f, 10801);
	assert_int_equal(m[42], 0x08);
	assert_int_equal(get32(m + 46) >> 8, 801);
	assert_memory_equal(m + 50, f.b + 50, 14); /* inner Ethernet as received */
	assert_inner_rst(m + 64, false);

	m = rte_pktmbuf_mtod(to_client, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(to_client), len);
	assert_outer(m, len, &other, 10800);
	assert_int_equal(get32(m + 46) >> 8, 800);
	assert_memory_equal(m + 50, client_mac, 6);
	assert_memory_equal(m + 56, server_mac, 6);
	assert_inner_rst(m + 64, true);
	rte_pktmbuf_free(to_client);
	rte_pktmbuf_free(to_server);
}

/* The other direction unseen: this packet's own block, turned without the tunnel move. */
static void test_vxlan_fallback_keeps_tunnel(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	struct encap_outer o;
	vxlan_frame(&f, true);
	decode_tunnelled(&p, &f);
	assert_true(encap_outer_keep(&o, 7, f.b, &p.tunnel));
	assert_int_equal(o.len, 50);
	encap_outer_turn(&o, NULL);
	assert_memory_equal(o.bytes + 26, nva_ip, 4);
	assert_memory_equal(o.bytes + 30, gwlb_ip, 4);
	assert_int_equal(get16(o.bytes + 36), 10800);
	assert_int_equal(get32(o.bytes + 46) >> 8, 800);
}

/* A packet from a tunnel gets no reject without outer blocks: a bare frame reaches neither end. */
static void test_tunnel_without_outer(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	struct rte_mbuf *a, *b;
	geneve_frame(&f, true, 1);
	decode_tunnelled(&p, &f);
	reject_build(&p, NULL, pool, &a, &b);
	assert_null(a);
	assert_null(b);
}

/* Outside tunnels nothing changed: the frame's own layer 2, MACs swapped toward the sender. */
static void test_plain_rejects(void **state)
{
	(void)state;
	struct frame f = {.len = 0};
	struct packet p;
	struct rte_mbuf *to_client, *to_server;
	ether(&f, client_mac, server_mac);
	inner_tcp(&f, true);
	assert_int_equal(decode_packet(&p, f.b, f.len), DECODE_OK);
	reject_build(&p, NULL, pool, &to_client, &to_server);
	assert_non_null(to_client);
	assert_non_null(to_server);
	const uint8_t *m = rte_pktmbuf_mtod(to_client, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(to_client), 54);
	assert_memory_equal(m, client_mac, 6);
	assert_inner_rst(m + 14, true);
	m = rte_pktmbuf_mtod(to_server, const uint8_t *);
	assert_memory_equal(m, server_mac, 6);
	assert_inner_rst(m + 14, false);
	rte_pktmbuf_free(to_client);
	rte_pktmbuf_free(to_server);
}

/* A block past ENCAP_OUTER_MAX (long GENEVE options) is not kept. */
static void test_outer_too_long(void **state)
{
	(void)state;
	struct frame f;
	struct packet p;
	struct encap_outer o;
	outer(&f, 33000, 6081);
	uint8_t *g = grow(&f, 8 + 80);
	g[0] = 80 / 4;
	be16(g + 2, 0x0800);
	be16(g + 8, 0xffff), g[11] = 76 / 4; /* one option of another class, 76 bytes */
	inner_tcp(&f, true);
	outer_finish(&f);
	decode_tunnelled(&p, &f);
	assert_false(encap_outer_keep(&o, 1, f.b, &p.tunnel));
	assert_int_equal(o.len, 0);
}

int main(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=test-reject-%d", (int)getpid());
	char *eal[] = {"test_reject", "-l",    "0",    "--no-huge",
		       "--no-pci",    "-m",    "128",  "--no-telemetry",
		       "--log-level", "error", prefix, NULL};
	if (rte_eal_init(11, eal) < 0) {
		fprintf(stderr, "test_reject: cannot start the EAL\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("test_reject", 64, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!pool) {
		fprintf(stderr, "test_reject: cannot create the mbuf pool\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_geneve_rejects),
	    cmocka_unit_test(test_vxlan_rejects),
	    cmocka_unit_test(test_vxlan_fallback_keeps_tunnel),
	    cmocka_unit_test(test_tunnel_without_outer),
	    cmocka_unit_test(test_plain_rejects),
	    cmocka_unit_test(test_outer_too_long),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return failed;
}
