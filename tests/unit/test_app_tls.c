/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the TLS parser (dataplane/app/app_tls.c). ClientHello,
 * ServerHello and Certificate messages are built by hand, byte by byte, so
 * every field the parser reads is known; the JA3 and JA4 values expected
 * were computed separately (Python's hashlib) from the strings written out
 * below. The Chrome-like ClientHello's JA4 is FoxIO's published example.
 * What the parser emits is copied out of the callback (its pointers die
 * when the callback returns) and compared afterwards.
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
#include "rules/lang/app_event.h"

/* ---- what the parser emitted ---- */

#define SINK_UNITS_MAX 16

struct unit_copy {
	uint8_t *buffer[RULE_BUFFER_COUNT];
	uint32_t len[RULE_BUFFER_COUNT];
	struct app_details details;
	struct app_window window;
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
	u->window = unit->window;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		u->buffer[b] = malloc(unit->buffer_len[b] + 1);
		assert_non_null(u->buffer[b]);
		memcpy(u->buffer[b], unit->buffer[b], unit->buffer_len[b]);
		u->buffer[b][unit->buffer_len[b]] = '\0';
		u->len[b] = unit->buffer_len[b];
	}
	/* only the buffers the row says the parser fills (events go on any parser's units) */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (unit->buffer[b] && b != RULE_BUFFER_APP_EVENTS)
			assert_true((app_parser_tls.buffers & RULE_BUFFER_BIT(b)) != 0);
	assert_non_null(unit->details);
	u->details = *unit->details;
}

/* A unit's details as its EVE alert shows them (the row's eve_details). */
static const char *eve_of(const struct unit_copy *u)
{
	static char line[1024];
	struct app_json j = {.buf = line, .len = sizeof(line)};
	app_parser_tls.eve_details(&u->details, &j);
	assert_true(j.used < sizeof(line));
	line[j.used] = '\0';
	return line;
}

static void assert_eve_has(const struct unit_copy *u, const char *field)
{
	const char *line = eve_of(u);
	if (!strstr(line, field))
		fail_msg("%s not in %s", field, line);
}

static void sink_reset(struct sink *k)
{
	for (uint32_t i = 0; i < k->count; i++)
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			free(k->units[i].buffer[b]);
	memset(k, 0, sizeof(*k));
}

static void assert_buffer(const struct unit_copy *u, enum rule_buffer b, const char *want)
{
	assert_non_null(u->buffer[b]);
	assert_int_equal(u->len[b], strlen(want));
	assert_memory_equal(u->buffer[b], want, strlen(want));
}

/* ---- building messages ---- */

struct bytes {
	uint8_t b[8192];
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

static void put24(struct bytes *o, uint32_t v)
{
	put8(o, v >> 16);
	put16(o, v);
}

static void put_u16_list(struct bytes *o, const uint16_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		put16(o, v[i]);
}

static void put_extension(struct bytes *o, uint32_t type, const struct bytes *body)
{
	put16(o, type);
	put16(o, body->len);
	put(o, body->b, body->len);
}

/* Handshake header (type, 3-byte length) then one record (or several of at most frag bytes). */
static void wrap_records(struct bytes *out, uint8_t type, const struct bytes *msg, uint32_t frag)
{
	struct bytes hs = {0};

	put8(&hs, type);
	put24(&hs, msg->len);
	put(&hs, msg->b, msg->len);
	for (uint32_t off = 0; off < hs.len; off += frag) {
		uint32_t n = hs.len - off < frag ? hs.len - off : frag;
		put8(out, 22);
		put16(out, 0x0301);
		put16(out, n);
		put(out, hs.b + off, n);
	}
}

static void put_random_and_session(struct bytes *m)
{
	uint8_t random[32];

	memset(random, 0x5a, sizeof(random));
	put(m, random, 32);
	put8(m, 32);
	put(m, random, 32);
}

/* Chrome-like TLS 1.3 ClientHello (the cipher and extension lists of FoxIO's JA4 example). */
static void chrome_client_hello(struct bytes *out, uint32_t frag)
{
	static const uint16_t ciphers[] = {0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
					   0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
					   0x009c, 0x009d, 0x002f, 0x0035};
	static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503,
					   0x0805, 0x0501, 0x0806, 0x0601};
	static const uint16_t groups[] = {0x2a2a, 0x001d, 0x0017, 0x0018};
	struct bytes m = {0}, ext = {0}, e;

