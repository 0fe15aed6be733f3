/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the Kerberos 5 parser (dataplane/app/app_krb5.c) and its
 * keywords (rules/keywords/kw_krb5.c). Messages are built here with a
 * small DER writer (an AS-REQ, a TGS-REP whose ticket is RC4, a
 * KRB-ERROR), sent as UDP datagrams and as TCP records split at every
 * byte, and checked for their units (name parts as multi-buffers on
 * requests only, app.meta) and their EVE object; detection yes / no /
 * need more over both transports; malformed input is an error unit; and
 * each keyword is parsed (good and bad values) and matched against the
 * units, once holding and once not.
 */
#define _GNU_SOURCE /* memmem */
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
#include "rules/lang/parse.h"
#include "rules/match/match.h"
#include "tests/unit/app_sink.h"

/* ---- a DER writer ---- */

struct der {
	uint8_t b[1024];
	size_t len;
};

/* A TLV of tag around the parts, in order. */
static struct der der_tlv(uint8_t tag, const struct der *parts, size_t n)
{
	struct der out = {.len = 0}, body = {.len = 0};
	for (size_t i = 0; i < n; i++) {
		memcpy(body.b + body.len, parts[i].b, parts[i].len);
		body.len += parts[i].len;
	}
	out.b[out.len++] = tag;
	if (body.len < 0x80) {
		out.b[out.len++] = (uint8_t)body.len;
	} else {
		out.b[out.len++] = 0x82;
		out.b[out.len++] = (uint8_t)(body.len >> 8);
		out.b[out.len++] = (uint8_t)body.len;
	}
	memcpy(out.b + out.len, body.b, body.len);
	out.len += body.len;
	return out;
}

static struct der der_raw(uint8_t tag, const void *bytes, size_t len)
{
	struct der part = {.len = len};
	memcpy(part.b, bytes, len);
	return der_tlv(tag, &part, 1);
}

static struct der der_int(int value)
{
	uint8_t v = (uint8_t)value;
	return der_raw(0x02, &v, 1);
}

static struct der der_text(const char *s)
{
	return der_raw(0x1b, s, strlen(s));
}

/* Context field [n] around one value. */
static struct der der_ctx(unsigned n, struct der value)
{
	return der_tlv((uint8_t)(0xa0 | n), &value, 1);
}

/* PrincipalName: name-type 1, the parts. */
static struct der der_principal(const char *a, const char *b)
{
	struct der parts[2] = {der_text(a), der_text(b ? b : "")};
	struct der strings = der_tlv(0x30, parts, b ? 2 : 1);
	struct der fields[2] = {der_ctx(0, der_int(1)), der_ctx(1, strings)};
	return der_tlv(0x30, fields, 2);
}

static struct der der_encrypted(int etype)
{
	struct der fields[2] = {der_ctx(0, der_int(etype)), der_ctx(2, der_raw(0x04, "xyz", 3))};
	return der_tlv(0x30, fields, 2);
}

/* AS-REQ for alice@EXAMPLE.COM to krbtgt/EXAMPLE.COM. */
static struct der as_req(void)
{
	struct der body[4] = {der_ctx(0, der_raw(0x03, "\0\0\0\0\0", 5)),
			      der_ctx(1, der_principal("alice", NULL)),
			      der_ctx(2, der_text("EXAMPLE.COM")),
			      der_ctx(3, der_principal("krbtgt", "EXAMPLE.COM"))};
	struct der fields[3] = {der_ctx(1, der_int(5)), der_ctx(2, der_int(10)),
				der_ctx(4, der_tlv(0x30, body, 4))};
	struct der seq = der_tlv(0x30, fields, 3);
	return der_tlv(0x6a, &seq, 1);
}

