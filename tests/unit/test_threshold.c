/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/detect/threshold.c (threshold:, detection_filter:,
 * rate_filter counting) and rules/lang/threshold_config.c (Suricata's
 * threshold.config lines and their refusals).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dataplane/detect/threshold.h"
#include "rules/lang/parse.h"
#include "rules/lang/threshold_config.h"

#define SECOND 1000000ull

static struct packet packet_from(uint8_t last_src_byte)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.flags = PACKET_IPV4;
	p.src_addr[0] = 10, p.src_addr[3] = last_src_byte;
	p.dst_addr[0] = 10, p.dst_addr[3] = 200;
	return p;
}

static unsigned count_passes(struct threshold_table *t, const struct rule_threshold *th,
			     const struct packet *p, unsigned events, uint64_t start_us)
{
	unsigned passed = 0;
	for (unsigned i = 0; i < events; i++)
		passed += threshold_pass(t, 7, th, p, 0, start_us + i);
	return passed;
}

static void test_threshold_types(void **state)
{
	(void)state;
	struct threshold_table *t = threshold_table_create(1024);
	struct packet p = packet_from(1);
	struct rule_threshold limit = {RULE_THRESHOLD_LIMIT, RULE_TRACK_BY_SRC, 2, 60, 0};
	struct rule_threshold every = {RULE_THRESHOLD_THRESHOLD, RULE_TRACK_BY_SRC, 3, 60, 0};
	struct rule_threshold both = {RULE_THRESHOLD_BOTH, RULE_TRACK_BY_SRC, 2, 60, 0};
	struct rule_threshold filter = {RULE_THRESHOLD_DETECTION_FILTER, RULE_TRACK_BY_SRC, 3, 60,
					0};
	assert_int_equal(count_passes(t, &limit, &p, 7, SECOND), 2);
	threshold_table_free(t);
	t = threshold_table_create(1024);
	assert_int_equal(count_passes(t, &every, &p, 7, SECOND), 2);
	threshold_table_free(t);
	t = threshold_table_create(1024);
	assert_int_equal(count_passes(t, &both, &p, 7, SECOND), 1);
	threshold_table_free(t);
	t = threshold_table_create(1024);
	assert_int_equal(count_passes(t, &filter, &p, 7, SECOND), 4);
	threshold_table_free(t);
}

static void test_threshold_window_and_tracking(void **state)
{
	(void)state;
	struct threshold_table *t = threshold_table_create(1024);
	struct rule_threshold limit = {RULE_THRESHOLD_LIMIT, RULE_TRACK_BY_SRC, 1, 10, 0};
	struct packet a = packet_from(1), b = packet_from(2);
	assert_true(threshold_pass(t, 1, &limit, &a, 0, SECOND));
	assert_false(threshold_pass(t, 1, &limit, &a, 0, 2 * SECOND));
	assert_true(threshold_pass(t, 1, &limit, &b, 0, 2 * SECOND));  /* another source */
	assert_true(threshold_pass(t, 2, &limit, &a, 0, 2 * SECOND));  /* another rule */
	assert_true(threshold_pass(t, 1, &limit, &a, 0, 12 * SECOND)); /* a new window */
	struct rule_threshold none = {RULE_THRESHOLD_NONE, RULE_TRACK_BY_SRC, 0, 0, 0};
	assert_true(threshold_pass(t, 1, &none, &a, 0, SECOND));
	threshold_table_free(t);
}

/* Suricata 8: backoff (count, multiplier), by_flow, and no seconds (no period). */
static void test_threshold_backoff_and_by_flow(void **state)
{
	(void)state;
	struct threshold_table *t = threshold_table_create(1024);
	struct rule_threshold backoff = {RULE_THRESHOLD_BACKOFF, RULE_TRACK_BY_FLOW, 1, 0, 10};
	struct packet p = packet_from(1);
	unsigned alerted[4] = {0}, n = 0;
	for (unsigned event = 1; event <= 1000; event++)
		if (threshold_pass(t, 1, &backoff, &p, 7, event * SECOND))
			alerted[n < 4 ? n++ : 3] = event;
	assert_int_equal(n, 4); /* 1st, 10th, 100th, 1000th */
	assert_int_equal(alerted[1], 10);
	assert_int_equal(alerted[2], 100);
	assert_int_equal(alerted[3], 1000);
	/* another flow counts from the start */
	assert_true(threshold_pass(t, 1, &backoff, &p, 8, SECOND));
	struct rule_threshold five = {RULE_THRESHOLD_BACKOFF, RULE_TRACK_BY_FLOW, 5, 0, 2};
	assert_int_equal(count_passes(t, &five, &p, 40, SECOND), 4); /* 5, 10, 20, 40 */
	/* no seconds: a limit never opens a new window */
	struct rule_threshold limit = {RULE_THRESHOLD_LIMIT, RULE_TRACK_BY_FLOW, 1, 0, 0};
	assert_true(threshold_pass(t, 2, &limit, &p, 7, SECOND));
	assert_false(threshold_pass(t, 2, &limit, &p, 7, 100000 * SECOND));
	assert_true(threshold_pass(t, 2, &limit, &p, 9, 100000 * SECOND)); /* another flow */
	threshold_table_free(t);
}

static void test_threshold_full_table_evicts(void **state)
{
	(void)state;
	struct threshold_table *t = threshold_table_create(64);
	struct rule_threshold limit = {RULE_THRESHOLD_LIMIT, RULE_TRACK_BY_RULE, 1, 60, 0};
	struct packet p = packet_from(1);
	for (uint32_t rule = 0; rule < 1000; rule++)
		assert_true(threshold_pass(t, rule, &limit, &p, 0, SECOND + rule));
	assert_true(threshold_table_evictions(t) > 0);
	threshold_table_free(t);
}

