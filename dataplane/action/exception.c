/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exception path on the worker's side: recognise the appliance's own
 * frames on a data port (a small parse of its own: Ethernet, one VLAN tag,
 * ARP, IPv4, IPv6 and a neighbour solicitation's target) and move them to
 * the control lcore; send back what the control lcore's stack answered.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/action/exception.h"

#define EXCEPTION_BURST 32
#define EXCEPTION_HEAD	128 /* bytes looked at: enough for ND's target behind a VLAN tag */

static inline uint16_t exception_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv6: to our address, or a neighbour solicitation whose target is it. */
static bool exception_ipv6_own(const struct exception_port *own, const uint8_t *ip, uint32_t len)
{
	if (len < 40)
		return false;
	if (memcmp(ip + 24, own->ipv6, 16) == 0)
		return true;
	/* ND: ICMPv6 (next header 58, no extension header) type 135, target at 8 */
	return ip[6] == 58 && len >= 40 + 24 && ip[40] == 135 &&
	       memcmp(ip + 48, own->ipv6, 16) == 0;
}

static bool exception_is_own(const struct exception_port *own, const uint8_t *f, uint32_t len)
{
	uint32_t at = 12;
	if (len < 14)
		return false;
	uint16_t type = exception_be16(f + at);
	if (type == 0x8100 && len >= 18) {
		at += 4;
		type = exception_be16(f + at);
	}
	const uint8_t *l3 = f + at + 2;
	uint32_t l3_len = len - (at + 2);
	if (type == 0x0806) /* ARP: target protocol address at 24 */
		return own->has_ipv4 && l3_len >= 28 && memcmp(l3 + 24, own->ipv4, 4) == 0;
	if (type == 0x0800)
		return own->has_ipv4 && l3_len >= 20 && memcmp(l3 + 16, own->ipv4, 4) == 0;
	if (type == 0x86dd)
		return own->has_ipv6 && exception_ipv6_own(own, l3, l3_len);
	return false;
}

bool exception_take(struct exception_path *ex, uint16_t port, struct rte_mbuf *m)
{
	if (likely(port >= EXCEPTION_MAX_PORTS ||
		   !(ex->own[port].has_ipv4 | ex->own[port].has_ipv6)))
		return false;
	uint8_t head[EXCEPTION_HEAD];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (len > sizeof(head))
		len = sizeof(head);
	const uint8_t *f = rte_pktmbuf_read(m, 0, len, head);
	if (!f || !exception_is_own(&ex->own[port], f, len))
		return false;
	m->port = port;
	if (rte_ring_sp_enqueue(ex->to_control, m) != 0) {
		ex->ring_full++;
		rte_pktmbuf_free(m);
		return true;
	}
	ex->taken++;
	return true;
}

void exception_send(struct exception_path *ex, uint16_t queue)
{
	struct rte_mbuf *burst[EXCEPTION_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(ex->to_wire, (void **)burst, EXCEPTION_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		if (rte_eth_tx_burst(burst[i]->port, queue, &burst[i], 1) == 1) {
			ex->sent++;
			continue;
		}
		ex->send_full++;
		rte_pktmbuf_free(burst[i]);
	}
}
