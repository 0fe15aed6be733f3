/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reject frames (see reject.h). Sequence numbers follow RFC 793's rules for
 * a RST to be accepted: toward the sender, seq is the sender's own ACK
 * value (what it expects from its peer), or the RST carries an ACK of
 * everything it sent when the packet had no ACK (a SYN); toward the
 * receiver, seq is this segment's own: the segment is dropped, so the
 * receiver's next expected byte is its first, and a Linux receiver takes
 * a RST only at exactly that number (RFC 5961; anything else in the
 * window earns a challenge ACK and the connection stays).
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dataplane/action/reject.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

/*
 * What comes before the IP header: p's layer 2, or in a tunnel the outer
 * block o and then the inner layer 2; MACs swapped toward the sender.
 */
static uint32_t reject_head_len(const struct packet *p, const struct encap_outer *o)
{
	return o ? o->len + p->l3_offset - p->tunnel.inner_offset : p->l3_offset;
}

/* Write the head (see reject_head_len()) at f; returns the IP header. */
static uint8_t *reject_head(uint8_t *f, const struct packet *p, const struct encap_outer *o,
			    bool to_sender)
{
	uint32_t from = 0;
	if (o) {
		memcpy(f, o->bytes, o->len);
		f += o->len;
		from = p->tunnel.inner_offset;
	}
	uint32_t l2_len = p->l3_offset - from;
	memcpy(f, p->data + from, l2_len);
	if (to_sender && l2_len >= 12) {
		memcpy(f, p->data + from + 6, 6);
		memcpy(f + 6, p->data + from, 6);
	}
	return f + l2_len;
}

/* An mbuf of len bytes from pool, or NULL. */
static uint8_t *reject_alloc(struct rte_mempool *pool, uint32_t len, struct rte_mbuf **m)
{
	*m = rte_pktmbuf_alloc(pool);
	if (!*m)
		return NULL;
	uint8_t *f = (uint8_t *)rte_pktmbuf_append(*m, (uint16_t)len);
	if (!f) {
		rte_pktmbuf_free(*m);
		*m = NULL;
	}
	return f;
}

/* An IP header carrying l4_len bytes of proto; returns the L4 header. */
static uint8_t *reject_ip(uint8_t *ip, const struct packet *p, bool to_sender, uint8_t proto,
			  uint16_t l4_len)
{
	const uint8_t *src = to_sender ? p->dst_addr : p->src_addr;
	const uint8_t *dst = to_sender ? p->src_addr : p->dst_addr;
	if (p->ip_version == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + l4_len));
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		return ip + 20;
	}
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, l4_len);
	ip[6] = proto;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return ip + 40;
}

static void reject_checksums(uint8_t *ip, uint8_t *l4, int version, unsigned checksum_at)
{
	if (version == 4) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
		h->hdr_checksum = 0;
		h->hdr_checksum = rte_ipv4_cksum(h);
		if (checksum_at)
			memcpy(l4 + checksum_at, &(uint16_t){rte_ipv4_udptcp_cksum(h, l4)}, 2);
	} else {
		memcpy(l4 + checksum_at,
		       &(uint16_t){rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)ip, l4)}, 2);
	}
}

static struct rte_mbuf *reject_tcp(const struct packet *p, const struct encap_outer *o,
				   struct rte_mempool *pool, bool to_sender)
{
	unsigned ip_len = p->ip_version == 4 ? 20 : 40;
	uint32_t len = reject_head_len(p, o) + ip_len + 20;
	struct rte_mbuf *m;
	uint8_t *f = reject_alloc(pool, len, &m);
	if (!f)
		return NULL;
	uint8_t *ip = reject_head(f, p, o, to_sender);
	uint8_t *tcp = reject_ip(ip, p, to_sender, 6, 20);
	uint32_t advance = p->payload_len + !!(p->tcp_flags & TCP_SYN) + !!(p->tcp_flags & TCP_FIN);
	memset(tcp, 0, 20);
	put16(tcp, to_sender ? p->dst_port : p->src_port);
	put16(tcp + 2, to_sender ? p->src_port : p->dst_port);
	tcp[12] = 5 << 4;
	if (!to_sender) {
		put32(tcp + 4, p->tcp_seq);
		tcp[13] = TCP_RST;
	} else if (p->tcp_flags & TCP_ACK) {
		put32(tcp + 4, p->tcp_ack);
		tcp[13] = TCP_RST;
	} else {
		put32(tcp + 8, p->tcp_seq + advance);
		tcp[13] = TCP_RST | TCP_ACK;
	}
	reject_checksums(ip, tcp, p->ip_version, 16);
	if (o)
		encap_outer_lengths(f, o, len);
	return m;
}

/* ICMP(v6) destination/port unreachable quoting the start of the offending packet. */
static struct rte_mbuf *reject_udp(const struct packet *p, const struct encap_outer *o,
				   struct rte_mempool *pool)
{
	unsigned ip_len = p->ip_version == 4 ? 20 : 40;
	unsigned quote = p->len - p->l3_offset;
	unsigned max_quote = p->ip_version == 4 ? 28 + 64 : 1232 - 48;
	if (quote > max_quote)
		quote = max_quote;
	uint16_t l4_len = (uint16_t)(8 + quote);
	uint32_t len = reject_head_len(p, o) + ip_len + l4_len;
	struct rte_mbuf *m;
	uint8_t *f = reject_alloc(pool, len, &m);
	if (!f)
		return NULL;
	uint8_t *ip = reject_head(f, p, o, true);
	uint8_t proto = p->ip_version == 4 ? 1 : 58;
	uint8_t *icmp = reject_ip(ip, p, true, proto, l4_len);
	memset(icmp, 0, 8);
	icmp[0] = p->ip_version == 4 ? 3 : 1; /* destination unreachable */
	icmp[1] = p->ip_version == 4 ? 3 : 4; /* port unreachable */
	memcpy(icmp + 8, p->data + p->l3_offset, quote);
	if (p->ip_version == 4) {
		reject_checksums(ip, icmp, 4, 0);
		uint16_t sum = (uint16_t)~rte_raw_cksum(icmp, l4_len);
		memcpy(icmp + 2, &sum, 2);
	} else {
		reject_checksums(ip, icmp, 6, 2);
	}
	if (o)
		encap_outer_lengths(f, o, len);
	return m;
}

void reject_build(const struct packet *p, const struct reject_outer *outer,
		  struct rte_mempool *pool, struct rte_mbuf **to_sender,
		  struct rte_mbuf **to_receiver)
{
	*to_sender = *to_receiver = NULL;
	if ((p->flags & PACKET_TUNNEL) && !outer)
		return; /* a bare frame would not reach either end */
	const struct encap_outer *back = outer ? outer->to_sender : NULL;
	const struct encap_outer *forth = outer ? outer->to_receiver : NULL;
	if (p->flags & PACKET_TCP) {
		if (p->tcp_flags & TCP_RST)
			return; /* never answer a RST with a RST */
		*to_sender = reject_tcp(p, back, pool, true);
		*to_receiver = reject_tcp(p, forth, pool, false);
	} else if (p->flags & PACKET_UDP) {
		*to_sender = reject_udp(p, back, pool);
	}
}