	put16(&m, 0x0303);
	put_random_and_session(&m);
	put16(&m, sizeof(ciphers));
	put_u16_list(&m, ciphers, 16);
	put8(&m, 1);
	put8(&m, 0);

	e = (struct bytes){0};
	put_extension(&ext, 0x0a0a, &e); /* GREASE */
	put8(&e, 2), put16(&e, 2);
	put_extension(&ext, 0x001b, &e);
	e = (struct bytes){0};
	put16(&e, 14), put8(&e, 0), put16(&e, 11), put(&e, "example.com", 11);
	put_extension(&ext, 0x0000, &e);
	e = (struct bytes){0};
	put16(&e, 0);
	put_extension(&ext, 0x0033, &e);
	e = (struct bytes){0};
	put16(&e, 12), put8(&e, 2), put(&e, "h2", 2), put8(&e, 8), put(&e, "http/1.1", 8);
	put_extension(&ext, 0x0010, &e);
	e = (struct bytes){0};
	put16(&e, 3), put8(&e, 2), put(&e, "h2", 2);
	put_extension(&ext, 0x4469, &e);
	e = (struct bytes){0};
	put_extension(&ext, 0x0017, &e);
	put8(&e, 1), put8(&e, 1);
	put_extension(&ext, 0x002d, &e);
	e = (struct bytes){0};
	put16(&e, sizeof(sigalgs)), put_u16_list(&e, sigalgs, 8);
	put_extension(&ext, 0x000d, &e);
	e = (struct bytes){0};
	put8(&e, 1), put16(&e, 0), put16(&e, 0);
	put_extension(&ext, 0x0005, &e);
	e = (struct bytes){0};
	put_extension(&ext, 0x0023, &e);
	put_extension(&ext, 0x0012, &e);
	put8(&e, 6), put16(&e, 0x1a1a), put16(&e, 0x0304), put16(&e, 0x0303);
	put_extension(&ext, 0x002b, &e);
	e = (struct bytes){0};
	put8(&e, 0);
	put_extension(&ext, 0xff01, &e);
	e = (struct bytes){0};
	put8(&e, 1), put8(&e, 0);
	put_extension(&ext, 0x000b, &e);
	e = (struct bytes){0};
	put16(&e, sizeof(groups)), put_u16_list(&e, groups, 4);
	put_extension(&ext, 0x000a, &e);
	e = (struct bytes){0};
	put(&e, "\0\0\0\0\0\0\0\0\0\0", 10);
	put_extension(&ext, 0x0015, &e);
	e = (struct bytes){0};
	put8(&e, 0);
	put_extension(&ext, 0x3a3a, &e); /* GREASE */

	put16(&m, ext.len);
	put(&m, ext.b, ext.len);
	wrap_records(out, 1, &m, frag);
}

static const char chrome_ja3[] = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
				 "49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-"
				 "11-10-21,29-23-24,0";
static const char chrome_ja3_md5[] = "c000e2caf3a25423f9de6c8a4b12a975";
static const char chrome_ja4[] = "t13d1516h2_8daaf6152771_e5627efa2ab1";

/* TLS 1.2 ClientHello without SNI or ALPN. */
static void tls12_client_hello(struct bytes *out)
{
	struct bytes m = {0}, ext = {0}, e = {0};

	put16(&m, 0x0303);
	put_random_and_session(&m);
	put16(&m, 4), put16(&m, 0xc02f), put16(&m, 0xc030);
	put8(&m, 1), put8(&m, 0);
	put8(&e, 0);
	put_extension(&ext, 0xff01, &e);
	e = (struct bytes){0};
	put8(&e, 1), put8(&e, 0);
	put_extension(&ext, 0x000b, &e);
	e = (struct bytes){0};
	put16(&e, 4), put16(&e, 0x0017), put16(&e, 0x0018);
	put_extension(&ext, 0x000a, &e);
	e = (struct bytes){0};
	put16(&e, 4), put16(&e, 0x0401), put16(&e, 0x0201);
	put_extension(&ext, 0x000d, &e);
	put16(&m, ext.len);
	put(&m, ext.b, ext.len);
	wrap_records(out, 1, &m, 16384);
}

