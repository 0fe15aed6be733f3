/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of platform/rss.c: the symmetric key really makes Toeplitz
 * symmetric (checked with DPDK's own software Toeplitz, rte_softrss(), on
 * IPv4 and IPv6 addresses and on 5-tuples), and each kind of port gets the
 * plan rss.h promises: one queue, af_packet's kernel fanout, a board's
 * spread = external, a device with RSS (hash on IP addresses, the key the
 * device's length), and a refusal naming the port for a device that has
 * several queues and no RSS.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_thash.h>

#include "platform/rss.h"

static uint32_t toeplitz(const uint8_t *key, const uint32_t *words, uint32_t n)
{
	return rte_softrss((uint32_t *)(uintptr_t)words, n, key);
}

static uint32_t random_word(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
	*state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

/* (a, b) and (b, a) hash alike under the key, for addresses and for 5-tuples. */
static void test_symmetric_key(void **state)
{
	uint8_t key[52];
	uint64_t seed = 0x1234567887654321ull;
	(void)state;
	rss_symmetric_key(key, sizeof(key));
	assert_int_equal(key[0], 0x6d);
	assert_int_equal(key[1], 0x5a);
	assert_int_equal(key[51], 0x5a);
	for (int i = 0; i < 1000; i++) {
		uint32_t a = random_word(&seed), b = random_word(&seed);
		uint16_t pa = (uint16_t)random_word(&seed), pb = (uint16_t)random_word(&seed);
		uint32_t v4[2] = {a, b}, v4r[2] = {b, a};
		assert_int_equal(toeplitz(key, v4, 2), toeplitz(key, v4r, 2));
		uint32_t t[3] = {a, b, (uint32_t)pa << 16 | pb},
			 tr[3] = {b, a, (uint32_t)pb << 16 | pa};
		assert_int_equal(toeplitz(key, t, 3), toeplitz(key, tr, 3));
		uint32_t v6[8], v6r[8];
		for (int k = 0; k < 4; k++) {
			v6[k] = v6r[k + 4] = random_word(&seed);
			v6[k + 4] = v6r[k] = random_word(&seed);
		}
		assert_int_equal(toeplitz(key, v6, 8), toeplitz(key, v6r, 8));
	}
	/* and it still spreads: not every tuple lands on one of two queues */
	unsigned odd = 0;
	for (int i = 0; i < 1000; i++) {
		uint32_t v4[2] = {random_word(&seed), random_word(&seed)};
		odd += toeplitz(key, v4, 2) & 1;
	}
	assert_in_range(odd, 400, 600);
	/* DPDK's own default key is not symmetric: the reason for ours */
	static const uint8_t default_key[40] = {
	    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
	uint32_t v4[2] = {0x0a000001, 0x0a000002}, v4r[2] = {0x0a000002, 0x0a000001};
	assert_int_not_equal(toeplitz(default_key, v4, 2), toeplitz(default_key, v4r, 2));
}

static struct board board = {.path = "b.conf"};
static struct board_port port = {.name = "inside", .device_line = 12};

static int plan(struct rss_plan *p, const char *driver, uint64_t rss_offloads, uint8_t key_size,
		uint16_t queues, struct rte_eth_conf *conf, char *err, size_t err_len)
{
	struct rte_eth_dev_info info = {.driver_name = driver,
					.flow_type_rss_offloads = rss_offloads,
					.hash_key_size = key_size};
	memset(conf, 0, sizeof(*conf));
	return rss_plan(p, &board, &port, &info, queues, conf, err, err_len);
}

static void test_plans(void **state)
{
	struct rss_plan p;
	struct rte_eth_conf conf;
	char err[512] = "";
	(void)state;

	assert_int_equal(plan(&p, "net_ring", 0, 0, 1, &conf, err, sizeof(err)), 0);
	assert_int_equal(p.kind, RSS_ONE_QUEUE);
	assert_int_equal(conf.rxmode.mq_mode, RTE_ETH_MQ_RX_NONE);

	assert_int_equal(plan(&p, "net_af_packet", 0, 0, 2, &conf, err, sizeof(err)), 0);
	assert_int_equal(p.kind, RSS_KERNEL_FANOUT);
	assert_non_null(strstr(p.text, "PACKET_FANOUT_HASH"));

	port.spread = BOARD_SPREAD_EXTERNAL;
	assert_int_equal(plan(&p, "net_ring", 0, 0, 2, &conf, err, sizeof(err)), 0);
	assert_int_equal(p.kind, RSS_EXTERNAL);
	port.spread = BOARD_SPREAD_AUTO;

	uint64_t nic = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
	assert_int_equal(plan(&p, "net_ice", nic, 52, 4, &conf, err, sizeof(err)), 0);
	assert_int_equal(p.kind, RSS_SYMMETRIC_KEY);
	assert_int_equal(conf.rxmode.mq_mode, RTE_ETH_MQ_RX_RSS);
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_key_len, 52);
	assert_ptr_equal(conf.rx_adv_conf.rss_conf.rss_key, p.key);
	assert_int_equal(p.key[50], 0x6d);
	/* IP addresses only: fragments (hashed on addresses) meet their flow */
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_hf, RTE_ETH_RSS_IP);
	assert_int_equal(
	    plan(&p, "net_mlx5", RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_TCP, 0, 4, &conf, err, sizeof(err)),
	    0);
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_key_len, 40); /* not reported: 40 */
	assert_int_equal(conf.rx_adv_conf.rss_conf.rss_hf, RTE_ETH_RSS_IPV4);

	assert_int_equal(plan(&p, "net_ring", 0, 0, 2, &conf, err, sizeof(err)), -ENOTSUP);
	assert_non_null(
	    strstr(err, "b.conf:12: error: [port inside] device: the device has no RSS"));
	assert_non_null(strstr(err, "spread = external"));
	assert_int_equal(plan(&p, "net_x", RTE_ETH_RSS_TCP, 40, 2, &conf, err, sizeof(err)),
			 -ENOTSUP);
	assert_non_null(strstr(err, "cannot hash on IP addresses alone"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_symmetric_key),
	    cmocka_unit_test(test_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
