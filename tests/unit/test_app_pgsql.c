/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the PostgreSQL parser (dataplane/app/app_pgsql.c) and
 * pgsql.query: a session as psql speaks it (SSLRequest refused, startup,
 * MD5 password, a simple query answered with a row, a failing query
 * answered with an error, termination), fed whole and in pieces of every
 * size, checked for its units (pgsql.query on the queries, a record unit
 * per answered request) and EVE objects; a server that accepts TLS (nothing
 * read after); a message of impossible length (an error unit); detection
 * yes / no / need more; pgsql.query matched, once holding and once not.
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
#include "tests/unit/app_sink.h"

#define M(s) (const uint8_t *)(s), sizeof(s) - 1

static const uint8_t ssl_request[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
static const uint8_t startup[] = "\0\0\0\x20\0\x03\0\0user\0rules\0database\0db\0\0";
static const uint8_t auth_md5[] = "R\0\0\0\x0c\0\0\0\x05\x01\x02\x03\x04";
static const uint8_t password[] = "p\0\0\0\x0bmd5abc\0";
static const uint8_t auth_ok[] = "R\0\0\0\x08\0\0\0\0Z\0\0\0\x05I";
static const uint8_t query[] = "Q\0\0\0\x0eSELECT 1;\0";
static const uint8_t result[] =
    "T\0\0\0\x21\0\x01?column?\0\0\0\0\0\0\0\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0"
    "D\0\0\0\x0b\0\x01\0\0\0\x01"
    "1C\0\0\0\x0dSELECT 1\0Z\0\0\0\x05I";
static const uint8_t bad_query[] = "Q\0\0\0\x10SELECT 1/0;\0";
static const uint8_t error[] = "E\0\0\0\x2cSERROR\0VERROR\0C22012\0Mdivision by zero\0\0"
			       "Z\0\0\0\x05I";
static const uint8_t terminate[] = "X\0\0\0\x04";

struct piece {
	enum app_direction dir;
	const uint8_t *data;
	uint32_t len;
};

static const struct piece session[] = {
    {APP_TO_SERVER, ssl_request, sizeof(ssl_request)},
    {APP_TO_CLIENT, M("N")},
    {APP_TO_SERVER, startup, sizeof(startup) - 1},
    {APP_TO_CLIENT, auth_md5, sizeof(auth_md5) - 1},
    {APP_TO_SERVER, password, sizeof(password) - 1},
    {APP_TO_CLIENT, auth_ok, sizeof(auth_ok) - 1},
    {APP_TO_SERVER, query, sizeof(query) - 1},
    {APP_TO_CLIENT, result, sizeof(result) - 1},
    {APP_TO_SERVER, bad_query, sizeof(bad_query) - 1},
    {APP_TO_CLIENT, error, sizeof(error) - 1},
    {APP_TO_SERVER, terminate, sizeof(terminate) - 1},
};
#define PIECES (sizeof(session) / sizeof(session[0]))

/* EVE objects of the units that write a record, in order. */
struct records {
	char eve[8][512];
	unsigned count;
};

static struct records *records_sink;
static struct sink *records_units;

static void records_emit(void *arg, const struct app_unit *unit)
{
	sink_emit(arg, unit);
	if (unit->repeat || !records_sink || records_sink->count >= 8)
		return;
	char *out = records_sink->eve[records_sink->count++];
	struct app_json j = {.buf = out, .len = 512};
	app_parser_pgsql.eve_details(unit->details, &j);
	out[j.used < 512 ? j.used : 511] = '\0';
}

/* The session through one parser, each piece in parts of size step (0: whole). */
static void run_session(struct sink *k, struct records *r, uint32_t step)
{
	void *s = app_parser_pgsql.create(NULL);
	assert_non_null(s);
	records_sink = r;
	records_units = k;
	for (size_t i = 0; i < PIECES; i++) {
		uint32_t len = session[i].len, part = step ? step : len;
		for (uint32_t at = 0; at < len; at += part)
			app_parser_pgsql.parse(s, session[i].dir, session[i].data + at,
					       len - at < part ? len - at : part, records_emit, k);
	}
	app_parser_pgsql.destroy(s);
	records_sink = NULL;
}

static void check_session(const struct sink *k, const struct records *r)
{
	/* ssl, startup, password, 2 queries, terminate: a request unit each,
	 * and a record unit for each but the terminate (which writes its own) */
	unsigned queries = 0;
	for (uint32_t i = 0; i < k->count; i++)
		if (k->units[i].buffer[RULE_BUFFER_PGSQL_QUERY])
			queries++;
	assert_int_equal(queries, 2);
	assert_int_equal(k->count, 12);
	assert_int_equal(r->count, 6);
	assert_string_equal(r->eve[0], ",\"pgsql\":{\"tx_id\":1,\"request\":{\"message\":"
				       "\"ssl_request\"},\"response\":{\"ssl_accepted\":false}}");
	assert_string_equal(r->eve[3], ",\"pgsql\":{\"tx_id\":4,\"request\":{\"simple_query\":"
				       "\"SELECT 1;\"},\"response\":{\"field_count\":1,"
				       "\"data_rows\":1,\"data_size\":1,\"command_completed\":"
				       "\"SELECT 1\"}}");
	assert_string_equal(r->eve[4], ",\"pgsql\":{\"tx_id\":5,\"request\":{\"simple_query\":"
				       "\"SELECT 1/0;\"},\"response\":{\"severity_localizable\":"
				       "\"ERROR\",\"severity_non_localizable\":\"ERROR\",\"code\":"
				       "\"22012\",\"message\":\"division by zero\"}}");
}

static void test_pgsql_session(void **unused)
{
	(void)unused;
	struct sink k = {0};
	struct records r = {0};
	run_session(&k, &r, 0);
	check_session(&k, &r);
	/* the query unit carries the text without its NUL */
	for (uint32_t i = 0; i < k.count; i++)
		if (k.units[i].buffer[RULE_BUFFER_PGSQL_QUERY]) {
			assert_buffer(&k.units[i], RULE_BUFFER_PGSQL_QUERY, "SELECT 1;");
			assert_true(k.units[i].repeat);
			break;
		}
	sink_reset(&k);
}

static void test_pgsql_split(void **unused)
{
	(void)unused;
	for (uint32_t step = 1; step <= 40; step++) {
		struct sink k = {0};
		struct records r = {0};
		run_session(&k, &r, step);
		check_session(&k, &r);
		sink_reset(&k);
	}
}

/* The server accepts TLS: the rest is not read; a length under 4: an error unit. */
static void test_pgsql_tls_and_errors(void **unused)
{
	(void)unused;
	struct sink k = {0};
	void *s = app_parser_pgsql.create(NULL);
	assert_non_null(s);
	app_parser_pgsql.parse(s, APP_TO_SERVER, ssl_request, sizeof(ssl_request), sink_emit, &k);
	app_parser_pgsql.parse(s, APP_TO_CLIENT, M("S"), sink_emit, &k);
	uint32_t before = k.count;
	app_parser_pgsql.parse(s, APP_TO_SERVER, query, sizeof(query) - 1, sink_emit, &k);
	assert_int_equal(k.count, before);
	app_parser_pgsql.destroy(s);

	s = app_parser_pgsql.create(NULL);
	assert_non_null(s);
	app_parser_pgsql.parse(s, APP_TO_SERVER, startup, sizeof(startup) - 1, sink_emit, &k);
	app_parser_pgsql.parse(s, APP_TO_SERVER, M("Q\0\0\0\x02"), sink_emit, &k);
	assert_true(k.units[k.count - 1].error);
	app_parser_pgsql.destroy(s);
	sink_reset(&k);
}

static void test_pgsql_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_pgsql;
	assert_int_equal(p->detect(ssl_request, sizeof(ssl_request), APP_TO_SERVER),
			 APP_DETECT_YES);
	assert_int_equal(p->detect(startup, sizeof(startup) - 1, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(startup, 5, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(auth_md5, sizeof(auth_md5) - 1, APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(p->detect(query, sizeof(query) - 1, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect((const uint8_t *)"GET / HTTP/1.1\r\n", 16, APP_TO_SERVER),
			 APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_PGSQL), p);
}

static void test_pgsql_keywords(void **unused)
{
	(void)unused;
	uint32_t q = 0;
	while (q < sink_units.count && !sink_units.units[q].buffer[RULE_BUFFER_PGSQL_QUERY])
		q++;
	assert_true(q < sink_units.count);
	assert_true(match_unit("pgsql.query; content:\"SELECT\";", q));
	assert_true(match_unit("pgsql.query; content:\"select\"; nocase; bsize:9;", q));
	assert_false(match_unit("pgsql.query; content:\"DELETE\";", q));
	assert_false(match_unit("pgsql.query; content:\"SELECT\";", 0));
}

static int setup(void **unused)
{
	(void)unused;
	sink_parser = rule_parser_create();
	sink_proto = "pgsql";
	sink_app = &app_parser_pgsql;
	run_session(&sink_units, NULL, 0);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pgsql_session),	 cmocka_unit_test(test_pgsql_split),
	    cmocka_unit_test(test_pgsql_tls_and_errors), cmocka_unit_test(test_pgsql_detect),
	    cmocka_unit_test(test_pgsql_keywords),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
