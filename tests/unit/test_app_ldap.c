/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the LDAP parser (dataplane/app/app_ldap.c) and its
 * keywords (rules/keywords/kw_ldap.c): a search (request for "*" and "+",
 * one entry with objectClass and dc, done) fed whole and split at every
 * byte, checked for its units (attribute types as multi-buffers, app.meta
 * with the request and the responses so far, one shared list of matched
 * rules, one record written with the done); an unsolicited notice of
 * disconnection; what is not LDAP; detection yes / no / need more; and
 * each keyword parsed (good and bad values) and matched, once holding and
 * once not.
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

/* searchRequest id 2: base dc=example,dc=com, subtree, (|(objectClass=person)(uid=jdoe)), "*", "+". */
static const uint8_t search[] = {
    0x30, 0x56, 0x02, 0x01, 0x02, 0x63, 0x51, 0x04, 0x11, 'd',	'c',  '=',  'e',  'x',	'a',
    'm',  'p',	'l',  'e',  ',',  'd',	'c',  '=',  'c',  'o',	'm',  0x0a, 0x01, 0x02, 0x0a,
    0x01, 0x00, 0x02, 0x02, 0x03, 0xe8, 0x02, 0x01, 0x1e, 0x01, 0x01, 0x00, 0x80, 0x24, 0x88,
    0x15, 0x04, 0x0b, 'o',  'b',  'j',	'e',  'c',  't',  'C',	'l',  'a',  's',  's',	0x04,
    0x06, 'p',	'e',  'r',  's',  'o',	'n',  0x88, 0x0b, 0x04, 0x03, 'u',  'i',  'd',	0x04,
    0x04, 'j',	'd',  'o',  'e',  0x30, 0x06, 0x04, 0x01, '*',	0x04, 0x01, '+'};
/* searchResEntry id 2: dc=example,dc=com, objectClass: top domain, dc: example. */
static const uint8_t entry[] = {
    0x30, 0x49, 0x02, 0x01, 0x02, 0x64, 0x44, 0x04, 0x11, 'd', 'c', '=',  'e',	'x',  'a',
    'm',  'p',	'l',  'e',  ',',  'd',	'c',  '=',  'c',  'o', 'm', 0x30, 0x2f, 0x30, 0x1c,
    0x04, 0x0b, 'o',  'b',  'j',  'e',	'c',  't',  'C',  'l', 'a', 's',  's',	0x31, 0x0d,
    0x04, 0x03, 't',  'o',  'p',  0x04, 0x06, 'd',  'o',  'm', 'a', 'i',  'n',	0x30, 0x0f,
    0x04, 0x02, 'd',  'c',  0x31, 0x09, 0x04, 0x07, 'e',  'x', 'a', 'm',  'p',	'l',  'e'};
