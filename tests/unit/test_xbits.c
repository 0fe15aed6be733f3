/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the worker's xbits and hostbits table
 * (dataplane/detect/xbits.c): a bit per host or per IP pair (the same pair
 * either way), gone at its expiry, unset and toggled, and a full probe
 * window giving way with the eviction counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/detect/xbits.h"

#define SECOND 1000000ull

static struct packet v4(uint8_t src, uint8_t dst)
{
	struct packet p = {.flags = PACKET_IPV4, .ip_version = 4};
	p.src_addr[0] = 10, p.src_addr[3] = src;
	p.dst_addr[0] = 10, p.dst_addr[3] = dst;
	return p;
}

static void test_xbits_host_and_pair(void **state)
{
	(void)state;
	struct xbits_table *t = calloc(1, sizeof(*t));
	struct packet ab = v4(1, 2), ba = v4(2, 1), ac = v4(1, 3);
	xbits_change(t, 5, RULE_XBITS_IP_PAIR, RULE_XBITS_SET, 30, &ab, SECOND);
	assert_true(xbits_isset(t, 5, RULE_XBITS_IP_PAIR, &ab, 2 * SECOND));
	assert_true(xbits_isset(t, 5, RULE_XBITS_IP_PAIR, &ba, 2 * SECOND)); /* either way */
	assert_false(xbits_isset(t, 5, RULE_XBITS_IP_PAIR, &ac, 2 * SECOND));
	assert_false(xbits_isset(t, 6, RULE_XBITS_IP_PAIR, &ab, 2 * SECOND)); /* another bit */
	assert_false(xbits_isset(t, 5, RULE_XBITS_IP_SRC, &ab, 2 * SECOND));  /* not a host bit */
	/* gone at its expiry */
	assert_false(xbits_isset(t, 5, RULE_XBITS_IP_PAIR, &ab, 31 * SECOND));

	/* by host: set on the destination, seen as the source of the reply */
	xbits_change(t, 1, RULE_XBITS_IP_DST, RULE_XBITS_SET, 30, &ab, SECOND);
	assert_true(xbits_isset(t, 1, RULE_XBITS_IP_SRC, &ba, SECOND));
	assert_false(xbits_isset(t, 1, RULE_XBITS_IP_SRC, &ab, SECOND));
	xbits_change(t, 1, RULE_XBITS_IP_SRC, RULE_XBITS_TOGGLE, 30, &ba, SECOND);
	assert_false(xbits_isset(t, 1, RULE_XBITS_IP_DST, &ab, SECOND));
	xbits_change(t, 1, RULE_XBITS_IP_SRC, RULE_XBITS_TOGGLE, 30, &ba, SECOND);
	assert_true(xbits_isset(t, 1, RULE_XBITS_IP_DST, &ab, SECOND));
	xbits_change(t, 1, RULE_XBITS_IP_DST, RULE_XBITS_UNSET, 30, &ab, SECOND);
	assert_false(xbits_isset(t, 1, RULE_XBITS_IP_DST, &ab, SECOND));
	xbits_change(t, 1, RULE_XBITS_IP_DST, RULE_XBITS_UNSET, 30, &ab,
		     SECOND); /* not set: no-op */
	assert_int_equal(t->evictions, 0);
	free(t);
}

/* An IPv4 and an IPv6 address with the same first bytes are different hosts. */
static void test_xbits_families_apart(void **state)
{
	(void)state;
	struct xbits_table *t = calloc(1, sizeof(*t));
	struct packet a4 = v4(1, 2), a6 = v4(1, 2);
	a6.flags = PACKET_IPV6;
	a6.ip_version = 6;
	xbits_change(t, 2, RULE_XBITS_IP_PAIR, RULE_XBITS_SET, 30, &a4, SECOND);
	assert_false(xbits_isset(t, 2, RULE_XBITS_IP_PAIR, &a6, SECOND));
	free(t);
}

/* Far more bits than slots: the table stays bounded and counts what gave way. */
static void test_xbits_full_table_evicts(void **state)
{
	(void)state;
	struct xbits_table *t = calloc(1, sizeof(*t));
	for (uint32_t i = 0; i < 4 * XBITS_ENTRIES; i++) {
		struct packet p = v4((uint8_t)i, 0);
		p.src_addr[2] = (uint8_t)(i >> 8); /* a host per set */
		xbits_change(t, (uint16_t)(i % 7), RULE_XBITS_IP_SRC, RULE_XBITS_SET, 30, &p,
			     SECOND);
	}
	assert_true(t->evictions > 0);
	/* the last one set is there */
	uint32_t last = 4 * XBITS_ENTRIES - 1;
	struct packet p = v4((uint8_t)last, 0);
	p.src_addr[2] = (uint8_t)(last >> 8);
	assert_true(xbits_isset(t, (uint16_t)(last % 7), RULE_XBITS_IP_SRC, &p, SECOND));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xbits_host_and_pair),
	    cmocka_unit_test(test_xbits_families_apart),
	    cmocka_unit_test(test_xbits_full_table_evicts),
	};
	return cmocka_run_group_tests_name("xbits", tests, NULL, NULL);
}
