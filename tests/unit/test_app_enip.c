/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the EtherNet/IP parser (dataplane/app/app_enip.c) and
 * its keywords (rules/keywords/kw_enip.c): a ListIdentity exchange (the
 * reply as a 1756-ENBT/A sends it), a SendRRData Get_Attribute_Single and
 * its reply, and a Multiple Service Packet, fed whole and split at every
 * byte and checked for app.meta (command, identity, CIP services with
 * their paths and statuses) and the EVE object; detection yes / no / need
 * more; each keyword parsed (good and bad values) and matched, once
 * holding and once not.
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

/* The 24-byte header: command, length, session 0x11020100, status 0, context, options 0. */
#define HEADER(cmd, len)                                                                           \
	(cmd), 0x00, (len), 0x00, 0x00, 0x01, 0x02, 0x11, 0x00, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5,   \
	    6, 7, 8, 0x00, 0x00, 0x00, 0x00

static const uint8_t list_identity[] = {HEADER(0x63, 0)};
static const uint8_t identity_reply[] = {HEADER(0x63, 51),
					 0x01,
					 0x00,
					 0x0c,
					 0x00,
					 0x2d,
					 0x00, /* one item: identity, 45 bytes */
					 0x01,
					 0x00,
					 0x00,
					 0x02,
					 0xaf,
					 0x12,
					 0x0a,
					 0x01,
					 0x01,
					 0xa4,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0x01,
					 0x00,
					 0x0c,
					 0x00,
					 0x3a,
					 0x00,
					 0x04,
					 0x03,
					 0x30,
					 0x00,
					 0x8e,
					 0x4d,
					 0x52,
					 0x00,
					 0x0b,
					 '1',
					 '7',
					 '5',
					 '6',
					 '-',
					 'E',
					 'N',
					 'B',
					 'T',
					 '/',
					 'A',
					 0x03};
/* SendRRData: null address item, unconnected data: Get_Attribute_Single class 1 inst 1 attr 7. */
static const uint8_t get_attribute[] = {HEADER(0x6f, 24),
					0,
					0,
					0,
					0,
					0x0a,
					0x00,
					0x02,
					0x00,
					0x00,
					0x00,
					0x00,
					0x00,
					0xb2,
					0x00,
					0x08,
					0x00,
					0x0e,
					0x03,
					0x20,
					0x01,
					0x24,
					0x01,
					0x30,
					0x07};
/* Its reply: service 0x8e, general status 5 (path destination unknown), one extended word. */
static const uint8_t get_attribute_reply[] = {HEADER(0x6f, 22),
					      0,
					      0,
					      0,
					      0,
					      0x0a,
					      0x00,
					      0x02,
					      0x00,
					      0x00,
					      0x00,
					      0x00,
					      0x00,
					      0xb2,
					      0x00,
					      0x06,
					      0x00,
					      0x8e,
					      0x00,
					      0x05,
					      0x01,
					      0x34,
					      0x12};
/* SendUnitData, connected data (sequence 1): Multiple Service Packet of two requests. */
static const uint8_t multiple[] = {HEADER(0x70, 48),
				   0,
				   0,
				   0,
				   0,
				   0x00,
				   0x00,
				   0x02,
				   0x00,
				   0xa1,
				   0x00,
				   0x04,
				   0x00,
				   1,
				   0,
				   0,
				   0,
				   0xb1,
				   0x00,
				   0x1c,
				   0x00,
				   0x01,
				   0x00,
				   0x0a,
				   0x02,
				   0x20,
				   0x02,
				   0x24,
				   0x01,
				   0x02,
				   0x00,
				   0x06,
				   0x00,
				   0x0e,
				   0x00,
				   0x0e,
				   0x03,
				   0x20,
				   0x01,
				   0x24,
				   0x01,
				   0x30,
				   0x01,
				   0x01,
				   0x02,
				   0x20,
				   0x04,
				   0x24,
				   0x02};

struct step {
	enum app_direction dir;
	const uint8_t *bytes;
	uint32_t len;
};

static const struct step exchange[] = {
    {APP_TO_SERVER, list_identity, sizeof(list_identity)},
    {APP_TO_CLIENT, identity_reply, sizeof(identity_reply)},
    {APP_TO_SERVER, get_attribute, sizeof(get_attribute)},
    {APP_TO_CLIENT, get_attribute_reply, sizeof(get_attribute_reply)},
    {APP_TO_SERVER, multiple, sizeof(multiple)},
};

