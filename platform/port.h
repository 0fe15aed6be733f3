/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port set-up: one mbuf pool, and for every board port its queues (one RX
 * and one TX queue per worker on data ports, one pair on the management
 * port), both directions of a flow on one queue (platform/rss.h: symmetric
 * RSS, the kernel's fanout, or a refusal), jumbo frames where the device
 * takes them, no packet-changing
 * offloads, promiscuous mode, start and stop. The only code that configures
 * ethdev ports.
 */
#ifndef VIGIL_PLATFORM_PORT_H
#define VIGIL_PLATFORM_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/board.h"
#include "platform/eal.h"
#include "platform/rss.h"

struct rte_mempool;

struct port_runtime {
	const struct board_port *conf;
	uint16_t port_id;
	uint16_t queues;
	bool rss;		/* symmetric RSS spreads flows over the queues */
	struct rss_plan spread; /* how flows are kept on one queue, and its start-up phrase */
	uint32_t mtu;		/* set on the device for jumbo frames; 0: the device's default */
	bool scattered;		/* frames above one mbuf arrive as chains */
	bool lsc;		/* the device raises link status change events (platform/link.h) */
	bool started;
};

struct port_set {
	struct port_runtime ports[BOARD_MAX_PORTS]; /* same index as board.ports */
	unsigned count;
	struct rte_mempool *pool;
};

/*
 * Create the mbuf pool and configure and start every port of board. The EAL
 * must be running. Returns 0, or a negative error with the port and the
 * reason in err; ports already started are left for port_stop_all().
 */
int port_start_all(struct port_set *set, const struct board *board, const struct eal_vars *vars,
		   char *err, size_t err_len);

/* Stop and close every started port (flushes pcap output files). */
void port_stop_all(struct port_set *set);

#endif