/* searchResDone id 2: success. */
static const uint8_t done[] = {0x30, 0x0c, 0x02, 0x01, 0x02, 0x65, 0x07,
			       0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
/* extendedResp id 0: unavailable (52), a notice of disconnection nobody asked for. */
static const uint8_t notice[] = {0x30, 0x0d, 0x02, 0x01, 0x00, 0x78, 0x08, 0x0a,
				 0x01, 0x34, 0x04, 0x00, 0x04, 0x01, 'x'};

static struct rule_ldap_meta meta_of(const struct unit_copy *u)
{
	struct rule_ldap_meta m;
	assert_non_null(u->buffer[RULE_BUFFER_APP_META]);
	assert_int_equal(u->len[RULE_BUFFER_APP_META], sizeof(m));
	memcpy(&m, u->buffer[RULE_BUFFER_APP_META], sizeof(m));
	assert_int_equal(m.head.proto, RULE_PROTO_LDAP);
	return m;
}

/* The search through one parser in pieces of chunk; eve: the record the done writes. */
static void run_search(uint32_t chunk, struct sink *k, char *eve, size_t eve_len)
{
	const struct {
		enum app_direction dir;
		const uint8_t *bytes;
		uint32_t len;
	} steps[] = {{APP_TO_SERVER, search, sizeof(search)},
		     {APP_TO_CLIENT, entry, sizeof(entry)},
		     {APP_TO_CLIENT, done, sizeof(done)}};
	void *s = app_parser_ldap.create(NULL);
	assert_non_null(s);
	for (size_t i = 0; i < 3; i++)
		for (uint32_t off = 0; off < steps[i].len; off += chunk) {
			uint32_t n = steps[i].len - off < chunk ? steps[i].len - off : chunk;
			app_parser_ldap.parse(s, steps[i].dir, steps[i].bytes + off, n, sink_emit,
					      k);
		}
	if (eve) {
		struct app_json j = {.buf = eve, .len = eve_len};
		app_parser_ldap.eve_details(k->units[k->count - 1].details, &j);
		eve[j.used < eve_len ? j.used : eve_len - 1] = '\0';
	}
	app_parser_ldap.destroy(s);
}

static void check_search(struct sink *k)
{
	/* request: "*" and "+"; entry: objectClass and dc; done */
	assert_int_equal(k->count, 5);
	assert_buffer(&k->units[0], RULE_BUFFER_LDAP_REQUEST_ATTRIBUTE_TYPE, "*");
	assert_buffer(&k->units[1], RULE_BUFFER_LDAP_REQUEST_ATTRIBUTE_TYPE, "+");
	assert_buffer(&k->units[2], RULE_BUFFER_LDAP_RESPONSES_ATTRIBUTE_TYPE, "objectClass");
	assert_buffer(&k->units[3], RULE_BUFFER_LDAP_RESPONSES_ATTRIBUTE_TYPE, "dc");
	assert_null(k->units[4].buffer[RULE_BUFFER_LDAP_RESPONSES_ATTRIBUTE_TYPE]);
	struct rule_ldap_meta m = meta_of(&k->units[0]);
	assert_true(m.has_request);
	assert_int_equal(m.request_op, RULE_LDAP_SEARCH_REQUEST);
	assert_int_equal(m.response_count, 0);
	m = meta_of(&k->units[3]);
	assert_int_equal(m.response_count, 1);
	assert_int_equal(m.responses[0], RULE_LDAP_SEARCH_RESULT_ENTRY);
	m = meta_of(&k->units[4]);
	assert_true(m.has_request);
	assert_int_equal(m.response_count, 2);
	assert_int_equal(m.responses[1], RULE_LDAP_SEARCH_RESULT_DONE);
	/* one record, written by the done */
	for (int i = 0; i < 4; i++)
		assert_true(k->units[i].repeat);
	assert_false(k->units[4].repeat);
}

static void test_ldap_search(void **unused)
{
	(void)unused;
	char eve[2048];
	struct sink k = {0};
	run_search(4096, &k, eve, sizeof(eve));
	check_search(&k);
	sink_reset(&k);
	assert_string_equal(
	    eve, ",\"ldap\":{\"request\":{\"message_id\":2,\"operation\":\"search_request\","
		 "\"search_request\":{\"base_object\":\"dc=example,dc=com\",\"scope\":2,"
		 "\"attributes\":[\"*\",\"+\"]}},\"responses\":[{\"message_id\":2,\"operation\":"
		 "\"search_result_entry\",\"search_result_entry\":{\"base_object\":"
		 "\"dc=example,dc=com\",\"attributes\":[{\"type\":\"objectClass\"},{\"type\":"
		 "\"dc\"}]}},{\"message_id\":2,\"operation\":\"search_result_done\","
		 "\"search_result_done\":{\"result_code\":\"success\",\"matched_dn\":\"\","
		 "\"message\":\"\"}}]}");
	for (uint32_t chunk = 1; chunk < 20; chunk++) {
		run_search(chunk, &k, NULL, 0);
		check_search(&k);
		sink_reset(&k);
	}
}

/* A response with no request is a transaction of its own; bytes that are not LDAP an error. */
static void test_ldap_unsolicited_and_garbage(void **unused)
{
	(void)unused;
	static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01};
	struct sink k = {0};
	void *s = app_parser_ldap.create(NULL);
	assert_non_null(s);
	app_parser_ldap.parse(s, APP_TO_CLIENT, notice, sizeof(notice), sink_emit, &k);
	assert_int_equal(k.count, 1);
	struct rule_ldap_meta m = meta_of(&k.units[0]);
	assert_false(m.has_request);
	assert_int_equal(m.response_count, 1);
	assert_int_equal(m.responses[0], RULE_LDAP_EXTENDED_RESPONSE);
	assert_false(k.units[0].repeat);
	app_parser_ldap.parse(s, APP_TO_SERVER, tls, sizeof(tls), sink_emit, &k);
	assert_int_equal(k.count, 2);
	assert_true(k.units[1].error);
	/* once the framing is lost, nothing more */
	app_parser_ldap.parse(s, APP_TO_CLIENT, notice, sizeof(notice), sink_emit, &k);
	assert_int_equal(k.count, 2);
	app_parser_ldap.destroy(s);
	sink_reset(&k);
}

