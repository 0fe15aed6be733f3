/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/detect/ratelimit.c with a fake clock: the sliding
 * window (events spread over a window boundary still count), blocking and
 * block expiry, per-source isolation, X-Forwarded-For clients, release of
 * one source and of all, the bounded table's eviction, and the blocked
 * list the stats print.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/xff.h"
#include "dataplane/detect/ratelimit.h"

#define SECOND 1000000ull
#define T0     (1700000000ull * SECOND) /* a realistic epoch time */

static struct policy *policy_of(const char *text)
{
	struct policy *p = NULL;
	char err[POLICY_ERROR_MAX];
	if (policy_parse("t.policy", text, strlen(text), &p, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return p;
}

static struct ratelimit_table *table_of(const struct policy *p, uint32_t capacity)
{
	int rc;
	struct ratelimit_table *t = ratelimit_create(p, capacity, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(t);
	return t;
}

static const uint8_t *addr4(const char *text)
{
	static uint8_t a[4][16];
	static unsigned next;
	uint8_t *out = a[next++ % 4];
	memset(out, 0, 16);
	assert_int_equal(inet_pton(AF_INET, text, out), 1);
	return out;
}

/* n SYNs from src spread evenly over [start, start + span); how many were dropped. */
static unsigned syns(struct ratelimit_table *t, const uint8_t *src, unsigned n, uint64_t start,
		     uint64_t span)
{
	unsigned dropped = 0;
	for (unsigned i = 0; i < n; i++)
		dropped += ratelimit_packet(t, src, 4, true, start + span * i / n);
	return dropped;
}

/* The client dataplane/app/xff.c finds in one X-Forwarded-For value; NULL: none. */
static const struct xff_client *client_of(const char *text)
{
	static struct xff_client client;
	return xff_parse_address(text, strlen(text), &client) == 0 ? &client : NULL;
}

static void test_no_statement_no_table(void **state)
{
	(void)state;
	struct policy *p = policy_of("disable sid 1\n");
	int rc = -1;
	assert_null(ratelimit_create(p, 64, 0, &rc));
	assert_int_equal(rc, 0);
	policy_free(p);
}

static void test_window_and_block(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit new_connections 10/s per src block 5s\n");
	struct ratelimit_table *t = table_of(p, 64);
	const uint8_t *a = addr4("192.0.2.1");
	/* 9 a second, evenly spread, stays under 10/s second after second (the
	 * estimate takes the previous window's events as evenly spread) */
	for (int s = 0; s < 5; s++)
		assert_int_equal(syns(t, a, 9, T0 + s * SECOND, SECOND), 0);
	/* packets that are not new connections never count */
	for (int i = 0; i < 100; i++)
		assert_false(ratelimit_packet(t, a, 4, false, T0 + 5 * SECOND + i));
	assert_int_equal(t->counters.blocks, 0);

	/* 8 late in one window and 8 early in the next: 16 within one second.
	 * A fixed window would see 8 and 8; the sliding window sees the burst. */
	const uint8_t *b = addr4("192.0.2.2");
	uint64_t w = T0 + 10 * SECOND;
	assert_int_equal(syns(t, b, 8, w + 900000, 100000), 0);
	assert_true(syns(t, b, 8, w + SECOND, 100000) > 0);
	assert_int_equal(t->counters.blocks, 1);
	/* blocked: every packet of b is dropped, SYN or not, until the block ends */
	uint64_t blocked_at = w + SECOND + 100000;
	assert_true(ratelimit_packet(t, b, 4, false, blocked_at + SECOND));
	assert_true(ratelimit_packet(t, b, 4, false, blocked_at + 4 * SECOND));
	/* others are not */
	assert_false(ratelimit_packet(t, a, 4, true, blocked_at + SECOND));
	/* the block lifts after 5 s and the source starts afresh */
	assert_false(ratelimit_packet(t, b, 4, false, blocked_at + 5 * SECOND + 1));
	assert_int_equal(syns(t, b, 9, blocked_at + 6 * SECOND, SECOND), 0);
	/* and 30 in a second blocks it again */
	assert_true(syns(t, b, 30, blocked_at + 8 * SECOND, SECOND) > 0);
	assert_int_equal(t->counters.blocks, 2);
	ratelimit_free(t);
	policy_free(p);
}

/*
 * A burst that straddles a window boundary is cut at the count, not one
 * later: the previous window's share was truncated (3 events * 0.99 read
 * as 2), so lab_rate_limit's burst of 5/s sometimes got 6 connections.
 */
static void test_burst_across_boundary(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit new_connections 5/s per src block 4s\n");
	struct ratelimit_table *t = table_of(p, 64);
	for (uint64_t split = 1; split <= 4; split++) {
		const uint8_t *a = addr4(split == 1   ? "192.0.2.11"
					 : split == 2 ? "192.0.2.12"
					 : split == 3 ? "192.0.2.13"
						      : "192.0.2.14");
		uint64_t boundary = T0 + (20 + 10 * split) * SECOND;
		unsigned passed = 0;
		/* split connections in the last 10 ms of one window, the rest 1 ms apart after it */
		for (unsigned i = 0; i < 10; i++) {
			uint64_t at =
			    i < split ? boundary - 10000 + i * 1000 : boundary + (i - split) * 1000;
			if (ratelimit_packet(t, a, 4, true, at))
				break;
			passed++;
		}
		assert_int_equal(passed, 5);
	}
	ratelimit_free(t);
	policy_free(p);
}

static void test_longer_window(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit new_connections 30/m per src block 1m\n");
	struct ratelimit_table *t = table_of(p, 64);
	const uint8_t *a = addr4("198.51.100.7");
	/* 30 over one minute pass; the 31st within the same minute blocks */
	assert_int_equal(syns(t, a, 30, T0 - T0 % (60 * SECOND), 50 * SECOND), 0);
	uint64_t at = T0 - T0 % (60 * SECOND) + 55 * SECOND;
	assert_true(ratelimit_packet(t, a, 4, true, at));
	assert_true(ratelimit_packet(t, a, 4, false, at + 59 * SECOND));
	assert_false(ratelimit_packet(t, a, 4, false, at + 60 * SECOND + 1));
	ratelimit_free(t);
	policy_free(p);
}

static void test_http_requests_xff(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit http_requests 5/s per xff block 30s\n");
	struct ratelimit_table *t = table_of(p, 64);
	const uint8_t *proxy = addr4("10.0.0.1");
	uint64_t now = T0;
	/* one client behind the proxy goes over; the proxy and other clients do not suffer */
	for (int i = 0; i < 5; i++)
		assert_false(
		    ratelimit_http_request(t, proxy, 4, client_of("203.0.113.9"), now + i));
	assert_true(ratelimit_http_request(t, proxy, 4, client_of("203.0.113.9"), now + 10));
	assert_true(
	    ratelimit_http_request(t, proxy, 4, client_of("203.0.113.9:5555"), now + SECOND));
	assert_false(ratelimit_http_request(t, proxy, 4, client_of("203.0.113.10"), now + 20));
	assert_false(ratelimit_http_request(t, proxy, 4, NULL, now + 30));
	assert_false(ratelimit_http_request(t, proxy, 4, client_of("garbage"), now + 30));
	assert_false(ratelimit_packet(t, proxy, 4, true, now + 40)); /* the proxy itself passes */
	/* IPv6 client in brackets */
	for (int i = 0; i < 5; i++)
		assert_false(ratelimit_http_request(t, proxy, 4, client_of("[2001:db8::5]:80"),
						    now + 50 + i));
	assert_true(ratelimit_http_request(t, proxy, 4, client_of("2001:db8::5"), now + 60));
	/* the blocked list: both clients, the right statement, until now + 30 s */
	struct ratelimit_blocked list[4];
	assert_int_equal(ratelimit_blocked_list(t, list, 4), 2);
	for (int i = 0; i < 2; i++) {
		assert_true(list[i].xff);
		assert_int_equal(list[i].statement, 0);
	}
	uint64_t until = list[0].family == 4 ? list[0].until_us : list[1].until_us;
	assert_int_equal(until, now + 10 + 30 * SECOND);
	ratelimit_free(t);
	policy_free(p);
}

static void test_http_requests_per_src_blocks_packets(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit http_requests 3/s per src block 10s\n"
				     "ratelimit new_connections 100/s per src block 10s\n");
	struct ratelimit_table *t = table_of(p, 64);
	const uint8_t *a = addr4("192.0.2.50");
	for (int i = 0; i < 3; i++)
		assert_false(ratelimit_http_request(t, a, 4, NULL, T0 + i));
	assert_true(ratelimit_http_request(t, a, 4, NULL, T0 + 3));
	/* once blocked by the request rate, all of its packets go */
	assert_true(ratelimit_packet(t, a, 4, false, T0 + 4));
	ratelimit_free(t);
	policy_free(p);
}

static void test_release(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit new_connections 1/s per src block 1h\n");
	struct ratelimit_table *t = table_of(p, 64);
	const uint8_t *a = addr4("192.0.2.1"), *b = addr4("192.0.2.2");
	assert_int_equal(syns(t, a, 2, T0, 10), 1);
	assert_int_equal(syns(t, b, 2, T0, 10), 1);
	assert_true(ratelimit_packet(t, a, 4, false, T0 + SECOND));
	/* one source: the worker applies the request in its housekeeping */
	const uint8_t *key = addr4("192.0.2.1");
	const int family = 4;
	assert_int_equal(ratelimit_release(key, family), 0);
	assert_true(ratelimit_packet(t, a, 4, false, T0 + SECOND)); /* not applied yet */
	ratelimit_housekeeping(t);
	assert_false(ratelimit_packet(t, a, 4, false, T0 + SECOND));
	assert_true(ratelimit_packet(t, b, 4, false, T0 + SECOND));
	assert_int_equal(t->counters.released, 1);
	/* a full queue says so */
	int rc = 0;
	for (int i = 0; i <= RATELIMIT_RELEASE_QUEUE && rc == 0; i++)
		rc = ratelimit_release(key, family);
	assert_int_equal(rc, -EAGAIN);
	ratelimit_housekeeping(t);
	/* all */
	ratelimit_release_all();
	ratelimit_housekeeping(t);
	assert_false(ratelimit_packet(t, b, 4, false, T0 + SECOND));
	assert_int_equal(t->counters.released, 2);
	struct ratelimit_blocked list[2];
	assert_int_equal(ratelimit_blocked_list(t, list, 2), 0);
	ratelimit_free(t);
	assert_int_equal(ratelimit_release(key, family), -ENOENT);
	policy_free(p);
}

static void test_bounded_table(void **state)
{
	(void)state;
	struct policy *p = policy_of("ratelimit new_connections 1/s per src block 1h\n");
	struct ratelimit_table *t = table_of(p, 16);
	assert_int_equal(t->capacity, 16);
	/* one blocked source, then far more sources than slots */
	const uint8_t *bad = addr4("192.0.2.99");
	assert_int_equal(syns(t, bad, 2, T0, 10), 1);
	uint8_t a[16] = {0};
	for (unsigned i = 0; i < 1000; i++) {
		a[0] = 10, a[1] = (uint8_t)(i >> 8), a[2] = (uint8_t)i, a[3] = 1;
		ratelimit_packet(t, a, 4, true, T0 + SECOND + i);
	}
	assert_true(t->counters.evicted >= 1000 - 16);
	/* an unblocked entry is always evicted before a blocked one */
	assert_int_equal(t->counters.evicted_blocked, 0);
	assert_true(ratelimit_packet(t, bad, 4, false, T0 + 2 * SECOND));
	ratelimit_free(t);
	policy_free(p);
}

/* A rule update's new policy: same statements keep blocks, other statements clear them. */
static void test_set_policy(void **state)
{
	(void)state;
	struct policy *p1 = policy_of("ratelimit new_connections 5/s per src block 60s\n");
	struct policy *same =
	    policy_of("disable sid 7\nratelimit new_connections 5/s per src block 60s\n");
	struct policy *other = policy_of("ratelimit new_connections 50/s per src block 60s\n");
	struct ratelimit_table *t = table_of(p1, 64);
	const uint8_t *a = addr4("192.0.2.9");
	assert_true(syns(t, a, 20, T0, SECOND / 2) > 0);
	assert_true(ratelimit_packet(t, a, 4, false, T0 + 2 * SECOND));
	ratelimit_set_policy(t, same);
	assert_ptr_equal(t->policy, same);
	assert_true(ratelimit_packet(t, a, 4, false, T0 + 3 * SECOND)); /* still blocked */
	ratelimit_set_policy(t, other);
	assert_false(ratelimit_packet(t, a, 4, false, T0 + 4 * SECOND)); /* cleared */
	assert_int_equal(syns(t, a, 20, T0 + 5 * SECOND, SECOND), 0);	 /* 20/s is under 50/s */
	ratelimit_set_policy(NULL, other); /* no table: nothing to do */
	ratelimit_free(t);
	policy_free(p1);
	policy_free(same);
	policy_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_statement_no_table),
	    cmocka_unit_test(test_window_and_block),
	    cmocka_unit_test(test_burst_across_boundary),
	    cmocka_unit_test(test_longer_window),
	    cmocka_unit_test(test_http_requests_xff),
	    cmocka_unit_test(test_http_requests_per_src_blocks_packets),
	    cmocka_unit_test(test_release),
	    cmocka_unit_test(test_bounded_table),
	    cmocka_unit_test(test_set_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
