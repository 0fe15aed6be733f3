/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for FTP: the control channel parser (dataplane/app/app_ftp.c:
 * detection, the units of a transaction in both directions, PORT, EPRT,
 * PASV and EPSV, the announcement of the data connection, AUTH TLS), the
 * data channel parser (app_ftp_data.c) and the FTP keywords
 * (rules/keywords/kw_ftp.c: ftp.mode, ftp.reply_received,
 * ftp.dynamic_port, ftpdata_command, ftpbounce), each parsed from rule text
 * (good and bad values) and matched against ftp.meta as the parser lays
 * it out, one input that matches and one that does not.
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

#define UNITS_MAX 32

/* What a unit carried: the buffers as text, the meta, the expectation. */
struct ftp_seen {
	char buffer[RULE_BUFFER_COUNT][128];
	bool has[RULE_BUFFER_COUNT];
	struct rule_ftp_meta meta;
	bool repeat;
	bool expect;
	struct app_expectation expectation;
	const struct app_body_rules *rules;
};

struct ftp_sink {
	unsigned count;
	struct ftp_seen units[UNITS_MAX];
};

static void ftp_sink_emit(void *arg, const struct app_unit *unit)
{
	struct ftp_sink *k = arg;
	assert_true(k->count < UNITS_MAX);
	assert_non_null(unit->details);
	struct ftp_seen *u = &k->units[k->count++];
	memset(u, 0, sizeof(*u));
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		u->has[b] = true;
		uint32_t n = unit->buffer_len[b] < 127 ? unit->buffer_len[b] : 127;
		memcpy(u->buffer[b], unit->buffer[b], n);
	}
	if (unit->buffer[RULE_BUFFER_FTP_META])
		memcpy(&u->meta, unit->buffer[RULE_BUFFER_FTP_META], sizeof(u->meta));
	u->repeat = unit->repeat;
	u->rules = unit->window.rules;
	if (unit->expect) {
		u->expect = true;
		u->expectation = *unit->expect;
	}
}

struct step {
	enum app_direction dir;
	const char *text;
};

/* A session through a fresh FTP parser, in pieces of at most chunk bytes. */
static void ftp_session(const struct step *steps, unsigned n, uint32_t chunk, struct ftp_sink *k)
{
	void *s = app_parser_ftp.create(NULL);
	assert_non_null(s);
	memset(k, 0, sizeof(*k));
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *b = (const uint8_t *)steps[i].text;
		uint32_t len = (uint32_t)strlen(steps[i].text);
		for (uint32_t off = 0; off < len; off += chunk) {
			uint32_t take = len - off < chunk ? len - off : chunk;
			app_parser_ftp.parse(s, steps[i].dir, b + off, take, ftp_sink_emit, k);
		}
	}
	app_parser_ftp.parse(s, APP_TO_SERVER, NULL, 0, ftp_sink_emit, k);
	app_parser_ftp.parse(s, APP_TO_CLIENT, NULL, 0, ftp_sink_emit, k);
	app_parser_ftp.destroy(s);
}

static enum app_detect_result ftp_detect_str(const char *s, enum app_direction dir)
{
	return app_parser_ftp.detect((const uint8_t *)s, (uint32_t)strlen(s), dir);
}

/* ---- the control channel ------------------------------------------------ */

