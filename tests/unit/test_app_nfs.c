/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the NFS parser (dataplane/app/app_nfs.c) and its
 * keywords (rules/keywords/kw_nfs.c), on ONC RPC messages built here: an
 * NFSv3 LOOKUP of "notes.txt" and its reply (the handle it names), a READ
 * of that handle answered with eof (a file: file.name, file.meta, the
 * fileinfo), a GETATTR (inspected, no record), over UDP and over TCP with
 * record marks split at every byte and a record in two fragments; a
 * message of no RPC type (an error unit); detection yes / no / need more;
 * the keywords parsed (good and bad values) and matched, once holding and
 * once not, nfs_procedure's inclusive range included; and filestore alone
 * in an nfs rule holding on the file's unit only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_file.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/unit/app_sink.h"

/* An XDR message being built. */
struct xdr {
	uint8_t b[512];
	uint32_t n;
};

static void put32(struct xdr *x, uint32_t v)
{
	assert_true(x->n + 4 <= sizeof(x->b));
	x->b[x->n++] = (uint8_t)(v >> 24);
	x->b[x->n++] = (uint8_t)(v >> 16);
	x->b[x->n++] = (uint8_t)(v >> 8);
	x->b[x->n++] = (uint8_t)v;
}

static void put_opaque(struct xdr *x, const void *data, uint32_t len)
{
	put32(x, len);
	assert_true(x->n + len + 3 <= sizeof(x->b));
	memcpy(x->b + x->n, data, len);
	x->n += len;
	while (x->n % 4)
		x->b[x->n++] = 0;
}

