/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for rule header matching (rules/match/header.c) with named IP sets
 * as address groups ("@blocklist", rules/lang/ipset_lookup.h): the rule keeps
 * the set's name, parsing refuses a name the lookup does not know (with
 * the rule's file, line and sid), and matching asks the lookup, for
 * IPv4 and IPv6, included, negated and beside explicit prefixes. The
 * lookup here is a fake over two short prefix lists that counts its
 * calls; the real one over the filter's rte_fib tables is tested in
 * test_filter.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/match/header.h"
#include "rules/lang/ipset_lookup.h"
#include "rules/lang/parse.h"

/* ---- a fake owner of the sets: "blocklist" and "partners" ---- */

struct fake_set {
	const char *name;
	struct rule_cidr prefixes[2];
};

static struct fake_set fake_sets[2];
static unsigned fake_calls;

static struct rule_cidr cidr(const char *text, int len)
{
	struct rule_cidr c = {.prefix_len = (uint8_t)len};
	c.family = strchr(text, ':') ? 6 : 4;
	inet_pton(c.family == 6 ? AF_INET6 : AF_INET, text, c.addr);
	return c;
}

static bool fake_prefix_has(const struct rule_cidr *c, const uint8_t *addr, int family)
{
	if (c->family != family)
		return false;
	for (unsigned bit = 0; bit < c->prefix_len; bit++) {
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));
		if ((c->addr[bit / 8] & m) != (addr[bit / 8] & m))
			return false;
	}
	return true;
}

static const struct fake_set *fake_find_set(const char *name)
{
	for (unsigned i = 0; i < 2; i++)
		if (strcmp(fake_sets[i].name, name) == 0)
			return &fake_sets[i];
	return NULL;
}

static int fake_find(const void *ctx, const char *name, uint64_t *key)
{
	(void)ctx;
	const struct fake_set *s = fake_find_set(name);
	*key = s ? (uint64_t)(s - fake_sets) + 100 : 0;
	return s ? 0 : -ENOENT;
}

static bool fake_contains(const void *ctx, uint64_t key, const char *name, const uint8_t *addr,
			  int family)
{
	(void)ctx;
	fake_calls++;
	/* the rule hands back what find() gave it */
	assert_int_equal(key, (uint64_t)(fake_find_set(name) - fake_sets) + 100);
	const struct fake_set *s = fake_find_set(name);
	return s && (fake_prefix_has(&s->prefixes[0], addr, family) ||
		     fake_prefix_has(&s->prefixes[1], addr, family));
}

static const struct rule_ipset_lookup fake_lookup = {fake_find, fake_contains, NULL};

static struct rule_parser *parser;

/* The parser of every test: the fake sets, and variables naming them. */
static int parser_start(void)
{
	fake_sets[0] =
	    (struct fake_set){"blocklist", {cidr("198.51.100.0", 24), cidr("2001:db8:bad::", 48)}};
	fake_sets[1] =
	    (struct fake_set){"partners", {cidr("203.0.113.0", 24), cidr("203.0.113.0", 24)}};
	parser = rule_parser_create();
	if (!parser)
		return -1;
	rule_parser_set_ipsets(parser, &fake_lookup);
	if (rule_parser_set_var(parser, "BLOCKLIST", "@blocklist") < 0 ||
	    rule_parser_set_var(parser, "TRUSTED", "[@partners,10.9.0.0/16]") < 0)
		return -1;
	return 0;
}

/* ---- helpers ---- */

/* The rule, which must load. */
static struct rule *parse_ok(const char *text)
{
	struct rule *rule = rule_parse(parser, text, "t.rules", 7);
	assert_non_null(rule);
	return rule;
}

/* Why text was refused ("accepted" when it was not). */
static const char *refusal(const char *text)
{
	struct rule *rule = rule_parse(parser, text, "t.rules", 7);
	if (!rule)
		return rule_parser_last_error(parser)->reason;
	rule_free(rule);
	return "accepted";
}

