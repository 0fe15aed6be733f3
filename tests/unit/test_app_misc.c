/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the small line- and packet-based parsers: SSH banners
 * (dataplane/app/app_ssh.c), SMTP commands (app_smtp.c), MySQL commands
 * (app_mysql.c) and SIP start lines (app_sip.c). Each is fed hand-written sessions, whole and split at
 * every byte, and checked for the units it emits, for what it must not
 * take as a command (mail bodies, TLS after STARTTLS or an SSL request),
 * and for detection yes / no / need more.
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

#define SINK_UNITS_MAX 16

struct unit_copy {
	uint8_t *buffer[RULE_BUFFER_COUNT];
	uint32_t len[RULE_BUFFER_COUNT];
	bool error;
	bool side_incomplete;
	bool tx_complete;
	bool repeat;
	struct app_window window;
	char eve[2048]; /* the parser's EVE object with this unit's details */
};

/* A frame's unit (app_frame.h), kept apart so the tests of units count units only. */
#define SINK_FRAMES_MAX 16
struct frame_copy {
	struct app_frame frame;
	uint32_t len;  /* bytes its frame buffer held */
	uint8_t first; /* its first byte (0 when empty) */
};

struct sink {
	const struct app_parser *parser; /* set: each unit's EVE object is kept */
	uint32_t count;
	struct unit_copy units[SINK_UNITS_MAX];
	uint32_t frame_count;
	struct frame_copy frames[SINK_FRAMES_MAX];
};

static void sink_emit(void *arg, const struct app_unit *unit)
{
	struct sink *k = arg;

	if (unit->frame) {
		assert_true(k->frame_count < SINK_FRAMES_MAX);
		struct frame_copy *f = &k->frames[k->frame_count++];
		f->frame = *unit->frame;
		f->len = unit->buffer_len[RULE_BUFFER_FRAME];
		f->first = f->len ? unit->buffer[RULE_BUFFER_FRAME][0] : 0;
		return;
	}
	assert_true(k->count < SINK_UNITS_MAX);
	assert_non_null(unit->details);
	struct unit_copy *u = &k->units[k->count++];
	u->error = unit->error;
	u->side_incomplete = unit->side_incomplete;
	u->tx_complete = unit->tx_complete;
	u->repeat = unit->repeat;
	u->window = unit->window;
	if (k->parser && k->parser->eve_details) {
		struct app_json j = {.buf = u->eve, .len = sizeof(u->eve) - 1};
		k->parser->eve_details(unit->details, &j);
		u->eve[j.used < sizeof(u->eve) ? j.used : sizeof(u->eve) - 1] = '\0';
	}
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		u->buffer[b] = malloc(unit->buffer_len[b] + 1);
		assert_non_null(u->buffer[b]);
		memcpy(u->buffer[b], unit->buffer[b], unit->buffer_len[b]);
		u->buffer[b][unit->buffer_len[b]] = '\0';
		u->len[b] = unit->buffer_len[b];
	}
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

/* One step of a session: a direction and its bytes. */
struct step {
	enum app_direction dir;
	const char *bytes;
	uint32_t len; /* 0: strlen(bytes) */
};

/* A step from a string literal: its length, embedded NULs included. */
#define STEP(dir, literal)                                                                         \
	{                                                                                          \
		dir, literal, sizeof(literal) - 1                                                  \
	}

/* Run a session through a fresh parser, in pieces of at most chunk bytes. */
static void run_session(const struct app_parser *p, const struct step *steps, uint32_t n,
			uint32_t chunk, struct sink *k)
{
	void *s = p->create(NULL);
	assert_non_null(s);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *b = (const uint8_t *)steps[i].bytes;
		uint32_t len = steps[i].len ? steps[i].len : (uint32_t)strlen(steps[i].bytes);
		for (uint32_t off = 0; off < len; off += chunk) {
			uint32_t take = len - off < chunk ? len - off : chunk;
			p->parse(s, steps[i].dir, b + off, take, sink_emit, k);
		}
	}
	p->destroy(s);
}

static enum app_detect_result detect_str(const struct app_parser *p, const char *s,
					 enum app_direction dir)
{
	return p->detect((const uint8_t *)s, (uint32_t)strlen(s), dir);
}

/* ---- SSH ---- */

