/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the parser table (dataplane/app/app.c, app_parsers.h):
 * every row is complete (name, protocol, a transport, detect, create,
 * parse, destroy), its name is its protocol's rule name, its buffers
 * belong to its protocol as rules/lang/buffer.h declares them and to no
 * other row (HTTP/2 also fills HTTP's, as Suricata does), app_parser_for() finds each row, detection runs in the listed
 * order (DNS, a heuristic, last), and a row's eve_details writes exactly
 * one object named for its protocol.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app.h"
#include "dataplane/app/app_flow.h"
#include "dataplane/flow/flow.h"
#include "rules/lang/app_event.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

static unsigned row_count(void)
{
	unsigned n = 0;
	while (app_parsers[n])
		n++;
	return n;
}

static void test_rows_complete(void **unused)
{
	(void)unused;
	unsigned n = row_count();
	/* one row per line of the list, whoever adds a parser */
#define _(name) +1
	assert_int_equal(n, 0 foreach_app_parser);
#undef _
	for (unsigned i = 0; i < n; i++) {
		const struct app_parser *p = app_parsers[i];
		assert_non_null(p->name);
		assert_true(rule_proto_is_app(p->proto));
		assert_string_equal(p->name, rule_proto_name[p->proto]);
		assert_true(p->tcp || p->udp);
		assert_non_null(p->detect);
		assert_non_null(p->create);
		assert_non_null(p->parse);
		assert_non_null(p->destroy);
		assert_ptr_equal(app_parser_for(p->proto), p);
		for (unsigned k = 0; k < i; k++)
			assert_int_not_equal(app_parsers[k]->proto, p->proto);
	}
	assert_null(app_parser_for(RULE_PROTO_TFTP)); /* a protocol the rules know, no parser yet */
}

/* The list and the table agree, in order: the names generate both. */
static void test_table_is_the_list(void **unused)
{
	(void)unused;
	const struct app_parser *listed[] = {
#define _(name) &app_parser_##name,
	    foreach_app_parser
#undef _
	};
	assert_int_equal(sizeof(listed) / sizeof(listed[0]), row_count());
	for (unsigned i = 0; i < row_count(); i++)
		assert_ptr_equal(app_parsers[i], listed[i]);
	/* DNS's header check is a heuristic: every signature-based detector goes first */
	assert_ptr_equal(app_parsers[row_count() - 1], &app_parser_dns);
}

/* Is b the only buffer of its mask bit? Past RULE_BUFFER_EXACT_BITS,
 * buffers share bits (rules/lang/buffer.h): a mask cannot tell them apart. */
static bool bit_unique(int b)
{
	for (int o = 0; o < RULE_BUFFER_COUNT; o++)
		if (o != b && RULE_BUFFER_BIT_INDEX(o) == RULE_BUFFER_BIT_INDEX(b))
			return false;
	return true;
}

static void test_buffers_belong_to_the_row(void **unused)
{
	(void)unused;
	rule_buffer_mask claimed = 0;
	/* the file buffers are every file-carrying protocol's (HTTP bodies, SMTP attachments) */
	const rule_buffer_mask files =
	    RULE_BUFFER_BIT(RULE_BUFFER_FILE_DATA) | RULE_BUFFER_BIT(RULE_BUFFER_FILE_NAME) |
	    RULE_BUFFER_BIT(RULE_BUFFER_FILE_MAGIC) | RULE_BUFFER_BIT(RULE_BUFFER_FILE_META);
	for (unsigned i = 0; app_parsers[i]; i++) {
		const struct app_parser *p = app_parsers[i];
		assert_false(p->buffers & RULE_BUFFER_BIT(RULE_BUFFER_PKT_DATA));
		for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
			/* app.meta is every later protocol's, each struct naming its own */
			if (!(p->buffers & RULE_BUFFER_BIT(b)) || (files & RULE_BUFFER_BIT(b)) ||
			    b == RULE_BUFFER_APP_META || !bit_unique(b))
				continue;
			if (p->proto == RULE_PROTO_HTTP2 && rule_buffer_proto[b] == RULE_PROTO_HTTP)
				continue;
			if (rule_buffer_proto[b] != (int)p->proto)
				fail_msg("%s fills %s, a buffer of %s", p->name,
					 rule_buffer_name[b],
					 rule_proto_name[rule_buffer_proto[b]]);
		}
		rule_buffer_mask own = p->buffers & ~files & ~RULE_BUFFER_BIT(RULE_BUFFER_APP_META);
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			if (rule_buffer_proto[b] != (int)p->proto || !bit_unique(b))
				own &= ~RULE_BUFFER_BIT(b);
		assert_false(claimed & own);
		claimed |= own;
	}
}

/* A parser marks only frames of its own protocol (HTTP's are HTTP/1's). */
static void test_frames_belong_to_the_row(void **unused)
{
	(void)unused;
	for (unsigned i = 0; app_parsers[i]; i++) {
		const struct app_parser *p = app_parsers[i];
		assert_false(p->frames & RULE_FRAME_BIT(RULE_FRAME_NONE));
		for (int f = 1; f < RULE_FRAME_COUNT; f++) {
			if (!(p->frames & RULE_FRAME_BIT(f)))
				continue;
			int proto = rule_frame_proto[f];
			if (p->proto == RULE_PROTO_HTTP && proto == RULE_PROTO_HTTP1)
				continue;
			if (proto != (int)p->proto)
				fail_msg("%s marks %s, a frame of %s", p->name, rule_frame_name[f],
					 rule_proto_name[proto]);
		}
	}
}

