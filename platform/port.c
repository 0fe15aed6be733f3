/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethdev configuration for the ports a board names. Why symmetric RSS: both
 * directions of a flow must reach the same worker so that flow state
 * (dataplane/flow/) stays per lcore and lock-free (platform/rss.h). Why no
 * offloads: an inline appliance must put on the wire the
 * bytes it received and inspected, so nothing is stripped, split or
 * recomputed behind our back: VLAN tags stay in the frame (no VLAN strip),
 * and link-local frames (LACP, LLDP, STP) come up to the worker like any
 * other, which passes them untouched. How flows are spread over the
 * queues is platform/rss.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dataplane/worker.h"
#include "platform/port.h"
#include "platform/rss.h"

#define PORT_MBUF_CACHE 256
#define PORT_MIN_MBUFS	8191

static unsigned port_pool_size(const struct board *board)
{
	if (board->mbufs)
		return board->mbufs;
	unsigned n = 0;
	for (unsigned i = 0; i < board->port_count; i++) {
		unsigned q = board->ports[i].role == BOARD_PORT_INLINE ? board->worker_count : 1;
		n += q * (board->rx_descriptors + board->tx_descriptors);
	}
	n += (board->worker_count + 1) * (2 * WORKER_BURST + PORT_MBUF_CACHE);
	return n < PORT_MIN_MBUFS ? PORT_MIN_MBUFS : n;
}

/*
 * Jumbo frames on PCI devices that take them (max_rx_pktlen above 1518
 * bytes): an MTU of up to PORT_JUMBO_MTU, the device's maximum
 * otherwise. A frame larger than one mbuf's data room is received in a
 * chain of mbufs where the device can (the worker reads a chained frame
 * through its scratch copy, and transmits the chain); where it cannot, the
 * MTU is what one mbuf holds. Virtual devices keep their own limits
 * (net_af_packet: its framesz; net_pcap: the mbuf, then chains).
 */
#define PORT_JUMBO_MTU	 9216
#define PORT_L2_OVERHEAD (RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN)

static void port_jumbo(struct port_runtime *p, const struct board *board,
		       const struct rte_eth_dev_info *info, struct rte_eth_conf *conf)
{
	bool virtual_device = strncmp(p->conf->device, "net_", 4) == 0;
	if (p->conf->role != BOARD_PORT_INLINE || virtual_device ||
	    info->max_rx_pktlen <= RTE_ETHER_MAX_LEN)
		return;
	uint32_t mtu = PORT_JUMBO_MTU;
	if (info->max_mtu && mtu > info->max_mtu)
		mtu = info->max_mtu;
	if (mtu + PORT_L2_OVERHEAD > info->max_rx_pktlen)
		mtu = info->max_rx_pktlen - PORT_L2_OVERHEAD;
	uint32_t room = board->mbuf_size - RTE_PKTMBUF_HEADROOM;
	if (mtu + PORT_L2_OVERHEAD > room) {
		if ((info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) &&
		    (info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)) {
			conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
			conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
			p->scattered = true;
		} else {
			mtu = room - PORT_L2_OVERHEAD;
		}
	}
	if (mtu <= RTE_ETHER_MTU)
		return;
	conf->rxmode.mtu = mtu;
	p->mtu = mtu;
}

