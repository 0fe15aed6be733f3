/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How each data port keeps a flow on one worker (see rss.h): the plan
 * before rte_eth_dev_configure(), the check once the port runs.
 *
 * Why the key 0x6d5a repeated makes Toeplitz symmetric: the hash XORs, for
 * every set bit of the input, the 32 key bits starting at that bit's
 * position. With a key of period 16 bits, the window at bit i and at bit
 * i + 16k are equal, so moving a field by a multiple of 16 bits leaves its
 * contribution unchanged; the source and destination addresses (32 or
 * 128 bits) and ports (16 bits) trade places by such a multiple, so (a, b)
 * and (b, a) hash alike (Woo and Park, "Scalable TCP Session Monitoring
 * with Symmetric Receive-side Scaling", 2012). tests/unit/test_rss.c checks it
 * with DPDK's own software Toeplitz.
 *
 * Why net_af_packet is symmetric: DPDK 22.11's PMD puts every queue's
 * socket in one fanout group with PACKET_FANOUT_HASH | FLAG_DEFRAG |
 * FLAG_ROLLOVER (drivers/net/af_packet/rte_eth_af_packet.c). The kernel
 * picks the socket by fanout_demux_hash(), which is
 * reciprocal_scale(__skb_get_hash_symmetric(skb), num)
 * (net/packet/af_packet.c, since Linux 4.8; before, skb_get_hash() could
 * return a NIC's or a socket's own asymmetric hash), and
 * __skb_get_hash_symmetric() dissects the packet with
 * flow_keys_dissector_symmetric and hashes it with __flow_hash_from_keys(),
 * whose __flow_hash_consistentify() puts the lower address (and its port)
 * first (net/core/flow_dissector.c): both directions hash alike. FLAG_DEFRAG
 * reassembles IP fragments before the hash, so they meet their flow too.
 * FLAG_ROLLOVER is the exception: a socket whose ring is more than three
 * quarters full hands a flow that dominates its recent traffic to another
 * socket (fanout_demux_rollover()), so under overload a large flow can
 * move; the start-up line says so, and a large enough ring (the PMD's
 * framecnt) keeps it away.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "platform/rss.h"

void rss_symmetric_key(uint8_t *key, size_t len)
{
	for (size_t i = 0; i < len; i++)
		key[i] = (i & 1) ? 0x5a : 0x6d;
}

/* "file:line: error: [port NAME] device: ..." for a port that cannot spread flows safely. */
static int rss_refuse(const struct board *board, const struct board_port *bp, uint16_t queues,
		      const char *why, char *err, size_t err_len)
{
	snprintf(err, err_len,
		 "%s:%u: error: [port %s] device: %s, so the two directions of a flow could "
		 "reach different workers of its %u queues; run one worker ([lcores] workers), "
		 "or set spread = external if something in front of the port already keeps "
		 "each flow on one queue",
		 board->path, bp->device_line, bp->name, why, queues);
	return -ENOTSUP;
}

int rss_plan(struct rss_plan *plan, const struct board *board, const struct board_port *bp,
	     const struct rte_eth_dev_info *info, uint16_t queues, struct rte_eth_conf *conf,
	     char *err, size_t err_len)
{
	memset(plan, 0, sizeof(*plan));
	plan->queues = queues;
	if (queues <= 1) {
		plan->kind = RSS_ONE_QUEUE;
		snprintf(plan->text, sizeof(plan->text), "one queue");
		return 0;
	}
	if (bp->spread == BOARD_SPREAD_EXTERNAL) {
		plan->kind = RSS_EXTERNAL;
		snprintf(plan->text, sizeof(plan->text),
			 "no RSS: the board says something in front keeps each flow on one queue "
			 "(spread = external)");
		return 0;
	}
	if (info->driver_name && strcmp(info->driver_name, "net_af_packet") == 0) {
		plan->kind = RSS_KERNEL_FANOUT;
		snprintf(plan->text, sizeof(plan->text),
			 "the kernel's PACKET_FANOUT_HASH (a symmetric flow hash, fragments "
			 "reassembled first; under overload a large flow may roll over to "
			 "another queue)");
		return 0;
	}
	plan->hash = info->flow_type_rss_offloads & RTE_ETH_RSS_IP;
	if (!plan->hash)
		return rss_refuse(board, bp, queues,
				  info->flow_type_rss_offloads
				      ? "the device cannot hash on IP addresses alone"
				      : "the device has no RSS",
				  err, err_len);
	plan->kind = RSS_SYMMETRIC_KEY;
	plan->key_len = info->hash_key_size ? info->hash_key_size : 40;
	if (plan->key_len > RSS_KEY_MAX)
		return rss_refuse(board, bp, queues,
				  "the device's RSS key is longer than 128 bytes", err, err_len);
	rss_symmetric_key(plan->key, plan->key_len);
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_key = plan->key;
	conf->rx_adv_conf.rss_conf.rss_key_len = plan->key_len;
	conf->rx_adv_conf.rss_conf.rss_hf = plan->hash;
	return 0;
}

int rss_check(struct rss_plan *plan, uint16_t port_id, const struct board *board,
	      const struct board_port *bp, char *err, size_t err_len)
{
	if (plan->kind != RSS_SYMMETRIC_KEY)
		return 0;
	uint8_t key[RSS_KEY_MAX];
	memset(key, 0, sizeof(key));
	struct rte_eth_rss_conf got = {.rss_key = key, .rss_key_len = plan->key_len};
	int rc = rte_eth_dev_rss_hash_conf_get(port_id, &got);
	if (rc == -ENOTSUP)
		return rss_refuse(board, bp, plan->queues,
				  "the device cannot report its RSS key, so the symmetric one "
				  "cannot be confirmed",
				  err, err_len);
	if (rc < 0) {
		snprintf(err, err_len, "port %s: reading its RSS configuration back failed: %s",
			 bp->name, rte_strerror(-rc));
		return rc;
	}
	if (memcmp(key, plan->key, plan->key_len) != 0)
		return rss_refuse(board, bp, plan->queues,
				  "the device did not take the symmetric RSS key 0x6d5a", err,
				  err_len);
	if (!(got.rss_hf & plan->hash))
		return rss_refuse(board, bp, plan->queues,
				  "the device reports no IP hashing after set-up", err, err_len);
	snprintf(plan->text, sizeof(plan->text),
		 "symmetric RSS (Toeplitz, the key 0x6d5a repeated over %u bytes, read back; "
		 "hashed on IP addresses, rss_hf 0x%llx)",
		 plan->key_len, (unsigned long long)got.rss_hf);
	return 0;
}
