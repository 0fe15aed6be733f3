/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for SMB (dataplane/app/app_smb.c): detection, NetBIOS framing
 * split at every size, TREE_CONNECT (smb.share for a disk share,
 * smb.named_pipe for IPC$, SMB2 and SMB1), NTLMSSP names in SESSION_SETUP
 * (smb.ntlmssp_user, smb.ntlmssp_domain), DCE/RPC over a pipe (a bind by
 * WRITE, its ack by READ, a request by IOCTL: dcerpc.meta's opnum and
 * interface), pipes that are not DCE/RPC, and the sticky buffers' names
 * in rules (smb.share, smb_share, smb.named_pipe, ...).
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

#define MSG_MAX 1024

struct msg {
	enum app_direction dir;
	uint8_t bytes[MSG_MAX];
	uint32_t len;
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A NetBIOS message holding one SMB2 header (command, response or not, ids) and body. */
static void smb2(struct msg *m, uint16_t command, bool response, uint64_t message_id,
		 uint32_t tree_id, const uint8_t *body, uint32_t body_len)
{
	memset(m, 0, sizeof(*m));
	m->dir = response ? APP_TO_CLIENT : APP_TO_SERVER;
	uint8_t *h = m->bytes + 4;
	memcpy(h, "\xfeSMB", 4);
	put16(h + 4, 64);
	put16(h + 12, command);
	put32(h + 16, response ? 1 : 0);
	put32(h + 24, (uint32_t)message_id);
	put32(h + 36, tree_id);
	memcpy(h + 64, body, body_len);
	uint32_t n = 64 + body_len;
	m->bytes[1] = (uint8_t)(n >> 16), m->bytes[2] = (uint8_t)(n >> 8), m->bytes[3] = (uint8_t)n;
	m->len = 4 + n;
}

/* UTF-16LE of ascii at out; its byte length. */
static uint32_t utf16(uint8_t *out, const char *ascii)
{
	uint32_t n = 0;
	for (; *ascii; ascii++, n += 2)
		out[n] = (uint8_t)*ascii, out[n + 1] = 0;
	return n;
}

static void tree_connect(struct msg *req, struct msg *res, uint64_t id, uint32_t tree,
			 const char *path, uint8_t share_type)
{
	uint8_t b[8 + 128] = {0};
	uint32_t n = utf16(b + 8, path);
	put16(b, 9);
	put16(b + 4, 64 + 8);
	put16(b + 6, n);
	smb2(req, 3, false, id, 0, b, 8 + n);
	uint8_t r[16] = {0};
	put16(r, 16);
	r[2] = share_type;
	smb2(res, 3, true, id, tree, r, sizeof(r));
}

struct seen {
	unsigned count;
	unsigned frames;      /* frames' units (nbss.*, smb2.*) */
	char text[4][16][64]; /* by buffer kind: share, pipe, user, domain */
	unsigned n[4];
	bool opnum_seen;
	struct rule_dcerpc_meta meta;
};

static void keep(struct seen *k, unsigned kind, const struct app_unit *u, enum rule_buffer b)
{
	if (!u->buffer[b] || k->n[kind] >= 16)
		return;
	uint32_t len = u->buffer_len[b] < 63 ? u->buffer_len[b] : 63;
	memcpy(k->text[kind][k->n[kind]++], u->buffer[b], len);
}

static void emit(void *arg, const struct app_unit *unit)
{
	struct seen *k = arg;
	if (unit->frame) { /* a frame's unit: counted apart */
		k->frames++;
		return;
	}
	k->count++;
	assert_non_null(unit->details);
	keep(k, 0, unit, RULE_BUFFER_SMB_SHARE);
	keep(k, 1, unit, RULE_BUFFER_SMB_NAMED_PIPE);
	keep(k, 2, unit, RULE_BUFFER_SMB_NTLMSSP_USER);
	keep(k, 3, unit, RULE_BUFFER_SMB_NTLMSSP_DOMAIN);
	const uint8_t *meta = unit->buffer[RULE_BUFFER_DCERPC_META];
	if (meta && ((const struct rule_dcerpc_meta *)meta)->has_opnum) {
		k->opnum_seen = true;
		memcpy(&k->meta, meta, sizeof(k->meta));
	}
}

static void run(const struct msg *msgs, unsigned n, uint32_t chunk, struct seen *k)
{
	void *s = app_parser_smb.create(NULL);
	assert_non_null(s);
	memset(k, 0, sizeof(*k));
	for (unsigned i = 0; i < n; i++)
		for (uint32_t off = 0; off < msgs[i].len; off += chunk) {
			uint32_t take = msgs[i].len - off < chunk ? msgs[i].len - off : chunk;
			app_parser_smb.parse(s, msgs[i].dir, msgs[i].bytes + off, take, emit, k);
		}
	app_parser_smb.destroy(s);
}

static void test_smb_detect(void **unused)
{
	(void)unused;
	struct msg m;
	smb2(&m, 0, false, 0, 0, (const uint8_t *)"\x24\x00", 2);
	assert_int_equal(app_parser_smb.detect(m.bytes, m.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(app_parser_smb.detect(m.bytes, 6, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(
	    app_parser_smb.detect((const uint8_t *)"\x00\x00\x00\x2f\xffSMB", 8, APP_TO_SERVER),
	    APP_DETECT_YES);
	assert_int_equal(app_parser_smb.detect((const uint8_t *)"GET / HT", 8, APP_TO_SERVER),
			 APP_DETECT_NO);
	assert_int_equal(
	    app_parser_smb.detect((const uint8_t *)"\x00\x00\x00\x10XSMB", 8, APP_TO_SERVER),
	    APP_DETECT_NO);
}

/* A disk share is smb.share, IPC$ smb.named_pipe, each once, when the response says which. */
static void test_smb_tree_connects(void **unused)
{
	(void)unused;
	struct msg m[4];
	tree_connect(&m[0], &m[1], 5, 7, "\\\\10.0.0.12\\smb2", 1);
	tree_connect(&m[2], &m[3], 6, 8, "\\\\10.0.0.12\\IPC$", 2);
	for (uint32_t chunk = 1; chunk <= 1024; chunk *= 8) {
		struct seen k;
		run(m, 4, chunk, &k);
		assert_int_equal(k.n[0], 1);
		assert_string_equal(k.text[0][0], "\\\\10.0.0.12\\smb2");
		assert_int_equal(k.n[1], 1);
		assert_string_equal(k.text[1][0], "\\\\10.0.0.12\\IPC$");
	}
}

/* A NextCommand inside the header (10) is no compound: the command is read whole, nothing past it. */
static void test_smb_bad_next_command(void **unused)
{
	(void)unused;
	struct msg m[2];
	tree_connect(&m[0], &m[1], 5, 7, "\\\\h\\C$", 1);
	put32(m[0].bytes + 4 + 20, 10);
	put32(m[1].bytes + 4 + 20, 0xffffff);
	struct seen k;
	run(m, 2, 7, &k);
	assert_int_equal(k.n[0], 1);
	assert_string_equal(k.text[0][0], "\\\\h\\C$");
}

/* SMB1's TREE_CONNECT_ANDX, ASCII path; "A:" is a disk. */
static void test_smb1_tree_connect(void **unused)
{
	(void)unused;
	struct msg m[2];
	memset(m, 0, sizeof(m));
	static const char path[] = "\\\\10.4.30.5\\C$";
	for (int i = 0; i < 2; i++) {
		uint8_t *h = m[i].bytes + 4;
		memcpy(h, "\xffSMB", 4);
		h[4] = 0x75;
		h[9] = i ? 0x80 : 0;
		put16(h + 30, 77); /* MID */
		uint32_t n;
		if (!i) {
			h[32] = 4;			       /* words */
			put16(h + 33 + 6, 1);		       /* password length */
			uint32_t bytes = 1 + sizeof(path) + 6; /* password, path, "?????" */
			put16(h + 41, bytes);
			memcpy(h + 44, path, sizeof(path));
			memcpy(h + 44 + sizeof(path), "?????", 6);
			n = 43 + bytes;
		} else {
			h[32] = 3;
			put16(h + 39, 3);
			memcpy(h + 41, "A:", 3);
			n = 44;
		}
		m[i].dir = i ? APP_TO_CLIENT : APP_TO_SERVER;
		m[i].bytes[2] = (uint8_t)(n >> 8), m[i].bytes[3] = (uint8_t)n;
		m[i].len = 4 + n;
	}
	struct seen k;
	run(m, 2, 3, &k);
	assert_int_equal(k.n[0], 1);
	assert_string_equal(k.text[0][0], path);
}

/* NTLMSSP AUTHENTICATE in SESSION_SETUP: user and domain. */
static void test_smb_ntlmssp(void **unused)
{
	(void)unused;
	uint8_t b[24 + 200] = {0};
	uint8_t *blob = b + 24;
	memcpy(blob, "NTLMSSP", 8);
	put32(blob + 8, 3);
	uint32_t at = 64;
	uint32_t dn = utf16(blob + at, "CONTOSO");
	put16(blob + 28, dn), put32(blob + 32, at);
	at += dn;
	uint32_t un = utf16(blob + at, "Administrator");
	put16(blob + 36, un), put32(blob + 40, at);
	at += un;
	uint32_t hn = utf16(blob + at, "SERVER01");
	put16(blob + 44, hn), put32(blob + 48, at);
	at += hn;
	put16(b + 12, 64 + 24);
	put16(b + 14, at);
	struct msg m;
	smb2(&m, 1, false, 3, 0, b, 24 + at);
	struct seen k;
	run(&m, 1, 5, &k);
	assert_int_equal(k.n[2], 1);
	/* one message of one command: nbss.pdu, nbss.hdr, nbss.data, smb2.pdu, smb2.hdr, smb2.data */
	assert_int_equal(k.frames, 6);
	assert_string_equal(k.text[2][0], "Administrator");
	assert_string_equal(k.text[3][0], "CONTOSO");
	/* a blob whose offsets point outside it names nobody */
	put32(blob + 40, 5000);
	smb2(&m, 1, false, 3, 0, b, 24 + at);
	run(&m, 1, 64, &k);
	assert_string_equal(k.text[2][0], "");
}

/* DCE/RPC PDU into out: type, call 1, little-endian; body after the header. */
static uint32_t rpc(uint8_t *out, uint8_t type, const uint8_t *body, uint32_t n)
{
	memset(out, 0, 16);
	out[0] = 5, out[2] = type, out[3] = 3, out[4] = 0x10;
	put16(out + 8, 16 + n);
	put32(out + 12, 1);
	memcpy(out + 16, body, n);
	return 16 + n;
}

/* A bind by WRITE, its ack by READ, a request by IOCTL, on a pipe of IPC$. */
static void test_smb_dcerpc_over_pipe(void **unused)
{
	(void)unused;
	struct msg m[10];
	tree_connect(&m[0], &m[1], 1, 9, "\\\\h\\IPC$", 2);
	uint8_t b[256] = {0};
	/* CREATE svcctl, its response with file id 0x11.. */
	put16(b + 44, 64 + 120);
	uint32_t nn = utf16(b + 120, "svcctl");
	put16(b + 46, nn);
	smb2(&m[2], 5, false, 2, 9, b, 120 + nn);
	memset(b, 0, sizeof(b));
	memset(b + 64, 0x11, 16);
	smb2(&m[3], 5, true, 2, 9, b, 88);
	/* WRITE of a bind for 367abb81-9844-35f1-ad32-98f038001003 v2, context 0 */
	uint8_t bind[12 + 44] = {0};
	bind[8] = 1, bind[14] = 1, bind[32] = 2;
	memcpy(bind + 16, "\x81\xbb\x7a\x36\x44\x98\xf1\x35\xad\x32\x98\xf0\x38\x00\x10\x03", 16);
	memset(b, 0, sizeof(b));
	uint32_t pn = rpc(b + 48, 11, bind, sizeof(bind));
	put16(b + 2, 64 + 48);
	put32(b + 4, pn);
	memset(b + 16, 0x11, 16);
	smb2(&m[4], 9, false, 3, 9, b, 48 + pn);
	smb2(&m[5], 9, true, 3, 9, (const uint8_t *)"\x11\x00\x00\x00", 4);
	/* READ, and its response carrying the bind_ack (one result: accepted) */
	memset(b, 0, sizeof(b));
	memset(b + 16, 0x11, 16);
	smb2(&m[6], 8, false, 4, 9, b, 48);
	uint8_t ack[8 + 2 + 2 + 4 + 24] = {0};
	ack[8] = 0, ack[12] = 1;
	memset(b, 0, sizeof(b));
	pn = rpc(b + 16, 12, ack, sizeof(ack));
	b[2] = 64 + 16;
	put32(b + 4, pn);
	smb2(&m[7], 8, true, 4, 9, b, 16 + pn);
	/* IOCTL FSCTL_PIPE_TRANSCEIVE with a request, opnum 15 */
	uint8_t req[8 + 4] = {0};
	req[6] = 15;
	memset(b, 0, sizeof(b));
	pn = rpc(b + 56, 0, req, sizeof(req));
	put32(b + 4, 0x0011c017);
	memset(b + 8, 0x11, 16);
	put32(b + 24, 64 + 56);
	put32(b + 28, pn);
	smb2(&m[8], 11, false, 5, 9, b, 56 + pn);
	/* psexec's stdin on another pipe: not DCE/RPC, breaks nothing */
	memset(b, 0, sizeof(b));
	put16(b + 2, 64 + 48);
	put32(b + 4, 8);
	memcpy(b + 48, "dir C:\\\r\n", 8);
	smb2(&m[9], 9, false, 6, 9, b, 56);
	for (uint32_t chunk = 1; chunk <= 1024; chunk *= 32) {
		struct seen k;
		run(m, 10, chunk, &k);
		assert_true(k.opnum_seen);
		assert_int_equal(k.meta.opnum, 15);
		assert_int_equal(k.meta.iface_count, 1);
		assert_int_equal(k.meta.iface[0].accepted, 1);
		assert_int_equal(k.meta.iface[0].version, 2);
		assert_memory_equal(
		    k.meta.iface[0].uuid,
		    "\x36\x7a\xbb\x81\x98\x44\x35\xf1\xad\x32\x98\xf0\x38\x00\x10\x03", 16);
	}
}

/* The sticky buffers by their names, new and old. */
static void test_smb_buffer_names(void **unused)
{
	(void)unused;
	struct rule_parser *parser = rule_parser_create();
	assert_non_null(parser);
	static const struct {
		const char *name;
		enum rule_buffer b;
	} names[] = {
	    {"smb.share", RULE_BUFFER_SMB_SHARE},
	    {"smb_share", RULE_BUFFER_SMB_SHARE},
	    {"smb.named_pipe", RULE_BUFFER_SMB_NAMED_PIPE},
	    {"smb_named_pipe", RULE_BUFFER_SMB_NAMED_PIPE},
	    {"smb.ntlmssp_user", RULE_BUFFER_SMB_NTLMSSP_USER},
	    {"smb.ntlmssp_domain", RULE_BUFFER_SMB_NTLMSSP_DOMAIN},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text),
			 "alert smb any any -> any any (%s; content:\"C$\"; sid:1;)",
			 names[i].name);
		struct rule *rule = rule_parse(parser, text, "t.rules", 1);
		assert_non_null(rule);
		struct rule_match_ctx ctx;
		memset(&ctx, 0, sizeof(ctx));
		uint8_t *v = malloc(16);
		memcpy(v, "\\\\h\\C$", 6);
		ctx.buffer[names[i].b] = v;
		ctx.buffer_len[names[i].b] = 6;
		assert_true(rule_match(rule, &ctx));
		memcpy(v, "\\\\h\\D$", 6);
		assert_false(rule_match(rule, &ctx));
		free(v);
		rule_free(rule);
	}
	rule_parser_destroy(parser);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smb_detect),
	    cmocka_unit_test(test_smb_tree_connects),
	    cmocka_unit_test(test_smb_bad_next_command),
	    cmocka_unit_test(test_smb1_tree_connect),
	    cmocka_unit_test(test_smb_ntlmssp),
	    cmocka_unit_test(test_smb_dcerpc_over_pipe),
	    cmocka_unit_test(test_smb_buffer_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
