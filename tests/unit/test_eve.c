/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/eve.c: the EVE alert line carries the fields SIEMs
 * read, escapes what a rule file wrote, and the protocol object and the
 * X-Forwarded-For client of an application-layer alert.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "control/eve.h"
#include "dataplane/filter.h"
#include "rules/rule.h"

static struct rule test_rule(void)
{
	static char msg[] = "quote \" and backslash \\ and\ttab";
	static char meta0[] = "attack_class sql_injection";
	static char *metadata[] = {meta0};
	struct rule r;
	memset(&r, 0, sizeof(r));
	r.sid = 9100001;
	r.rev = 2;
	r.priority = 1;
	r.msg = msg;
	r.metadata = metadata;
	r.metadata_count = 1;
	return r;
}

static struct alert test_alert(const struct rule *r)
{
	struct alert a;
	memset(&a, 0, sizeof(a));
	a.rule = r;
	a.timestamp_us = 1700000000123456ull;
	a.flow_id = 42;
	a.ip_version = 4;
	a.l4_proto = 6;
	a.src_addr[0] = 10, a.src_addr[3] = 1;
	a.dst_addr[0] = 10, a.dst_addr[3] = 2;
	a.src_port = 40000;
	a.dst_port = 80;
	a.to_server = 1;
	a.app_proto = 0xffff;
	return a;
}

static void assert_contains(const char *line, const char *want)
{
	if (!strstr(line, want))
		fail_msg("\"%s\" not in %s", want, line);
}

static void test_alert_fields(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), false);
	assert_int_equal(n, strlen(line));
	assert_contains(line, "\"timestamp\":\"2023-11-14T22:13:20.123456+0000\"");
	assert_contains(line, "\"flow_id\":42");
	assert_contains(line, "\"event_type\":\"alert\"");
	assert_contains(line, "\"src_ip\":\"10.0.0.1\",\"src_port\":40000");
	assert_contains(line, "\"dest_ip\":\"10.0.0.2\",\"dest_port\":80");
	assert_contains(line, "\"proto\":\"TCP\"");
	assert_contains(line, "\"action\":\"allowed\",\"gid\":1,\"signature_id\":9100001,\"rev\":2");
	assert_contains(line, "\"signature\":\"quote \\\" and backslash \\\\ and\\u0009tab\"");
	assert_contains(line, "\"severity\":1");
	assert_contains(line, "\"metadata\":{\"attack_class\":[\"sql_injection\"]}");
	assert_true(line[0] == '{' && line[n - 1] == '}');
}

/* The filter's drop event: no rule, event_type drop, the reason and the ACL rule number. */
static void test_filter_drop_event(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.filter_drop = 1;
	a.filter_reason = FILTER_REASON_ACL_RULE;
	a.acl_rule = 100;
	char line[4096];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), true);
	assert_contains(line, "\"event_type\":\"drop\",\"src_ip\":\"10.0.0.1\",\"src_port\":40000");
	assert_contains(line, "\"proto\":\"TCP\",\"drop\":{\"reason\":\"acl_rule\",\"acl_rule\":100}}");
	assert_null(strstr(line, "\"alert\""));
	assert_true(line[0] == '{' && line[n - 1] == '}');
}

static void test_http_details_and_proxy(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	a.app_proto = RULE_PROTO_HTTP;
	a.has_details = 1;
	a.blocked = 1;
	snprintf(a.details.http_hostname, sizeof(a.details.http_hostname), "shop.example");
	snprintf(a.details.http_url, sizeof(a.details.http_url), "/login?id=1");
	snprintf(a.details.http_method, sizeof(a.details.http_method), "GET");
	snprintf(a.details.xff, sizeof(a.details.xff), "203.0.113.9");
	a.details.http_status = 403;
	eve_format_alert(&a, NULL, line, sizeof(line), false);
	assert_contains(line, "\"app_proto\":\"http\"");
	assert_contains(line, "\"action\":\"blocked\"");
	assert_contains(line, "\"http\":{\"hostname\":\"shop.example\",\"url\":\"/login?id=1\"");
	assert_contains(line, "\"status\":403");
	assert_contains(line, "\"xff\":\"203.0.113.9\"");
	assert_contains(line, "\"src_ip\":\"10.0.0.1\"");
	eve_format_alert(&a, NULL, line, sizeof(line), true);
	assert_contains(line, "\"src_ip\":\"203.0.113.9\",\"proxy_ip\":\"10.0.0.1\"");
	/* an XFF that is not an address leaves src_ip alone */
	snprintf(a.details.xff, sizeof(a.details.xff), "unknown");
	eve_format_alert(&a, NULL, line, sizeof(line), true);
	assert_contains(line, "\"src_ip\":\"10.0.0.1\"");
}

static void test_truncation_is_safe(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[64];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), false);
	assert_true(n < sizeof(line));
	assert_int_equal(line[n], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_fields),
		cmocka_unit_test(test_filter_drop_event),
		cmocka_unit_test(test_http_details_and_proxy),
		cmocka_unit_test(test_truncation_is_safe),
	};
	return cmocka_run_group_tests_name("eve", tests, NULL, NULL);
}
