/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the DNS parser (dataplane/app/app_dns.c): hand-built
 * messages over UDP and TCP, detection by content and direction, names
 * with compression pointers, and the malformed names an attacker sends to
 * make a parser loop or read past the end (pointer loops, pointers
 * forward, labels past the message, names over 255 bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_json.h"
#include "rules/lang/app_event.h"
#include "dataplane/app/app_parsers.h"

#define SINK_UNITS_MAX 32

struct unit_copy {
	char query[300];
	bool has_query;
	struct app_details details;
	char names[RULE_BUFFER_COUNT][300]; /* every name buffer of the unit, "" when absent */
	uint8_t meta[64];
	uint32_t meta_len;
	struct app_body_rules *rules;
};

struct sink {
	uint32_t count;
	struct unit_copy units[SINK_UNITS_MAX];
};

static void sink_emit(void *arg, const struct app_unit *unit)
{
	struct sink *k = arg;

	assert_true(k->count < SINK_UNITS_MAX);
	struct unit_copy *u = &k->units[k->count++];
	const uint8_t *q = unit->buffer[RULE_BUFFER_DNS_QUERY];
	if (q) {
		assert_true(unit->buffer_len[RULE_BUFFER_DNS_QUERY] < sizeof(u->query));
		memcpy(u->query, q, unit->buffer_len[RULE_BUFFER_DNS_QUERY]);
		u->query[unit->buffer_len[RULE_BUFFER_DNS_QUERY]] = '\0';
		u->has_query = true;
	}
	u->details = *unit->details;
	u->rules = unit->window.rules;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b] || b == RULE_BUFFER_DNS_META)
			continue;
		assert_true(unit->buffer_len[b] < sizeof(u->names[b]));
		memcpy(u->names[b], unit->buffer[b], unit->buffer_len[b]);
		u->names[b][unit->buffer_len[b]] = '\0';
	}
	if (unit->buffer[RULE_BUFFER_DNS_META]) {
		u->meta_len = unit->buffer_len[RULE_BUFFER_DNS_META];
		assert_true(u->meta_len <= sizeof(u->meta));
		memcpy(u->meta, unit->buffer[RULE_BUFFER_DNS_META], u->meta_len);
	}
	/* only the buffers the row says the parser fills (events go on any parser's units) */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (unit->buffer[b] && b != RULE_BUFFER_APP_EVENTS &&
		    !(app_parser_dns.buffers & RULE_BUFFER_BIT(b)))
			fail_msg("dns fills %s", rule_buffer_name[b]);
}

/* A unit's details as its EVE alert shows them (the row's eve_details). */
static const char *eve_of(const struct app_details *d)
{
	static char line[1024];
	struct app_json j = {.buf = line, .len = sizeof(line)};
	app_parser_dns.eve_details(d, &j);
	assert_true(j.used < sizeof(line));
	line[j.used] = '\0';
	return line;
}

/* Suricata 8's dns object (version 3) of a query (id 0x1234, RD) for NAME of type TYPE,
 * the flow's message TX. */
#define DNS_EVE_TX(tx, name, type)                                                                 \
	",\"tx_id\":" tx ",\"dns\":{\"version\":3,\"type\":\"request\",\"tx_id\":" tx              \
	",\"id\":4660,"                                                                            \
	"\"flags\":\"100\",\"rd\":true,\"opcode\":0,\"rcode\":\"NOERROR\","                        \
	"\"queries\":[{\"rrname\":\"" name "\",\"rrtype\":\"" type "\"}]}"
#define DNS_EVE(name, type) DNS_EVE_TX("0", name, type)

/* ... and of its response (QR, RD, RA, NOERROR). */
#define DNS_EVE_RESPONSE(name, type)                                                               \
	",\"tx_id\":0,\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":0,\"id\":4660,"       \
	"\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"                     \
	"\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"" name "\",\"rrtype\":\"" type "\"}]"

struct bytes {
	uint8_t b[4096];
	uint32_t len;
};