static void test_ftp_detect(void **unused)
{
	(void)unused;
	assert_int_equal(ftp_detect_str("220 (vsFTPd 2.3.5)\r\n", APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(ftp_detect_str("220-Welcome to Pure-FTPd\r\n", APP_TO_CLIENT),
			 APP_DETECT_YES);
	/* a greeting that does not say FTP may be a mail server's: the client's command decides */
	assert_int_equal(ftp_detect_str("220 mail.example.com ready\r\n", APP_TO_CLIENT),
			 APP_DETECT_NO);
	assert_int_equal(ftp_detect_str("220 mail.example", APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	assert_int_equal(ftp_detect_str("22", APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	assert_int_equal(ftp_detect_str("HTTP/1.1 200 OK\r\n", APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(ftp_detect_str("2200\r\n", APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(ftp_detect_str("USER anonymous\r\n", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(ftp_detect_str("user bob\r\n", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(ftp_detect_str("US", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(ftp_detect_str("GET / HTTP/1.1\r\n", APP_TO_SERVER), APP_DETECT_NO);
	/* the data channel is never detected from its bytes */
	assert_int_equal(
	    app_parser_ftp_data.detect((const uint8_t *)"USER x\r\n", 8, APP_TO_SERVER),
	    APP_DETECT_NO);
}

/* Greeting, USER, PORT, RETR with two replies, QUIT: units, records, the expectation. */
static void test_ftp_active_session(void **unused)
{
	(void)unused;
	static const struct step steps[] = {
	    {APP_TO_CLIENT, "220 (vsFTPd 2.3.5)\r\n"},
	    {APP_TO_SERVER, "user anonymous\r\n"},
	    {APP_TO_CLIENT, "331 Please specify the password.\r\n"},
	    {APP_TO_SERVER, "PORT 192,168,0,13,234,10\r\n"},
	    {APP_TO_CLIENT, "200 PORT command successful.\r\n"},
	    {APP_TO_SERVER, "RETR temp.txt\r\n"},
	    {APP_TO_CLIENT,
	     "150 Opening BINARY mode data connection.\r\n226 Transfer complete.\r\n"},
	    {APP_TO_SERVER, "QUIT\r\n"},
	};
	for (uint32_t chunk = 1; chunk <= 64; chunk *= 4) {
		struct ftp_sink k;
		ftp_session(steps, sizeof(steps) / sizeof(steps[0]), chunk, &k);
		/* greeting; USER, its reply; re-look, PORT, reply; re-look, RETR, 150, 226;
		 * re-look, QUIT; QUIT unanswered at the end */
		assert_int_equal(k.count, 13);
		assert_false(k.units[0].has[RULE_BUFFER_FTP_COMMAND]);
		assert_string_equal(k.units[0].buffer[RULE_BUFFER_FTP_COMPLETION_CODE], "220");
		assert_false(k.units[0].repeat); /* the greeting's record */
		assert_string_equal(k.units[1].buffer[RULE_BUFFER_FTP_COMMAND], "USER");
		assert_string_equal(k.units[1].buffer[RULE_BUFFER_FTP_COMMAND_DATA], "anonymous");
		assert_true(k.units[1].repeat);
		assert_int_equal(k.units[1].meta.reply_received, 0);
		assert_string_equal(k.units[2].buffer[RULE_BUFFER_FTP_REPLY],
				    "Please specify the password.");
		assert_int_equal(k.units[2].meta.reply_received, 1);
		assert_false(k.units[2].repeat);
		/* the USER transaction again toward the server, with its reply, same rules */
		assert_string_equal(k.units[3].buffer[RULE_BUFFER_FTP_COMMAND], "USER");
		assert_int_equal(k.units[3].meta.reply_received, 1);
		assert_ptr_equal(k.units[3].rules, k.units[1].rules);
		assert_ptr_not_equal(k.units[2].rules, k.units[1].rules);
		const struct ftp_seen *port = &k.units[4];
		assert_string_equal(port->buffer[RULE_BUFFER_FTP_COMMAND], "PORT");
		assert_int_equal(port->meta.mode, RULE_FTP_MODE_ACTIVE);
		assert_int_equal(port->meta.dynamic_port, 234 * 256 + 10);
		assert_int_equal(port->meta.port_announced, 1);
		assert_memory_equal(port->meta.port_addr, "\xc0\xa8\x00\x0d", 4);
		const struct ftp_seen *retr = &k.units[7];
		assert_string_equal(retr->buffer[RULE_BUFFER_FTP_COMMAND], "RETR");
		assert_true(retr->expect);
		assert_int_equal(retr->expectation.port, 234 * 256 + 10);
		assert_int_equal(retr->expectation.proto, RULE_PROTO_FTP_DATA);
		assert_int_equal(retr->expectation.command, RULE_FTPDATA_RETR);
		assert_string_equal(retr->expectation.name, "temp.txt");
		assert_true(k.units[8].repeat); /* 150: the transaction goes on */
		assert_string_equal(k.units[9].buffer[RULE_BUFFER_FTP_COMPLETION_CODE], "226");
		assert_false(k.units[9].repeat);
		assert_string_equal(k.units[11].buffer[RULE_BUFFER_FTP_COMMAND], "QUIT");
		assert_false(k.units[12].repeat); /* unanswered: its record at the end */
		assert_int_equal(k.units[12].meta.reply_received, 0);
	}
}

/* PASV's and EPSV's replies give the port; EPRT's command does. */
static void test_ftp_passive_ports(void **unused)
{
	(void)unused;
	static const struct step steps[] = {
	    {APP_TO_SERVER, "PASV\r\n"},
	    {APP_TO_CLIENT, "227 Entering Passive Mode (172,23,0,2,82,11).\r\n"},
	    {APP_TO_SERVER, "EPSV\r\n"},
	    {APP_TO_CLIENT, "229 Entering Extended Passive Mode (|||58612|)\r\n"},
	    {APP_TO_SERVER, "STOR up.bin\r\n"},
	    {APP_TO_CLIENT, "150 Ok to send data.\r\n"},
	    {APP_TO_SERVER, "EPRT |1|10.0.0.9|6275|\r\n"},
	    {APP_TO_SERVER, "EPRT |2|::1|5282|\r\n"},
	    {APP_TO_SERVER, "EPSV\r\n"},
	    {APP_TO_CLIENT, "229 bad (|||0|)\r\n"},
	};
	struct ftp_sink k;
	ftp_session(steps, sizeof(steps) / sizeof(steps[0]), 7, &k);
	assert_int_equal(k.units[0].meta.mode, RULE_FTP_MODE_PASSIVE);
	assert_int_equal(k.units[0].meta.dynamic_port, 0); /* not known when the command came */
	assert_int_equal(k.units[1].meta.dynamic_port, 82 * 256 + 11);
	assert_int_equal(k.units[2].meta.dynamic_port,
			 82 * 256 + 11); /* re-look toward the server */
	assert_int_equal(k.units[4].meta.dynamic_port, 58612);
	const struct ftp_seen *stor = &k.units[6];
	assert_string_equal(stor->buffer[RULE_BUFFER_FTP_COMMAND], "STOR");
	assert_true(stor->expect);
	assert_int_equal(stor->expectation.port, 58612);
	assert_int_equal(stor->expectation.command, RULE_FTPDATA_STOR);
	/* STOR (150), unanswered when EPRT came: its record; EPRT */
	const struct ftp_seen *eprt = &k.units[9];
	assert_string_equal(eprt->buffer[RULE_BUFFER_FTP_COMMAND], "EPRT");
	assert_int_equal(eprt->meta.dynamic_port, 6275);
	assert_int_equal(eprt->meta.port_announced, 1);
	assert_memory_equal(eprt->meta.port_addr, "\x0a\x00\x00\x09", 4);
	const struct ftp_seen *eprt6 = &k.units[11];
	assert_int_equal(eprt6->meta.dynamic_port, 5282);
	assert_int_equal(eprt6->meta.port_announced, 0);
	/* a reply whose port does not parse announces none */
	assert_int_equal(k.units[k.count - 2].meta.dynamic_port, 0);
}

/* Multi-line replies are one reply; after AUTH TLS and 234 nothing is parsed. */
static void test_ftp_multiline_and_auth_tls(void **unused)
{
	(void)unused;
	static const struct step steps[] = {
	    {APP_TO_SERVER, "FEAT\r\n"},
	    {APP_TO_CLIENT, "211-Features:\n MDTM\n SIZE\r\n211 End\r\n"},
	    {APP_TO_SERVER, "AUTH TLS\r\n"},
	    {APP_TO_CLIENT, "234 Proceed with negotiation.\r\n"},
	    {APP_TO_SERVER, "USER hidden\r\n"},
	};
	struct ftp_sink k;
	ftp_session(steps, sizeof(steps) / sizeof(steps[0]), 3, &k);
	/* FEAT, 211-, 211 (its record), re-look, AUTH, 234 */
	assert_int_equal(k.count, 6);
	assert_true(k.units[1].repeat);
	assert_string_equal(k.units[2].buffer[RULE_BUFFER_FTP_REPLY], "End");
	assert_false(k.units[2].repeat);
	for (unsigned i = 0; i < k.count; i++)
		assert_string_not_equal(k.units[i].buffer[RULE_BUFFER_FTP_COMMAND], "USER");
}

/* Hostile input: long lines, garbage, NULs; nothing read out of bounds (ASan in make SAN=1). */
static void test_ftp_garbage(void **unused)
{
	(void)unused;
	char big[5000];
	memset(big, 'A', sizeof(big) - 3);
	memcpy(big + sizeof(big) - 3, "\r\n", 3);
	const struct step steps[] = {
	    {APP_TO_SERVER, big},
	    {APP_TO_CLIENT, big},
	    {APP_TO_SERVER, "PORT 1234\r\n"},
	    {APP_TO_SERVER, "PORT 300,1,1,1,1,1\r\n"},
	    {APP_TO_SERVER, "PORT 1,1,1,1,0,0\r\n"},
	    {APP_TO_CLIENT, "227 (1,2,3\r\n"},
	    {APP_TO_SERVER, "RETR x\r\n"},
	};
	struct ftp_sink k;
	ftp_session(steps, sizeof(steps) / sizeof(steps[0]), 1000, &k);
	for (unsigned i = 0; i < k.count; i++) {
		assert_int_equal(k.units[i].meta.dynamic_port, 0);
		assert_false(k.units[i].expect); /* no port: no data connection announced */
	}
}

/* ---- the data channel --------------------------------------------------- */

struct data_sink {
	unsigned count, file_units;
	unsigned name_units; /* units carrying file.name "index.html" */
	const struct app_body_rules *name_rules[8];
	char file[64];
	uint8_t meta[4];
	unsigned meta_dirs;
};

static void data_emit(void *arg, const struct app_unit *unit)
{
	struct data_sink *k = arg;
	k->count++;
	assert_non_null(unit->buffer[RULE_BUFFER_FTPDATA_META]);
	k->meta[0] = unit->buffer[RULE_BUFFER_FTPDATA_META][0];
	if (unit->buffer[RULE_BUFFER_FILE_NAME]) {
		assert_int_equal(unit->buffer_len[RULE_BUFFER_FILE_NAME], 10);
		assert_memory_equal(unit->buffer[RULE_BUFFER_FILE_NAME], "index.html", 10);
		if (k->name_units < 8)
			k->name_rules[k->name_units] = unit->window.rules;
		k->name_units++;
	}
	if (unit->buffer[RULE_BUFFER_FILE_DATA]) {
		k->file_units++;
		uint32_t n = unit->buffer_len[RULE_BUFFER_FILE_DATA];
		memcpy(k->file, unit->buffer[RULE_BUFFER_FILE_DATA], n < 63 ? n : 63);
	}
}

static void test_ftp_data_file(void **unused)
{
	(void)unused;
	struct app_config config = {.body_limit = 1024};
	struct app_expectation e = {
	    .port = 1000, .proto = RULE_PROTO_FTP_DATA, .command = RULE_FTPDATA_RETR};
	snprintf(e.name, sizeof(e.name), "index.html");
	void *s = app_parser_ftp_data.create(&config);
	assert_non_null(s);
	app_parser_ftp_data.expected(s, &e);
	struct data_sink k = {0};
	app_parser_ftp_data.parse(s, APP_TO_SERVER, (const uint8_t *)"uid=0(", 6, data_emit, &k);
	app_parser_ftp_data.parse(s, APP_TO_SERVER, (const uint8_t *)"root)", 5, data_emit, &k);
	app_parser_ftp_data.parse(s, APP_TO_CLIENT, (const uint8_t *)"ignored", 7, data_emit, &k);
	assert_int_equal(k.file_units, 0); /* a small file is inspected whole, at its end */
	app_parser_ftp_data.parse(s, APP_TO_SERVER, NULL, 0, data_emit, &k);
	assert_int_equal(k.file_units, 1);
	assert_string_equal(k.file, "uid=0(root)");
	assert_int_equal(k.meta[0], RULE_FTPDATA_RETR);
	app_parser_ftp_data.parse(s, APP_TO_CLIENT, NULL, 0, data_emit, &k);
	app_parser_ftp_data.parse(s, APP_TO_CLIENT, NULL, 0, data_emit, &k);
	/* file window and end unit of the file's side, the other side's end once */
	assert_int_equal(k.count, 3);
	/* the announced name is file.name on the file's side only, one list of
	 * rules: a filename rule alerts once per file */
	assert_int_equal(k.name_units, 2);
	assert_ptr_equal(k.name_rules[0], k.name_rules[1]);
	app_parser_ftp_data.destroy(s);
}

/* ---- keywords ----------------------------------------------------------- */

static struct rule_parser *parser;

static struct rule *kw_parse(const char *options)
{
	char text[512];
	snprintf(text, sizeof(text), "alert ftp any any -> any any (msg:\"t\"; %s sid:1;)",
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
	assert_non_null(strstr(rule_parser_last_error(parser)->reason, "bad value"));
}

/* options against a unit carrying meta (and ftpdata.meta's byte), from an IPv4 source. */
static bool kw_match(const char *options, const struct rule_ftp_meta *meta, uint8_t data_command,
		     const uint8_t src[4])
{
	struct rule *rule = kw_parse(options);
	if (!rule)
		fail_msg("rule refused: %s: %s", options, rule_parser_last_error(parser)->reason);
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	memcpy(p.src_addr, src, 4);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.packet = &p;
	struct rule_ftp_meta *m = NULL;
	uint8_t *d = NULL;
	if (meta) {
		m = malloc(sizeof(*m));
		*m = *meta;
		ctx.buffer[RULE_BUFFER_FTP_META] = (const uint8_t *)m;
		ctx.buffer_len[RULE_BUFFER_FTP_META] = sizeof(*m);
	}
	if (data_command) {
		d = malloc(1);
		*d = data_command;
		ctx.buffer[RULE_BUFFER_FTPDATA_META] = d;
		ctx.buffer_len[RULE_BUFFER_FTPDATA_META] = 1;
	}
	bool hit = rule_match(rule, &ctx);
	free(m);
	free(d);
	rule_free(rule);
	return hit;
}

static const uint8_t client[4] = {192, 168, 0, 13};

static void test_kw_ftp_mode(void **unused)
{
	(void)unused;
	struct rule_ftp_meta active = {.mode = RULE_FTP_MODE_ACTIVE};
	struct rule_ftp_meta none = {0};
	assert_true(kw_match("ftp.mode:active;", &active, 0, client));
	assert_true(kw_match("ftp.mode: Active ;", &active, 0, client));
	assert_false(kw_match("ftp.mode:passive;", &active, 0, client));
	assert_false(kw_match("ftp.mode:active;", &none, 0, client));
	assert_false(kw_match("ftp.mode:active;", NULL, 0, client));
	kw_parse_fails("ftp.mode:1;");
	kw_parse_fails("ftp.mode:both;");
}

static void test_kw_ftp_reply_received(void **unused)
{
	(void)unused;
	struct rule_ftp_meta yes = {.reply_received = 1, .complete = 1}, no = {.complete = 1};
	struct rule_ftp_meta waiting = {0};
	/* a command still waiting for its reply is neither answered nor unanswered */
	assert_false(kw_match("ftp.reply_received:no;", &waiting, 0, client));
	assert_false(kw_match("ftp.reply_received:yes;", &waiting, 0, client));
	assert_true(kw_match("ftp.reply_received:yes;", &yes, 0, client));
	assert_true(kw_match("ftp.reply_received:on;", &yes, 0, client));
	assert_false(kw_match("ftp.reply_received:yes;", &no, 0, client));
	assert_true(kw_match("ftp.reply_received:no;", &no, 0, client));
	assert_true(kw_match("ftp.reply_received:off;", &no, 0, client));
	assert_false(kw_match("ftp.reply_received:off;", &yes, 0, client));
	kw_parse_fails("ftp.reply_received:maybe;");
	kw_parse_fails("ftp.reply_received:1;");
}

static void test_kw_ftp_dynamic_port(void **unused)
{
	(void)unused;
	struct rule_ftp_meta port = {.dynamic_port = 58612}, none = {0};
	assert_true(kw_match("ftp.dynamic_port:58612;", &port, 0, client));
	assert_false(kw_match("ftp.dynamic_port:47373;", &port, 0, client));
	assert_true(kw_match("ftp.dynamic_port:>1024;", &port, 0, client));
	assert_true(kw_match("ftp.dynamic_port:!21;", &port, 0, client));
	assert_false(kw_match("ftp.dynamic_port:!21;", &none, 0, client));
	kw_parse_fails("ftp.dynamic_port:70000;");
	kw_parse_fails("ftp.dynamic_port:x;");
}

static void test_kw_ftpdata_command(void **unused)
{
	(void)unused;
	assert_true(kw_match("ftpdata_command:retr;", NULL, RULE_FTPDATA_RETR, client));
	assert_true(kw_match("ftpdata_command:STOR;", NULL, RULE_FTPDATA_STOR, client));
	assert_false(kw_match("ftpdata_command:stor;", NULL, RULE_FTPDATA_RETR, client));
	assert_false(kw_match("ftpdata_command:retr;", NULL, 0, client));
	kw_parse_fails("ftpdata_command:list;");
	kw_parse_fails("ftpdata_command:1;");
}

static void test_kw_ftpbounce(void **unused)
{
	(void)unused;
	struct rule_ftp_meta own = {.port_announced = 1, .port_addr = {192, 168, 0, 13}};
	struct rule_ftp_meta other = {.port_announced = 1, .port_addr = {10, 9, 8, 7}};
	struct rule_ftp_meta pasv = {.mode = RULE_FTP_MODE_PASSIVE};
	assert_false(kw_match("ftpbounce;", &own, 0, client));
	assert_true(kw_match("ftpbounce;", &other, 0, client));
	assert_false(kw_match("ftpbounce;", &pasv, 0, client));
	assert_false(kw_match("ftpbounce;", NULL, 0, client));
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
	    cmocka_unit_test(test_ftp_detect),
	    cmocka_unit_test(test_ftp_active_session),
	    cmocka_unit_test(test_ftp_passive_ports),
	    cmocka_unit_test(test_ftp_multiline_and_auth_tls),
	    cmocka_unit_test(test_ftp_garbage),
	    cmocka_unit_test(test_ftp_data_file),
	    cmocka_unit_test(test_kw_ftp_mode),
	    cmocka_unit_test(test_kw_ftp_reply_received),
	    cmocka_unit_test(test_kw_ftp_dynamic_port),
	    cmocka_unit_test(test_kw_ftpdata_command),
	    cmocka_unit_test(test_kw_ftpbounce),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