static void test_ssh_detect(void **unused)
{
	(void)unused;
	assert_int_equal(detect_str(&app_parser_ssh, "SSH-2.0-OpenSSH_8.9p1\r\n", APP_TO_CLIENT),
			 APP_DETECT_YES);
	assert_int_equal(detect_str(&app_parser_ssh, "SSH-2.0-x", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect_str(&app_parser_ssh, "SS", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect_str(&app_parser_ssh, "", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect_str(&app_parser_ssh, "GET / HTTP/1.1", APP_TO_SERVER),
			 APP_DETECT_NO);
	assert_int_equal(detect_str(&app_parser_ssh, "SSX-", APP_TO_SERVER), APP_DETECT_NO);
}

static void test_sip_detect(void **unused)
{
	(void)unused;
	static const struct {
		const char *text;
		enum app_direction dir;
		enum app_detect_result want;
	} cases[] = {
	    {"INVITE sip:bob@example.com SIP/2.0\r\nVia: x", APP_TO_SERVER, APP_DETECT_YES},
	    {"SIP/2.0 180 Ringing\r\n", APP_TO_CLIENT, APP_DETECT_YES},
	    {"REGISTER sips:x SIP/2.0\n", APP_TO_SERVER, APP_DETECT_YES},
	    {"INVITE sip:bob", APP_TO_SERVER, APP_DETECT_NEED_MORE},
	    {"GET / HTTP/1.1\r\n", APP_TO_SERVER, APP_DETECT_NO},
	    {"HTTP/1.1 200 OK\r\n", APP_TO_CLIENT, APP_DETECT_NO},
	    {"SIP/2.0 20 x\r\n", APP_TO_CLIENT, APP_DETECT_NO},
	    {"invite sip:x SIP/2.0\r\n", APP_TO_SERVER, APP_DETECT_NO},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(detect_str(&app_parser_sip, cases[i].text, cases[i].dir),
				 cases[i].want);
}

/* A request toward the server and a response toward the client are SIP; the rest an error. */
static void test_sip_errors(void **unused)
{
	(void)unused;
	static const struct {
		enum app_direction dir;
		const char *message;
		bool error;
	} cases[] = {
	    {APP_TO_SERVER, "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a\r\n\r\n",
	     false},
	    {APP_TO_CLIENT, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a\r\n\r\n", false},
	    {APP_TO_SERVER, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a\r\n\r\n", true},
	    {APP_TO_CLIENT, "REGISTER sip:example.com SIP/2.0\r\n\r\n", true},
	    {APP_TO_SERVER, "\x16\x03\x01 not sip at all", true},
	};
	void *state = app_parser_sip.create(NULL);
	assert_non_null(state);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sink k = {0};
		app_parser_sip.parse(state, cases[i].dir, (const uint8_t *)cases[i].message,
				     (uint32_t)strlen(cases[i].message), sink_emit, &k);
		assert_int_equal(k.count, 1);
		assert_int_equal(k.units[0].error, cases[i].error);
		if (cases[i].error) {
			for (int b = 0; b < RULE_BUFFER_COUNT; b++)
				assert_null(k.units[0].buffer[b]);
		}
		sink_reset(&k);
	}
	app_parser_sip.destroy(state);
}

/*
 * SIP over TCP: messages gathered from the stream whatever the pieces (a
 * header block split, two messages in one piece, a body by its
 * Content-Length), and their frames: pdu, start line, headers, body.
 */
static void test_sip_tcp_frames(void **unused)
{
	(void)unused;
	static const char stream[] = "REGISTER sip:example.com SIP/2.0\r\n"
				     "Via: SIP/2.0/TCP a\r\n"
				     "Content-Length: 4\r\n"
				     "\r\n"
				     "v=0\n"
				     "OPTIONS sip:example.com SIP/2.0\r\n"
				     "l: 0\r\n"
				     "\r\n";
	const uint32_t first = 34 + 20 + 19 + 2 + 4;
	for (uint32_t piece = 1; piece <= sizeof(stream) - 1; piece += 7) {
		void *state = app_parser_sip.create(NULL);
		struct sink k = {0};
		for (uint32_t off = 0; off < sizeof(stream) - 1; off += piece) {
			uint32_t n =
			    sizeof(stream) - 1 - off < piece ? sizeof(stream) - 1 - off : piece;
			app_parser_sip.parse_stream(
			    state, APP_TO_SERVER, (const uint8_t *)stream + off, n, sink_emit, &k);
		}
		assert_int_equal(k.count, 2);
		assert_buffer(&k.units[0], RULE_BUFFER_SIP_METHOD, "REGISTER");
		assert_buffer(&k.units[1], RULE_BUFFER_SIP_METHOD, "OPTIONS");
		/* REGISTER: pdu, line, headers, body; OPTIONS: pdu, line, headers */
		assert_int_equal(k.frame_count, 7);
		assert_int_equal(k.frames[0].frame.type, RULE_FRAME_SIP_PDU);
		assert_int_equal(k.frames[0].frame.length, first);
		assert_int_equal(k.frames[1].frame.type, RULE_FRAME_SIP_REQUEST_LINE);
		assert_int_equal(k.frames[1].frame.length, 34);
		assert_int_equal(k.frames[2].frame.type, RULE_FRAME_SIP_REQUEST_HEADERS);
		assert_int_equal(k.frames[2].frame.offset, 34);
		assert_int_equal(k.frames[2].frame.length, 20 + 19);
		assert_int_equal(k.frames[2].first, 'V');
		assert_int_equal(k.frames[3].frame.type, RULE_FRAME_SIP_REQUEST_BODY);
		assert_int_equal(k.frames[3].frame.length, 4);
		assert_int_equal(k.frames[4].frame.offset, first);
		assert_int_equal(k.frames[4].frame.id, 6);
		assert_int_equal(k.frames[4].first, 'O');
		sink_reset(&k);
		app_parser_sip.destroy(state);
	}
}

/* A request and a response become their start line's parts and headers; repeats are units. */
static void test_sip_buffers(void **unused)
{
	(void)unused;
	static const char request[] = "INVITE sip:bob@example.com SIP/2.0\r\n"
				      "Via: SIP/2.0/UDP a;branch=1\r\n"
				      "v:SIP/2.0/UDP b\r\n"
				      "f: <sip:alice@example.com>\r\n"
				      "To: <sip:bob@example.com>\r\n"
				      "User-Agent: softphone 1.0\r\n"
				      "c: application/sdp\r\n"
				      "Content-Length: 4\r\n"
				      "\r\n"
				      "v=0\n";
	static const char response[] = "SIP/2.0 180 Ringing\r\nTo: <sip:bob@example.com>\r\n\r\n";
	struct sink k = {0};
	void *state = app_parser_sip.create(NULL);
	assert_non_null(state);

	app_parser_sip.parse(state, APP_TO_SERVER, (const uint8_t *)request, sizeof(request) - 1,
			     sink_emit, &k);
	assert_int_equal(k.count, 2); /* two Via headers */
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_METHOD, "INVITE");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_URI, "sip:bob@example.com");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_PROTOCOL, "SIP/2.0");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_REQUEST_LINE,
		      "INVITE sip:bob@example.com SIP/2.0");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_VIA, "SIP/2.0/UDP a;branch=1");
	assert_buffer(&k.units[1], RULE_BUFFER_SIP_VIA, "SIP/2.0/UDP b");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_FROM, "<sip:alice@example.com>");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_TO, "<sip:bob@example.com>");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_USER_AGENT, "softphone 1.0");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_CONTENT_TYPE, "application/sdp");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_CONTENT_LENGTH, "4");
	assert_null(k.units[0].buffer[RULE_BUFFER_SIP_STAT_CODE]);
	/* the start line with every instance, so a rule may test both */
	assert_buffer(&k.units[1], RULE_BUFFER_SIP_METHOD, "INVITE");
	assert_null(k.units[1].buffer[RULE_BUFFER_SIP_FROM]);
	/* the units of one message share the rules matched, so a rule alerts once */
	assert_ptr_equal(k.units[0].window.rules, k.units[1].window.rules);
	sink_reset(&k);

	app_parser_sip.parse(state, APP_TO_CLIENT, (const uint8_t *)response, sizeof(response) - 1,
			     sink_emit, &k);
	assert_int_equal(k.count, 1);
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_STAT_CODE, "180");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_STAT_MSG, "Ringing");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_PROTOCOL, "SIP/2.0");
	assert_buffer(&k.units[0], RULE_BUFFER_SIP_RESPONSE_LINE, "SIP/2.0 180 Ringing");
	assert_null(k.units[0].buffer[RULE_BUFFER_SIP_METHOD]);
	sink_reset(&k);
	app_parser_sip.destroy(state);
}