static void put(struct bytes *o, const void *p, uint32_t n)
{
	assert_true(o->len + n <= sizeof(o->b));
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void put8(struct bytes *o, uint32_t v)
{
	uint8_t b = (uint8_t)v;
	put(o, &b, 1);
}

static void put16(struct bytes *o, uint32_t v)
{
	put8(o, v >> 8);
	put8(o, v);
}

static void header(struct bytes *o, uint16_t flags, uint16_t qd, uint16_t an)
{
	put16(o, 0x1234);
	put16(o, flags);
	put16(o, qd);
	put16(o, an);
	put16(o, 0);
	put16(o, 0);
}

/* "www.example.com" as labels. */
static void name(struct bytes *o, const char *dotted)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		uint32_t n = dot ? (uint32_t)(dot - dotted) : (uint32_t)strlen(dotted);
		put8(o, n);
		put(o, dotted, n);
		dotted += n + (dot ? 1 : 0);
	}
	put8(o, 0);
}

static void query(struct bytes *o, const char *qname, uint16_t qtype)
{
	header(o, 0x0100, 1, 0);
	name(o, qname);
	put16(o, qtype);
	put16(o, 1);
}

static void parse_datagram(const struct bytes *m, enum app_direction dir, struct sink *k)
{
	void *s = app_parser_dns.create(NULL);
	assert_non_null(s);
	app_parser_dns.parse(s, dir, m->b, m->len, sink_emit, k);
	app_parser_dns.destroy(s);
}