static int port_configure(struct port_runtime *p, const struct board *board,
			  struct rte_mempool *pool, char *err, size_t err_len)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t id = p->port_id, rxd = board->rx_descriptors, txd = board->tx_descriptors;
	const char *name = p->conf->name;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(id, &info);
	if (rc < 0)
		goto fail;
	p->queues = p->conf->role == BOARD_PORT_INLINE ? board->worker_count : 1;
	if (info.max_rx_queues < p->queues || info.max_tx_queues < p->queues) {
		snprintf(
		    err, err_len,
		    "%s:%u: error: [port %s] device: has %u rx / %u tx queues, the board needs "
		    "%u (one per worker; for af_packet set qpairs=${workers})",
		    board->path, p->conf->device_line, name, info.max_rx_queues, info.max_tx_queues,
		    p->queues);
		return -EINVAL;
	}
	rc = rss_plan(&p->spread, board, p->conf, &info, p->queues, &conf, err, err_len);
	if (rc < 0)
		return rc;
	p->rss = p->spread.kind == RSS_SYMMETRIC_KEY;
	port_jumbo(p, board, &info, &conf);
	/* Link propagation (platform/link.h) watches the inline ports paired
	 * with another port: where the device raises link status change
	 * events, it hears of a lost link at once instead of at the next poll. */
	bool paired = p->conf->role == BOARD_PORT_INLINE && &board->ports[p->conf->pair] != p->conf;
	if (paired && info.dev_flags && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC)) {
		conf.intr_conf.lsc = 1;
		p->lsc = true;
	}
	rc = rte_eth_dev_configure(id, p->queues, p->queues, &conf);
	if (rc < 0)
		goto fail;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &rxd, &txd);
	if (rc < 0)
		goto fail;
	int socket = rte_eth_dev_socket_id(id);
	for (uint16_t q = 0; q < p->queues; q++) {
		rc = rte_eth_rx_queue_setup(id, q, rxd, socket, NULL, pool);
		if (rc < 0)
			goto fail;
		rc = rte_eth_tx_queue_setup(id, q, txd, socket, NULL);
		if (rc < 0)
			goto fail;
	}
	/* Inline ports carry other hosts' traffic: they must see every frame. */
	rte_eth_promiscuous_enable(id);
	rc = rte_eth_dev_start(id);
	if (rc < 0)
		goto fail;
	p->started = true;
	return rss_check(&p->spread, id, board, p->conf, err, err_len);
fail:
	snprintf(err, err_len, "port %s (%s): set-up failed: %s", name, p->conf->device,
		 rte_strerror(-rc));
	return rc;
}

int port_start_all(struct port_set *set, const struct board *board, const struct eal_vars *vars,
		   char *err, size_t err_len)
{
	memset(set, 0, sizeof(*set));
	unsigned mbufs = port_pool_size(board);
	set->pool = rte_pktmbuf_pool_create("vigil_mbufs", mbufs, PORT_MBUF_CACHE, 0,
					    board->mbuf_size, rte_socket_id());
	if (!set->pool) {
		snprintf(err, err_len,
			 "%s: error: cannot allocate %u mbufs: %s (raise [eal] memory_mb or lower "
			 "[dataplane] mbufs)",
			 board->path, mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (unsigned i = 0; i < board->port_count; i++) {
		struct port_runtime *p = &set->ports[i];
		char device[BOARD_DEVICE_MAX], dev_name[BOARD_DEVICE_MAX];
		int rc = eal_port_device(board, i, vars, device, sizeof(device), err, err_len);
		if (rc < 0)
			return rc;
		eal_device_name(device, dev_name, sizeof(dev_name));
		if (rte_eth_dev_get_port_by_name(dev_name, &p->port_id) != 0) {
			snprintf(err, err_len,
				 "%s:%u: error: [port %s] device: DPDK found no device \"%s\" (see "
				 "the EAL messages above)",
				 board->path, board->ports[i].device_line, board->ports[i].name,
				 dev_name);
			return -ENODEV;
		}
		p->conf = &board->ports[i];
		set->count = i + 1;
		rc = port_configure(p, board, set->pool, err, err_len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void port_stop_all(struct port_set *set)
{
	for (unsigned i = 0; i < set->count; i++) {
		struct port_runtime *p = &set->ports[i];
		if (!p->conf)
			continue;
		if (p->started)
			rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		p->started = false;
	}
	set->count = 0;
	if (set->pool)
		rte_mempool_free(set->pool);
	set->pool = NULL;
}