static void test_ssh_banners(void **unused)
{
	(void)unused;
	const struct step steps[] = {
	    STEP(APP_TO_CLIENT, "Welcome, this line comes first\r\n"),
	    STEP(APP_TO_CLIENT, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n\x00\x00\x01\x14"),
	    STEP(APP_TO_SERVER, "SSH-2.0-Go\r\n\x00\x00\x05\xdc\x07\x14SSH-2.0-not-a-banner\r\n"),
	};
	for (uint32_t chunk = 1; chunk <= 64; chunk += 63) {
		struct sink k = {0};
		run_session(&app_parser_ssh, steps, 3, chunk, &k);
		assert_int_equal(k.count, 2);
		assert_buffer(&k.units[0], RULE_BUFFER_SSH_PROTO, "2.0");
		assert_buffer(&k.units[0], RULE_BUFFER_SSH_SOFTWARE, "OpenSSH_8.9p1");
		assert_buffer(&k.units[1], RULE_BUFFER_SSH_PROTO, "2.0");
		assert_buffer(&k.units[1], RULE_BUFFER_SSH_SOFTWARE, "Go");
		sink_reset(&k);
	}
}

/*
 * Banners padded with NULs and no line end (a Cisco device's, bug 4903 of
 * Suricata): the NUL ends the line, whatever the split; NULs before a
 * banner are nothing.
 */
static void test_ssh_nul_banner(void **unused)
{
	(void)unused;
	const struct step steps[] = {
	    STEP(APP_TO_CLIENT, "SSH-1.99-Cisco_server-1.24 \x00\x00\x00\x00\x00\x00"),
	    STEP(APP_TO_SERVER, "\x00\x00SSH-2.0-Cisco_client-1.25\x00\x00\x00\x00"),
	};
	for (uint32_t chunk = 1; chunk <= 64; chunk += 63) {
		struct sink k = {0};
		run_session(&app_parser_ssh, steps, 2, chunk, &k);
		assert_int_equal(k.count, 2);
		assert_buffer(&k.units[0], RULE_BUFFER_SSH_PROTO, "1.99");
		assert_buffer(&k.units[0], RULE_BUFFER_SSH_SOFTWARE, "Cisco_server-1.24");
		assert_buffer(&k.units[1], RULE_BUFFER_SSH_PROTO, "2.0");
		assert_buffer(&k.units[1], RULE_BUFFER_SSH_SOFTWARE, "Cisco_client-1.25");
		sink_reset(&k);
	}
}

/* A KEXINIT packet with these name-lists (the last two, languages, empty); its length into out. */
static uint32_t ssh_kexinit_packet(uint8_t *out, const char *const lists[8], uint32_t cut)
{
	uint32_t n = 4;
	out[n++] = 4;		   /* padding length */
	out[n++] = 20;		   /* SSH_MSG_KEXINIT */
	memset(out + n, 0xc0, 16); /* cookie */
	n += 16;
	for (int i = 0; i < 10; i++) {
		uint32_t len = i < 8 ? (uint32_t)strlen(lists[i]) : 0;
		out[n++] = 0, out[n++] = 0, out[n++] = (uint8_t)(len >> 8), out[n++] = (uint8_t)len;
		if (len)
			memcpy(out + n, lists[i], len);
		n += len;
	}
	out[n++] = 0;	       /* first_kex_packet_follows */
	memset(out + n, 0, 8); /* reserved, padding */
	n += 8;
	uint32_t packet = n - 4 + cut;
	out[0] = (uint8_t)(packet >> 24), out[1] = (uint8_t)(packet >> 16);
	out[2] = (uint8_t)(packet >> 8), out[3] = (uint8_t)packet;
	return n;
}

/* HASSH of each side's KEXINIT, whatever the pieces; as Salesforce's (MD5 by Python's hashlib). */
static void test_ssh_hassh(void **unused)
{
	(void)unused;
	static const char *const lists[8] = {
	    "curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes256-ctr",
	    "hmac-sha2-256",	 "hmac-sha1",	"none",	      "zlib",
	};
	uint8_t client[512], server[512];
	char cbytes[600], sbytes[600];
	static const char cbanner[] = "SSH-2.0-Go\r\n", sbanner[] = "SSH-2.0-OpenSSH_9.6\r\n";
	uint32_t clen = ssh_kexinit_packet(client, lists, 0);
	uint32_t slen = ssh_kexinit_packet(server, lists, 0);
	memcpy(cbytes, cbanner, sizeof(cbanner) - 1);
	memcpy(cbytes + sizeof(cbanner) - 1, client, clen);
	memcpy(sbytes, sbanner, sizeof(sbanner) - 1);
	memcpy(sbytes + sizeof(sbanner) - 1, server, slen);
	const struct step steps[] = {
	    {APP_TO_SERVER, cbytes, (uint32_t)(sizeof(cbanner) - 1 + clen)},
	    {APP_TO_CLIENT, sbytes, (uint32_t)(sizeof(sbanner) - 1 + slen)},
	};
	for (uint32_t chunk = 1; chunk <= 1000; chunk += 999) {
		struct sink k = {.parser = &app_parser_ssh};
		run_session(&app_parser_ssh, steps, 2, chunk, &k);
		assert_int_equal(k.count, 4);
		/* the banners do not complete a side for the ssh record; the KEXINITs do */
		assert_true(k.units[0].side_incomplete && k.units[2].side_incomplete);
		assert_false(k.units[1].side_incomplete || k.units[3].side_incomplete);
		assert_null(strstr(k.units[0].eve, "hassh"));
		assert_non_null(strstr(k.units[3].eve,
				       "\"client\":{\"proto_version\":\"2.0\","
				       "\"software_version\":\"Go\",\"hassh\":{"
				       "\"hash\":\"e97d07603350d1111ec2b64bf25413c9\","
				       "\"string\":\"curve25519-sha256;aes128-ctr;hmac-"
				       "sha2-256;none\"}}"));
		assert_non_null(
		    strstr(k.units[3].eve, "\"hash\":\"1d28bf246fed683b2556414dbd13cd28\""));
		assert_buffer(&k.units[1], RULE_BUFFER_SSH_HASSH_STRING,
			      "curve25519-sha256;aes128-ctr;hmac-sha2-256;none");
		assert_buffer(&k.units[1], RULE_BUFFER_SSH_HASSH,
			      "e97d07603350d1111ec2b64bf25413c9");
		assert_null(k.units[1].buffer[RULE_BUFFER_SSH_HASSH_SERVER]);
		assert_buffer(&k.units[3], RULE_BUFFER_SSH_HASSH_SERVER_STRING,
			      "curve25519-sha256;aes256-ctr;hmac-sha1;zlib");
		assert_buffer(&k.units[3], RULE_BUFFER_SSH_HASSH_SERVER,
			      "1d28bf246fed683b2556414dbd13cd28");
		sink_reset(&k);
	}
	/* a packet whose length cuts its name-lists, and one too long to keep: no HASSH */
	for (uint32_t cut = 0; cut < 2; cut++) {
		struct sink k = {0};
		clen = ssh_kexinit_packet(client, lists, 0);
		if (cut)
			client[0] = 0x10; /* 256 MB */
		else
			client[3] = 30; /* the packet ends inside the second name-list */
		memcpy(cbytes + sizeof(cbanner) - 1, client, clen);
		run_session(&app_parser_ssh, steps, 1, 1000, &k);
		assert_int_equal(k.count, 1); /* the banner alone */
		sink_reset(&k);
	}
}

static void test_ssh_bad_banner(void **unused)
{
	(void)unused;
	char long_line[400];
	struct sink k = {0};

	memset(long_line, 'A', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	const struct step steps[] = {
	    STEP(APP_TO_SERVER, "SSH-2.0\r\n"), /* no software part: not emitted */
	    {APP_TO_CLIENT, long_line, 0},	/* a 400-byte line: the direction stops */
	    STEP(APP_TO_CLIENT, "\r\nSSH-2.0-x\r\n"),
	};
	run_session(&app_parser_ssh, steps, 3, 1000, &k);
	assert_int_equal(k.count, 0);
}

/* ---- SMTP ---- */

static void test_smtp_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_smtp;
	assert_int_equal(detect_str(p, "220 mx.example.com ESMTP Postfix\r\n", APP_TO_CLIENT),
			 APP_DETECT_YES);
	assert_int_equal(detect_str(p, "220-mx.example.com ESMTP\r\n", APP_TO_CLIENT),
			 APP_DETECT_YES);
	/* FTP greets the same way: without "SMTP" the client's EHLO decides */
	assert_int_equal(detect_str(p, "220 ProFTPD Server ready.\r\n", APP_TO_CLIENT),
			 APP_DETECT_NO);
	assert_int_equal(detect_str(p, "220 mx.exam", APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	assert_int_equal(detect_str(p, "22", APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	assert_int_equal(detect_str(p, "200 OK", APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(detect_str(p, "EHLO client.example\r\n", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect_str(p, "helo x\r\n", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect_str(p, "EHL", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect_str(p, "GET / HTTP/1.1\r\n", APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect_str(p, "220 mx ESMTP\r\n", APP_TO_SERVER), APP_DETECT_NO);
}

static void test_smtp_session(void **unused)
{
	(void)unused;
	const struct step steps[] = {
	    STEP(APP_TO_CLIENT, "220 mx.example.com ESMTP\r\n"),
	    STEP(APP_TO_SERVER, "EHLO client.example.org \r\n"),
	    STEP(APP_TO_CLIENT, "250-mx.example.com\r\n250 PIPELINING\r\n"),
	    STEP(APP_TO_SERVER,
		 "MAIL FROM:<alice@example.org> SIZE=1234\r\n"
		 "RCPT TO: <bob@example.com>\r\nRCPT TO:carol@example.com\r\nDATA\r\n"),
	    STEP(APP_TO_CLIENT, "250 ok\r\n250 ok\r\n550 no such user\r\n354 go ahead\r\n"),
	    STEP(APP_TO_SERVER, "Subject: hi\r\n\r\nRCPT TO:<not-a-command@x>\r\n..dot\r\n.\r\n"),
	    STEP(APP_TO_CLIENT, "250 queued\r\n"),
	    STEP(APP_TO_SERVER, "mail from:<dave@example.org>\r\nQUIT\r\n"),
	};
	for (uint32_t chunk = 1; chunk <= 4096; chunk += 4095) {
		struct sink k = {.parser = &app_parser_smtp};
		run_session(&app_parser_smtp, steps, 8, chunk, &k);
		assert_int_equal(k.count, 6);
		assert_buffer(&k.units[0], RULE_BUFFER_SMTP_HELO, "client.example.org");
		/* the path's first word, brackets kept (Suricata's buffer) */
		assert_buffer(&k.units[1], RULE_BUFFER_SMTP_MAIL_FROM, "<alice@example.org>");
		assert_buffer(&k.units[2], RULE_BUFFER_SMTP_RCPT_TO, "<bob@example.com>");
		assert_buffer(&k.units[3], RULE_BUFFER_SMTP_RCPT_TO, "carol@example.com");
		/* the message's end closes transaction 0 */
		assert_true(k.units[4].tx_complete);
		assert_false(k.units[3].tx_complete);
		assert_non_null(strstr(k.units[4].eve, "\"tx_id\":0,"));
		assert_non_null(strstr(k.units[4].eve, "\"status\":\"PARSE_DONE\""));
		/* the next command opens transaction 1, which carries the HELO again */
		assert_buffer(&k.units[5], RULE_BUFFER_SMTP_HELO, "client.example.org");
		assert_buffer(&k.units[5], RULE_BUFFER_SMTP_MAIL_FROM, "<dave@example.org>");
		assert_false(k.units[5].tx_complete);
		assert_non_null(strstr(k.units[5].eve, "\"tx_id\":1,"));
		assert_null(strstr(k.units[5].eve, "\"email\""));
		assert_null(strstr(k.units[5].eve, "bob@"));
		sink_reset(&k);
	}
}

/* A QUIT after a message opens a transaction of its own (Suricata 8.0): its HELO, no paths. */
static void test_smtp_quit_transaction(void **unused)
{
	(void)unused;
	const struct step steps[] = {
	    STEP(APP_TO_SERVER, "HELO gp\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
	    STEP(APP_TO_CLIENT, "250 hi\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
	    STEP(APP_TO_SERVER, "From: a@b\r\n\r\nhi\r\n.\r\nQUIT\r\n"),
	};
	struct sink k = {.parser = &app_parser_smtp};
	run_session(&app_parser_smtp, steps, 3, 4096, &k);
	assert_int_equal(k.count, 5);
	assert_true(k.units[3].tx_complete);
	assert_buffer(&k.units[4], RULE_BUFFER_SMTP_HELO, "gp");
	assert_null(k.units[4].buffer[RULE_BUFFER_SMTP_MAIL_FROM]);
	assert_false(k.units[4].tx_complete);
	assert_string_equal(k.units[4].eve, ",\"tx_id\":1,\"smtp\":{\"helo\":\"gp\"}");
	sink_reset(&k);
}

#define SMTP_MESSAGE                                                                               \
	"From: \"Alice A\" <alice@example.org>\r\n"                                                \
	"To: <bob@example.com>, carol@example.com,\r\n dave@example.net\r\n"                       \
	"Cc: eve@example.org\r\n"                                                                  \
	"Subject: the\r\n\tplan\r\n"                                                               \
	"Message-ID: <1234@mx.example.org>\r\n"                                                    \
	"X-Mailer: Mailer 1.0\r\n"                                                                 \
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"                                   \
	"--b1\r\nContent-Type: text/plain\r\n\r\n"                                                 \
	"see http://one.example/a?b=1 and HTTP://two.example/ or https://no.example\r\n"           \
	"--b1\r\nContent-Type: application/pdf\r\n"                                                \
	"Content-Disposition: attachment; filename=\"doc.pdf\"\r\n\r\nPDF http://in.pdf/\r\n"      \
	"--b1--\r\n.\r\n"

/* The email.* buffers and EVE's email object from the message's headers and body. */
static void test_smtp_email(void **unused)
{
	(void)unused;
	const struct step steps[] = {
	    STEP(APP_TO_SERVER, "EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
	    STEP(APP_TO_CLIENT, "250 hi\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
	    STEP(APP_TO_SERVER, SMTP_MESSAGE),
	};
	for (uint32_t chunk = 1; chunk <= 4096; chunk += 4095) {
		struct sink k = {.parser = &app_parser_smtp};
		run_session(&app_parser_smtp, steps, 3, chunk, &k);
		/* 3 commands, the attachment, the message's end: one unit per URL */
		assert_int_equal(k.count, 3 + 1 + 3);
		const struct unit_copy *end = &k.units[4];
		assert_true(end->tx_complete);
		assert_false(end->repeat);
		assert_buffer(end, RULE_BUFFER_EMAIL_MESSAGE_ID, "<1234@mx.example.org>");
		assert_buffer(end, RULE_BUFFER_EMAIL_X_MAILER, "Mailer 1.0");
		assert_buffer(end, RULE_BUFFER_EMAIL_URL, "one.example/a?b=1");
		assert_buffer(end, RULE_BUFFER_EMAIL_FROM, "\"Alice A\" <alice@example.org>");
		assert_buffer(end, RULE_BUFFER_EMAIL_TO,
			      "<bob@example.com>, carol@example.com,dave@example.net");
		assert_buffer(end, RULE_BUFFER_EMAIL_CC, "eve@example.org");
		assert_buffer(end, RULE_BUFFER_EMAIL_SUBJECT, "theplan");
		assert_null(end->buffer[RULE_BUFFER_EMAIL_DATE]);
		assert_null(end->buffer[RULE_BUFFER_EMAIL_RECEIVED]);
		/* the other URLs, each an instance in a unit that repeats the message */
		assert_true(k.units[5].repeat && k.units[6].repeat);
		assert_buffer(&k.units[5], RULE_BUFFER_EMAIL_URL, "two.example/");
		assert_buffer(&k.units[6], RULE_BUFFER_EMAIL_URL, "in.pdf/");
		assert_buffer(&k.units[5], RULE_BUFFER_EMAIL_X_MAILER, "Mailer 1.0");
		assert_null(end->buffer[RULE_BUFFER_APP_EVENTS]);
		const char *want =
		    ",\"email\":{\"from\":\"\\\"Alice A\\\" <alice@example.org>\","
		    "\"to\":[\"<bob@example.com>\",\"carol@example.com\",\"dave@example.net\"],"
		    "\"cc\":[\"eve@example.org\"],\"status\":\"PARSE_DONE\","
		    "\"attachment\":[\"doc.pdf\"],"
		    "\"url\":[\"in.pdf/\",\"two.example/\",\"one.example/a?b=1\"],"
		    "\"subject\":\"theplan\",\"message_id\":\"<1234@mx.example.org>\","
		    "\"x_mailer\":\"Mailer 1.0\"}";
		assert_non_null(strstr(end->eve, want));
		/* the attachment's unit already shows what the headers said */
		assert_non_null(strstr(k.units[3].eve, "\"attachment\":[\"doc.pdf\"]"));
		assert_buffer(&k.units[3], RULE_BUFFER_FILE_NAME, "doc.pdf");
		sink_reset(&k);
	}
}

/* A boundary past Suricata's 254 bytes raises smtp.mime_long_boundary on the message's end. */
static void test_smtp_long_boundary(void **unused)
{
	(void)unused;
	static char message[1024];
	char boundary[301];
	memset(boundary, 'A', 300);
	boundary[300] = '\0';
	snprintf(message, sizeof(message),
		 "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\ntext\r\n.\r\n", boundary);
	struct step steps[] = {
	    STEP(APP_TO_SERVER, "HELO c\r\nDATA\r\n"),
	    STEP(APP_TO_CLIENT, "250 hi\r\n354 go\r\n"),
	    {APP_TO_SERVER, message, 0},
	};
	struct sink k = {.parser = &app_parser_smtp};
	run_session(&app_parser_smtp, steps, 3, 4096, &k);
	assert_int_equal(k.count, 2);
	assert_non_null(k.units[1].buffer[RULE_BUFFER_APP_EVENTS]);
	assert_int_equal(k.units[1].len[RULE_BUFFER_APP_EVENTS], 1);
	assert_int_equal(k.units[1].buffer[RULE_BUFFER_APP_EVENTS][0],
			 RULE_APP_EVENT_SMTP_MIME_LONG_BOUNDARY);
	assert_non_null(strstr(k.units[1].eve, "\"email\":{\"status\":\"PARSE_DONE\"}"));
	sink_reset(&k);
}

/* DATA refused: the next line is a command again. */
static void test_smtp_data_refused(void **unused)
{
	(void)unused;
	struct sink k = {0};
	const struct step steps[] = {
	    STEP(APP_TO_SERVER, "HELO a\r\nDATA\r\n"),
	    STEP(APP_TO_CLIENT, "250 hi\r\n554 no valid recipients\r\n"),
	    STEP(APP_TO_SERVER, "RCPT TO:<x@y>\r\n"),
	};
	run_session(&app_parser_smtp, steps, 3, 4096, &k);
	assert_int_equal(k.count, 2);
	assert_buffer(&k.units[1], RULE_BUFFER_SMTP_RCPT_TO, "<x@y>");
	sink_reset(&k);
}

/* STARTTLS accepted: both directions stop. BDAT chunks are skipped by count. */
static void test_smtp_starttls_and_bdat(void **unused)
{
	(void)unused;
	struct sink k = {0};
	const struct step tls[] = {
	    STEP(APP_TO_SERVER, "EHLO a\r\n"),
	    STEP(APP_TO_CLIENT, "250 STARTTLS\r\n"),
	    STEP(APP_TO_SERVER, "STARTTLS\r\n"),
	    STEP(APP_TO_CLIENT, "220 go ahead\r\n"),
	    STEP(APP_TO_SERVER, "MAIL FROM:<hidden@x>\r\n"),
	};
	run_session(&app_parser_smtp, tls, 5, 4096, &k);
	assert_int_equal(k.count, 1);
	sink_reset(&k);

	const struct step bdat[] = {
	    STEP(APP_TO_SERVER, "BDAT 20 LAST\r\nRCPT TO:<in-body>\r\n1RCPT TO:<real>\r\n"),
	};
	run_session(&app_parser_smtp, bdat, 1, 4096, &k);
	assert_int_equal(k.count, 2); /* BDAT opens the transaction */
	assert_buffer(&k.units[1], RULE_BUFFER_SMTP_RCPT_TO, "<real>");
	sink_reset(&k);
}

/* ---- MySQL ---- */

struct packet {
	uint8_t b[20000];
	uint32_t len;
};

static void mysql_packet(struct packet *o, uint8_t seq, const void *payload, uint32_t n)
{
	assert_true(o->len + 4 + n <= sizeof(o->b));
	o->b[o->len++] = (uint8_t)n;
	o->b[o->len++] = (uint8_t)(n >> 8);
	o->b[o->len++] = (uint8_t)(n >> 16);
	o->b[o->len++] = seq;
	memcpy(o->b + o->len, payload, n);
	o->len += n;
}

static void mysql_greeting(struct packet *o)
{
	uint8_t g[80] = {10};
	uint32_t n = 1;
	memcpy(g + n, "8.0.36", 7);
	n += 7;
	n += 4 + 8; /* thread id, auth data part 1 */
	g[n++] = 0; /* filler */
	n += 20;
	mysql_packet(o, 0, g, n);
}

/* HandshakeResponse41 with the given capabilities and user "root". */
static void mysql_response(struct packet *o, uint32_t caps, bool with_user)
{
	uint8_t r[64] = {0};
	r[0] = (uint8_t)caps, r[1] = (uint8_t)(caps >> 8), r[2] = (uint8_t)(caps >> 16);
	r[3] = (uint8_t)(caps >> 24);
	r[4] = 0xff, r[5] = 0xff, r[6] = 0xff; /* max packet */
	r[8] = 0x21;			       /* charset */
	uint32_t n = 32;
	if (with_user) {
		memcpy(r + n, "root", 5);
		n += 5;
		r[n++] = 0; /* empty auth response */
	}
	mysql_packet(o, 1, r, n);
}

static void mysql_query(struct packet *o, uint8_t command, const char *sql)
{
	uint8_t q[4096];
	uint32_t n = (uint32_t)strlen(sql);
	q[0] = command;
	memcpy(q + 1, sql, n);
	mysql_packet(o, 0, q, n + 1);
}

static void run_mysql(const struct packet *client, const struct packet *server, uint32_t chunk,
		      struct sink *k)
{
	const struct step steps[] = {
	    {APP_TO_CLIENT, (const char *)server->b, server->len},
	    {APP_TO_SERVER, (const char *)client->b, client->len},
	};
	run_session(&app_parser_mysql, server->len ? steps : steps + 1, server->len ? 2 : 1, chunk,
		    k);
}

static void test_mysql_detect(void **unused)
{
	(void)unused;
	const struct app_parser *p = &app_parser_mysql;
	struct packet g = {0}, r = {0}, q = {0}, ssl = {0};

	mysql_greeting(&g);
	assert_int_equal(p->detect(g.b, g.len, APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(p->detect(g.b, 8, APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(g.b, g.len, APP_TO_SERVER), APP_DETECT_NO);
	g.b[4] = 9; /* protocol 9 */
	assert_int_equal(p->detect(g.b, g.len, APP_TO_CLIENT), APP_DETECT_NO);

	mysql_response(&r, 0x000fa68d, true);
	assert_int_equal(p->detect(r.b, r.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(r.b, 20, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	r.b[4 + 20] = 1; /* a non-zero filler byte */
	assert_int_equal(p->detect(r.b, r.len, APP_TO_SERVER), APP_DETECT_NO);
	mysql_response(&ssl, 0x000fae8d, false);
	assert_int_equal(p->detect(ssl.b, ssl.len, APP_TO_SERVER), APP_DETECT_YES);

	mysql_query(&q, 0x03, "select @@version_comment limit 1");
	assert_int_equal(p->detect(q.b, q.len, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(q.b, 7, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	struct packet junk = {0};
	mysql_query(&junk, 0x03, "hello world");
	assert_int_equal(p->detect(junk.b, junk.len, APP_TO_SERVER), APP_DETECT_NO);
	const char http[] = "GET / HTTP/1.1\r\n\r\n";
	assert_int_equal(detect_str(p, http, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect_str(p, http, APP_TO_CLIENT), APP_DETECT_NO);
}

static void test_mysql_queries(void **unused)
{
	(void)unused;
	struct packet server = {0}, client = {0};
	struct sink k = {0};

	mysql_greeting(&server);
	mysql_response(&client, 0x000fa68d, true);
	mysql_query(&client, 0x03, "SELECT * FROM users WHERE id = 1 OR 1=1");
	mysql_query(&client, 0x16, "INSERT INTO t VALUES (?)");
	mysql_query(&client, 0x01, ""); /* COM_QUIT */
	run_mysql(&client, &server, 100000, &k);
	assert_int_equal(k.count, 2);
	assert_buffer(&k.units[0], RULE_BUFFER_MYSQL_QUERY,
		      "SELECT * FROM users WHERE id = 1 OR 1=1");
	assert_buffer(&k.units[1], RULE_BUFFER_MYSQL_QUERY, "INSERT INTO t VALUES (?)");
	sink_reset(&k);
}

/* A COM_QUERY fed at every split: one byte at a time, and in two pieces cut anywhere. */
static void test_mysql_every_split(void **unused)
{
	(void)unused;
	struct packet client = {0}, none = {0};
	struct sink k = {0};

	mysql_query(&client, 0x03, "SELECT 1");
	run_mysql(&client, &none, 1, &k);
	assert_int_equal(k.count, 1);
	assert_buffer(&k.units[0], RULE_BUFFER_MYSQL_QUERY, "SELECT 1");
	sink_reset(&k);
	for (uint32_t cut = 1; cut < client.len; cut++) {
		void *s = app_parser_mysql.create(NULL);
		app_parser_mysql.parse(s, APP_TO_SERVER, client.b, cut, sink_emit, &k);
		app_parser_mysql.parse(s, APP_TO_SERVER, client.b + cut, client.len - cut,
				       sink_emit, &k);
		app_parser_mysql.destroy(s);
		assert_int_equal(k.count, 1);
		assert_buffer(&k.units[0], RULE_BUFFER_MYSQL_QUERY, "SELECT 1");
		sink_reset(&k);
	}
}

/* The client asks for TLS (SSLRequest): nothing after it is parsed. */
static void test_mysql_ssl_request(void **unused)
{
	(void)unused;
	struct packet server = {0}, client = {0};
	struct sink k = {0};

	mysql_greeting(&server);
	mysql_response(&client, 0x000fae8d, false);
	mysql_query(&client, 0x03, "SELECT 1");
	run_mysql(&client, &server, 3, &k);
	assert_int_equal(k.count, 0);
}

/* Query attributes (CLIENT_QUERY_ATTRIBUTES): the buffer starts at the statement. */
static void test_mysql_query_attributes(void **unused)
{
	(void)unused;
	struct packet client = {0}, none = {0};
	struct sink k = {0};

	mysql_response(&client, 0x080fa68d, true);
	const uint8_t none_sent[] = "\x03\x00\x01SELECT 2";
	mysql_packet(&client, 0, none_sent, sizeof(none_sent) - 1);
	/* one string attribute "a" = "xy", then one LONG attribute NULL */
	const uint8_t two[] = "\x03\x02\x01" /* count 2, one set */
			      "\x02\x01"     /* null bitmap: second is NULL; bind flag */
			      "\xfe\x00\x01"
			      "a" /* STRING, name "a" */
			      "\x03\x00\x01"
			      "b" /* LONG, name "b" */
			      "\x02"
			      "xy" /* value of a */
			      "SELECT 3";
	mysql_packet(&client, 0, two, sizeof(two) - 1);
	run_mysql(&client, &none, 1, &k);
	assert_int_equal(k.count, 2);
	assert_buffer(&k.units[0], RULE_BUFFER_MYSQL_QUERY, "SELECT 2");
	assert_buffer(&k.units[1], RULE_BUFFER_MYSQL_QUERY, "SELECT 3");
	sink_reset(&k);
}

/* Bad and long lengths: a statement past the kept size is cut, never overrun. */
static void test_mysql_lengths(void **unused)
{
	(void)unused;
	static struct packet client, none;
	static char sql[4000];
	struct sink k = {0};

	memset(&client, 0, sizeof(client));
	memset(sql, 'x', sizeof(sql) - 1);
	memcpy(sql, "SELECT '", 8);
	for (int i = 0; i < 4; i++)
		mysql_query(&client, 0x03, sql);
	/* one 18000-byte packet, then a normal query: framing survives */
	struct packet big = {0};
	static uint8_t payload[18000];
	memset(payload, 'y', sizeof(payload));
	payload[0] = 0x03;
	mysql_packet(&big, 0, payload, sizeof(payload));
	mysql_query(&big, 0x03, "SELECT 4");
	run_mysql(&big, &none, 1000, &k);
	assert_int_equal(k.count, 2);
	assert_int_equal(k.units[0].len[RULE_BUFFER_MYSQL_QUERY], 16384 - 1);
	assert_buffer(&k.units[1], RULE_BUFFER_MYSQL_QUERY, "SELECT 4");
	sink_reset(&k);
	run_mysql(&client, &none, 4096, &k);
	assert_int_equal(k.count, 4);
	sink_reset(&k);
	/* an empty packet and a command packet of length 0 are skipped */
	struct packet empty = {0};
	mysql_packet(&empty, 0, "", 0);
	mysql_query(&empty, 0x03, "SELECT 5");
	run_mysql(&empty, &none, 1, &k);
	assert_int_equal(k.count, 1);
	sink_reset(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ssh_detect),
	    cmocka_unit_test(test_ssh_banners),
	    cmocka_unit_test(test_ssh_hassh),
	    cmocka_unit_test(test_sip_detect),
	    cmocka_unit_test(test_sip_errors),
	    cmocka_unit_test(test_sip_buffers),
	    cmocka_unit_test(test_sip_tcp_frames),
	    cmocka_unit_test(test_ssh_bad_banner),
	    cmocka_unit_test(test_ssh_nul_banner),
	    cmocka_unit_test(test_smtp_detect),
	    cmocka_unit_test(test_smtp_session),
	    cmocka_unit_test(test_smtp_data_refused),
	    cmocka_unit_test(test_smtp_starttls_and_bdat),
	    cmocka_unit_test(test_smtp_quit_transaction),
	    cmocka_unit_test(test_smtp_email),
	    cmocka_unit_test(test_smtp_long_boundary),
	    cmocka_unit_test(test_mysql_detect),
	    cmocka_unit_test(test_mysql_queries),
	    cmocka_unit_test(test_mysql_every_split),
	    cmocka_unit_test(test_mysql_ssl_request),
	    cmocka_unit_test(test_mysql_query_attributes),
	    cmocka_unit_test(test_mysql_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
