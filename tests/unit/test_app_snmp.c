/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the SNMP parser (dataplane/app/app_snmp.c) and its
 * keywords (rules/keywords/kw_snmp.c): a v2c get-request and its response
 * (community "[R0_C@cti!]", as a capture of Suricata's suite has them), a
 * v3 get-request of user "alice" in the clear and one encrypted, checked
 * for their units (snmp.community, snmp.usm, app.meta) and EVE objects;
 * a datagram that is no SNMP; detection yes / no / need more; and each
 * keyword parsed (good and bad values) and matched, once holding and once
 * not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/unit/app_sink.h"

/* v2c get-request of sysUpTime.0 */
static const uint8_t get_v2c[] = {
    0x30, 0x2e, 0x02, 0x01, 0x01, 0x04, 0x0b, '[',  'R',  '0',	'_',  'C',  '@',  'c',	't',  'i',
    '!',  ']',	0xa0, 0x1c, 0x02, 0x04, 0x21, 0x18, 0x2c, 0xd7, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
    0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x05, 0x00};
/* its response: TimeTicks */
static const uint8_t response_v2c[] = {
    0x30, 0x32, 0x02, 0x01, 0x01, 0x04, 0x0b, '[',  'R',  '0',	'_',  'C',  '@',
    'c',  't',	'i',  '!',  ']',  0xa2, 0x20, 0x02, 0x04, 0x21, 0x18, 0x2c, 0xd7,
    0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x12, 0x30, 0x10, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x04, 0x04, 0x92, 0x6f, 0xa4};
/* v3 get-request of 1.3.6.1, user alice, no privacy */
static const uint8_t get_v3[] = {
    0x30, 0x4a, 0x02, 0x01, 0x03, 0x30, 0x0d, 0x02, 0x01, 0x01, 0x02, 0x02, 0x05, 0xdc, 0x04, 0x01,
    0x04, 0x02, 0x01, 0x03, 0x04, 0x1a, 0x30, 0x18, 0x04, 0x05, 0x80, 0x00, 0x00, 0x00, 0x01, 0x02,
    0x01, 0x01, 0x02, 0x01, 0x02, 0x04, 0x05, 0x61, 0x6c, 0x69, 0x63, 0x65, 0x04, 0x00, 0x04, 0x00,
    0x30, 0x1a, 0x04, 0x00, 0x04, 0x00, 0xa0, 0x14, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01,
    0x00, 0x30, 0x09, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x06, 0x01, 0x05, 0x00};
/* the same, its PDU encrypted */
static const uint8_t encrypted_v3[] = {
    0x30, 0x33, 0x02, 0x01, 0x03, 0x30, 0x0d, 0x02, 0x01, 0x01, 0x02, 0x02, 0x05, 0xdc,
    0x04, 0x01, 0x04, 0x02, 0x01, 0x03, 0x04, 0x1a, 0x30, 0x18, 0x04, 0x05, 0x80, 0x00,
    0x00, 0x00, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x04, 0x05, 0x61, 0x6c, 0x69,
    0x63, 0x65, 0x04, 0x00, 0x04, 0x00, 0x04, 0x03, 0x99, 0x98, 0x97};

static struct rule_snmp_meta meta_of(const struct unit_copy *u)
{
	struct rule_snmp_meta m;
	assert_non_null(u->buffer[RULE_BUFFER_APP_META]);
	assert_int_equal(u->len[RULE_BUFFER_APP_META], sizeof(m));
	memcpy(&m, u->buffer[RULE_BUFFER_APP_META], sizeof(m));
	assert_int_equal(m.head.proto, RULE_PROTO_SNMP);
	return m;
}

/* Each datagram through one parser; eve[i]: datagram i's EVE object. */
static void run_datagrams(struct sink *k, char (*eve)[512])
{
	const uint8_t *grams[] = {get_v2c, response_v2c, get_v3, encrypted_v3};
	const uint32_t lens[] = {sizeof(get_v2c), sizeof(response_v2c), sizeof(get_v3),
				 sizeof(encrypted_v3)};
	void *s = app_parser_snmp.create(NULL);
	assert_non_null(s);
	for (int i = 0; i < 4; i++) {
		app_parser_snmp.parse(s, i == 1 ? APP_TO_CLIENT : APP_TO_SERVER, grams[i], lens[i],
				      sink_emit, k);
		if (eve) {
			struct app_json j = {.buf = eve[i], .len = sizeof(eve[i])};
			app_parser_snmp.eve_details(k->units[k->count - 1].details, &j);
			eve[i][j.used < sizeof(eve[i]) ? j.used : sizeof(eve[i]) - 1] = '\0';
		}
	}
	app_parser_snmp.destroy(s);
}

static void test_snmp_messages(void **unused)
{
	(void)unused;
	char eve[4][512];
	struct sink k = {0};
	run_datagrams(&k, eve);
	assert_int_equal(k.count, 4);
	assert_buffer(&k.units[0], RULE_BUFFER_SNMP_COMMUNITY, "[R0_C@cti!]");
	assert_null(k.units[0].buffer[RULE_BUFFER_SNMP_USM]);
	struct rule_snmp_meta m = meta_of(&k.units[0]);
	assert_int_equal(m.version, 2);
	assert_true(m.has_pdu);
	assert_int_equal(m.pdu_type, RULE_SNMP_GET_REQUEST);
	assert_int_equal(meta_of(&k.units[1]).pdu_type, RULE_SNMP_RESPONSE);
	assert_buffer(&k.units[2], RULE_BUFFER_SNMP_USM, "alice");
	assert_null(k.units[2].buffer[RULE_BUFFER_SNMP_COMMUNITY]);
	assert_int_equal(meta_of(&k.units[2]).version, 3);
	assert_true(meta_of(&k.units[2]).has_pdu);
	assert_buffer(&k.units[3], RULE_BUFFER_SNMP_USM, "alice");
	assert_false(meta_of(&k.units[3]).has_pdu);
	assert_string_equal(eve[0], ",\"snmp\":{\"version\":2,\"pdu_type\":\"get_request\","
				    "\"vars\":[\"1.3.6.1.2.1.1.3.0\"],\"community\":"
				    "\"[R0_C@cti!]\"}");
	assert_string_equal(eve[2], ",\"snmp\":{\"version\":3,\"pdu_type\":\"get_request\","
				    "\"vars\":[\"1.3.6.1\"],\"usm\":\"alice\"}");
	assert_string_equal(eve[3], ",\"snmp\":{\"version\":3,\"usm\":\"alice\"}");
	sink_reset(&k);
}

/* A datagram that is no SNMP message, or one cut short: an error unit, or what it holds. */
static void test_snmp_malformed(void **unused)
{
	(void)unused;
	static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x07};
	struct sink k = {0};
	void *s = app_parser_snmp.create(NULL);
	assert_non_null(s);
	app_parser_snmp.parse(s, APP_TO_SERVER, junk, sizeof(junk), sink_emit, &k);
	assert_int_equal(k.count, 1);
	assert_true(k.units[0].error);
	/* cut inside the PDU: the community is still read */
	app_parser_snmp.parse(s, APP_TO_SERVER, get_v2c, 24, sink_emit, &k);
	assert_int_equal(k.count, 2);
	assert_false(k.units[1].error);
	assert_buffer(&k.units[1], RULE_BUFFER_SNMP_COMMUNITY, "[R0_C@cti!]");
	app_parser_snmp.destroy(s);
	sink_reset(&k);
}