static void test_rate_filter(void **state)
{
	(void)state;
	struct threshold_table *t = threshold_table_create(1024);
	struct rule_rate_filter rate = {
	    .set = true, .track = RULE_TRACK_BY_FLOW, .count = 3, .seconds = 60, .timeout = 5};
	struct packet p = packet_from(1);
	unsigned active = 0;
	for (unsigned i = 0; i < 10; i++)
		active += threshold_rate_active(t, 1, &rate, &p, 42, SECOND + i);
	assert_int_equal(active, 7);					  /* events 4..10 */
	assert_false(threshold_rate_active(t, 1, &rate, &p, 43, SECOND)); /* another flow */
	/* after the timeout, and in a new window, the rule's own action is back */
	assert_false(threshold_rate_active(t, 1, &rate, &p, 42, 120 * SECOND));
	threshold_table_free(t);
}

/* by_both counts the pair of hosts whichever way a packet goes (Suricata's IP pair). */
static void test_rate_filter_by_both_either_way(void **state)
{
	(void)state;
	struct threshold_table *t = threshold_table_create(1024);
	struct rule_rate_filter rate = {
	    .set = true, .track = RULE_TRACK_BY_BOTH, .count = 1, .seconds = 60, .timeout = 100};
	struct packet request = packet_from(1);
	struct packet reply = request;
	memcpy(reply.src_addr, request.dst_addr, 16);
	memcpy(reply.dst_addr, request.src_addr, 16);
	struct packet other = packet_from(2);
	assert_false(threshold_rate_active(t, 1, &rate, &request, 0, SECOND));
	assert_true(threshold_rate_active(t, 1, &rate, &reply, 0, SECOND + 1));
	assert_false(threshold_rate_active(t, 1, &rate, &other, 0, SECOND + 2));
	threshold_table_free(t);
}

static struct rule *rule_with_sid(struct rule_parser *parser, uint32_t sid)
{
	char text[128];
	snprintf(text, sizeof(text), "drop tcp any any -> any any (msg:\"x\"; sid:%u;)", sid);
	struct rule *r = rule_parse(parser, text, "test.rules", 1);
	assert_non_null(r);
	return r;
}

static int apply_text(struct rule_parser *parser, struct rule **rules, unsigned n, const char *text,
		      char *err, size_t err_len)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/vigil-threshold-%d.config", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	int rc = threshold_config_apply(parser, path, rules, n, err, err_len);
	unlink(path);
	return rc;
}

static void test_threshold_config_lines(void **state)
{
	(void)state;
	struct rule_parser *parser = rule_parser_create();
	rule_parser_set_var(parser, "BAD_HOSTS", "[192.0.2.0/24,198.51.100.7]");
	struct rule *rules[2] = {rule_with_sid(parser, 100), rule_with_sid(parser, 200)};
	char err[256];
	const char *text = "# tuning\n"
			   "suppress gen_id 1, sig_id 100, track by_src, ip $BAD_HOSTS\n"
			   "threshold gen_id 1, sig_id 200, type limit, track by_dst, count 5, "
			   "seconds 30\n"
			   "rate_filter gen_id 1, sig_id 200, track by_rule, count 3, seconds 60, "
			   "new_action sdrop, timeout 10\n";
	assert_int_equal(apply_text(parser, rules, 2, text, err, sizeof(err)), 0);
	assert_non_null(rules[0]->policy);
	assert_int_equal(rules[0]->policy->suppress_count, 1);
	assert_int_equal(rules[0]->policy->suppress[0].addrs.include_count, 2);
	assert_int_equal(rules[1]->threshold.type, RULE_THRESHOLD_LIMIT);
	assert_int_equal(rules[1]->threshold.count, 5);
	assert_true(rules[1]->policy->rate.set);
	assert_int_equal(rules[1]->policy->rate.new_action, RULE_ACTION_DROP);
	assert_true(rules[1]->policy->rate.new_action_silent);
	for (int i = 0; i < 2; i++)
		rule_free(rules[i]);
	rule_parser_destroy(parser);
}

static void test_threshold_config_errors(void **state)
{
	(void)state;
	struct rule_parser *parser = rule_parser_create();
	struct rule *rules[1] = {rule_with_sid(parser, 1)};
	char err[256];
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"quench gen_id 1, sig_id 1\n", ":1: error: unknown command \"quench\""},
	    {"\nsuppress gen_id 1, sig_id x\n", ":2: error: bad sig_id \"x\""},
	    {"suppress gen_id 1, sig_id 1, track by_src\n", "track and ip, or neither"},
	    {"threshold gen_id 1, sig_id 1, track by_src, count 1, seconds 1\n",
	     "type is required"},
	    {"rate_filter gen_id 1, sig_id 1, track by_src, count 1, seconds 1\n", "timeout"},
	    {"suppress gen_id 1, sig_id 1, track by_src, ip $NOPE\n", "NOPE"},
	    {"threshold gen_id 1, sig_id 1, type limit, track sideways, count 1, seconds 1\n",
	     "bad track \"sideways\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(apply_text(parser, rules, 1, cases[i].text, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].want);
	}
	rule_free(rules[0]);
	rule_parser_destroy(parser);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_threshold_types),
	    cmocka_unit_test(test_threshold_window_and_tracking),
	    cmocka_unit_test(test_threshold_full_table_evicts),
	    cmocka_unit_test(test_threshold_backoff_and_by_flow),
	    cmocka_unit_test(test_rate_filter),
	    cmocka_unit_test(test_rate_filter_by_both_either_way),
	    cmocka_unit_test(test_threshold_config_lines),
	    cmocka_unit_test(test_threshold_config_errors),
	};
	return cmocka_run_group_tests_name("threshold", tests, NULL, NULL);
}
