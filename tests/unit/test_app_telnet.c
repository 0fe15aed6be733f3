/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for telnet detection (dataplane/app/app_telnet.c): the
 * negotiation either side opens with (yes), one byte of it (need more),
 * other protocols and an IAC that starts no negotiation (no); the parser
 * takes a session's bytes and hands nothing over; and a rule on the
 * telnet header loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_parsers.h"
#include "tests/unit/app_sink.h"

/* A client's first segment (Suricata's suite): DO ECHO, WILL TTYPE, WILL NAWS, ... */
static const uint8_t client_opens[] = {0xff, 0xfd, 0x03, 0xff, 0xfb, 0x18, 0xff, 0xfb, 0x1f};
/* A server's first: DO TERMINAL-TYPE */
static const uint8_t server_opens[] = {0xff, 0xfd, 0x18};

static void test_telnet_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_telnet;
	assert_int_equal(p->detect(client_opens, sizeof(client_opens), APP_TO_SERVER),
			 APP_DETECT_YES);
	assert_int_equal(p->detect(server_opens, sizeof(server_opens), APP_TO_CLIENT),
			 APP_DETECT_YES);
	assert_int_equal(p->detect(client_opens, 1, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	static const uint8_t iac_nop[] = {0xff, 0xf1};
	assert_int_equal(p->detect(iac_nop, sizeof(iac_nop), APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect((const uint8_t *)"login: ", 7, APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(p->detect((const uint8_t *)"SSH-2.0-x\r\n", 11, APP_TO_CLIENT),
			 APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_TELNET), p);
}

static void test_telnet_parse(void **unused)
{
	(void)unused;
	struct sink k = {0};
	void *s = app_parser_telnet.create(NULL);
	assert_non_null(s);
	app_parser_telnet.parse(s, APP_TO_SERVER, client_opens, sizeof(client_opens), sink_emit,
				&k);
	app_parser_telnet.parse(s, APP_TO_CLIENT, (const uint8_t *)"login: ", 7, sink_emit, &k);
	assert_int_equal(k.count, 0);
	app_parser_telnet.destroy(s);
}

static void test_telnet_rule(void **unused)
{
	(void)unused;
	struct rule_parser *parser = rule_parser_create();
	assert_non_null(parser);
	struct rule *rule = rule_parse(
	    parser, "alert telnet any any -> any any (content:\"/sbin/ping\"; sid:1;)", "t", 1);
	assert_non_null(rule);
	assert_int_equal(rule->proto, RULE_PROTO_TELNET);
	rule_free(rule);
	rule_parser_destroy(parser);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_telnet_detect),
	    cmocka_unit_test(test_telnet_parse),
	    cmocka_unit_test(test_telnet_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