static void *tls_new(void)
{
	void *s = app_parser_tls.create(NULL);
	assert_non_null(s);
	return s;
}

static void feed(void *s, enum app_direction dir, const struct bytes *in, uint32_t step,
		 struct sink *k)
{
	for (uint32_t off = 0; off < in->len; off += step) {
		uint32_t n = in->len - off < step ? in->len - off : step;
		app_parser_tls.parse(s, dir, in->b + off, n, sink_emit, k);
	}
}

/* ---- detection ---- */

static void test_tls_detect(void **unused)
{
	(void)unused;
	struct bytes ch = {0};
	chrome_client_hello(&ch, 16384);

	assert_int_equal(app_parser_tls.detect(ch.b, ch.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(app_parser_tls.detect(ch.b, 10, APP_TO_SERVER), APP_DETECT_YES);
	for (uint32_t n = 0; n < 10; n++)
		assert_int_equal(app_parser_tls.detect(ch.b, n, APP_TO_SERVER),
				 APP_DETECT_NEED_MORE);
	/* a ClientHello never goes to the client */
	assert_int_equal(app_parser_tls.detect(ch.b, ch.len, APP_TO_CLIENT), APP_DETECT_NO);
	const uint8_t http[] = "GET / HTTP/1.1\r\n";
	assert_int_equal(app_parser_tls.detect(http, sizeof(http) - 1, APP_TO_SERVER),
			 APP_DETECT_NO);
	const uint8_t sslv2[] = {0x80, 0x2e, 0x01, 0x00, 0x02};
	assert_int_equal(app_parser_tls.detect(sslv2, sizeof(sslv2), APP_TO_SERVER), APP_DETECT_NO);
	/* major version 3 but minor 9; a record longer than TLS allows */
	const uint8_t bad_minor[] = {22, 3, 9, 0, 40, 1, 0, 0, 36, 3};
	assert_int_equal(app_parser_tls.detect(bad_minor, 10, APP_TO_SERVER), APP_DETECT_NO);
	const uint8_t too_long[] = {22, 3, 1, 0xff, 0xff, 1, 0, 0, 36, 3};
	assert_int_equal(app_parser_tls.detect(too_long, 10, APP_TO_SERVER), APP_DETECT_NO);
	const uint8_t server_hello[] = {22, 3, 3, 0, 60, 2, 0, 0, 56, 3};
	assert_int_equal(app_parser_tls.detect(server_hello, 10, APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(app_parser_tls.detect(server_hello, 10, APP_TO_SERVER), APP_DETECT_NO);
}

/* ---- ClientHello ---- */

static void assert_chrome_unit(const struct unit_copy *u)
{
	assert_buffer(u, RULE_BUFFER_TLS_SNI, "example.com");
	assert_buffer(u, RULE_BUFFER_JA3_STRING, chrome_ja3);
	assert_buffer(u, RULE_BUFFER_JA3_HASH, chrome_ja3_md5);
	assert_buffer(u, RULE_BUFFER_JA4_HASH, chrome_ja4);
	assert_buffer(u, RULE_BUFFER_TLS_VERSION, "TLS 1.3");
	char eve[512];
	snprintf(
	    eve, sizeof(eve),
	    ",\"tls\":{\"sni\":\"example.com\",\"version\":\"TLS 1.3\",\"ja3\":{\"hash\":\"%s\"},"
	    "\"ja4\":\"%s\",\"client_alpns\":[\"h2\",\"http/1.1\"]}",
	    chrome_ja3_md5, chrome_ja4);
	assert_string_equal(eve_of(u), eve);
}

static void test_tls_client_hello_fields(void **unused)
{
	(void)unused;
	struct bytes ch = {0};
	struct sink k = {0};
	void *s = tls_new();

	chrome_client_hello(&ch, 16384);
	feed(s, APP_TO_SERVER, &ch, ch.len, &k);
	/* one unit per ALPN protocol (tls.alpn is a multi-buffer), the rest the same */
	assert_int_equal(k.count, 2);
	assert_chrome_unit(&k.units[0]);
	assert_chrome_unit(&k.units[1]);
	assert_buffer(&k.units[0], RULE_BUFFER_TLS_ALPN, "h2");
	assert_buffer(&k.units[1], RULE_BUFFER_TLS_ALPN, "http/1.1");
	assert_non_null(k.units[0].window.rules);
	assert_ptr_equal(k.units[0].window.rules, k.units[1].window.rules);
	/* the random: 4 bytes of time, 28 others, as written after the version */
	assert_int_equal(k.units[0].len[RULE_BUFFER_TLS_RANDOM], 32);
	assert_memory_equal(k.units[0].buffer[RULE_BUFFER_TLS_RANDOM], ch.b + 11, 32);
	assert_memory_equal(k.units[0].buffer[RULE_BUFFER_TLS_RANDOM_TIME], ch.b + 11, 4);
	assert_int_equal(k.units[0].len[RULE_BUFFER_TLS_RANDOM_BYTES], 28);
	assert_memory_equal(k.units[0].buffer[RULE_BUFFER_TLS_RANDOM_BYTES], ch.b + 15, 28);
	struct rule_tls_meta meta;
	assert_int_equal(k.units[0].len[RULE_BUFFER_TLS_META], sizeof(meta));
	memcpy(&meta, k.units[0].buffer[RULE_BUFFER_TLS_META], sizeof(meta));
	assert_int_equal(meta.version, 0x0304);
	assert_int_equal(meta.handshake, 1);
	assert_int_equal(meta.has_chain, 0);
	sink_reset(&k);
	app_parser_tls.destroy(s);
}

static void test_tls12_client_hello(void **unused)
{
	(void)unused;
	struct bytes ch = {0};
	struct sink k = {0};
	void *s = tls_new();

	tls12_client_hello(&ch);
	feed(s, APP_TO_SERVER, &ch, ch.len, &k);
	assert_int_equal(k.count, 1);
	const struct unit_copy *u = &k.units[0];
	assert_null(u->buffer[RULE_BUFFER_TLS_SNI]);
	assert_buffer(u, RULE_BUFFER_JA3_STRING, "771,49199-49200,65281-11-10-13,23-24,0");
	assert_buffer(u, RULE_BUFFER_JA3_HASH, "90a577f8e0902f5b12bed5db9ba92122");
	assert_buffer(u, RULE_BUFFER_JA4_HASH, "t12i020400_04659ec43a24_4c68e4186998");
	assert_eve_has(u, "\"version\":\"TLS 1.2\"");
	sink_reset(&k);
	app_parser_tls.destroy(s);
}

/* Every split of the stream gives the same single unit: one byte at a time, and two pieces. */
static void test_tls_client_hello_every_split(void **unused)
{
	(void)unused;
	struct bytes ch = {0};
	struct sink k = {0};

	chrome_client_hello(&ch, 16384);
	void *s = tls_new();
	feed(s, APP_TO_SERVER, &ch, 1, &k);
	assert_int_equal(k.count, 2); /* two ALPN protocols */
	assert_chrome_unit(&k.units[0]);
	sink_reset(&k);
	app_parser_tls.destroy(s);

	for (uint32_t cut = 1; cut < ch.len; cut++) {
		s = tls_new();
		app_parser_tls.parse(s, APP_TO_SERVER, ch.b, cut, sink_emit, &k);
		app_parser_tls.parse(s, APP_TO_SERVER, ch.b + cut, ch.len - cut, sink_emit, &k);
		assert_int_equal(k.count, 2);
		char ja4[128];
		snprintf(ja4, sizeof(ja4), "\"ja4\":\"%s\"", chrome_ja4);
		assert_eve_has(&k.units[0], ja4);
		sink_reset(&k);
		app_parser_tls.destroy(s);
	}
}

/* A ClientHello fragmented over many small records (RFC 8446 5.1 allows it). */
static void test_tls_message_across_records(void **unused)
{
	(void)unused;
	struct bytes ch = {0};
	struct sink k = {0};
	void *s = tls_new();

	chrome_client_hello(&ch, 7);
	feed(s, APP_TO_SERVER, &ch, 13, &k);
	assert_int_equal(k.count, 2);
	assert_chrome_unit(&k.units[0]);
	sink_reset(&k);
	app_parser_tls.destroy(s);
}

/* ---- ServerHello and Certificate ---- */

static void der(struct bytes *o, uint8_t tag, const struct bytes *content)
{
	put8(o, tag);
	if (content->len < 128) {
		put8(o, content->len);
	} else {
		put8(o, 0x82);
		put16(o, content->len);
	}
	put(o, content->b, content->len);
}

/* One RDN: SET { SEQ { OID 2.5.4.x, PrintableString/UTF8String value } } */
static void der_rdn(struct bytes *name, uint8_t attr, uint8_t string_tag, const char *value)
{
	struct bytes oid = {0}, str = {0}, atv = {0}, set = {0};
	put8(&oid, 0x55), put8(&oid, 0x04), put8(&oid, attr);
	put(&str, value, (uint32_t)strlen(value));
	der(&atv, 0x06, &oid);
	der(&atv, string_tag, &str);
	der(&set, 0x30, &atv);
	der(name, 0x31, &set);
}

static void make_certificate(struct bytes *cert)
{
	struct bytes tbs = {0}, seq = {0}, t = {0}, issuer = {0}, subject = {0}, v = {0};

	put8(&t, 0x02), put8(&t, 0x01), put8(&t, 0x02); /* INTEGER 2 (v3) */
	der(&tbs, 0xa0, &t);
	t = (struct bytes){0};
	put8(&t, 0x03), put8(&t, 0xab);
	der(&tbs, 0x02, &t); /* serial */
	t = (struct bytes){0};
	put(&t, "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", 11);
	der(&tbs, 0x30, &t); /* sha256WithRSAEncryption */
	der_rdn(&issuer, 0x06, 0x13, "US");
	der_rdn(&issuer, 0x0a, 0x13, "Let's Encrypt");
	der_rdn(&issuer, 0x03, 0x13, "R3");
	der(&tbs, 0x30, &issuer);
	put(&v,
	    "\x17\x0d"
	    "240101000000Z"
	    "\x17\x0d"
	    "250101000000Z",
	    30);
	der(&tbs, 0x30, &v);
	der_rdn(&subject, 0x03, 0x0c, "example.com");
	der(&tbs, 0x30, &subject);
	t = (struct bytes){0};
	put(&t, "\x30\x03\x06\x01\x2a\x03\x01\x00", 8); /* a stand-in public key */
	der(&tbs, 0x30, &t);
	/* extensions: basicConstraints (critical), then subjectAltName with two
	 * DNS names and an IP address, which tls.subjectaltname leaves out */
	struct bytes exts = {0}, ext = {0}, names = {0}, octets = {0}, list = {0}, wrap = {0};
	put(&ext, "\x06\x03\x55\x1d\x13\x01\x01\xff\x04\x02\x30\x00", 12);
	der(&exts, 0x30, &ext);
	ext = (struct bytes){0};
	put(&names,
	    "\x82\x0b"
	    "example.com",
	    13);
	put(&names, "\x87\x04\x0a\x00\x00\x01", 6);
	put(&names, "\x82\x0fwww.example.com", 17);
	der(&octets, 0x30, &names);
	put(&ext, "\x06\x03\x55\x1d\x11", 5);
	der(&ext, 0x04, &octets);
	der(&exts, 0x30, &ext);
	der(&list, 0x30, &exts);
	der(&wrap, 0xa3, &list);
	put(&tbs, wrap.b, wrap.len);
	der(&seq, 0x30, &tbs);
	t = (struct bytes){0};
	put(&t, "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", 11);
	der(&seq, 0x30, &t);
	t = (struct bytes){0};
	put(&t, "\x00\x01\x02\x03", 4);
	der(&seq, 0x03, &t);
	der(cert, 0x30, &seq);
}

static void test_tls_server_hello_and_certificate(void **unused)
{
	(void)unused;
	struct bytes sh = {0}, cm = {0}, out = {0}, cert = {0}, ext = {0}, e = {0};
	struct sink k = {0};
	void *s = tls_new();

	put16(&sh, 0x0303);
	put_random_and_session(&sh);
	put16(&sh, 0xc02f);
	put8(&sh, 0);
	put8(&e, 0);
	put_extension(&ext, 0xff01, &e);
	put16(&sh, ext.len);
	put(&sh, ext.b, ext.len);
	wrap_records(&out, 2, &sh, 16384);

	make_certificate(&cert);
	put24(&cm, 2 * (3 + cert.len));
	put24(&cm, cert.len);
	put(&cm, cert.b, cert.len);
	put24(&cm, cert.len); /* the "chain": the same certificate twice */
	put(&cm, cert.b, cert.len);
	wrap_records(&out, 11, &cm, 16384);
	put(&out, "\x14\x03\x03\x00\x01\x01", 6); /* ChangeCipherSpec: the rest is opaque */
	put(&out, "\x16\x03\x03\x00\x04\x0b\x00\x00\x00", 9);

	feed(s, APP_TO_CLIENT, &out, 1, &k);
	/* ServerHello, the leaf once per DNS name of its subjectAltName, the second certificate */
	assert_int_equal(k.count, 4);
	assert_buffer(&k.units[0], RULE_BUFFER_TLS_VERSION, "TLS 1.2");
	assert_buffer(&k.units[0], RULE_BUFFER_JA3S_HASH, "fbe78c619e7ea20046131294ad087f05");
	uint8_t random[32];
	memset(random, 0x5a, sizeof(random));
	assert_int_equal(k.units[0].len[RULE_BUFFER_TLS_RANDOM], 32);
	assert_memory_equal(k.units[0].buffer[RULE_BUFFER_TLS_RANDOM], random, 32);
	struct rule_tls_meta meta;
	memcpy(&meta, k.units[0].buffer[RULE_BUFFER_TLS_META], sizeof(meta));
	assert_int_equal(meta.version, 0x0303);
	assert_int_equal(meta.handshake, 2);
	memcpy(&meta, k.units[1].buffer[RULE_BUFFER_TLS_META], sizeof(meta));
	assert_int_equal(meta.handshake, 11);
	assert_int_equal(meta.version, 0x0303); /* the ServerHello's, for tls.version */
	assert_int_equal(meta.has_chain, 1);
	assert_int_equal(meta.chain_len, 2);
	assert_buffer(&k.units[1], RULE_BUFFER_TLS_SUBJECTALTNAME, "example.com");
	assert_buffer(&k.units[2], RULE_BUFFER_TLS_SUBJECTALTNAME, "www.example.com");
	assert_buffer(&k.units[2], RULE_BUFFER_TLS_CERT_SUBJECT, "CN=example.com");
	/* every unit of the flow shares one list of matched rules: one alert per rule and flow */
	for (int i = 0; i < 4; i++) {
		assert_non_null(k.units[i].window.rules);
		assert_ptr_equal(k.units[i].window.rules, k.units[0].window.rules);
	}
	const struct unit_copy *u = &k.units[1];
	assert_buffer(u, RULE_BUFFER_TLS_CERT_SUBJECT, "CN=example.com");
	assert_buffer(u, RULE_BUFFER_TLS_CERT_ISSUER, "C=US, O=Let's Encrypt, CN=R3");
	assert_buffer(u, RULE_BUFFER_TLS_CERT_SERIAL, "03:AB");
	assert_int_equal(u->len[RULE_BUFFER_TLS_CERTS], cert.len);
	assert_memory_equal(u->buffer[RULE_BUFFER_TLS_CERTS], cert.b, cert.len);
	assert_int_equal(u->len[RULE_BUFFER_TLS_CERT_FINGERPRINT], 59);
	assert_null(k.units[3].buffer[RULE_BUFFER_TLS_CERT_SUBJECT]);
	assert_int_equal(k.units[3].len[RULE_BUFFER_TLS_CERTS], cert.len);
	/* the leaf as Suricata's extended tls object shows it; the server's ALPN choice */
	const char *eve = eve_of(&k.units[3]);
	assert_non_null(strstr(eve, "\"ja3s\":{\"hash\":\"fbe78c619e7ea20046131294ad087f05\"}"));
	assert_non_null(strstr(eve, "\"subject\":\"CN=example.com\",\"issuerdn\":\"C=US, O=Let's "
				    "Encrypt, CN=R3\",\"serial\":\"03:AB\",\"fingerprint\":\""));
	assert_non_null(
	    strstr(eve, "\"notbefore\":\"2024-01-01T00:00:00\",\"notafter\":\"2025-01-"
			"01T00:00:00\",\"subjectaltname\":[\"example.com\",\"www.example.com\"]"));
	assert_null(strstr(eve, "client_alpns"));
	sink_reset(&k);
	app_parser_tls.destroy(s);
}

/* TLS 1.3: supported_versions in the ServerHello is the version; then everything is encrypted. */
static void test_tls13_server_hello(void **unused)
{
	(void)unused;
	struct bytes sh = {0}, out = {0}, ext = {0}, e = {0};
	struct sink k = {0};
	void *s = tls_new();

	put16(&sh, 0x0303);
	put_random_and_session(&sh);
	put16(&sh, 0x1301);
	put8(&sh, 0);
	put16(&e, 0x0304);
	put_extension(&ext, 0x002b, &e);
	e = (struct bytes){0};
	put16(&e, 3), put8(&e, 2), put(&e, "h2", 2); /* the server's ALPN choice */
	put_extension(&ext, 16, &e);
	put16(&sh, ext.len);
	put(&sh, ext.b, ext.len);
	wrap_records(&out, 2, &sh, 16384);
	put(&out, "\x17\x03\x03\x00\x02\xaa\xbb", 7);
	feed(s, APP_TO_CLIENT, &out, out.len, &k);
	assert_int_equal(k.count, 1);
	assert_eve_has(&k.units[0], "\"version\":\"TLS 1.3\"");
	assert_buffer(&k.units[0], RULE_BUFFER_TLS_ALPN, "h2");
	struct rule_tls_meta meta;
	memcpy(&meta, k.units[0].buffer[RULE_BUFFER_TLS_META], sizeof(meta));
	assert_int_equal(meta.version, 0x0304); /* supported_versions, not the legacy field */
	sink_reset(&k);
	app_parser_tls.destroy(s);
}

/* ---- malformed input ---- */

static void expect_no_unit(const struct bytes *in, enum app_direction dir)
{
	struct sink k = {0};
	void *s = tls_new();

	feed(s, dir, in, in->len, &k);
	assert_int_equal(k.count, 0);
	app_parser_tls.destroy(s);
}

static void test_tls_bad_lengths(void **unused)
{
	(void)unused;
	struct bytes ch = {0}, bad;

	chrome_client_hello(&ch, 16384);
	/* cipher list length odd */
	bad = ch;
	bad.b[5 + 4 + 2 + 32 + 1 + 32 + 1] ^= 1;
	expect_no_unit(&bad, APP_TO_SERVER);
	/* extension block longer than the message */
	bad = ch;
	uint32_t ext_at = 5 + 4 + 2 + 32 + 1 + 32 + 2 + 32 + 2;
	bad.b[ext_at] = 0xff;
	expect_no_unit(&bad, APP_TO_SERVER);
	/* handshake length past the record: waits, never reads beyond, emits nothing */
	bad = ch;
	bad.b[6] = 0x7f;
	expect_no_unit(&bad, APP_TO_SERVER);
	/* a record longer than TLS allows stops the direction */
	bad = ch;
	bad.b[3] = 0xff;
	expect_no_unit(&bad, APP_TO_SERVER);
	/* session id longer than 32 */
	bad = ch;
	bad.b[5 + 4 + 2 + 32] = 33;
	expect_no_unit(&bad, APP_TO_SERVER);
	/* an SNI entry whose length runs past its list */
	bad = ch;
	for (uint32_t i = 0; i + 11 <= bad.len; i++)
		if (!memcmp(bad.b + i, "example.com", 11))
			bad.b[i - 1] = 0x40;
	expect_no_unit(&bad, APP_TO_SERVER);
	/* after ChangeCipherSpec nothing is parsed */
	struct bytes after = {0};
	put(&after, "\x14\x03\x03\x00\x01\x01", 6);
	put(&after, ch.b, ch.len);
	expect_no_unit(&after, APP_TO_SERVER);
}

/* The events of the units k holds, in order, as one string of their ids. */
static void events_of(const struct sink *k, char *out, size_t cap)
{
	size_t n = 0;
	for (uint32_t i = 0; i < k->count; i++)
		for (uint32_t j = 0; j < k->units[i].len[RULE_BUFFER_APP_EVENTS] && n + 1 < cap;
		     j++)
			out[n++] = (char)k->units[i].buffer[RULE_BUFFER_APP_EVENTS][j];
	out[n] = '\0';
}

/* A Certificate message that does not hold together raises Suricata's tls events, once. */
static void test_tls_certificate_events(void **unused)
{
	(void)unused;
	struct bytes cert = {0}, good = {0}, cut = {0}, junk = {0}, out;
	struct sink k = {0};
	char got[16];
	const char want_length[] = {RULE_APP_EVENT_TLS_CERTIFICATE_INVALID_LENGTH,
				    RULE_APP_EVENT_TLS_INVALID_HANDSHAKE_MESSAGE, 0};
	const char want_der[] = {RULE_APP_EVENT_TLS_INVALID_CERTIFICATE,
				 RULE_APP_EVENT_TLS_INVALID_HANDSHAKE_MESSAGE, 0};

	make_certificate(&cert);
	put24(&good, 3 + cert.len);
	put24(&good, cert.len);
	put(&good, cert.b, cert.len);
	/* a certificate whose length runs past the list */
	put24(&cut, 3 + 10);
	put24(&cut, 200);
	put(&cut, cert.b, 10);
	/* a certificate that is no DER */
	put24(&junk, 3 + 8);
	put24(&junk, 8);
	put(&junk, "notacert", 8);
	/* a DER SEQUENCE holding one whose length header is cut (bytes after
	 * it): Suricata's X.509 parser finds it incomplete, a length error */
	struct bytes header = {0};
	put24(&header, 3 + 9);
	put24(&header, 9);
	put(&header, "\x30\x05\x30\x84\xff\xff\xff\xfa\x04", 9);
	/* a SEQUENCE claiming more bytes than the certificate has: malformed */
	struct bytes longer = {0};
	put24(&longer, 3 + 4);
	put24(&longer, 4);
	put(&longer, "\x30\x10\x02\x01", 4);
	const struct bytes *msgs[] = {&good, &cut, &junk, &header, &longer};
	const char *want[] = {"", want_length, want_der, want_length, want_der};
	for (int i = 0; i < 5; i++) {
		void *s = tls_new();
		memset(&out, 0, sizeof(out));
		wrap_records(&out, 11, msgs[i], 16384);
		feed(s, APP_TO_CLIENT, &out, out.len, &k);
		events_of(&k, got, sizeof(got));
		assert_string_equal(got, want[i]);
		sink_reset(&k);
		app_parser_tls.destroy(s);
	}
	/* a record of a type TLS does not have */
	void *s = tls_new();
	memset(&out, 0, sizeof(out));
	put(&out, "\x30\x03\x03\x00\x01\x01", 6);
	feed(s, APP_TO_CLIENT, &out, out.len, &k);
	events_of(&k, got, sizeof(got));
	const char want_type[] = {RULE_APP_EVENT_TLS_INVALID_RECORD_TYPE, 0};
	assert_string_equal(got, want_type);
	sink_reset(&k);
	app_parser_tls.destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls_detect),
	    cmocka_unit_test(test_tls_client_hello_fields),
	    cmocka_unit_test(test_tls12_client_hello),
	    cmocka_unit_test(test_tls_client_hello_every_split),
	    cmocka_unit_test(test_tls_message_across_records),
	    cmocka_unit_test(test_tls_server_hello_and_certificate),
	    cmocka_unit_test(test_tls13_server_hello),
	    cmocka_unit_test(test_tls_certificate_events),
	    cmocka_unit_test(test_tls_bad_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