static void test_ldap_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_ldap;
	static const uint8_t snmp[] = {0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b'};
	static const uint8_t unbind[] = {0x30, 0x05, 0x02, 0x01, 0x03, 0x42, 0x00};
	static const uint8_t bad_unbind[] = {0x30, 0x05, 0x02, 0x01, 0x03, 0x62, 0x00};
	assert_int_equal(p->detect(search, sizeof(search), APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(notice, sizeof(notice), APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(p->detect(unbind, sizeof(unbind), APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(search, 4, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(search, 1, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(snmp, sizeof(snmp), APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(bad_unbind, sizeof(bad_unbind), APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect((const uint8_t *)"GET /", 5, APP_TO_SERVER), APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_LDAP), p);
}

/* ---- keywords ---- */

static void test_ldap_request_operation(void **unused)
{
	(void)unused;
	assert_true(match_unit("ldap.request.operation:3;", 0));
	assert_true(match_unit("ldap.request.operation:search_request;", 0));
	assert_false(match_unit("ldap.request.operation:bind_request;", 0));
	assert_true(match_unit("ldap.request.attribute_type; content:\"+\"; bsize:1;", 1));
	assert_false(match_unit("ldap.request.attribute_type; content:\"+\";", 0));
	assert_true(match_unit("ldap.responses.attribute_type; content:\"objectClass\"; "
			       "startswith; endswith;",
			       2));
	assert_false(match_unit("ldap.responses.attribute_type; content:\"dc\";", 2));
	parse_fails("ldap.request.operation:frobnicate;",
		    "bad value of \"ldap.request.operation\"");
	parse_fails("ldap.request.operation:256;", "bad value of \"ldap.request.operation\"");
}

/* The DNs, a result's message and code; a notice's code by index; a bind's name. */
static void test_ldap_dn_message_result(void **unused)
{
	(void)unused;
	static const uint8_t bind[] = {0x30, 0x1c, 0x02, 0x01, 0x01, 0x60, 0x17, 0x02, 0x01, 0x03,
				       0x04, 0x0c, 'c',	 'n',  '=',  'a',  'd',	 'm',  'i',  'n',
				       ',',  'd',  'c',	 '=',  0x80, 0x04, 'p',	 'a',  's',  's'};
	assert_true(match_unit("ldap.request.dn; content:\"dc=example,dc=com\"; bsize:17;", 0));
	assert_true(match_unit("ldap.responses.dn; content:\"dc=example\"; startswith;", 2));
	assert_false(match_unit("ldap.responses.dn; content:\"dc=example\";", 4)); /* empty */
	assert_false(match_unit("ldap.request.dn; content:\"dc=\";", 2));
	assert_true(match_unit("ldap.responses.result_code:0;", 4));
	assert_true(match_unit("ldap.responses.result_code:success,1;", 4));
	assert_true(match_unit("ldap.responses.result_code:success,-1;", 4));
	assert_false(match_unit("ldap.responses.result_code:success,0;", 4)); /* an entry */
	assert_false(match_unit("ldap.responses.result_code:success,all;", 4));
	assert_false(match_unit("ldap.responses.result_code:no_such_object;", 4));
	parse_fails("ldap.responses.result_code:bogus;",
		    "bad value of \"ldap.responses.result_code\"");

	struct sink k = {0};
	void *s = app_parser_ldap.create(NULL);
	assert_non_null(s);
	app_parser_ldap.parse(s, APP_TO_CLIENT, notice, sizeof(notice), sink_emit, &k);
	app_parser_ldap.parse(s, APP_TO_SERVER, bind, sizeof(bind), sink_emit, &k);
	assert_int_equal(k.count, 2);
	assert_buffer(&k.units[0], RULE_BUFFER_LDAP_RESPONSES_MESSAGE, "x");
	assert_buffer(&k.units[0], RULE_BUFFER_LDAP_RESPONSES_DN, "");
	struct rule_ldap_meta m = meta_of(&k.units[0]);
	assert_true(m.has_result & 1);
	assert_int_equal(m.result_codes[0], 52);
	assert_buffer(&k.units[1], RULE_BUFFER_LDAP_REQUEST_DN, "cn=admin,dc=");
	assert_int_equal(meta_of(&k.units[1]).request_op, RULE_LDAP_BIND_REQUEST);
	app_parser_ldap.destroy(s);
	sink_reset(&k);
}

static void test_ldap_responses(void **unused)
{
	(void)unused;
	assert_false(match_unit("ldap.responses.operation:search_result_entry;", 0));
	assert_true(match_unit("ldap.responses.operation:search_result_entry;", 2));
	assert_true(match_unit("ldap.responses.operation:search_result_done;", 4));
	assert_true(match_unit("ldap.responses.operation:search_result_done,1;", 4));
	assert_true(match_unit("ldap.responses.operation:search_result_done, any;", 4));
	assert_true(match_unit("ldap.responses.operation:search_result_done,-1;", 4));
	assert_true(match_unit("ldap.responses.operation:4,0;", 4));
	assert_false(match_unit("ldap.responses.operation:search_result_done,0;", 4));
	assert_false(match_unit("ldap.responses.operation:search_result_done,all;", 4));
	assert_true(match_unit("ldap.responses.operation:search_result_entry,all;", 2));
	assert_false(match_unit("ldap.responses.operation:search_result_done,-1;", 2));
	assert_false(match_unit("ldap.responses.operation:search_result_done,5;", 4));
	assert_true(match_unit("ldap.responses.count:2;", 4));
	assert_true(match_unit("ldap.responses.count:>0;", 2));
	assert_false(match_unit("ldap.responses.count:>2;", 4));
	assert_true(match_unit("ldap.responses.count:0;", 0));
	parse_fails("ldap.responses.operation:nope;", "bad value of \"ldap.responses.operation\"");
	parse_fails("ldap.responses.operation:search_result_done,x;",
		    "bad value of \"ldap.responses.operation\"");
	parse_fails("ldap.responses.operation:search_result_done,;",
		    "bad value of \"ldap.responses.operation\"");
	parse_fails("ldap.responses.count:x;", "bad value of \"ldap.responses.count\"");
}

static int setup(void **unused)
{
	(void)unused;
	sink_parser = rule_parser_create();
	sink_proto = "ldap";
	sink_app = &app_parser_ldap;
	run_search(4096, &sink_units, NULL, 0);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ldap_search),
	    cmocka_unit_test(test_ldap_unsolicited_and_garbage),
	    cmocka_unit_test(test_ldap_detect),
	    cmocka_unit_test(test_ldap_request_operation),
	    cmocka_unit_test(test_ldap_responses),
	    cmocka_unit_test(test_ldap_dn_message_result),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