/* TGS-REP to alice for HTTP/web, the reply in AES256, the ticket in RC4 (Kerberoasting). */
static struct der tgs_rep(void)
{
	struct der tkt_fields[4] = {der_ctx(0, der_int(5)), der_ctx(1, der_text("EXAMPLE.COM")),
				    der_ctx(2, der_principal("HTTP", "web")),
				    der_ctx(3, der_encrypted(23))};
	struct der tkt_seq = der_tlv(0x30, tkt_fields, 4);
	struct der ticket = der_tlv(0x61, &tkt_seq, 1);
	struct der fields[6] = {der_ctx(0, der_int(5)),
				der_ctx(1, der_int(13)),
				der_ctx(3, der_text("EXAMPLE.COM")),
				der_ctx(4, der_principal("alice", NULL)),
				der_ctx(5, ticket),
				der_ctx(6, der_encrypted(18))};
	struct der seq = der_tlv(0x30, fields, 6);
	return der_tlv(0x6d, &seq, 1);
}

/* KRB-ERROR 25 (pre-authentication required) for krbtgt/EXAMPLE.COM. */
static struct der krb_error(void)
{
	struct der fields[6] = {der_ctx(0, der_int(5)),
				der_ctx(1, der_int(30)),
				der_ctx(5, der_int(0)),
				der_ctx(6, der_int(25)),
				der_ctx(9, der_text("EXAMPLE.COM")),
				der_ctx(10, der_principal("krbtgt", "EXAMPLE.COM"))};
	struct der seq = der_tlv(0x30, fields, 6);
	return der_tlv(0x7e, &seq, 1);
}

/* The message behind a TCP record mark. */
static struct der tcp_record(struct der m)
{
	struct der out = {.len = 4 + m.len};
	out.b[0] = out.b[1] = 0;
	out.b[2] = (uint8_t)(m.len >> 8);
	out.b[3] = (uint8_t)m.len;
	memcpy(out.b + 4, m.b, m.len);
	return out;
}

/* ---- the exchange ---- */

static struct rule_krb5_meta meta_of(const struct unit_copy *u)
{
	struct rule_krb5_meta m;
	assert_non_null(u->buffer[RULE_BUFFER_APP_META]);
	assert_int_equal(u->len[RULE_BUFFER_APP_META], sizeof(m));
	memcpy(&m, u->buffer[RULE_BUFFER_APP_META], sizeof(m));
	return m;
}

/* AS-REQ, KRB-ERROR, TGS-REP through one parser, over UDP or TCP in pieces of chunk. */
static void run_exchange(bool tcp, uint32_t chunk, struct sink *k, char *eve, size_t eve_len)
{
	struct der messages[3] = {as_req(), krb_error(), tgs_rep()};
	enum app_direction dirs[3] = {APP_TO_SERVER, APP_TO_CLIENT, APP_TO_CLIENT};
	void *s = app_parser_krb5.create(NULL);
	assert_non_null(s);
	for (int i = 0; i < 3; i++) {
		struct der m = tcp ? tcp_record(messages[i]) : messages[i];
		uint32_t piece = tcp ? chunk : (uint32_t)m.len;
		for (uint32_t off = 0; off < m.len; off += piece) {
			uint32_t n = (uint32_t)m.len - off < piece ? (uint32_t)m.len - off : piece;
			app_parser_krb5.parse(s, dirs[i], m.b + off, n, sink_emit, k);
		}
		if (i == 1 && eve) {
			/* the error's record, while the state holds it */
			struct app_json j = {.buf = eve, .len = eve_len};
			app_parser_krb5.eve_details(k->units[k->count - 1].details, &j);
			eve[j.used < eve_len ? j.used : eve_len - 1] = '\0';
		}
	}
	app_parser_krb5.destroy(s);
}