static struct rule_enip_meta meta_of(const struct unit_copy *u)
{
	struct rule_enip_meta m;
	assert_non_null(u->buffer[RULE_BUFFER_APP_META]);
	assert_int_equal(u->len[RULE_BUFFER_APP_META], sizeof(m));
	memcpy(&m, u->buffer[RULE_BUFFER_APP_META], sizeof(m));
	return m;
}

/* The exchange through one parser in pieces of chunk; eve: the identity reply's record. */
static void run_exchange(uint32_t chunk, struct sink *k, char *eve, size_t eve_len)
{
	void *s = app_parser_enip.create(NULL);
	assert_non_null(s);
	for (size_t i = 0; i < sizeof(exchange) / sizeof(exchange[0]); i++) {
		for (uint32_t off = 0; off < exchange[i].len; off += chunk) {
			uint32_t n = exchange[i].len - off < chunk ? exchange[i].len - off : chunk;
			app_parser_enip.parse(s, exchange[i].dir, exchange[i].bytes + off, n,
					      sink_emit, k);
		}
		if (i == 1 && eve) {
			struct app_json j = {.buf = eve, .len = eve_len};
			app_parser_enip.eve_details(k->units[k->count - 1].details, &j);
			eve[j.used < eve_len ? j.used : eve_len - 1] = '\0';
		}
	}
	app_parser_enip.destroy(s);
}

static void check_exchange(struct sink *k)
{
	assert_int_equal(k->count, 5);
	struct rule_enip_meta m = meta_of(&k->units[0]);
	assert_int_equal(m.command, 0x63);
	assert_int_equal(m.cip_count, 0);

	m = meta_of(&k->units[1]);
	assert_true(m.has_identity);
	assert_int_equal(m.vendor_id, 1);
	assert_int_equal(m.device_type, 12);
	assert_int_equal(m.product_code, 58);
	assert_int_equal(m.revision_major, 4);
	assert_int_equal(m.revision_minor, 3);
	assert_int_equal(m.serial, 0x00524d8e);
	assert_int_equal(m.state, 3);

	m = meta_of(&k->units[2]);
	assert_int_equal(m.command, 0x6f);
	assert_int_equal(m.cip_count, 1);
	assert_int_equal(m.cip[0].service, 0x0e);
	assert_true(m.cip[0].has_class && m.cip[0].has_instance && m.cip[0].has_attribute);
	assert_int_equal(m.cip[0].class_id, 1);
	assert_int_equal(m.cip[0].instance, 1);
	assert_int_equal(m.cip[0].attribute, 7);

	m = meta_of(&k->units[3]);
	assert_int_equal(m.cip_count, 1);
	assert_int_equal(m.cip[0].service, 0x8e);
	assert_true(m.cip[0].has_status);
	assert_int_equal(m.cip[0].status, 5);
	assert_int_equal(m.cip[0].extended_status, 0x1234);

	m = meta_of(&k->units[4]);
	assert_int_equal(m.command, 0x70);
	assert_int_equal(m.cip_count, 3); /* the packet and its two services */
	assert_int_equal(m.cip[0].service, 0x0a);
	assert_int_equal(m.cip[0].class_id, 2);
	assert_int_equal(m.cip[1].service, 0x0e);
	assert_int_equal(m.cip[1].attribute, 1);
	assert_int_equal(m.cip[2].service, 0x01);
	assert_int_equal(m.cip[2].class_id, 4);
	assert_int_equal(m.cip[2].instance, 2);
	assert_false(m.cip[2].has_attribute);
}

static void test_enip_exchange(void **unused)
{
	(void)unused;
	char eve[1024];
	struct sink k = {0};
	run_exchange(4096, &k, eve, sizeof(eve));
	check_exchange(&k);
	sink_reset(&k);
	assert_string_equal(eve,
			    ",\"enip\":{\"request\":{\"command\":\"list_identity\",\"status\":"
			    "\"success\"},\"response\":{\"command\":\"list_identity\","
			    "\"status\":\"success\",\"identity\":{\"protocol_version\":1,"
			    "\"revision\":\"4.3\",\"vendor_id\":\"Rockwell "
			    "Automation/Allen-Bradley\",\"device_type\":\"12\",\"product_code\":"
			    "58,\"status\":48,\"serial\":5393806,\"product_name\":"
			    "\"1756-ENBT/A\",\"state\":3}}}");
	for (uint32_t chunk = 1; chunk < 30; chunk++) {
		run_exchange(chunk, &k, NULL, 0);
		check_exchange(&k);
		sink_reset(&k);
	}
}