static const uint8_t dir_handle[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t file_handle[12] = {9, 9, 9, 9, 1, 1, 1, 1, 2, 2, 2, 2};

/* A v3 call's header with AUTH_UNIX credentials (machine "host", uid 1000, gid 100). */
static void call_head(struct xdr *x, uint32_t xid, uint32_t proc)
{
	x->n = 0;
	put32(x, xid);
	put32(x, 0); /* CALL */
	put32(x, 2); /* RPC version */
	put32(x, 100003);
	put32(x, 3);
	put32(x, proc);
	struct xdr cred = {.n = 0};
	put32(&cred, 0x12345678); /* stamp */
	put_opaque(&cred, "host", 4);
	put32(&cred, 1000);
	put32(&cred, 100);
	put32(&cred, 0); /* no other gids */
	put32(x, 1);	 /* AUTH_UNIX */
	put_opaque(x, cred.b, cred.n);
	put32(x, 0); /* verifier: AUTH_NULL */
	put32(x, 0);
}

/* An accepted, successful reply's header and NFS status. */
static void reply_head(struct xdr *x, uint32_t xid, uint32_t status)
{
	x->n = 0;
	put32(x, xid);
	put32(x, 1); /* REPLY */
	put32(x, 0); /* MSG_ACCEPTED */
	put32(x, 0); /* verifier */
	put32(x, 0);
	put32(x, 0); /* SUCCESS */
	put32(x, status);
}

/* The session: LOOKUP, its reply, READ, its reply (eof), GETATTR, its reply. */
#define SESSION_MESSAGES 6
static struct xdr session[SESSION_MESSAGES];
static const char file_text[] = "hello, nfs!";

static void session_build(void)
{
	struct xdr *x = session;
	call_head(x, 0x100, 3); /* LOOKUP */
	put_opaque(x, dir_handle, sizeof(dir_handle));
	put_opaque(x, "notes.txt", 9);
	reply_head(++x, 0x100, 0);
	put_opaque(x, file_handle, sizeof(file_handle));
	put32(x, 0); /* no attributes */
	put32(x, 0);
	call_head(++x, 0x101, 6); /* READ */
	put_opaque(x, file_handle, sizeof(file_handle));
	put32(x, 0); /* offset (64 bits) */
	put32(x, 0);
	put32(x, 4096); /* count */
	reply_head(++x, 0x101, 0);
	put32(x, 0); /* no attributes */
	put32(x, sizeof(file_text) - 1);
	put32(x, 1); /* eof */
	put_opaque(x, file_text, sizeof(file_text) - 1);
	call_head(++x, 0x102, 1); /* GETATTR */
	put_opaque(x, file_handle, sizeof(file_handle));
	reply_head(++x, 0x102, 0);
}

static struct rule_nfs_meta meta_of(const struct unit_copy *u)
{
	struct rule_nfs_meta m;
	assert_non_null(u->buffer[RULE_BUFFER_APP_META]);
	assert_int_equal(u->len[RULE_BUFFER_APP_META], sizeof(m));
	memcpy(&m, u->buffer[RULE_BUFFER_APP_META], sizeof(m));
	assert_int_equal(m.head.proto, RULE_PROTO_NFS);
	return m;
}

/* The session as datagrams through one parser; eve[i]: the EVE object after message i. */
static void run_udp(struct sink *k, char (*eve)[1024])
{
	void *s = app_parser_nfs.create(NULL);
	assert_non_null(s);
	for (int i = 0; i < SESSION_MESSAGES; i++) {
		app_parser_nfs.parse(s, i % 2 ? APP_TO_CLIENT : APP_TO_SERVER, session[i].b,
				     session[i].n, sink_emit, k);
		if (eve) {
			struct app_json j = {.buf = eve[i], .len = sizeof(eve[i])};
			app_parser_nfs.eve_details(k->units[k->count - 1].details, &j);
			eve[i][j.used < sizeof(eve[i]) ? j.used : sizeof(eve[i]) - 1] = '\0';
		}
	}
	app_parser_nfs.destroy(s);
}

static void check_session(const struct sink *k)
{
	assert_int_equal(k->count, SESSION_MESSAGES);
	/* a call's unit writes no record; its reply's does, but GETATTR's */
	for (int i = 0; i < SESSION_MESSAGES; i++)
		assert_int_equal(k->units[i].repeat, i % 2 == 0 || i == 5);
	struct rule_nfs_meta m = meta_of(&k->units[0]);
	assert_int_equal(m.version, 3);
	assert_int_equal(m.procedure, 3);
	assert_int_equal(m.reply, 0);
	assert_int_equal(meta_of(&k->units[1]).reply, 1);
	assert_int_equal(meta_of(&k->units[3]).procedure, 6);
	/* the READ's reply closes the file, named by the LOOKUP */
	for (int i = 0; i < SESSION_MESSAGES; i++)
		assert_int_equal(!!k->units[i].buffer[RULE_BUFFER_FILE_META], i == 3);
	assert_buffer(&k->units[3], RULE_BUFFER_FILE_NAME, "notes.txt");
	assert_buffer(&k->units[3], RULE_BUFFER_FILE_DATA, file_text);
	struct rule_file_meta f;
	memcpy(&f, k->units[3].buffer[RULE_BUFFER_FILE_META], sizeof(f));
	assert_int_equal(f.state, RULE_FILE_CLOSED);
	assert_int_equal(f.size, sizeof(file_text) - 1);
}

static void test_nfs_udp(void **unused)
{
	(void)unused;
	char eve[SESSION_MESSAGES][1024];
	struct sink k = {0};
	run_udp(&k, eve);
	check_session(&k);
	assert_non_null(strstr(eve[1], "\"procedure\":\"LOOKUP\",\"filename\":\"notes.txt\""));
	assert_non_null(strstr(eve[1], "\"id\":1,\"file_tx\":false,\"type\":\"response\","
				       "\"status\":\"OK\"}"));
	assert_non_null(strstr(eve[1], ",\"rpc\":{\"xid\":256,\"status\":\"ACCEPTED\","
				       "\"auth_type\":\"UNIX\",\"creds\":{\"machine_name\":"
				       "\"host\",\"uid\":1000,\"gid\":100}}"));
	assert_non_null(strstr(eve[3], "\"procedure\":\"READ\",\"filename\":\"notes.txt\""));
	assert_non_null(strstr(eve[3], "\"file_tx\":true"));
	assert_non_null(strstr(eve[3], "\"read\":{\"first\":true,\"last\":true,\"last_xid\":257,"
				       "\"chunks\":1}"));
	/* the call begins the file transaction */
	assert_non_null(strstr(eve[2], "\"file_tx\":true"));
	assert_non_null(strstr(eve[2], "\"read\":{\"first\":true,\"last\":false,\"last_xid\":0,"
				       "\"chunks\":0}"));
	sink_reset(&k);
}

/* The session over TCP: each message a record, fed in pieces of every size. */
static void test_nfs_tcp_split(void **unused)
{
	(void)unused;
	for (uint32_t piece = 1; piece <= 64; piece++) {
		struct sink k = {0};
		void *s = app_parser_nfs.create(NULL);
		assert_non_null(s);
		for (int i = 0; i < SESSION_MESSAGES; i++) {
			uint8_t rec[600];
			uint32_t n = session[i].n;
			rec[0] = (uint8_t)(0x80 | n >> 24);
			rec[1] = (uint8_t)(n >> 16);
			rec[2] = (uint8_t)(n >> 8);
			rec[3] = (uint8_t)n;
			memcpy(rec + 4, session[i].b, n);
			for (uint32_t at = 0; at < n + 4; at += piece)
				app_parser_nfs.parse(
				    s, i % 2 ? APP_TO_CLIENT : APP_TO_SERVER, rec + at,
				    n + 4 - at < piece ? n + 4 - at : piece, sink_emit, &k);
		}
		check_session(&k);
		app_parser_nfs.destroy(s);
		sink_reset(&k);
	}
}

/* A record in two fragments is one message. */
static void test_nfs_tcp_fragments(void **unused)
{
	(void)unused;
	const struct xdr *call = &session[0];
	uint8_t rec[600];
	uint32_t first = 20, rest = call->n - first;
	rec[0] = rec[1] = rec[2] = 0;
	rec[3] = (uint8_t)first;
	memcpy(rec + 4, call->b, first);
	rec[4 + first] = 0x80;
	rec[5 + first] = rec[6 + first] = 0;
	rec[7 + first] = (uint8_t)rest;
	memcpy(rec + 8 + first, call->b + first, rest);
	struct sink k = {0};
	void *s = app_parser_nfs.create(NULL);
	assert_non_null(s);
	app_parser_nfs.parse(s, APP_TO_SERVER, rec, call->n + 8, sink_emit, &k);
	assert_int_equal(k.count, 1);
	assert_int_equal(meta_of(&k.units[0]).procedure, 3);
	app_parser_nfs.destroy(s);
	sink_reset(&k);
}

/* A message type neither CALL nor REPLY: an error unit; a reply to no call: nothing. */
static void test_nfs_malformed(void **unused)
{
	(void)unused;
	struct xdr x = {.n = 0};
	put32(&x, 7);
	put32(&x, 5);
	put32(&x, 2);
	struct sink k = {0};
	void *s = app_parser_nfs.create(NULL);
	assert_non_null(s);
	/* the first datagram must look like a call for the transport to be UDP */
	app_parser_nfs.parse(s, APP_TO_SERVER, session[4].b, session[4].n, sink_emit, &k);
	app_parser_nfs.parse(s, APP_TO_SERVER, x.b, x.n, sink_emit, &k);
	assert_int_equal(k.count, 2);
	assert_true(k.units[1].error);
	app_parser_nfs.parse(s, APP_TO_CLIENT, session[1].b, session[1].n, sink_emit, &k);
	assert_int_equal(k.count, 2);
	/* a call cut short inside its arguments is still a unit */
	app_parser_nfs.parse(s, APP_TO_SERVER, session[0].b, session[0].n - 8, sink_emit, &k);
	assert_int_equal(k.count, 3);
	assert_int_equal(meta_of(&k.units[2]).procedure, 3);
	app_parser_nfs.destroy(s);
	sink_reset(&k);
}

static void test_nfs_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_nfs;
	const struct xdr *call = &session[0];
	uint8_t rec[600] = {0x80, 0, 0, (uint8_t)call->n};
	memcpy(rec + 4, call->b, call->n);
	assert_int_equal(p->detect(call->b, call->n, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(rec, call->n + 4, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(call->b, 12, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(rec, 10, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	/* a reply names no program */
	assert_int_equal(p->detect(session[1].b, session[1].n, APP_TO_CLIENT), APP_DETECT_NO);
	/* the portmapper (100000) is not NFS */
	struct xdr pmap = *call;
	pmap.b[14] = 0x86, pmap.b[15] = 0xa0;
	assert_int_equal(p->detect(pmap.b, pmap.n, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect((const uint8_t *)"GET / HTTP/1.1\r\n", 16, APP_TO_SERVER),
			 APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_NFS), p);
}

static void test_nfs_keywords(void **unused)
{
	(void)unused;
	assert_true(match_unit("nfs_procedure:3;", 0));
	assert_true(match_unit("nfs_procedure:lookup;", 1));
	assert_false(match_unit("nfs_procedure:3;", 2));
	assert_true(match_unit("nfs_procedure:<4;", 4));
	assert_false(match_unit("nfs_procedure:>6;", 2));
	/* nfs_procedure's range includes its ends */
	assert_true(match_unit("nfs_procedure:3<>6;", 0));
	assert_true(match_unit("nfs_procedure:3<>6;", 2));
	assert_false(match_unit("nfs_procedure:2<>5;", 2));
	assert_true(match_unit("nfs.version:3;", 0));
	assert_true(match_unit("nfs_version:2<>4;", 3));
	assert_false(match_unit("nfs_version:<3;", 0));
	assert_true(match_unit("file.name; content:\"notes\";", 3));
	assert_false(match_unit("file.name; content:\"notes\";", 1));
	parse_fails("nfs_procedure:teleport;", "bad value of \"nfs_procedure\"");
	parse_fails("nfs.version:x;", "bad value of \"nfs.version\"");
	/* filestore alone makes a rule on files: the unit that carries one */
	assert_true(match_unit("filestore;", 3));
	assert_false(match_unit("filestore;", 1));
	/* filestore after a test of another buffer is only an action */
	assert_true(match_unit("nfs_procedure:3; filestore;", 0));
	struct rule *rule = parse_options("content:\"hello\"; filestore;");
	assert_non_null(rule);
	assert_false(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_FILE_META));
	rule_free(rule);
}

static int setup(void **unused)
{
	(void)unused;
	session_build();
	sink_parser = rule_parser_create();
	sink_proto = "nfs";
	sink_app = &app_parser_nfs;
	run_udp(&sink_units, NULL);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nfs_udp),	      cmocka_unit_test(test_nfs_tcp_split),
	    cmocka_unit_test(test_nfs_tcp_fragments), cmocka_unit_test(test_nfs_malformed),
	    cmocka_unit_test(test_nfs_detect),	      cmocka_unit_test(test_nfs_keywords),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