static struct packet pkt(const char *src, const char *dst)
{
	struct packet p = {0};
	int v6 = strchr(src, ':') != NULL;
	p.ip_version = v6 ? 6 : 4;
	p.flags = (v6 ? PACKET_IPV6 : PACKET_IPV4) | PACKET_TCP;
	p.l4_proto = 6;
	inet_pton(v6 ? AF_INET6 : AF_INET, src, p.src_addr);
	inet_pton(v6 ? AF_INET6 : AF_INET, dst, p.dst_addr);
	p.src_port = 40000;
	p.dst_port = 80;
	return p;
}

static bool fits(const struct rule *rule, const char *src, const char *dst)
{
	struct packet p = pkt(src, dst);
	return rule_header_match(rule, &p, -1);
}

/* ---- tests ---- */

static void test_set_variable_parse(void **state)
{
	(void)state;
	struct rule *r = parse_ok("alert ip $BLOCKLIST any -> $HOME_NET any (msg:\"x\"; sid:1;)");
	/* kept by name, never expanded */
	assert_false(r->src_addr.include_any);
	assert_int_equal(r->src_addr.include_count, 0);
	assert_int_equal(r->src_addr.include_group_count, 1);
	assert_string_equal(r->src_addr.include_groups[0].name, "blocklist");
	assert_ptr_equal(r->src_addr.include_groups[0].lookup, &fake_lookup);
	assert_int_equal(r->dst_addr.include_group_count, 0);
	assert_int_equal(r->dst_addr.include_count, 3);
	rule_free(r);

	/* negated: everything but the set */
	r = parse_ok("alert ip !$BLOCKLIST any -> any any (msg:\"x\"; sid:2;)");
	assert_true(r->src_addr.include_any);
	assert_int_equal(r->src_addr.exclude_group_count, 1);
	assert_string_equal(r->src_addr.exclude_groups[0].name, "blocklist");
	rule_free(r);

	/* written inline, and in a list beside prefixes */
	r = parse_ok("alert ip [@partners,192.0.2.0/24] any -> any any (msg:\"x\"; sid:3;)");
	assert_int_equal(r->src_addr.include_count, 1);
	assert_int_equal(r->src_addr.include_group_count, 1);
	assert_string_equal(r->src_addr.include_groups[0].name, "partners");
	assert_int_equal(r->src_addr.include_groups[0].key, 101);
	rule_free(r);
}

static void test_set_match_in_and_out(void **state)
{
	(void)state;
	struct rule *r = parse_ok("alert ip $BLOCKLIST any -> $HOME_NET any (msg:\"x\"; sid:1;)");
	assert_true(fits(r, "198.51.100.7", "10.0.0.2"));
	assert_false(fits(r, "198.51.101.7", "10.0.0.2")); /* next /24 */
	assert_false(fits(r, "198.51.100.7", "8.8.8.8"));  /* destination not home */
	assert_false(fits(r, "10.0.0.2", "198.51.100.7")); /* one-way rule, wrong side */
	rule_free(r);

	r = parse_ok("alert ip any any <> $BLOCKLIST any (msg:\"x\"; sid:4;)");
	assert_true(fits(r, "10.0.0.2", "198.51.100.7"));
	assert_true(fits(r, "198.51.100.7", "10.0.0.2"));
	assert_false(fits(r, "10.0.0.2", "10.0.0.3"));
	rule_free(r);
}

static void test_set_negation(void **state)
{
	(void)state;
	struct rule *r = parse_ok("alert ip !$BLOCKLIST any -> any any (msg:\"x\"; sid:2;)");
	assert_false(fits(r, "198.51.100.7", "10.0.0.2"));
	assert_true(fits(r, "198.51.101.7", "10.0.0.2"));
	assert_true(fits(r, "2001:db8:1::1", "2001:db8:2::1"));
	assert_false(fits(r, "2001:db8:bad::1", "2001:db8:2::1"));
	rule_free(r);

	/* an excluded prefix wins over the set it sits in */
	r = parse_ok("alert ip [$BLOCKLIST,!198.51.100.128/25] any -> any any (msg:\"x\"; sid:5;)");
	assert_true(fits(r, "198.51.100.7", "10.0.0.2"));
	assert_false(fits(r, "198.51.100.200", "10.0.0.2"));
	rule_free(r);
}