static void test_enip_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_enip;
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n";
	uint8_t options[sizeof(list_identity)], status[sizeof(list_identity)];
	memcpy(options, list_identity, sizeof(options));
	options[20] = 1;
	memcpy(status, list_identity, sizeof(status));
	status[8] = 1;

	assert_int_equal(p->detect(list_identity, sizeof(list_identity), APP_TO_SERVER),
			 APP_DETECT_YES);
	assert_int_equal(p->detect(identity_reply, sizeof(identity_reply), APP_TO_CLIENT),
			 APP_DETECT_YES);
	assert_int_equal(p->detect(get_attribute, sizeof(get_attribute), APP_TO_SERVER),
			 APP_DETECT_YES);
	assert_int_equal(p->detect(get_attribute, 10, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(options, sizeof(options), APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(status, sizeof(status), APP_TO_SERVER), APP_DETECT_NO);
	/* a ListIdentity request carries no data */
	assert_int_equal(p->detect(identity_reply, sizeof(identity_reply), APP_TO_SERVER),
			 APP_DETECT_NO);
	assert_int_equal(p->detect(http, sizeof(http) - 1, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(http, 4, APP_TO_SERVER), APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_ENIP), p);
}

/* ---- keywords ---- */

static void test_enip_command_status(void **unused)
{
	(void)unused;
	assert_true(match_unit("enip_command:99;", 0));
	assert_true(match_unit("enip_command:list_identity;", 1));
	assert_true(match_unit("enip.command:send_rr_data;", 2));
	assert_false(match_unit("enip_command:112;", 2));
	assert_true(match_unit("enip.status:success;", 3));
	assert_false(match_unit("enip.status:!0;", 3));
	parse_fails("enip_command:list_everything;", "bad value of \"enip_command\"");
	parse_fails("enip_command:70000;", "bad value of \"enip_command\"");
	parse_fails("enip.status;", "needs a value");
}

static void test_enip_identity(void **unused)
{
	(void)unused;
	assert_true(match_unit("enip.vendor_id:1;", 1));
	assert_false(match_unit("enip.vendor_id:1;", 0)); /* the request has no identity */
	assert_true(match_unit("enip.product_code:58;", 1));
	assert_true(match_unit("enip.device_type:12;", 1));
	assert_true(match_unit("enip.serial:5393806;", 1));
	assert_true(match_unit("enip.state:3;", 1));
	assert_true(match_unit("enip.identity_status:48;", 1));
	assert_true(match_unit("enip.protocol_version:1;", 1));
	assert_false(match_unit("enip.state:>3;", 1));
	parse_fails("enip.state:256;", "bad value of \"enip.state\"");
}

static void test_cip_service(void **unused)
{
	(void)unused;
	assert_true(match_unit("cip_service:14;", 2));
	assert_true(match_unit("cip_service:14,1;", 2));
	assert_true(match_unit("cip_service:14,1,7;", 2));
	assert_false(match_unit("cip_service:14,1,8;", 2));
	assert_false(match_unit("cip_service:14,2;", 2));
	/* a reply's service, its reply bit aside */
	assert_true(match_unit("cip_service:14;", 3));
	assert_false(match_unit("cip_service:14,1;", 3)); /* a reply has no path */
	/* the Multiple Service Packet and the services inside it */
	assert_true(match_unit("cip_service:10;", 4));
	assert_true(match_unit("cip_service:1,4;", 4));
	assert_false(match_unit("cip_service:10;", 2));
	assert_true(match_unit("enip.cip_class:4;", 4));
	assert_true(match_unit("enip.cip_instance:2;", 4));
	assert_true(match_unit("enip.cip_attribute:7;", 2));
	assert_true(match_unit("enip.cip_status:5;", 3));
	assert_true(match_unit("enip.cip_extendedstatus:4660;", 3));
	assert_false(match_unit("enip.cip_status:5;", 2));
	parse_fails("cip_service:256;", "bad value of \"cip_service\"");
	parse_fails("cip_service:1,;", "bad value of \"cip_service\"");
	parse_fails("cip_service:x;", "bad value of \"cip_service\"");
	parse_fails("cip_service:1,2,3,4;", "bad value of \"cip_service\"");
}

static int setup(void **unused)
{
	(void)unused;
	sink_parser = rule_parser_create();
	sink_proto = "enip";
	sink_app = &app_parser_enip;
	run_exchange(4096, &sink_units, NULL, 0);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_enip_exchange),	cmocka_unit_test(test_enip_detect),
	    cmocka_unit_test(test_enip_command_status), cmocka_unit_test(test_enip_identity),
	    cmocka_unit_test(test_cip_service),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
