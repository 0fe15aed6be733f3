/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management stack: lwIP (Debian's liblwip, NO_SYS=0 with core
 * locking) on the board's management port. This module owns the lwIP
 * netif of that port and nothing else: the console and the alert sinks
 * open their own netconns on top of it.
 *
 * Threads (the concurrency story, see control/README.md):
 * - lwIP's tcpip thread (started by mgmt_start) runs the stack: timers,
 *   input processing and every output. Output ends in mgmt's linkoutput,
 *   which transmits on queue 0 of the management port: that thread is the
 *   only one that ever transmits there.
 * - The control lcore calls mgmt_poll(): it receives on queue 0 and hands
 *   each frame to the tcpip thread (tcpip_input posts it on lwIP's mailbox),
 *   so the control lcore never blocks on the stack.
 * - Anything else that touches lwIP state (netif settings) takes the core
 *   lock (LOCK_TCPIP_CORE), as mgmt_start does.
 */
#ifndef VIGIL_CONTROL_MGMT_H
#define VIGIL_CONTROL_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mempool;

/* Management addresses (from the board's [management] section). */
struct mgmt_address {
	bool set;
	uint8_t addr[16]; /* IPv4: the first 4 bytes */
	unsigned prefix_len;
};

struct mgmt_config {
	struct mgmt_address ipv4, gateway4, ipv6;
};

struct mgmt_counters {
	uint64_t rx_frames, rx_dropped; /* dropped: no pbuf or the mailbox was full */
	uint64_t tx_frames, tx_dropped; /* dropped: no mbuf or the queue was full */
};

struct mgmt;

/*
 * Start lwIP (once per process) and bring up a netif on DPDK port port_id
 * (queue 0 of RX and TX are the stack's), with mbufs for output from pool.
 * Returns the stack, or NULL with the reason in err. Control lcore, once.
 */
struct mgmt *mgmt_start(uint16_t port_id, struct rte_mempool *pool,
			const struct mgmt_config *config, char *err, size_t err_len);

/*
 * A second kind of netif: the appliance's own address on a data port
 * (port_id), for what the workers' exception path hands over (health
 * checks, ping, ARP and ND for that address). Its output is queued on
 * to_wire (a worker's exception ring, which that worker transmits), never
 * sent by the control lcore itself. Not the default route. Control lcore,
 * after mgmt_start.
 */
struct mgmt *mgmt_start_data(uint16_t port_id, struct rte_mempool *pool, void *to_wire,
			     const struct mgmt_config *config, char *err, size_t err_len);

/* Hand one frame to the stack through this netif. Control lcore. */
void mgmt_input_frame(struct mgmt *mgmt, const void *frame, uint32_t len);

/* Receive what waits on the management port and hand it to the stack. Control lcore only. */
void mgmt_poll(struct mgmt *mgmt);

/* A copy of the counters (the tcpip thread writes the tx ones). */
void mgmt_counters_read(const struct mgmt *mgmt, struct mgmt_counters *out);

/* Take the netif down; the tcpip thread keeps running until exit. Control lcore. */
void mgmt_stop(struct mgmt *mgmt);

#endif
