/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the parser table (dataplane/app/app.c, app_parsers.h):
 * every row is complete (name, protocol, a transport, detect, create,
 * parse, destroy), its name is its protocol's rule name, its buffers
 * belong to its protocol as rules/lang/buffer.h declares them and to no
 * other row (HTTP/2 also fills HTTP's, as Suricata does), app_parser_for() finds each row, detection runs in the listed
 * order (DNS, a heuristic, last), and a row's eve_details writes exactly
 * one object named for its protocol.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

static unsigned row_count(void)
{
	unsigned n = 0;
	while (app_parsers[n])
		n++;
	return n;
}

static void test_rows_complete(void **unused)
{
	(void)unused;
	unsigned n = row_count();
	assert_int_equal(n, 8);
	for (unsigned i = 0; i < n; i++) {
		const struct app_parser *p = app_parsers[i];
		assert_non_null(p->name);
		assert_true(rule_proto_is_app(p->proto));
		assert_string_equal(p->name, rule_proto_name[p->proto]);
		assert_true(p->tcp || p->udp);
		assert_non_null(p->detect);
		assert_non_null(p->create);
		assert_non_null(p->parse);
		assert_non_null(p->destroy);
		assert_ptr_equal(app_parser_for(p->proto), p);
		for (unsigned k = 0; k < i; k++)
			assert_int_not_equal(app_parsers[k]->proto, p->proto);
	}
	assert_null(app_parser_for(RULE_PROTO_FTP)); /* a protocol the rules know, no parser yet */
}

/* The list and the table agree, in order: the names generate both. */
static void test_table_is_the_list(void **unused)
{
	(void)unused;
	const struct app_parser *listed[] = {
#define _(name) &app_parser_##name,
	    foreach_app_parser
#undef _
	};
	assert_int_equal(sizeof(listed) / sizeof(listed[0]), row_count());
	for (unsigned i = 0; i < row_count(); i++)
		assert_ptr_equal(app_parsers[i], listed[i]);
	/* DNS's header check is a heuristic: every signature-based detector goes first */
	assert_ptr_equal(app_parsers[row_count() - 1], &app_parser_dns);
}

static void test_buffers_belong_to_the_row(void **unused)
{
	(void)unused;
	rule_buffer_mask claimed = 0;
	for (unsigned i = 0; app_parsers[i]; i++) {
		const struct app_parser *p = app_parsers[i];
		assert_false(p->buffers & RULE_BUFFER_BIT(RULE_BUFFER_PKT_DATA));
		for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
			if (!(p->buffers & RULE_BUFFER_BIT(b)))
				continue;
			if (p->proto == RULE_PROTO_HTTP2 && rule_buffer_proto[b] == RULE_PROTO_HTTP)
				continue;
			if (rule_buffer_proto[b] != (int)p->proto)
				fail_msg("%s fills %s, a buffer of %s", p->name,
					 rule_buffer_name[b],
					 rule_proto_name[rule_buffer_proto[b]]);
		}
		rule_buffer_mask own = p->buffers;
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			if (rule_buffer_proto[b] != (int)p->proto)
				own &= ~RULE_BUFFER_BIT(b);
		assert_false(claimed & own);
		claimed |= own;
	}
}

/* Empty details: the object's name and braces, nothing else. */
static void test_eve_details_object(void **unused)
{
	(void)unused;
	struct app_details d;
	memset(&d, 0, sizeof(d));
	for (unsigned i = 0; app_parsers[i]; i++) {
		const struct app_parser *p = app_parsers[i];
		if (!p->eve_details)
			continue;
		char line[512], want[64];
		struct app_json j = {.buf = line, .len = sizeof(line)};
		p->eve_details(&d, &j);
		line[j.used < sizeof(line) ? j.used : sizeof(line) - 1] = '\0';
		snprintf(want, sizeof(want), ",\"%s\":{",
			 p->eve_event_type ? p->eve_event_type : p->name);
		assert_memory_equal(line, want, strlen(want));
		assert_int_equal(line[j.used - 1], '}');
	}
	assert_non_null(app_parser_http.eve_details);
	assert_non_null(app_parser_tls.eve_details);
	assert_non_null(app_parser_dns.eve_details);
	assert_non_null(app_parser_ssh.eve_details);
	assert_non_null(app_parser_smtp.eve_details);
	assert_non_null(app_parser_sip.eve_details);
	assert_non_null(app_parser_mysql.eve_details);
	assert_non_null(app_parser_http2.eve_details);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows_complete),
	    cmocka_unit_test(test_table_is_the_list),
	    cmocka_unit_test(test_buffers_belong_to_the_row),
	    cmocka_unit_test(test_eve_details_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