/* Empty details: the object's name and braces (after the transaction's tx_id, for SMTP's). */
static void test_eve_details_object(void **unused)
{
	(void)unused;
	struct app_details d;
	memset(&d, 0, sizeof(d));
	for (unsigned i = 0; app_parsers[i]; i++) {
		const struct app_parser *p = app_parsers[i];
		if (!p->eve_details)
			continue;
		char line[512], want[64];
		struct app_json j = {.buf = line, .len = sizeof(line)};
		p->eve_details(&d, &j);
		line[j.used < sizeof(line) ? j.used : sizeof(line) - 1] = '\0';
		snprintf(want, sizeof(want), ",\"%s\":{",
			 p->eve_event_type ? p->eve_event_type : p->name);
		/* EVE's object names have underscores where the protocol's has a dash (ftp_data) */
		for (char *c = want; *c; c++)
			*c = *c == '-' ? '_' : *c;
		const char *object = line;
		static const char tx_id[] = ",\"tx_id\":"; /* Suricata's transaction number first */
		if (!strncmp(object, tx_id, strlen(tx_id)))
			for (object += strlen(tx_id); *object >= '0' && *object <= '9'; object++)
				;
		assert_memory_equal(object, want, strlen(want));
		assert_int_equal(line[j.used - 1], '}');
	}
	assert_non_null(app_parser_http.eve_details);
	assert_non_null(app_parser_tls.eve_details);
	assert_non_null(app_parser_dns.eve_details);
	assert_non_null(app_parser_ssh.eve_details);
	assert_non_null(app_parser_smtp.eve_details);
	assert_non_null(app_parser_sip.eve_details);
	assert_non_null(app_parser_mysql.eve_details);
	assert_non_null(app_parser_http2.eve_details);
}

/* ---- a flow whose two directions speak different protocols ---- */

struct probe_sink {
	unsigned units, mismatches;
};

static void probe_emit(void *arg, const struct app_unit *unit)
{
	struct probe_sink *k = arg;
	const uint8_t *e = unit->buffer[RULE_BUFFER_APP_EVENTS];
	k->units++;
	for (uint32_t i = 0; e && i < unit->buffer_len[RULE_BUFFER_APP_EVENTS]; i++)
		if (e[i] == RULE_APP_EVENT_APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS)
			k->mismatches++;
}

static void test_protocol_mismatch(void **unused)
{
	(void)unused;
	static const char request[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char ssh[] = "SSH-2.0-OpenSSH_6.6.1\r\n";
	static const char http[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct app_config config = {.body_limit = 4096};
	const char *answers[] = {ssh, http};
	for (int i = 0; i < 2; i++) {
		struct flow f;
		struct probe_sink k = {0};
		memset(&f, 0, sizeof(f));
		assert_true(app_flow_data(&f, &config, APP_TO_SERVER, true,
					  (const uint8_t *)request, sizeof(request) - 1, 0, true,
					  probe_emit, &k));
		app_flow_data(&f, &config, APP_TO_CLIENT, true, (const uint8_t *)answers[i],
			      (uint32_t)strlen(answers[i]), 0, true, probe_emit, &k);
		/* and again: only the first data of a direction is probed */
		app_flow_data(&f, &config, APP_TO_CLIENT, true, (const uint8_t *)answers[i],
			      (uint32_t)strlen(answers[i]), 0, false, probe_emit, &k);
		assert_int_equal(app_flow_proto(&f), RULE_PROTO_HTTP);
		assert_int_equal(k.mismatches, i == 0 ? 1 : 0);
		assert_int_equal(app_flow_proto_dir(&f, APP_TO_SERVER), -1);
		assert_int_equal(app_flow_proto_dir(&f, APP_TO_CLIENT),
				 i == 0 ? RULE_PROTO_SSH : -1);
		app_flow_gone(&f);
	}
}

/* A DNS-shaped query is DNS on any port but those of the protocols that share its format. */
static void test_dns_shaped_protocols(void **unused)
{
	(void)unused;
	static const uint8_t query[] = {0x12, 0x34, 0x01, 0x00, 0,   1,	  0, 0, 0, 0, 0,
					0,    4,    'w',  'p',	'a', 'd', 0, 0, 1, 0, 1};
	struct app_config config = {.body_limit = 4096};
	static const struct {
		uint16_t port;
		bool dns;
	} cases[] = {{53, true}, {5300, true}, {5355, false}, {5353, false}, {137, false}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flow f;
		struct probe_sink k = {0};
		memset(&f, 0, sizeof(f));
		f.key.port[0] = 50000;
		f.key.port[1] = cases[i].port;
		bool found = app_flow_data(&f, &config, APP_TO_SERVER, false, query, sizeof(query),
					   0, true, probe_emit, &k);
		assert_int_equal(found, cases[i].dns);
		assert_int_equal(app_flow_proto(&f), cases[i].dns ? RULE_PROTO_DNS : -1);
		app_flow_gone(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows_complete),
	    cmocka_unit_test(test_table_is_the_list),
	    cmocka_unit_test(test_buffers_belong_to_the_row),
	    cmocka_unit_test(test_frames_belong_to_the_row),
	    cmocka_unit_test(test_eve_details_object),
	    cmocka_unit_test(test_protocol_mismatch),
	    cmocka_unit_test(test_dns_shaped_protocols),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
