/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/resolver.c without a network: the board's server
 * list, the query on the wire, and answers as servers write them (A and
 * AAAA, compressed names, CNAME chains in any order, NXDOMAIN, NODATA,
 * truncation, another query's answer, pointer loops and short messages).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "control/resolver.h"

static char why[256];

static void test_servers(void **state)
{
	(void)state;
	struct resolver_servers s;
	assert_int_equal(resolver_servers_parse("", &s, why, sizeof(why)), 0);
	assert_int_equal(s.count, 0);
	assert_int_equal(resolver_servers_parse("10.78.0.2 10.78.0.3:5300, [fd78::2]:5353 ", &s,
						why, sizeof(why)),
			 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.server[0].port, 53);
	assert_false(s.server[0].ipv6);
	assert_memory_equal(s.server[0].addr, "\x0a\x4e\x00\x02", 4);
	assert_int_equal(s.server[1].port, 5300);
	assert_true(s.server[2].ipv6);
	assert_int_equal(s.server[2].port, 5353);
	assert_int_equal(resolver_servers_parse("fd78::53", &s, why, sizeof(why)), 0);
	assert_true(s.server[0].ipv6);
	assert_int_equal(s.server[0].port, 53);
	const char *bad[] = {"dns.example", "10.78.0.2:0",   "10.78.0.2:70000",
			     "[fd78::2",    "[10.0.0.1]:53", "1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4",
			     "10.0.0.1:"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (resolver_servers_parse(bad[i], &s, why, sizeof(why)) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
}

static void test_query(void **state)
{
	(void)state;
	uint8_t q[300];
	static const uint8_t want[] = {0x12, 0x34, 0x01, 0x00, 0,   1,	 0,   0, 0,   0,   0,
				       0,    5,	   'h',	 'o',  'o', 'k', 's', 3, 'l', 'a', 'b',
				       4,    't',  'e',	 's',  't', 0,	 0,   1, 0,   1};
	assert_int_equal(resolver_query_build(0x1234, "hooks.lab.test.", 1, q, sizeof(q)),
			 sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(resolver_query_build(1, "a..b", 1, q, sizeof(q)), 0);
	assert_int_equal(resolver_query_build(1, "", 1, q, sizeof(q)), 0);
	char label[80];
	memset(label, 'x', 64);
	label[64] = '\0';
	assert_int_equal(resolver_query_build(1, label, 1, q, sizeof(q)), 0);
	assert_int_equal(resolver_query_build(1, "a.b", 1, q, 10), 0);
}

/* An answer message: the query of id for name, flags, then answers (raw RR bytes). */
static size_t answer(uint8_t *m, uint16_t id, const char *name, uint16_t qtype, uint8_t flags2,
		     uint8_t rcode, unsigned ancount, const uint8_t *rrs, size_t rrs_len)
{
	size_t n = resolver_query_build(id, name, qtype, m, 512);
	m[2] = 0x81 | flags2; /* QR, RD (and TC when flags2 has 0x02) */
	m[3] = 0x80 | rcode;
	m[7] = (uint8_t)ancount;
	memcpy(m + n, rrs, rrs_len);
	return n + rrs_len;
}

/* An RR owned by the question's name (pointer to offset 12). */
#define RR_A(ttl, a, b, c, d) 0xc0, 12, 0, 1, 0, 1, 0, 0, (ttl) >> 8, (ttl)&0xff, 0, 4, a, b, c, d

static void test_answer_a(void **state)
{
	(void)state;
	uint8_t m[512];
	struct resolver_address a;
	uint32_t ttl;
	static const uint8_t rr[] = {RR_A(300, 10, 78, 0, 2)};
	size_t n = answer(m, 7, "hooks.lab.test", 1, 0, 0, 1, rr, sizeof(rr));
	assert_int_equal(resolver_answer_parse(m, n, 7, "Hooks.Lab.Test.", 1, &a, &ttl), 0);
	assert_false(a.ipv6);
	assert_memory_equal(a.addr, "\x0a\x4e\x00\x02", 4);
	assert_int_equal(ttl, 300);
	/* another query's id or name: not this answer */
	assert_int_equal(resolver_answer_parse(m, n, 8, "hooks.lab.test", 1, &a, &ttl), -EPROTO);
	assert_int_equal(resolver_answer_parse(m, n, 7, "other.lab.test", 1, &a, &ttl), -EPROTO);
	assert_int_equal(resolver_answer_parse(m, n, 7, "hooks.lab.test", 28, &a, &ttl), -EPROTO);
	/* cut short anywhere: refused, never read past the end */
	for (size_t cut = 0; cut < n; cut++) {
		int rc = resolver_answer_parse(m, cut, 7, "hooks.lab.test", 1, &a, &ttl);
		if (rc == 0)
			fail_msg("accepted when cut at %zu of %zu", cut, n);
	}
}

static void test_answer_aaaa_and_errors(void **state)
{
	(void)state;
	uint8_t m[512];
	struct resolver_address a;
	uint32_t ttl;
	static const uint8_t rr6[] = {0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0xfd, 0x78,
				      0,    0,	0, 0,  0, 0, 0, 0, 0, 0,  0, 0,	 0,    2};
	size_t n = answer(m, 9, "v6.lab.test", 28, 0, 0, 1, rr6, sizeof(rr6));
	assert_int_equal(resolver_answer_parse(m, n, 9, "v6.lab.test", 28, &a, &ttl), 0);
	assert_true(a.ipv6);
	assert_int_equal(a.addr[0], 0xfd);
	assert_int_equal(a.addr[15], 2);
	n = answer(m, 9, "gone.lab.test", 1, 0, 3, 0, NULL, 0);
	assert_int_equal(resolver_answer_parse(m, n, 9, "gone.lab.test", 1, &a, &ttl), -ENOENT);
	n = answer(m, 9, "v6.lab.test", 1, 0, 0, 0, NULL, 0); /* NODATA */
	assert_int_equal(resolver_answer_parse(m, n, 9, "v6.lab.test", 1, &a, &ttl), -ENOENT);
	n = answer(m, 9, "x.lab.test", 1, 0, 2, 0, NULL, 0); /* SERVFAIL */
	assert_int_equal(resolver_answer_parse(m, n, 9, "x.lab.test", 1, &a, &ttl), -EIO);
	n = answer(m, 9, "x.lab.test", 1, 0x02, 0, 0, NULL, 0); /* truncated */
	assert_int_equal(resolver_answer_parse(m, n, 9, "x.lab.test", 1, &a, &ttl), -EMSGSIZE);
	/* an A record of another owner is not an answer */
	static const uint8_t other[] = {1, 'z', 0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4};
	n = answer(m, 9, "x.lab.test", 1, 0, 0, 1, other, sizeof(other));
	assert_int_equal(resolver_answer_parse(m, n, 9, "x.lab.test", 1, &a, &ttl), -ENOENT);
}

static void test_answer_cname(void **state)
{
	(void)state;
	uint8_t m[512];
	struct resolver_address a;
	uint32_t ttl;
	/* the A record of the alias first, then the CNAME pointing at it (any order is valid) */
	static const uint8_t rrs[] = {
	    /* edge.cdn.test A 192.0.2.7 (name written out) */
	    4, 'e', 'd', 'g', 'e', 3, 'c', 'd', 'n', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1, 0, 0, 0,
	    30, 0, 4, 192, 0, 2, 7,
	    /* hooks.lab.test CNAME edge.cdn.test (pointer to the name above, offset 32) */
	    0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 30, 0, 2, 0xc0, 32};
	size_t n = answer(m, 11, "hooks.lab.test", 1, 0, 0, 2, rrs, sizeof(rrs));
	assert_int_equal(resolver_answer_parse(m, n, 11, "hooks.lab.test", 1, &a, &ttl), 0);
	assert_memory_equal(a.addr, "\xc0\x00\x02\x07", 4);
	/* a compression pointer that points at itself ends, refused */
	static const uint8_t loop[] = {0xc0, 32, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 1, 2, 3, 4};
	n = answer(m, 11, "hooks.lab.test", 1, 0, 0, 1, loop, sizeof(loop));
	assert_int_equal(resolver_answer_parse(m, n, 11, "hooks.lab.test", 1, &a, &ttl), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_servers),	 cmocka_unit_test(test_query),
	    cmocka_unit_test(test_answer_a),	 cmocka_unit_test(test_answer_aaaa_and_errors),
	    cmocka_unit_test(test_answer_cname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