static void check_exchange(struct sink *k)
{
	/* the AS-REQ is two units (sname has two parts), then the error, then the reply */
	assert_int_equal(k->count, 4);
	assert_buffer(&k->units[0], RULE_BUFFER_KRB5_CNAME, "alice");
	assert_buffer(&k->units[0], RULE_BUFFER_KRB5_SNAME, "krbtgt");
	assert_false(k->units[0].repeat);
	assert_null(k->units[1].buffer[RULE_BUFFER_KRB5_CNAME]);
	assert_buffer(&k->units[1], RULE_BUFFER_KRB5_SNAME, "EXAMPLE.COM");
	assert_true(k->units[1].repeat);
	assert_int_equal(meta_of(&k->units[1]).msg_type, 10);

	struct rule_krb5_meta m = meta_of(&k->units[2]);
	assert_int_equal(m.msg_type, 30);
	assert_true(m.has_error);
	assert_int_equal(m.error_code, 25);
	assert_false(m.has_ticket);
	/* names only from requests, as Suricata's buffers */
	assert_null(k->units[2].buffer[RULE_BUFFER_KRB5_SNAME]);

	m = meta_of(&k->units[3]);
	assert_int_equal(m.msg_type, 13);
	assert_false(m.has_error);
	assert_true(m.has_ticket);
	assert_int_equal(m.ticket_etype, 23);
	assert_true(m.ticket_weak);
}

static void test_krb5_udp(void **unused)
{
	(void)unused;
	char eve[1024];
	struct sink k = {0};
	run_exchange(false, 0, &k, eve, sizeof(eve));
	check_exchange(&k);
	sink_reset(&k);
	assert_string_equal(eve, ",\"krb5\":{\"msg_type\":\"KRB_ERROR\",\"failed_request\":"
				 "\"KRB_AS_REQ\",\"error_code\":\"KDC_ERR_PREAUTH_REQUIRED\","
				 "\"cname\":\"<empty>\",\"realm\":\"<empty>\",\"sname\":"
				 "\"krbtgt/EXAMPLE.COM\",\"encryption\":\"<none>\","
				 "\"weak_encryption\":false}");
}

static void test_krb5_tcp(void **unused)
{
	(void)unused;
	struct sink k = {0};
	for (uint32_t chunk = 1; chunk < 12; chunk++) {
		run_exchange(true, chunk, &k, NULL, 0);
		check_exchange(&k);
		sink_reset(&k);
	}
	run_exchange(true, 4096, &k, NULL, 0);
	check_exchange(&k);
	sink_reset(&k);
}

/* A datagram that is no KDC message, a TCP record mark with its high bit: error units. */
static void test_krb5_malformed(void **unused)
{
	(void)unused;
	static const uint8_t junk[] = {0x6a, 0x05, 0x02, 0x01, 0x05, 0x00, 0x00};
	static const uint8_t bad_mark[] = {0x80, 0x00, 0x00, 0x10, 0x6a};
	struct sink k = {0};
	void *s = app_parser_krb5.create(NULL);
	assert_non_null(s);
	app_parser_krb5.parse(s, APP_TO_SERVER, junk, sizeof(junk), sink_emit, &k);
	assert_int_equal(k.count, 1);
	assert_true(k.units[0].error);
	app_parser_krb5.destroy(s);
	sink_reset(&k);

	s = app_parser_krb5.create(NULL);
	assert_non_null(s);
	app_parser_krb5.parse(s, APP_TO_SERVER, bad_mark, sizeof(bad_mark), sink_emit, &k);
	struct der rec = tcp_record(as_req());
	app_parser_krb5.parse(s, APP_TO_SERVER, rec.b, (uint32_t)rec.len, sink_emit, &k);
	assert_int_equal(k.count, 1); /* the framing is lost: nothing after */
	assert_true(k.units[0].error);
	app_parser_krb5.destroy(s);
	sink_reset(&k);
}