static void test_set_ipv6(void **state)
{
	(void)state;
	struct rule *r = parse_ok("alert tcp $BLOCKLIST any -> any 80 (msg:\"x\"; sid:6;)");
	assert_true(fits(r, "2001:db8:bad:1::9", "2001:db8:2::1"));
	assert_false(fits(r, "2001:db8:bae::9", "2001:db8:2::1"));
	rule_free(r);
}

static void test_set_lookup_only_when_needed(void **state)
{
	(void)state;
	struct rule *r = parse_ok("alert ip $TRUSTED any -> any any (msg:\"x\"; sid:7;)");
	fake_calls = 0;
	assert_true(fits(r, "10.9.1.1", "10.0.0.2")); /* the prefix decides: no lookup */
	assert_int_equal(fake_calls, 0);
	assert_true(fits(r, "203.0.113.9", "10.0.0.2"));
	assert_false(fits(r, "203.0.114.9", "10.0.0.2"));
	assert_int_equal(fake_calls, 2);
	rule_free(r);
}

static void test_set_refusals(void **state)
{
	(void)state;
	assert_string_equal(refusal("alert ip @nosuch any -> any any (msg:\"x\"; sid:8;)"),
			    "unknown IP set \"nosuch\": the filter file has no \"ipset nosuch\"");
	const struct rule_load_error *e = rule_parser_last_error(parser);
	assert_string_equal(e->file, "t.rules");
	assert_int_equal(e->line, 7);
	assert_int_equal(e->sid, 8);
	assert_string_equal(refusal("alert ip @ any -> any any (msg:\"x\"; sid:9;)"),
			    "bad IP set name \"@\"");
	assert_string_equal(refusal("alert tcp any @blocklist -> any any (msg:\"x\"; sid:10;)"),
			    "bad port \"@blocklist\"");
	assert_int_equal(rule_parser_set_var(parser, "TYPO", "[10.0.0.0/8,@blocklst]"), 0);
	assert_string_equal(
	    refusal("alert ip $TYPO any -> any any (msg:\"x\"; sid:11;)"),
	    "unknown IP set \"blocklst\": the filter file has no \"ipset blocklst\"");

	/* no owner of sets (no filter file): every set is refused */
	rule_parser_set_ipsets(parser, NULL);
	assert_string_equal(refusal("alert ip $BLOCKLIST any -> any any (msg:\"x\"; sid:12;)"),
			    "unknown IP set \"blocklist\": no filter file defines IP sets");
	rule_parser_set_ipsets(parser, &fake_lookup);
}

/* The address set a policy or threshold line names takes sets too. */
static void test_set_in_addr_list(void **state)
{
	(void)state;
	struct rule_addr_set set;
	char err[256];
	assert_int_equal(rule_parser_addr_set(parser, "!$BLOCKLIST", &set, err, sizeof(err)), 0);
	uint8_t a[16] = {0};
	inet_pton(AF_INET, "198.51.100.1", a);
	assert_false(rule_addr_set_match(&set, a, 4));
	inet_pton(AF_INET, "192.0.2.1", a);
	assert_true(rule_addr_set_match(&set, a, 4));
	rule_addr_set_free(&set);
	assert_int_equal(rule_parser_addr_set(parser, "@nope", &set, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown IP set \"nope\": the filter file has no \"ipset nope\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set_variable_parse),
	    cmocka_unit_test(test_set_match_in_and_out),
	    cmocka_unit_test(test_set_negation),
	    cmocka_unit_test(test_set_ipv6),
	    cmocka_unit_test(test_set_lookup_only_when_needed),
	    cmocka_unit_test(test_set_refusals),
	    cmocka_unit_test(test_set_in_addr_list),
	};
	if (parser_start() < 0) {
		fprintf(stderr, "test_rule_header: cannot set up the parser\n");
		return 1;
	}
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rule_parser_destroy(parser);
	return failed;
}
