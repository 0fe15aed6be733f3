/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the queues of one data port get both directions of a flow to one
 * worker (DESIGN.md: flow state is per lcore and lock-free only because
 * of this). Decided per port at start-up, before the port is configured,
 * and checked once it runs; a port that cannot keep a flow on one queue
 * stops the start with the reason rather than letting workers inspect half
 * flows. What each port does is said in one start-up line.
 *
 *   one queue      nothing to spread (one worker, or the management port);
 *   symmetric key  the device's Toeplitz RSS with the key 0x6d5a repeated
 *                  (40 or 52 bytes, as the device reports), hashed on the
 *                  IP addresses only, and the key read back after start
 *                  (rte_eth_dev_rss_hash_conf_get) to prove the device
 *                  took it;
 *   kernel fanout  net_af_packet: DPDK's PMD joins its queues' sockets
 *                  in a PACKET_FANOUT_HASH group, and the kernel's hash
 *                  for it is symmetric (see rss.c);
 *   external       [port] spread = external: the board says something in
 *                  front of the device (the benchmark's rings, a
 *                  distributor) already keeps each flow on one queue.
 *
 * Why the IP addresses only: a device hashes IP fragments on their
 * addresses (they have no ports, and the first fragment is hashed as a
 * fragment too), so hashing unfragmented TCP and UDP on their ports as
 * well would send a connection's fragments to another worker than its
 * other packets, which is a way around the flow's stream state. All of
 * the traffic between two hosts then meets on one worker: a balance cost,
 * never a correctness one. Tunnel ports (GENEVE, VXLAN) follow the same
 * rule on their outer addresses.
 *
 * Set-up only (control lcore, before the workers run). Uses ethdev but
 * never configures a port by itself: platform/port.c does, with the
 * settings filled in here.
 */
#ifndef VIGIL_PLATFORM_RSS_H
#define VIGIL_PLATFORM_RSS_H

#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>

#include "platform/board.h"

#define RSS_KEY_MAX 128

enum rss_kind {
	RSS_ONE_QUEUE,
	RSS_SYMMETRIC_KEY,
	RSS_KERNEL_FANOUT,
	RSS_EXTERNAL,
};

/* What a port does to spread flows: decided by rss_plan(), checked by rss_check(). */
struct rss_plan {
	enum rss_kind kind;
	uint16_t queues;
	uint64_t hash; /* RTE_ETH_RSS_* asked for (RSS_SYMMETRIC_KEY) */
	uint8_t key_len;
	uint8_t key[RSS_KEY_MAX];
	char text[192]; /* one phrase for the start-up line, e.g. "symmetric RSS (...)" */
};

/*
 * Decide how port bp (DPDK's info for it, queues receive queues) spreads
 * flows and fill conf's RSS settings for rte_eth_dev_configure() (conf
 * keeps pointing into plan: keep plan alive until then). Returns 0, or
 * -ENOTSUP with "file:line: error: ..." in err when the port has several
 * queues and no way to keep both directions of a flow on one.
 */
int rss_plan(struct rss_plan *plan, const struct board *board, const struct board_port *bp,
	     const struct rte_eth_dev_info *info, uint16_t queues, struct rte_eth_conf *conf,
	     char *err, size_t err_len);

/*
 * After the port is configured (or started): for RSS_SYMMETRIC_KEY, read
 * the key and hash types back from the device and check they are the
 * ones asked for; appends what the device reported to plan->text.
 * Returns 0, or -ENOTSUP / the ethdev error with the reason in err.
 */
int rss_check(struct rss_plan *plan, uint16_t port_id, const struct board *board,
	      const struct board_port *bp, char *err, size_t err_len);

/* Fill key (len bytes) with the symmetric key: 0x6d, 0x5a repeated. */
void rss_symmetric_key(uint8_t *key, size_t len);

#endif
