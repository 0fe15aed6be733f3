/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for DCE/RPC over TCP (dataplane/app/app_dcerpc.c: detection,
 * bind and bind_ack, requests put back together from fragments, responses,
 * big-endian PDUs, framing errors) and its keywords
 * (rules/keywords/kw_dcerpc.c: dcerpc.iface / dce_iface, dcerpc.opnum /
 * dce_opnum; byte_test's dce byte order in kw_byte.c), each parsed from
 * rule text (good and bad values) and matched against dcerpc.meta as the
 * parser lays it out, one input that matches and one that does not.
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
#include "rules/lang/parse.h"
#include "rules/match/match.h"

/* 367abb81-9844-35f1-ad32-98f038001003 (svcctl) as a little-endian PDU writes it */
static const uint8_t svcctl_le[16] = {0x81, 0xbb, 0x7a, 0x36, 0x44, 0x98, 0xf1, 0x35,
				      0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03};
static const uint8_t svcctl_text[16] = {0x36, 0x7a, 0xbb, 0x81, 0x98, 0x44, 0x35, 0xf1,
					0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03};

/* A PDU header; the body follows. Returns the PDU's length. */
static uint32_t pdu(uint8_t *out, uint8_t type, uint8_t flags, uint32_t call_id, bool little,
		    const uint8_t *body, uint32_t body_len)
{
	uint32_t len = 16 + body_len;
	out[0] = 5;
	out[1] = 0;
	out[2] = type;
	out[3] = flags;
	out[4] = little ? 0x10 : 0x00;
	out[5] = out[6] = out[7] = 0;
	out[8] = little ? (uint8_t)len : (uint8_t)(len >> 8);
	out[9] = little ? (uint8_t)(len >> 8) : (uint8_t)len;
	out[10] = out[11] = 0;
	for (int i = 0; i < 4; i++)
		out[12 + i] = (uint8_t)(call_id >> (little ? 8 * i : 8 * (3 - i)));
	memcpy(out + 16, body, body_len);
	return len;
}

static uint32_t bind_pdu(uint8_t *out, uint16_t context_id)
{
	uint8_t b[12 + 44] = {0};
	b[0] = 0xb8, b[1] = 0x10, b[2] = 0xb8, b[3] = 0x10; /* max xmit / recv */
	b[8] = 1;					    /* one context */
	b[12] = (uint8_t)context_id;
	b[14] = 1; /* one transfer syntax */
	memcpy(b + 16, svcctl_le, 16);
	b[32] = 2; /* version 2.0 */
	return pdu(out, 11, 3, 1, true, b, sizeof(b));
}

static uint32_t bind_ack_pdu(uint8_t *out, uint16_t result)
{
	uint8_t b[8 + 2 + 6 + 4 + 24] = {0};
	b[8] = 4; /* secondary address "135\0" */
	memcpy(b + 10, "135", 4);
	b[16] = 1; /* one result, at 16 after the alignment */
	b[20] = (uint8_t)result;
	return pdu(out, 12, 3, 1, true, b, sizeof(b));
}

static uint32_t request_pdu(uint8_t *out, uint8_t flags, uint32_t call_id, uint16_t opnum,
			    const char *stub, bool little)
{
	uint8_t b[8 + 64] = {0};
	uint32_t n = (uint32_t)strlen(stub);
	b[4] = little ? 1 : 0; /* context 1 */
	b[5] = little ? 0 : 1;
	b[6] = little ? (uint8_t)opnum : (uint8_t)(opnum >> 8);
	b[7] = little ? (uint8_t)(opnum >> 8) : (uint8_t)opnum;
	memcpy(b + 8, stub, n);
	return pdu(out, 0, flags, call_id, little, b, 8 + n);
}

struct rpc_seen {
	unsigned count, errors, records;
	char stub[8][64];
	uint32_t stub_len[8];
	struct rule_dcerpc_meta meta[8];
};

static void rpc_emit(void *arg, const struct app_unit *unit)
{
	struct rpc_seen *k = arg;
	if (unit->error) {
		k->errors++;
		return;
	}
	assert_true(k->count < 8);
	unsigned i = k->count++;
	k->records += !unit->repeat;
	const uint8_t *stub = unit->buffer[RULE_BUFFER_DCERPC_STUB_DATA];
	k->stub_len[i] = stub ? unit->buffer_len[RULE_BUFFER_DCERPC_STUB_DATA] : 0;
	if (stub)
		memcpy(k->stub[i], stub, k->stub_len[i] < 63 ? k->stub_len[i] : 63);
	assert_non_null(unit->buffer[RULE_BUFFER_DCERPC_META]);
	memcpy(&k->meta[i], unit->buffer[RULE_BUFFER_DCERPC_META], sizeof(k->meta[i]));
}

/* The bytes to a fresh parser in pieces of chunk; each step (dir, bytes, len). */
struct rpc_step {
	enum app_direction dir;
	uint8_t bytes[256];
	uint32_t len;
};

static void rpc_run(const struct rpc_step *steps, unsigned n, uint32_t chunk, struct rpc_seen *k)
{
	void *s = app_parser_dcerpc.create(NULL);
	assert_non_null(s);
	memset(k, 0, sizeof(*k));
	for (unsigned i = 0; i < n; i++)
		for (uint32_t off = 0; off < steps[i].len; off += chunk) {
			uint32_t take = steps[i].len - off < chunk ? steps[i].len - off : chunk;
			app_parser_dcerpc.parse(s, steps[i].dir, steps[i].bytes + off, take,
						rpc_emit, k);
		}
	app_parser_dcerpc.parse(s, APP_TO_CLIENT, NULL, 0, rpc_emit, k);
	app_parser_dcerpc.destroy(s);
}

static void test_dcerpc_detect(void **unused)
{
	(void)unused;
	uint8_t b[256];
	uint32_t n = bind_pdu(b, 1);
	assert_int_equal(app_parser_dcerpc.detect(b, n, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(app_parser_dcerpc.detect(b, 2, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(app_parser_dcerpc.detect(b, n, APP_TO_CLIENT), APP_DETECT_NO);
	n = bind_ack_pdu(b, 0);
	assert_int_equal(app_parser_dcerpc.detect(b, n, APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(app_parser_dcerpc.detect((const uint8_t *)"GET /", 5, APP_TO_SERVER),
			 APP_DETECT_NO);
	b[8] = 4, b[9] = 0; /* a fragment shorter than its header */
	assert_int_equal(app_parser_dcerpc.detect(b, 16, APP_TO_CLIENT), APP_DETECT_NO);
}

/* bind, ack, a request in two fragments, its response: the units and what they carry. */
static void test_dcerpc_call(void **unused)
{
	(void)unused;
	struct rpc_step steps[5];
	memset(steps, 0, sizeof(steps));
	steps[1].dir = steps[4].dir = APP_TO_CLIENT;
	steps[0].len = bind_pdu(steps[0].bytes, 1);
	steps[1].len = bind_ack_pdu(steps[1].bytes, 0);
	steps[2].len = request_pdu(steps[2].bytes, 1, 7, 15, "\\\\ABC", true);
	steps[3].len = request_pdu(steps[3].bytes, 2, 7, 15, "DEF", true);
	uint8_t res[8 + 4] = {0};
	memcpy(res + 8, "OKAY", 4);
	steps[4].len = pdu(steps[4].bytes, 2, 3, 7, true, res, sizeof(res));
	for (uint32_t chunk = 1; chunk <= 256; chunk *= 16) {
		struct rpc_seen k;
		rpc_run(steps, 5, chunk, &k);
		assert_int_equal(k.errors, 0);
		/* bind, its ack (record), the request, its response (record) */
		assert_int_equal(k.count, 4);
		assert_int_equal(k.records, 2);
		const struct rule_dcerpc_meta *m = &k.meta[2];
		assert_int_equal(m->has_opnum, 1);
		assert_int_equal(m->opnum, 15);
		assert_int_equal(m->first_frag, 1);
		assert_int_equal(m->context_id, 1);
		assert_int_equal(m->iface_count, 1);
		assert_memory_equal(m->iface[0].uuid, svcctl_text, 16);
		assert_int_equal(m->iface[0].version, 2);
		assert_int_equal(m->iface[0].accepted, 1);
		assert_int_equal(k.stub_len[2], 8); /* the two fragments joined */
		assert_memory_equal(k.stub[2], "\\\\ABCDEF", 8);
		assert_int_equal(k.stub_len[3], 4);
		assert_memory_equal(k.stub[3], "OKAY", 4);
	}
}

/* A refused context is not bound; a big-endian request reads its opnum in its order. */
static void test_dcerpc_refused_and_big_endian(void **unused)
{
	(void)unused;
	struct rpc_step steps[3];
	memset(steps, 0, sizeof(steps));
	steps[1].dir = APP_TO_CLIENT;
	steps[0].len = bind_pdu(steps[0].bytes, 1);
	steps[1].len = bind_ack_pdu(steps[1].bytes, 2);
	steps[2].len = request_pdu(steps[2].bytes, 3, 9, 0x0102, "x", false);
	struct rpc_seen k;
	rpc_run(steps, 3, 7, &k);
	assert_int_equal(k.count, 4); /* bind, ack, request, its record unanswered at the end */
	assert_int_equal(k.meta[2].iface[0].accepted, 0);
	assert_int_equal(k.meta[2].opnum, 0x0102);
	assert_int_equal(k.meta[2].little, 0);
	assert_int_equal(k.records, 2);
}

/* Not version 5: one error unit, and the direction is no longer parsed. */
static void test_dcerpc_framing_lost(void **unused)
{
	(void)unused;
	struct rpc_step steps[2];
	memset(steps, 0, sizeof(steps));
	memcpy(steps[0].bytes, "GET / HTTP/1.1\r\n\r\n", 18);
	steps[0].len = 18;
	steps[1].len = request_pdu(steps[1].bytes, 3, 1, 1, "x", true);
	struct rpc_seen k;
	rpc_run(steps, 2, 5, &k);
	assert_int_equal(k.errors, 1);
	assert_int_equal(k.count, 0);
}

/* ---- keywords ----------------------------------------------------------- */

static struct rule_parser *parser;

static struct rule *kw_parse(const char *options)
{
	char text[512];
	snprintf(text, sizeof(text), "alert tcp any any -> any any (msg:\"t\"; %s sid:1;)",
		 options);
	return rule_parse(parser, text, "test.rules", 1);
}

static void kw_parse_fails(const char *options)
{
	struct rule *rule = kw_parse(options);
	if (rule) {
		rule_free(rule);
		fail_msg("rule loaded but should not: %s", options);
	}
}

/* A call of opnum on context 1, bound to svcctl version 2 (accepted), first fragment or not. */
static struct rule_dcerpc_meta call_meta(uint16_t opnum, bool first, bool accepted)
{
	struct rule_dcerpc_meta m = {.has_opnum = 1,
				     .first_frag = first,
				     .little = 1,
				     .iface_count = 2,
				     .opnum = opnum,
				     .context_id = 1};
	memset(m.iface[0].uuid, 0x22, 16);
	m.iface[0].context_id = 0;
	m.iface[0].accepted = 1;
	memcpy(m.iface[1].uuid, svcctl_text, 16);
	m.iface[1].version = 2;
	m.iface[1].context_id = 1;
	m.iface[1].accepted = accepted;
	return m;
}

static bool kw_match(const char *options, const struct rule_dcerpc_meta *meta, const void *stub,
		     uint32_t stub_len)
{
	struct rule *rule = kw_parse(options);
	if (!rule)
		fail_msg("rule refused: %s: %s", options, rule_parser_last_error(parser)->reason);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	struct rule_dcerpc_meta *m = malloc(sizeof(*m));
	uint8_t *s = malloc(stub_len ? stub_len : 1);
	*m = *meta;
	memcpy(s, stub, stub_len);
	ctx.buffer[RULE_BUFFER_DCERPC_META] = (const uint8_t *)m;
	ctx.buffer_len[RULE_BUFFER_DCERPC_META] = sizeof(*m);
	ctx.buffer[RULE_BUFFER_DCERPC_STUB_DATA] = s;
	ctx.buffer_len[RULE_BUFFER_DCERPC_STUB_DATA] = stub_len;
	bool hit = rule_match(rule, &ctx);
	free(m);
	free(s);
	rule_free(rule);
	return hit;
}

#define SVCCTL "367abb81-9844-35f1-ad32-98f038001003"

static void test_kw_dcerpc_iface(void **unused)
{
	(void)unused;
	struct rule_dcerpc_meta m = call_meta(15, true, true);
	assert_true(kw_match("dcerpc.iface:" SVCCTL ";", &m, "", 0));
	assert_true(kw_match("dce_iface:367ABB81-9844-35F1-AD32-98F038001003;", &m, "", 0));
	assert_true(kw_match("dcerpc.iface:" SVCCTL ",=2;", &m, "", 0));
	assert_true(kw_match("dcerpc.iface:" SVCCTL ",>1;", &m, "", 0));
	assert_false(kw_match("dcerpc.iface:" SVCCTL ",<2;", &m, "", 0));
	assert_false(kw_match("dcerpc.iface:" SVCCTL ",!2;", &m, "", 0));
	/* the other interface is bound, but not to the call's context */
	assert_false(kw_match("dcerpc.iface:22222222-2222-2222-2222-222222222222;", &m, "", 0));
	struct rule_dcerpc_meta later = call_meta(15, false, true);
	assert_false(kw_match("dcerpc.iface:" SVCCTL ";", &later, "", 0));
	assert_true(kw_match("dcerpc.iface:" SVCCTL ",any_frag;", &later, "", 0));
	assert_true(kw_match("dcerpc.iface:" SVCCTL ",=2,any_frag;", &later, "", 0));
	struct rule_dcerpc_meta refused = call_meta(15, true, false);
	assert_false(kw_match("dcerpc.iface:" SVCCTL ";", &refused, "", 0));
	kw_parse_fails("dcerpc.iface:367abb81-9844-35f1-ad32;");
	kw_parse_fails("dcerpc.iface:" SVCCTL ",~2;");
	kw_parse_fails("dcerpc.iface:" SVCCTL ",=70000;");
	kw_parse_fails("dcerpc.iface:" SVCCTL ",first;");
	kw_parse_fails("dcerpc.iface:" SVCCTL ",=1,=2;");
}

static void test_kw_dcerpc_opnum(void **unused)
{
	(void)unused;
	struct rule_dcerpc_meta m = call_meta(15, true, true);
	assert_true(kw_match("dcerpc.opnum:15;", &m, "", 0));
	assert_true(kw_match("dce_opnum:10-20;", &m, "", 0));
	assert_true(kw_match("dcerpc.opnum:1,3,15;", &m, "", 0));
	assert_true(kw_match("dcerpc.opnum: 1, 12-15 ;", &m, "", 0));
	assert_false(kw_match("dcerpc.opnum:16;", &m, "", 0));
	assert_false(kw_match("dcerpc.opnum:1,3-14;", &m, "", 0));
	struct rule_dcerpc_meta bind = call_meta(15, true, true);
	bind.has_opnum = 0;
	assert_false(kw_match("dcerpc.opnum:15;", &bind, "", 0));
	kw_parse_fails("dcerpc.opnum:x;");
	kw_parse_fails("dcerpc.opnum:5-2;");
	kw_parse_fails("dcerpc.opnum:70000;");
	kw_parse_fails("dcerpc.opnum:1,;");
}

/* dce_stub_data is the sticky buffer; byte_test's dce reads in the PDU's order. */
static void test_kw_dcerpc_stub_and_dce_order(void **unused)
{
	(void)unused;
	struct rule_dcerpc_meta le = call_meta(15, true, true), be = le;
	be.little = 0;
	assert_true(kw_match("dce_stub_data; content:\"|2e 00|\";", &le, "\x2e\x00", 2));
	assert_false(kw_match("dcerpc.stub_data; content:\"|2f|\";", &le, "\x2e\x00", 2));
	assert_true(kw_match("dce_stub_data; byte_test:2,=,46,0,dce;", &le, "\x2e\x00", 2));
	assert_false(kw_match("dce_stub_data; byte_test:2,=,46,0,dce;", &be, "\x2e\x00", 2));
	assert_true(kw_match("dce_stub_data; byte_test:2,=,46,0,dce;", &be, "\x00\x2e", 2));
	kw_parse_fails("dce_stub_data; byte_test:2,=,46,0,string,dce;");
}

static int setup(void **state)
{
	(void)state;
	parser = rule_parser_create();
	return parser ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rule_parser_destroy(parser);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dcerpc_detect),
	    cmocka_unit_test(test_dcerpc_call),
	    cmocka_unit_test(test_dcerpc_refused_and_big_endian),
	    cmocka_unit_test(test_dcerpc_framing_lost),
	    cmocka_unit_test(test_kw_dcerpc_iface),
	    cmocka_unit_test(test_kw_dcerpc_opnum),
	    cmocka_unit_test(test_kw_dcerpc_stub_and_dce_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
