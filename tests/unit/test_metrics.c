/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/metrics.c: the stats and status answers as
 * OpenMetrics text (names, labels from arrays and reason maps, counters
 * and gauges, one TYPE line per family, "total" left out, repeats
 * written once) and refusals of text that is not one JSON object.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control/metrics.h"

static char *text;

/* metrics_write over the given docs into text (freed by the next call). */
static int render(unsigned n, const char *a, const char *b)
{
	free(text);
	text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *docs[2] = {a, b};
	const size_t lens[2] = {strlen(a), b ? strlen(b) : 0};
	int rc = metrics_write(f, docs, lens, n);
	fclose(f);
	return rc;
}

static unsigned count(const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static const char stats_answer[] =
    "{\"ok\":true,\"stats\":{\"board\":\"lab\",\"mode\":\"ips\",\"seconds\":12.5,"
    "\"ports\":[{\"name\":\"inside\",\"role\":\"inline\",\"rx_packets\":10,\"rx_bytes\":1500},"
    "{\"name\":\"outside\",\"role\":\"inline\",\"rx_packets\":7,\"rx_bytes\":700}],"
    "\"lcores\":[{\"lcore\":1,\"worker\":0,\"alerts\":3,\"drops\":{\"verdict\":2,\"filter\":0},"
    "\"flows\":{\"flow_created\":4,\"flows_active\":2}},"
    "{\"lcore\":2,\"worker\":1,\"alerts\":1,\"drops\":{\"verdict\":0,\"filter\":5},"
    "\"flows\":{\"flow_created\":1,\"flows_active\":1}}],"
    "\"total\":{\"alerts\":4},"
    "\"filter\":{\"checked\":9,\"acl_rules\":{\"10\":3}},"
    "\"health\":{\"state\":\"healthy\",\"healthy\":true,\"workers\":[{\"worker\":0,"
    "\"stalls\":0,\"idle_ms\":3}]},"
    "\"rate_limit\":{\"limited\":1,\"blocked\":[{\"address\":\"192.0.2.9\",\"key\":\"src\","
    "\"rule\":\"100 per 1s \\\"x\\\"\",\"until_epoch\":1.5,\"worker\":0}]}},"
    "\"rule_hits\":[{\"gid\":1,\"sid\":2001,\"hits\":3}],\"text\":\"...\"}";

static void test_names_and_labels(void **state)
{
	(void)state;
	assert_int_equal(render(1, stats_answer, NULL), 0);
	assert_non_null(strstr(text, "# TYPE vigil_port_rx_packets counter\n"));
	assert_non_null(
	    strstr(text, "vigil_port_rx_packets_total{port=\"inside\",role=\"inline\"} 10\n"));
	assert_non_null(
	    strstr(text, "vigil_port_rx_packets_total{port=\"outside\",role=\"inline\"} 7\n"));
	assert_non_null(strstr(text, "vigil_worker_alerts_total{lcore=\"1\",worker=\"0\"} 3\n"));
	assert_non_null(strstr(
	    text, "vigil_worker_drops_total{lcore=\"2\",worker=\"1\",reason=\"filter\"} 5\n"));
	assert_non_null(
	    strstr(text, "vigil_worker_flows_flow_created_total{lcore=\"1\",worker=\"0\"} 4\n"));
	/* Values that go down are gauges, without _total. */
	assert_non_null(strstr(text, "# TYPE vigil_worker_flows_flows_active gauge\n"));
	assert_non_null(strstr(text, "vigil_seconds 12.5\n"));
	assert_non_null(strstr(text, "vigil_health_healthy 1\n"));
	assert_non_null(strstr(text, "vigil_info{board=\"lab\"} 1\n"));
	assert_non_null(strstr(text, "vigil_filter_acl_rules_total{rule=\"10\"} 3\n"));
	assert_non_null(strstr(text, "vigil_rule_hits_total{gid=\"1\",sid=\"2001\"} 3\n"));
	/* A label value is escaped as OpenMetrics says. */
	assert_non_null(strstr(text, "rule=\"100 per 1s \\\"x\\\"\""));
	/* The sum is left to sum(); no "total" series, no text member. */
	assert_null(strstr(text, "vigil_total"));
	assert_null(strstr(text, "vigil_text"));
	assert_int_equal(count("# TYPE vigil_worker_alerts "), 1);
	size_t n = strlen(text);
	assert_true(n > 6 && strcmp(text + n - 6, "# EOF\n") == 0);
}

static void test_two_answers_one_series(void **state)
{
	(void)state;
	const char status[] = "{\"ok\":true,\"mode\":\"ips\",\"alerts\":4,"
			      "\"health\":{\"state\":\"healthy\",\"healthy\":true},"
			      "\"console\":{\"sessions\":2,\"http_requests\":5}}";
	assert_int_equal(render(2, stats_answer, status), 0);
	assert_non_null(strstr(text, "vigil_console_http_requests_total 5\n"));
	assert_non_null(strstr(text, "vigil_alerts_total 4\n"));
	/* health.healthy is in both answers: written once. */
	assert_int_equal(count("\nvigil_health_healthy "), 1);
	assert_int_equal(count("# TYPE vigil_health_healthy "), 1);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(render(1, "", NULL), -EINVAL);
	assert_int_equal(render(1, "[1,2]", NULL), -EINVAL);
	assert_int_equal(render(1, "{\"a\":1", NULL), -EINVAL);
	assert_int_equal(render(1, "{\"a\":1} x", NULL), -EINVAL);
	assert_int_equal(render(1, "{\"a\":tru}", NULL), -EINVAL);
	assert_int_equal(render(1, "{\"a\":\"\\q\"}", NULL), -EINVAL);
	assert_int_equal(render(2, "{\"a\":1}", "{"), -EINVAL);
	char deep[200] = "{\"a\":";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	assert_int_equal(render(1, deep, NULL), -EINVAL);
	/* Nothing but the EOF marker is written for a refusal. */
	assert_int_equal(render(1, "{\"a\":1,\"b\":[{\"name\":\"x\",\"n\":\"\\u00e9\"}]}", NULL),
			 0);
	assert_non_null(strstr(text, "vigil_a_total 1\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_labels),
	    cmocka_unit_test(test_two_answers_one_series),
	    cmocka_unit_test(test_refusals),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(text);
	return rc;
}