static void test_dns_detect(void **unused)
{
	(void)unused;
	struct bytes q = {0}, r = {0}, tcp = {0};

	query(&q, "www.example.com", 1);
	assert_int_equal(app_parser_dns.detect(q.b, q.len, APP_TO_SERVER), APP_DETECT_YES);
	/* a query going to the client is not DNS (QR says request) */
	assert_int_equal(app_parser_dns.detect(q.b, q.len, APP_TO_CLIENT), APP_DETECT_NO);
	header(&r, 0x8180, 1, 0);
	name(&r, "example.com");
	put16(&r, 1), put16(&r, 1);
	assert_int_equal(app_parser_dns.detect(r.b, r.len, APP_TO_CLIENT), APP_DETECT_YES);

	put16(&tcp, q.len);
	put(&tcp, q.b, q.len);
	assert_int_equal(app_parser_dns.detect(tcp.b, tcp.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(app_parser_dns.detect(tcp.b, 1, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(app_parser_dns.detect(tcp.b, 10, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(app_parser_dns.detect(tcp.b, 20, APP_TO_SERVER), APP_DETECT_NEED_MORE);

	struct bytes zero = {0};
	header(&zero, 0x0100, 0, 0); /* no question */
	put(&zero, "\0\0\0\0\0", 5);
	assert_int_equal(app_parser_dns.detect(zero.b, zero.len, APP_TO_SERVER), APP_DETECT_NO);
	struct bytes many = {0};
	header(&many, 0x0100, 200, 0);
	name(&many, "a");
	put16(&many, 1), put16(&many, 1);
	assert_int_equal(app_parser_dns.detect(many.b, many.len, APP_TO_SERVER), APP_DETECT_NO);
	struct bytes opcode = {0};
	header(&opcode, 0x7800, 1, 0); /* opcode 15 */
	name(&opcode, "a");
	put16(&opcode, 1), put16(&opcode, 1);
	assert_int_equal(app_parser_dns.detect(opcode.b, opcode.len, APP_TO_SERVER), APP_DETECT_NO);
	const uint8_t http[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	assert_int_equal(app_parser_dns.detect(http, sizeof(http) - 1, APP_TO_SERVER),
			 APP_DETECT_NO);
}

static void test_dns_udp_query(void **unused)
{
	(void)unused;
	struct bytes q = {0};
	struct sink k = {0};

	query(&q, "www.example.com", 28);
	parse_datagram(&q, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 1);
	assert_true(k.units[0].has_query);
	assert_string_equal(k.units[0].query, "www.example.com");
	assert_string_equal(eve_of(&k.units[0].details), DNS_EVE("www.example.com", "AAAA"));
}

/* Several questions: one unit each, as Suricata's dns.query is per query. */
static void test_dns_several_questions(void **unused)
{
	(void)unused;
	struct bytes q = {0};
	struct sink k = {0};

	header(&q, 0x0100, 3, 0);
	name(&q, "a.example");
	put16(&q, 1), put16(&q, 1);
	put8(&q, 1), put(&q, "b", 1), put16(&q, 0xc000 | 14); /* "b" + pointer to "example" */
	put16(&q, 16), put16(&q, 1);
	put8(&q, 0); /* the root */
	put16(&q, 2), put16(&q, 1);
	parse_datagram(&q, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 3);
	assert_string_equal(k.units[0].query, "a.example");
	assert_string_equal(k.units[1].query, "b.example");
	/* one message, one transaction: every unit shows all its questions */
	assert_string_equal(eve_of(&k.units[1].details),
			    ",\"tx_id\":0,\"dns\":{\"version\":3,\"type\":\"request\",\"tx_id\":0,"
			    "\"id\":4660,"
			    "\"flags\":\"100\",\"rd\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
			    "\"queries\":[{\"rrname\":\"a.example\",\"rrtype\":\"A\"},"
			    "{\"rrname\":\"b.example\",\"rrtype\":\"TXT\"},"
			    "{\"rrname\":\"\",\"rrtype\":\"NS\"}]}");
	assert_true(k.units[2].has_query);
	assert_string_equal(k.units[2].query, "");
}

/* A response: one unit with the details, no dns.query; compressed answers are walked. */
static void test_dns_response(void **unused)
{
	(void)unused;
	struct bytes r = {0};
	struct sink k = {0};

	header(&r, 0x8180, 1, 2);
	name(&r, "www.example.com");
	put16(&r, 5), put16(&r, 1);
	put16(&r, 0xc00c), put16(&r, 5), put16(&r, 1), put16(&r, 0), put16(&r, 60);
	put16(&r, 6), put8(&r, 3), put(&r, "cdn", 3), put16(&r, 0xc010); /* cdn.example.com */
	put16(&r, 0xc02d), put16(&r, 1), put16(&r, 1), put16(&r, 0), put16(&r, 60);
	put16(&r, 4), put(&r, "\x5d\xb8\xd8\x22", 4);
	parse_datagram(&r, APP_TO_CLIENT, &k);
	/* dns.response.rrname: the question, the CNAME's owner and target, the A's owner */
	assert_int_equal(k.count, 4);
	assert_false(k.units[0].has_query);
	/* the answers with their data, and grouped by type, as Suricata 8 logs them */
	assert_string_equal(
	    eve_of(&k.units[0].details),
	    DNS_EVE_RESPONSE(
		"www.example.com",
		"CNAME") ",\"answers\":["
			 "{\"rrname\":\"www.example.com\",\"rrtype\":\"CNAME\",\"ttl\":60,"
			 "\"rdata\":\"cdn.example.com\"},"
			 "{\"rrname\":\"cdn.example.com\",\"rrtype\":\"A\",\"ttl\":60,"
			 "\"rdata\":\"93.184.216.34\"}],"
			 "\"grouped\":{\"CNAME\":[\"cdn.example.com\"],\"A\":[\"93.184.216.34\"]}"
			 "}");
	static const char *const response[] = {"www.example.com", "www.example.com",
					       "cdn.example.com", "cdn.example.com"};
	for (int i = 0; i < 4; i++) {
		assert_false(k.units[i].has_query);
		assert_string_equal(k.units[i].names[RULE_BUFFER_DNS_RESPONSE_RRNAME], response[i]);
		assert_ptr_equal(k.units[i].rules, k.units[0].rules); /* once per message */
		assert_int_equal(k.units[i].meta_len, 2 + 2 * 3);     /* the header with any name */
	}
	assert_string_equal(k.units[0].names[RULE_BUFFER_DNS_QUERIES_RRNAME], "www.example.com");
	assert_string_equal(k.units[1].names[RULE_BUFFER_DNS_QUERIES_RRNAME], "");
	assert_string_equal(k.units[0].names[RULE_BUFFER_DNS_ANSWERS_RRNAME], "www.example.com");
	assert_string_equal(k.units[1].names[RULE_BUFFER_DNS_ANSWERS_RRNAME], "cdn.example.com");
	assert_string_equal(k.units[2].names[RULE_BUFFER_DNS_ANSWERS_RRNAME], "");
	/* dns.meta: flags 0x8180, then the question's CNAME and the answers' CNAME and A */
	static const uint8_t meta[] = {0x81, 0x80, 0, 5, 0, 5, 0, 1};
	assert_memory_equal(k.units[0].meta, meta, sizeof(meta));
}

static void expect_no_unit(const struct bytes *m)
{
	struct sink k = {0};
	parse_datagram(m, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 0);
}

/* The unit's application-layer events as a string of their ids ("" when none). */
static const char *events_of(const struct unit_copy *u)
{
	return u->names[RULE_BUFFER_APP_EVENTS];
}

static void test_dns_events(void **unused)
{
	(void)unused;
	struct bytes q = {0}, r = {0}, z = {0};
	struct sink k = {0};
	const char want_z[] = {RULE_APP_EVENT_DNS_Z_FLAG_SET, 0};
	const char want_additionals[] = {RULE_APP_EVENT_DNS_INVALID_ADDITIONALS, 0};
	const char want_not_response[] = {RULE_APP_EVENT_DNS_NOT_A_RESPONSE, 0};

	/* the reserved Z bit */
	header(&z, 0x0140, 1, 0);
	name(&z, "www.example.com");
	put16(&z, 1), put16(&z, 1);
	parse_datagram(&z, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 1);
	assert_string_equal(events_of(&k.units[0]), want_z);
	assert_non_null(strstr(eve_of(&k.units[0].details), "\"z\":true"));

	/* a plain query has none */
	query(&q, "www.example.com", 1);
	k.count = 0;
	memset(k.units, 0, sizeof(k.units));
	parse_datagram(&q, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 1);
	assert_string_equal(events_of(&k.units[0]), "");
	/* a query toward the client */
	k.count = 0;
	parse_datagram(&q, APP_TO_CLIENT, &k);
	assert_int_equal(k.count, 1);
	assert_string_equal(events_of(&k.units[0]), want_not_response);

	/* an answer that parses, then an additional record cut short: the message is
	 * still handed over, with the event, once (on its first unit) */
	header(&r, 0x8180, 1, 1);
	r.b[11] = 1; /* arcount */
	name(&r, "www.example.com");
	put16(&r, 1), put16(&r, 1);
	put16(&r, 0xc00c), put16(&r, 1), put16(&r, 1), put16(&r, 0), put16(&r, 60);
	put16(&r, 4), put(&r, "\x5d\xb8\xd8\x22", 4);
	put8(&r, 0), put16(&r, 41), put16(&r, 4096); /* OPT record without its ttl and length */
	k.count = 0;
	memset(k.units, 0, sizeof(k.units));
	parse_datagram(&r, APP_TO_CLIENT, &k);
	assert_true(k.count >= 1);
	assert_string_equal(events_of(&k.units[0]), want_additionals);
	for (uint32_t i = 1; i < k.count; i++)
		assert_string_equal(events_of(&k.units[i]), "");
}

static void test_dns_compression_loops(void **unused)
{
	(void)unused;
	struct bytes m = {0};

	/* a pointer to itself */
	header(&m, 0x0100, 1, 0);
	put16(&m, 0xc00c);
	put16(&m, 1), put16(&m, 1);
	expect_no_unit(&m);

	/* two labels pointing at each other: "a" -> ptr(14) ; at 14: "b" -> ptr(12) */
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	put8(&m, 1), put(&m, "a", 1), put16(&m, 0xc00e);
	expect_no_unit(&m);
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	put8(&m, 1), put(&m, "a", 1), put16(&m, 0xc010); /* at 12: a, ptr to 16 */
	put8(&m, 1), put(&m, "b", 1), put16(&m, 0xc00c); /* at 16: b, ptr back to 12 */
	put16(&m, 1), put16(&m, 1);
	expect_no_unit(&m);

	/* a pointer past the end */
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	put16(&m, 0xc0ff), put16(&m, 1), put16(&m, 1);
	expect_no_unit(&m);

	/* a pointer to a name earlier in the message is fine, and reads the right name */
	struct sink k = {0};
	m = (struct bytes){0};
	header(&m, 0x0100, 2, 0);
	name(&m, "example.org");
	put16(&m, 1), put16(&m, 1);
	put16(&m, 0xc00c), put16(&m, 1), put16(&m, 1);
	parse_datagram(&m, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 2);
	assert_string_equal(k.units[1].query, "example.org");
}

/* A record of TYPE with DATA[0..len) owned by the name at OFFSET (a pointer), TTL 300. */
static void record(struct bytes *o, uint16_t offset, uint16_t type, const void *data, uint32_t len)
{
	put16(o, 0xc000 | offset), put16(o, type), put16(o, 1), put16(o, 0), put16(o, 300);
	put16(o, len), put(o, data, len);
}

/*
 * Authorities and additionals are logged with the answers, each record's
 * data in Suricata's form: AAAA as eight groups, SOA and SRV as objects,
 * a type without a form (and a number for a type without a name) with no
 * data; an rcode past Suricata's names is its number.
 */
static void test_dns_records_logged(void **unused)
{
	(void)unused;
	struct bytes r = {0}, soa = {0}, srv = {0};
	struct sink k = {0};

	put16(&r, 0x1234), put16(&r, 0x818c); /* rcode 12 */
	put16(&r, 1), put16(&r, 1), put16(&r, 1), put16(&r, 2);
	name(&r, "example.com");
	put16(&r, 28), put16(&r, 1);
	record(&r, 12, 28, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	name(&soa, "ns.example.com");
	put16(&soa, 0xc000 | 12); /* hostmaster: a pointer inside the data */
	put(&soa, "\0\0\0\x07\0\0\x0e\x10\0\0\x02\x58\0\x09\x3a\x80\0\0\x01\x2c", 20);
	record(&r, 12, 6, soa.b, soa.len);
	put(&srv, "\0\x0a\0\x05\x13\xc4", 6);
	name(&srv, "sip.example.com");
	record(&r, 12, 33, srv.b, srv.len);
	record(&r, 12, 4242, "xy", 2);
	parse_datagram(&r, APP_TO_CLIENT, &k);
	assert_true(k.count >= 1);
	const char *eve = eve_of(&k.units[0].details);
	assert_non_null(strstr(eve, "\"rcode\":\"12\""));
	assert_non_null(
	    strstr(eve, "\"answers\":[{\"rrname\":\"example.com\",\"rrtype\":\"AAAA\","
			"\"ttl\":300,\"rdata\":\"2001:0db8:0000:0000:0000:0000:0000:0001\"}]"));
	assert_non_null(
	    strstr(eve, "\"grouped\":{\"AAAA\":[\"2001:0db8:0000:0000:0000:0000:0000:0001\"]}"));
	assert_non_null(strstr(eve,
			       "\"authorities\":[{\"rrname\":\"example.com\",\"rrtype\":\"SOA\","
			       "\"ttl\":300,\"soa\":{\"mname\":\"ns.example.com\",\"rname\":"
			       "\"example.com\",\"serial\":7,\"refresh\":3600,\"retry\":600,"
			       "\"expire\":604800,\"minimum\":300}}]"));
	assert_non_null(strstr(eve,
			       "\"additionals\":[{\"rrname\":\"example.com\",\"rrtype\":\"SRV\","
			       "\"ttl\":300,\"srv\":{\"priority\":10,\"weight\":5,\"port\":5060,"
			       "\"name\":\"sip.example.com\"}},{\"rrname\":\"example.com\","
			       "\"rrtype\":\"4242\",\"ttl\":300}]}"));
}

/* More records than the details hold: those that fit are logged, the line stays JSON. */
static void test_dns_records_cut(void **unused)
{
	(void)unused;
	struct bytes r = {0};
	struct sink k = {0};
	char line[8192];

	header(&r, 0x8180, 1, 30);
	name(&r, "a-rather-long-owner-name-to-fill-the-details.example.com");
	put16(&r, 1), put16(&r, 1);
	for (int i = 0; i < 30; i++)
		record(&r, 12, 1, "\x0a\0\0\x01", 4);
	parse_datagram(&r, APP_TO_CLIENT, &k);
	assert_true(k.count >= 1);
	struct app_json j = {.buf = line, .len = sizeof(line)};
	app_parser_dns.eve_details(&k.units[0].details, &j);
	assert_false(j.overflow);
	line[j.used] = '\0';
	/* some answers, not all, and the objects closed */
	const char *p = line;
	int answers = 0;
	while ((p = strstr(p, "\"ttl\":300")))
		answers++, p++;
	assert_true(answers > 10 && answers < 30);
	assert_string_equal(line + j.used - 3, "]}}"); /* grouped closes the object */
}

static void test_dns_truncated_and_long_names(void **unused)
{
	(void)unused;
	struct bytes full = {0}, m;

	query(&full, "www.example.com", 1);
	/* every cut of the message is refused, never read past */
	for (uint32_t n = 0; n < full.len; n++) {
		m = full;
		m.len = n;
		expect_no_unit(&m);
	}
	/* a label running past the message */
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	put8(&m, 60), put(&m, "abc", 3);
	expect_no_unit(&m);
	/* 256 bytes of name in wire form: five labels of 50, the root */
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	for (int i = 0; i < 5; i++) {
		put8(&m, 50);
		for (int j = 0; j < 50; j++)
			put8(&m, 'a');
	}
	put8(&m, 0);
	put16(&m, 1), put16(&m, 1);
	expect_no_unit(&m);
	/* 255 bytes exactly is allowed: four labels of 50, one of 49, the root */
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	for (int i = 0; i < 5; i++) {
		put8(&m, i < 4 ? 50 : 49);
		for (int j = 0; j < (i < 4 ? 50 : 49); j++)
			put8(&m, 'a');
	}
	put8(&m, 0);
	put16(&m, 1), put16(&m, 1);
	struct sink k = {0};
	parse_datagram(&m, APP_TO_SERVER, &k);
	assert_int_equal(k.count, 1);
	assert_int_equal(strlen(k.units[0].query), 4 * 51 + 49);
	/* the 0x40 and 0x80 label types are refused */
	m = (struct bytes){0};
	header(&m, 0x0100, 1, 0);
	put8(&m, 0x41), put8(&m, 0), put16(&m, 1), put16(&m, 1);
	expect_no_unit(&m);
}

/* TCP: length prefixes, two messages, fed one byte at a time and all at once. */
static void test_dns_tcp(void **unused)
{
	(void)unused;
	struct bytes q1 = {0}, q2 = {0}, stream = {0};

	query(&q1, "one.example", 1);
	query(&q2, "two.example", 15);
	put16(&stream, q1.len), put(&stream, q1.b, q1.len);
	put16(&stream, q2.len), put(&stream, q2.b, q2.len);
	for (uint32_t step = 1; step <= stream.len; step += stream.len - 1) {
		struct sink k = {0};
		void *s = app_parser_dns.create(NULL);
		assert_non_null(s);
		for (uint32_t off = 0; off < stream.len; off += step) {
			uint32_t n = stream.len - off < step ? stream.len - off : step;
			app_parser_dns.parse(s, APP_TO_SERVER, stream.b + off, n, sink_emit, &k);
		}
		app_parser_dns.destroy(s);
		assert_int_equal(k.count, 2);
		assert_string_equal(k.units[0].query, "one.example");
		assert_string_equal(k.units[1].query, "two.example");
		/* each message is a transaction of its own, numbered in the flow */
		assert_string_equal(eve_of(&k.units[1].details),
				    DNS_EVE_TX("1", "two.example", "MX"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dns_detect),
	    cmocka_unit_test(test_dns_udp_query),
	    cmocka_unit_test(test_dns_several_questions),
	    cmocka_unit_test(test_dns_response),
	    cmocka_unit_test(test_dns_events),
	    cmocka_unit_test(test_dns_compression_loops),
	    cmocka_unit_test(test_dns_truncated_and_long_names),
	    cmocka_unit_test(test_dns_tcp),
	    cmocka_unit_test(test_dns_records_logged),
	    cmocka_unit_test(test_dns_records_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