static void test_snmp_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_snmp;
	static const uint8_t ldap[] = {0x30, 0x05, 0x02, 0x01, 0x03, 0x42, 0x00};
	assert_int_equal(p->detect(get_v2c, sizeof(get_v2c), APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(get_v3, sizeof(get_v3), APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(get_v2c, 4, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(ldap, sizeof(ldap), APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect((const uint8_t *)"GET / HTTP", 10, APP_TO_SERVER),
			 APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_SNMP), p);
}

static void test_snmp_keywords(void **unused)
{
	(void)unused;
	assert_true(match_unit("snmp.community; content:\"[R0_C@cti!]\";", 0));
	assert_false(match_unit("snmp.community; content:\"private\";", 0));
	assert_true(match_unit("snmp.usm; content:\"alice\"; bsize:5;", 2));
	assert_false(match_unit("snmp.usm; content:\"alice\";", 0));
	assert_true(match_unit("snmp.version:2;", 0));
	assert_true(match_unit("snmp.version:>2;", 3));
	assert_false(match_unit("snmp.version:1;", 0));
	assert_true(match_unit("snmp.pdu_type:0;", 0));
	assert_true(match_unit("snmp.pdu_type:response;", 1));
	assert_false(match_unit("snmp.pdu_type:get_request;", 1));
	assert_false(match_unit("snmp.pdu_type:!5;", 3)); /* an encrypted PDU has no type */
	parse_fails("snmp.pdu_type:get_everything;", "bad value of \"snmp.pdu_type\"");
	parse_fails("snmp.version:x;", "bad value of \"snmp.version\"");
}

static int setup(void **unused)
{
	(void)unused;
	sink_parser = rule_parser_create();
	sink_proto = "snmp";
	sink_app = &app_parser_snmp;
	run_datagrams(&sink_units, NULL);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_snmp_messages),
	    cmocka_unit_test(test_snmp_malformed),
	    cmocka_unit_test(test_snmp_detect),
	    cmocka_unit_test(test_snmp_keywords),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