static void test_krb5_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_krb5;
	struct der req = as_req(), rec = tcp_record(as_req()), err = krb_error();
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01};
	/* version 4 where 5 belongs */
	struct der v4 = req;
	uint8_t *pvno = memmem(v4.b, v4.len, "\xa1\x03\x02\x01\x05", 5);
	assert_non_null(pvno);
	pvno[4] = 4;

	assert_int_equal(p->detect(req.b, (uint32_t)req.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(err.b, (uint32_t)err.len, APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(p->detect(req.b, 3, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(rec.b, (uint32_t)rec.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(rec.b, 4, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(rec.b, 2, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(v4.b, (uint32_t)v4.len, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(http, sizeof(http) - 1, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(tls, sizeof(tls), APP_TO_SERVER), APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_KRB5), p);
}

/* ---- keywords ---- */

static void test_krb5_msg_type_err_code(void **unused)
{
	(void)unused;
	assert_true(match_unit("krb5_msg_type:10;", 0));
	assert_false(match_unit("krb5_msg_type:12;", 0));
	assert_true(match_unit("krb5_msg_type:30;", 2));
	assert_true(match_unit("krb5_msg_type:>11;", 3));
	assert_true(match_unit("krb5_err_code:25;", 2));
	assert_true(match_unit("krb5_err_code:!0;", 2));
	assert_false(match_unit("krb5_err_code:24;", 2));
	/* messages that are no error have no code: neither 25 nor !0 */
	assert_false(match_unit("krb5_err_code:!0;", 0));
	assert_false(match_unit("krb5_err_code:25;", 3));
	parse_fails("krb5_msg_type:x;", "bad value of \"krb5_msg_type\"");
	parse_fails("krb5_err_code:-1;", "bad value of \"krb5_err_code\"");
	parse_fails("krb5_msg_type;", "needs a value");
}

static void test_krb5_ticket_encryption(void **unused)
{
	(void)unused;
	assert_true(match_unit("krb5.ticket_encryption:weak;", 3));
	assert_false(match_unit("krb5.ticket_encryption:!weak;", 3));
	assert_true(match_unit("krb5.ticket_encryption: 23;", 3));
	assert_true(match_unit("krb5.ticket_encryption: rc4-hmac;", 3));
	assert_true(match_unit("krb5.ticket_encryption:aes256-cts-hmac-sha1-96, rc4-hmac;", 3));
	assert_true(match_unit("krb5.ticket_encryption:17 23;", 3));
	assert_false(match_unit("krb5.ticket_encryption:18;", 3));
	/* a request carries no ticket */
	assert_false(match_unit("krb5.ticket_encryption:!weak;", 0));
	parse_fails("krb5.ticket_encryption:rot13;", "bad value of \"krb5.ticket_encryption\"");
	parse_fails("krb5.ticket_encryption:, ,;", "bad value of \"krb5.ticket_encryption\"");
	parse_fails("krb5.ticket_encryption:weak,23;", "bad value of \"krb5.ticket_encryption\"");
}

static void test_krb5_names(void **unused)
{
	(void)unused;
	assert_true(match_unit("krb5.cname; content:\"alice\"; bsize:5;", 0));
	assert_true(match_unit("krb5_cname; content:\"ali\";", 0));
	assert_false(match_unit("krb5.cname; content:\"bob\";", 0));
	assert_true(match_unit("krb5_sname; content:\"krbtgt\"; startswith; endswith;", 0));
	assert_true(match_unit("krb5.sname; content:\"EXAMPLE.COM\"; bsize:11;", 1));
	assert_false(match_unit("krb5.sname; content:\"krbtgt/EXAMPLE\";", 0));
	assert_false(match_unit("krb5.sname; content:\"krbtgt\";", 2));
	parse_fails("app.meta; content:\"x\";", "unknown keyword");
}

static int setup(void **unused)
{
	(void)unused;
	sink_parser = rule_parser_create();
	sink_proto = "krb5";
	sink_app = &app_parser_krb5;
	run_exchange(false, 0, &sink_units, NULL, 0);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_krb5_udp),
	    cmocka_unit_test(test_krb5_tcp),
	    cmocka_unit_test(test_krb5_malformed),
	    cmocka_unit_test(test_krb5_detect),
	    cmocka_unit_test(test_krb5_msg_type_err_code),
	    cmocka_unit_test(test_krb5_ticket_encryption),
	    cmocka_unit_test(test_krb5_names),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
