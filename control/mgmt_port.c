/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames in and out of the management port's queue 0 for the lwIP netif
 * of control/mgmt.c. Frames are copied both ways: the stack keeps its own
 * buffers and the port's mbufs go back at once.
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control/mgmt_port.h"

#define MGMT_PORT_BURST	    32
#define MGMT_PORT_FRAME_MAX 9216

int mgmt_port_mac(uint16_t port_id, uint8_t mac[6])
{
	struct rte_ether_addr addr;
	int rc = rte_eth_macaddr_get(port_id, &addr);
	if (rc != 0)
		return rc;
	memcpy(mac, addr.addr_bytes, 6);
	return 0;
}

/* A new mbuf from pool holding a copy of frame; NULL when none is left. */
static struct rte_mbuf *mgmt_port_copy(struct rte_mempool *pool, const void *frame, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	if (!m)
		return NULL;
	char *data = rte_pktmbuf_append(m, len);
	if (!data) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(data, frame, len);
	return m;
}

int mgmt_port_send(uint16_t port_id, struct rte_mempool *pool, const void *frame, uint32_t len)
{
	struct rte_mbuf *m = mgmt_port_copy(pool, frame, len);
	if (!m)
		return -ENOMEM;
	if (rte_eth_tx_burst(port_id, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

unsigned mgmt_port_receive(uint16_t port_id,
			   void (*deliver)(void *arg, const void *frame, uint32_t len), void *arg)
{
	struct rte_mbuf *burst[MGMT_PORT_BURST];
	static uint8_t copy[MGMT_PORT_FRAME_MAX];
	uint16_t n = rte_eth_rx_burst(port_id, 0, burst, MGMT_PORT_BURST);
	for (uint16_t i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(burst[i]);
		if (len <= sizeof(copy))
			deliver(arg, rte_pktmbuf_read(burst[i], 0, len, copy), len);
		rte_pktmbuf_free(burst[i]);
	}
	return n;
}

int mgmt_port_inject(void *ring, struct rte_mempool *pool, uint16_t port, const void *frame,
		     uint32_t len)
{
	struct rte_mbuf *m = mgmt_port_copy(pool, frame, len);
	if (!m)
		return -ENOMEM;
	m->port = port;
	if (rte_ring_mp_enqueue(ring, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

unsigned mgmt_port_drain(void *ring,
			 void (*deliver)(void *arg, uint16_t port, const void *frame, uint32_t len),
			 void *arg)
{
	struct rte_mbuf *burst[MGMT_PORT_BURST];
	static uint8_t copy[MGMT_PORT_FRAME_MAX];
	unsigned n = rte_ring_sc_dequeue_burst(ring, (void **)burst, MGMT_PORT_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(burst[i]);
		if (len <= sizeof(copy))
			deliver(arg, burst[i]->port, rte_pktmbuf_read(burst[i], 0, len, copy), len);
		rte_pktmbuf_free(burst[i]);
	}
	return n;
}
